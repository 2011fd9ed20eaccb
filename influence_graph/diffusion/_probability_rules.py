"""The rules a probability table must follow, written once.

Both entry points use these functions: :func:`~influence_graph.diffusion.probabilities.validate_probabilities`
(returns the checked polars table; names conflicting duplicates ``DUP_EDGE_CONFLICT``)
and :func:`~influence_graph.diffusion.probability_graph.to_probability_graph` (checks
while it builds the CSR: a fast count decides, and on any failure the same
:func:`raise_failures` lists them).

Rules (1-based ``record`` = row number): ``MISSING_COLUMN``, ``ID_TYPE``, ``P_TYPE``,
``ID_MISSING``, ``P_MISSING``, ``P_NAN``, ``P_RANGE`` (p < 0, p > 1 or ±inf),
``SELF_LOOP``, ``DUP_EDGE`` / ``DUP_EDGE_CONFLICT``.

Examples
--------
>>> import polars as pl
>>> t = pl.DataFrame({"source": ["a", "a"], "target": ["b", "b"], "p": [0.1, 0.1]})
>>> raise_failures(canonical(t, "edges"), "edges", conflicts=True)
Traceback (most recent call last):
...
influence_graph.exceptions.InputValidationError: edges: record 1, column 'p': '0.1' edge 'a' → 'b': edge appears on more than one row (identical copies) [rule=DUP_EDGE] ...
"""

from __future__ import annotations

import polars as pl

from .._validation import check_columns
from ..exceptions import Failure, InputValidationError

__all__ = ["MAX_LIST", "canonical", "id_column", "p_column", "row_counts", "raise_failures"]

#: Failures listed per error (all are counted).
MAX_LIST = 50


def id_column(table: pl.DataFrame, col: str, what: str) -> pl.Series:
    """``source`` or ``target`` as String ids; anything else is ``ID_TYPE``."""
    s = table.get_column(col)
    if s.dtype == pl.String:
        return s
    if isinstance(s.dtype, (pl.Categorical, pl.Enum)) or s.dtype == pl.Null:
        return s.cast(pl.String)
    raise InputValidationError.single(
        "ID_TYPE", f"must hold String ids, found {s.dtype} (ids are opaque strings; cast them "
        "explicitly, e.g. pl.col(...).cast(pl.String))", file=what, column=col)


def p_column(table: pl.DataFrame, what: str) -> pl.Series:
    """``p`` as Float64; a non-numeric column is ``P_TYPE``."""
    s = table.get_column("p")
    if s.dtype == pl.Float64:
        return s
    if s.dtype.is_numeric() or s.dtype == pl.Null:
        return s.cast(pl.Float64)
    raise InputValidationError.single(
        "P_TYPE", f"must be numeric (Float64), found {s.dtype}", file=what, column="p")


def canonical(table: pl.DataFrame, what: str) -> pl.DataFrame:
    """The three columns with canonical dtypes (after the column and type rules)."""
    if isinstance(table, pl.LazyFrame):
        table = table.collect()
    if not isinstance(table, pl.DataFrame):
        raise TypeError(f"probabilities must be a polars DataFrame; got {type(table).__name__}")
    check_columns(table, ["source", "target", "p"], what=what)
    return pl.DataFrame(
        [id_column(table, "source", what), id_column(table, "target", what), p_column(table, what)]
    )


def _row_rules(loops: bool) -> dict[str, tuple[pl.Expr, str, str]]:
    p = pl.col("p")
    rules = {
        "ID_MISSING": (pl.col("source").is_null() | pl.col("target").is_null(), "source",
                       "user id is missing"),
        "P_MISSING": (p.is_null(), "p", "p is missing"),
        "P_NAN": (p.is_nan(), "p", "p is NaN"),
        "P_RANGE": (p.is_infinite() | (p.is_not_nan() & ((p < 0) | (p > 1))), "p",
                    "is not a probability in [0, 1]"),
        "SELF_LOOP": (pl.col("source") == pl.col("target"), "target",
                      "self-loop (source == target) cannot change any spread; drop it"),
    }
    if not loops:
        del rules["SELF_LOOP"]
    return rules


def row_counts(frame: pl.DataFrame, *, loops: bool = True) -> dict[str, int]:
    """How many rows break each row rule (one pass; ``loops=False`` skips SELF_LOOP)."""
    rules = _row_rules(loops)
    counts = frame.select(
        [e.fill_null(False).sum().alias(r) for r, (e, _, _) in rules.items()]
    ).row(0)
    return {r: int(c) for r, c in zip(rules, counts) if c}


def _fail(rule: str, what: str, rec: int, col: str, value: object, message: str,
          hint: str | None = None) -> Failure:
    return Failure(rule=rule, file=what, record=rec, column=col,
                   value=None if value is None else str(value), message=message, hint=hint)


def raise_failures(frame: pl.DataFrame, what: str, *, conflicts: bool) -> None:
    """Raise one InputValidationError listing every failure of ``frame``; return if none.

    ``frame`` is :func:`canonical`'s. Duplicated (source, target) pairs: with
    ``conflicts=True`` every row of the pair is listed, as ``DUP_EDGE_CONFLICT`` when
    the copies disagree on p and ``DUP_EDGE`` when identical; with ``conflicts=False``
    each repeat is ``DUP_EDGE``, naming the record of the first copy.
    """
    t = frame.with_row_index("_record", offset=1)
    failures: list[Failure] = []
    counts: dict[str, int] = {}
    for rule, (expr, col, message) in _row_rules(True).items():
        bad = t.filter(expr.fill_null(False))
        if not bad.height:
            continue
        counts[rule] = bad.height
        for rec, src, tgt, pv in bad.head(MAX_LIST).select(
            "_record", "source", "target", "p"
        ).iter_rows():
            here = ("source" if src is None else "target") if rule == "ID_MISSING" else col
            value = None if rule == "ID_MISSING" else {"source": src, "target": tgt, "p": pv}[col]
            failures.append(_fail(rule, what, int(rec), here, value,
                                  f"edge {src!r} → {tgt!r}: {message}"))
    dup = t.filter(pl.struct("source", "target").is_duplicated())
    if dup.height:
        info = dup.group_by("source", "target").agg(
            k=pl.col("p").n_unique(), first=pl.col("_record").min()
        )
        dup = dup.join(info, on=["source", "target"]).sort("_record")
        if not conflicts:
            dup = dup.filter(pl.col("_record") != pl.col("first"))
        for row in dup.iter_rows(named=True):
            sub = "DUP_EDGE_CONFLICT" if conflicts and row["k"] > 1 else "DUP_EDGE"
            counts[sub] = counts.get(sub, 0) + 1
            if len(failures) >= MAX_LIST:
                continue
            src, tgt = row["source"], row["target"]
            if conflicts:
                kind = "with conflicting p" if row["k"] > 1 else "(identical copies)"
                failures.append(_fail(sub, what, row["_record"], "p", row["p"],
                                      f"edge {src!r} → {tgt!r}: edge appears on more than "
                                      f"one row {kind}"))
            else:
                failures.append(_fail(
                    sub, what, row["_record"], "target", tgt,
                    f"duplicate edge (first at record {row['first']})",
                    hint=f"edge {src!r} → {tgt!r} appears more than once; combine the copies "
                    "(e.g. 1 - prod(1 - p)) first"))
    if failures:
        raise InputValidationError(failures[:MAX_LIST], counts)
