"""Write CSV files that a spreadsheet opens without running formulas (CSV injection).

Every CSV the package writes goes through :func:`write_safe_csv`. Following the OWASP
CSV-injection rule, a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a single quote ``'`` in front, so that Excel, LibreOffice or
Google Sheets show it as text instead of evaluating it (``=HYPERLINK(...)``,
``@SUM(...)``, ``-2+3``). Only String (and Categorical/Enum) columns are touched:
numbers stay numbers, and a negative number is a number, not a formula. Column names
get the same treatment. The Parquet files written beside the CSVs stay byte-exact.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"user": ['=HYPERLINK("x")', "-1", "alice"], "spread": [1.5, -2.0, 3.0]})
>>> neutralize_formulas(df).rows()
[('\\'=HYPERLINK("x")', 1.5), ("'-1", -2.0), ('alice', 3.0)]
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

__all__ = ["FORMULA_PREFIXES", "neutralize_formulas", "write_safe_csv"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_PATTERN = r"^[=+\-@\t\r]"


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def neutralize_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Return ``df`` with every text cell (and column name) that could be a formula quoted.

    Parameters
    ----------
    df : polars.DataFrame

    Returns
    -------
    polars.DataFrame
        Same shape; String, Categorical and Enum columns become String with a ``'``
        in front of each value starting with one of :data:`FORMULA_PREFIXES`; other
        columns unchanged.

    Examples
    --------
    >>> import polars as pl
    >>> neutralize_formulas(pl.DataFrame({"@x": ["+1", "\\tcmd", None], "n": [-1, 2, 3]})).rows(named=True)[0]
    {"'@x": "'+1", 'n': -1}
    """
    if not isinstance(df, pl.DataFrame):
        raise TypeError(f"The 'df' parameter must be a polars DataFrame; got {type(df).__name__}")
    exprs = []
    for name, dtype in df.schema.items():
        if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
            c = pl.col(name).cast(pl.String)
            exprs.append(
                pl.when(c.str.contains(_PATTERN)).then(pl.lit("'") + c).otherwise(c).alias(name)
            )
    out = df.with_columns(exprs) if exprs else df
    renames = {c: _safe(c) for c in out.columns if _safe(c) != c}
    return out.rename(renames) if renames else out


def write_safe_csv(df: pl.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` as CSV, with formula-like text cells neutralised.

    Parameters
    ----------
    df : polars.DataFrame
        The table (numbers are written as numbers; see :func:`neutralize_formulas`).
    path : str or Path
        Output file (its folder must exist); a name ending in ``.gz`` is written
        gzip-compressed.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import polars as pl, tempfile, pathlib
    >>> p = write_safe_csv(pl.DataFrame({"user": ["=1+1"], "x": [-1]}),
    ...                    pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> p.read_text()
    "user,x\\n'=1+1,-1\\n"
    >>> import gzip
    >>> gz = write_safe_csv(pl.DataFrame({"user": ["@a"]}), p.with_name("t.csv.gz"))
    >>> gzip.decompress(gz.read_bytes()).decode()
    "user\\n'@a\\n"
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"The 'path' parameter must be a str or Path; got {type(path).__name__}")
    path = Path(path)
    if path.suffix == ".gz":
        import gzip

        with gzip.open(path, "wb", compresslevel=6) as f:
            neutralize_formulas(df).write_csv(f)
        return path
    neutralize_formulas(df).write_csv(path)
    return path
