"""Open one input source (CSV, CSV.gz, Parquet, polars frame) as a lazy frame.

Every source becomes a :class:`Source`: a ``polars.LazyFrame`` with the source's own
column names plus ``__record`` (1-based logical record), the number of records from an
independent count, the input's SHA-256 and, for CSV, the byte-level :class:`RawScan`.
Structural problems (empty file, duplicate header, unclosed quote, invalid UTF-8 in
strict mode, a UTF-16 file, a file whose name and bytes disagree, a file over the
memory budget) raise here, before any value is parsed. The format is sniffed from the
magic bytes, so a gzip file named ``.csv`` is read as gzip in every reader.

Examples
--------
>>> import polars as pl
>>> src = open_source(pl.DataFrame({"user": ["a"]}), "users")
>>> src.name, src.fmt, src.n_records, src.columns
('<users DataFrame>', 'frame', 1, ['user'])
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..exceptions import Failure, InputValidationError, MemoryBudgetError
from ._rawscan import RawScan, scan_csv_bytes

__all__ = ["Source", "open_source", "memory_budget", "RECORD"]

#: Name of the 1-based record column added to every staged frame.
RECORD = "__record"

#: Rough in-memory bytes per input byte, per format (strings plus polars overhead).
_EXPANSION = {"csv": 3.0, "csv.gz": 3.0, "parquet": 6.0}


@dataclass
class Source:
    """One opened input source.

    Attributes
    ----------
    name : str
        Path as given, or ``"<events DataFrame>"``.
    kind : str
        ``"events"``, ``"follows"`` or ``"users"``.
    fmt : str
        ``"csv"``, ``"csv.gz"``, ``"parquet"`` or ``"frame"``.
    lazy : polars.LazyFrame
        Source columns (CSV: all String) plus ``__record``.
    columns : list of str
        Source column names in order (CSV: from the header).
    n_records : int
        Records in the source, counted independently of ``lazy``.
    scan : RawScan or None
        Byte-level findings (CSV only).
    sha256 : str or None
        Digest of the file as stored (``None`` for frames).
    """

    name: str
    kind: str
    fmt: str
    lazy: pl.LazyFrame
    columns: list[str]
    n_records: int
    scan: RawScan | None = None
    sha256: str | None = None
    temp_path: str | None = None
    separator: str = ","
    warnings: list[str] = field(default_factory=list)

    @property
    def schema(self) -> dict[str, pl.DataType]:
        """Source dtypes (without ``__record``)."""
        sch = self.lazy.collect_schema()
        return {c: sch[c] for c in self.columns}

    def lines(self, records):  # noqa: ANN001, ANN201 - array-like in, list out
        """Physical lines of the given records (``None`` each for non-CSV sources)."""
        if self.scan is None:
            return [None] * len(records)
        return self.scan.line_of(records).tolist()

    def close(self) -> None:
        """Remove the temporary plain copy of a gzip source."""
        if self.temp_path and os.path.exists(self.temp_path):
            os.unlink(self.temp_path)
        self.temp_path = None


def memory_budget(max_memory: float | None = None) -> float:
    """Bytes a load may use: ``max_memory`` or half the available physical memory.

    Examples
    --------
    >>> memory_budget(1e9)
    1000000000.0
    >>> memory_budget() > 0
    True
    """
    if max_memory is not None:
        return float(max_memory)
    try:
        avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        avail = 8 * 1024**3
    return 0.5 * float(avail)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 64


def _utf16_kind(head: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` when ``head`` (a file's first bytes) looks like it, else None.

    A byte-order mark decides; without one, ASCII text in UTF-16 has a NUL in every
    other byte, which UTF-8 text (and so a CSV we can read) never has.

    Examples
    --------
    >>> _utf16_kind("user,p".encode("utf-16")), _utf16_kind(b"user,p"), _utf16_kind(b"")
    ('UTF-16', None, None)
    """
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    half = len(head) // 2
    if half >= 2 and max(head[0::2].count(0), head[1::2].count(0)) * 2 >= half:
        return "UTF-16"
    return None


def _sniff(path: Path) -> str | None:
    """Format told by the file's magic bytes: ``"csv.gz"``, ``"parquet"``, ``"zip"`` or None."""
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
        if head.startswith(_GZIP_MAGIC):
            return "csv.gz"
        if head.startswith(_ZIP_MAGIC):
            return "zip"
        if head.startswith(_PARQUET_MAGIC):
            size = path.stat().st_size
            if size >= 8:
                fh.seek(size - 4)
                if fh.read(4) == _PARQUET_MAGIC:
                    return "parquet"
    return None


def _format_by_name(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".csv.gz", ".tsv.gz", ".txt.gz", ".gz")):
        return "csv.gz"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    return "csv"


def _format_of(path: Path) -> str:
    """The file's format, from its content first: gzip and Parquet by magic bytes.

    A gzip file named ``.csv`` is read as gzip CSV and a Parquet file named ``.csv`` as
    Parquet (every reader opens files here, so all of them agree); a file whose name
    promises gzip or Parquet but whose bytes are not raises ``FILE_FORMAT``, and so does
    a zip archive.
    """
    sniffed = _sniff(path)
    named = _format_by_name(path)
    name = str(path)
    if sniffed == "zip":
        raise _fail(
            "FILE_FORMAT",
            name,
            "is a zip archive, not a CSV, gzip CSV or Parquet file",
            hint="unzip it and pass the CSV inside (gzip, .gz, is read directly)",
        )
    if sniffed is None and named != "csv":
        what = "gzip" if named == "csv.gz" else "Parquet"
        raise _fail(
            "FILE_FORMAT",
            name,
            f"is named like a {what} file but its bytes are not {what}",
            hint="rename the file to what it holds (e.g. .csv for plain text)",
        )
    return sniffed or "csv"


def _estimate(path: Path, fmt: str) -> float:
    size = path.stat().st_size
    if fmt == "csv.gz":
        with open(path, "rb") as fh:
            fh.seek(max(size - 4, 0))
            isize = int.from_bytes(fh.read(4), "little") if size >= 4 else 0
        plain = isize if isize >= size else size * 10  # ISIZE wraps at 4 GiB
        return plain * _EXPANSION["csv"]
    return size * _EXPANSION[fmt]


def _check_budget(path: Path, fmt: str, kind: str, max_memory: float | None) -> None:
    est = _estimate(path, fmt)
    budget = memory_budget(max_memory)
    if est > budget:
        raise MemoryBudgetError(
            est,
            budget,
            suggestion="pass a larger max_memory=, split the file, or convert it to Parquet",
            what=f"loading {kind} file {str(path)!r}",
        )


def _fail(rule: str, source: str, message: str, **kw: object) -> InputValidationError:
    return InputValidationError([Failure(rule=rule, file=source, message=message, **kw)])  # type: ignore[arg-type]


def _open_csv(
    path: Path, fmt: str, kind: str, *, separator: str, strict: bool, allow_empty: bool
) -> Source:
    name = str(path)
    temp_path = None
    opener = gzip.open if fmt == "csv.gz" else open
    try:
        with opener(path, "rb") as fh:  # type: ignore[operator]
            head = fh.read(_SNIFF_BYTES)
    except (OSError, EOFError):
        head = b""  # a damaged gzip stream: FILE_FORMAT below
    wide = _utf16_kind(head)
    if wide is not None:
        raise _fail(
            "ENCODING",
            name,
            f"is {wide}-encoded, not UTF-8"
            + (" (inside the gzip stream)" if fmt == "csv.gz" else ""),
            hint=f"re-encode the file as UTF-8, e.g. iconv -f {wide} -t UTF-8 in.csv > out.csv",
        )
    if fmt == "csv.gz":
        fd, temp_path = tempfile.mkstemp(prefix="influence_graph_", suffix=".csv")
        try:
            with os.fdopen(fd, "wb") as sink, gzip.open(path, "rb") as stream:
                scan = scan_csv_bytes(
                    stream, name, separator=separator, sink=sink, hash_input=False
                )
        except (OSError, EOFError) as exc:
            os.unlink(temp_path)
            raise _fail(
                "FILE_FORMAT", name, f"is gzip-compressed but cannot be decompressed ({exc})",
                hint="the file is truncated or damaged: compress it again",
            ) from None
        sha = _file_sha256(path)
        read_path = temp_path
    else:
        with open(path, "rb") as stream:
            scan = scan_csv_bytes(stream, name, separator=separator)
        sha = scan.sha256
        read_path = str(path)
    try:
        return _csv_source(
            scan, name, kind, fmt, read_path, temp_path, sha, separator, strict, allow_empty
        )
    except BaseException:
        if temp_path and os.path.exists(temp_path):
            os.unlink(temp_path)
        raise


def _csv_source(
    scan: RawScan,
    name: str,
    kind: str,
    fmt: str,
    read_path: str,
    temp_path: str | None,
    sha: str,
    separator: str,
    strict: bool,
    allow_empty: bool,
) -> Source:
    if scan.empty:
        if not allow_empty:
            raise _fail(
                "EMPTY_FILE",
                name,
                "file is empty (0 bytes)",
                hint="pass allow_empty=True to accept an empty source",
            )
        return Source(
            name,
            kind,
            fmt,
            pl.LazyFrame({RECORD: []}, schema={RECORD: pl.UInt32}),
            [],
            0,
            scan,
            sha,
            temp_path,
            separator,
        )
    if scan.unclosed_quote is not None:
        rec, line = scan.unclosed_quote
        raise _fail(
            "QUOTE_UNCLOSED",
            name,
            "a quoted field is never closed",
            record=rec,
            line=line,
            hint="check the quote characters of this record",
        )
    if scan.bad_encoding and (strict or any(b.record == 0 for b in scan.bad_encoding)):
        failures = [
            Failure(
                rule="ENCODING",
                file=name,
                record=b.record or None,
                line=b.line,
                value=b.raw.decode("utf-8", errors="replace"),
                message=f"is not valid UTF-8 (byte offset {b.byte_offset})",
                hint="re-encode the file as UTF-8, or pass strict=False to reject these records",
            )
            for b in scan.bad_encoding
        ]
        raise InputValidationError(failures, {"ENCODING": len(failures)})
    header = scan.header
    seen: dict[str, int] = {}
    dups = []
    for i, h in enumerate(header):
        if h in seen:
            dups.append(
                Failure(
                    rule="DUP_COLUMN",
                    file=name,
                    line=1,
                    column=h,
                    message=f"header names column {h!r} twice (fields {seen[h] + 1} and {i + 1})",
                    hint="rename one of the columns",
                )
            )
        seen.setdefault(h, i)
    if dups:
        raise InputValidationError(dups)
    raw_names = [f"__c{i}" for i in range(len(header))]
    lazy = pl.scan_csv(
        read_path,
        has_header=False,
        skip_rows=1,
        separator=separator,
        schema={c: pl.String for c in raw_names},
        truncate_ragged_lines=True,
        extra_columns="ignore",
        missing_columns="insert",
        encoding="utf8-lossy" if scan.bad_encoding else "utf8",
        row_index_name=RECORD,
        row_index_offset=1,
        raise_if_empty=False,
    ).rename(dict(zip(raw_names, header, strict=True)))
    return Source(
        name, kind, fmt, lazy, list(header), scan.n_records, scan, sha, temp_path, separator
    )


def _open_parquet(path: Path, kind: str) -> Source:
    name = str(path)
    lazy = pl.scan_parquet(path)
    cols = list(lazy.collect_schema().names())
    n = int(lazy.select(pl.len()).collect().item())
    return Source(
        name,
        kind,
        "parquet",
        lazy.with_row_index(RECORD, offset=1),
        cols,
        n,
        None,
        _file_sha256(path),
    )


def open_source(
    obj: object,
    kind: str,
    *,
    separator: str = ",",
    strict: bool = True,
    allow_empty: bool = False,
    max_memory: float | None = None,
) -> Source:
    """Open ``obj`` (path, polars DataFrame or LazyFrame) as a :class:`Source`.

    Parameters
    ----------
    obj : str, pathlib.Path, polars.DataFrame or polars.LazyFrame
        The input. The format comes from the bytes: gzip (``1f 8b``) is gzip CSV and
        ``PAR1`` … ``PAR1`` is Parquet whatever the name; anything else is CSV. A name
        ending ``.gz``/``.parquet``/``.pq`` whose bytes disagree, or a zip archive,
        raises ``FILE_FORMAT``; a UTF-16/UTF-32 file raises ``ENCODING``.
    kind : str
        ``"events"``, ``"follows"`` or ``"users"``.
    separator : str
        CSV field separator (one byte).
    strict : bool
        In strict mode invalid UTF-8 raises here; in lenient mode the records holding
        it are read lossily and rejected later.
    allow_empty : bool
        Accept a 0-byte file as an empty source instead of raising ``EMPTY_FILE``.
    max_memory : float, optional
        Memory budget in bytes for the loaded table (default: half the available
        memory); a file whose estimated size exceeds it raises before any read.

    Returns
    -------
    Source

    Raises
    ------
    InputValidationError
        ``EMPTY_FILE``, ``DUP_COLUMN``, ``QUOTE_UNCLOSED``, ``ENCODING``, ``FILE_FORMAT``.
    MemoryBudgetError
        The file would not fit the memory budget.
    FileNotFoundError
        The path does not exist.
    """
    if isinstance(obj, pl.DataFrame):
        obj = obj.lazy()
    if isinstance(obj, pl.LazyFrame):
        cols = list(obj.collect_schema().names())
        n = int(obj.select(pl.len()).collect().item())
        return Source(
            f"<{kind} DataFrame>", kind, "frame", obj.with_row_index(RECORD, offset=1), cols, n
        )
    if not isinstance(obj, (str, os.PathLike)):
        raise TypeError(
            f"The {kind!r} parameter must be a path (str or Path), a polars DataFrame or "
            f"LazyFrame; got {type(obj).__name__}"
        )
    path = Path(obj)
    if not path.is_file():
        raise FileNotFoundError(f"{kind} file not found: {str(path)!r}")
    fmt = _format_of(path)
    _check_budget(path, fmt, kind, max_memory)
    if fmt == "parquet":
        return _open_parquet(path, kind)
    if len(separator.encode()) != 1:
        raise InputValidationError.single(
            "BAD_PARAM",
            "The 'separator' parameter must be a single byte.",
            column="separator",
            value=separator,
        )
    return _open_csv(path, fmt, kind, separator=separator, strict=strict, allow_empty=allow_empty)
