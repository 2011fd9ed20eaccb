r"""Independent byte-level pass over a CSV file: records, lines, field counts, encoding.

The pass never trusts the CSV parser that reads the values (polars): it counts logical
records itself (quote-aware, so a quoted newline does not start a record), maps each
record to its first physical line, finds records whose field count differs from the
header's, and checks that the bytes are valid UTF-8, giving the byte offset of every
invalid sequence. It streams the file in chunks with numpy, so memory stays bounded by
the chunk size (plus the few anomalies it records) and 500k rows scan in a fraction of
a second.

Examples
--------
>>> import io
>>> scan = scan_csv_bytes(io.BytesIO(b'user,action\na,"po\nst"\nb,post,extra\n'), "e.csv")
>>> scan.header, scan.n_records, scan.line_of([1, 2]).tolist()
(['user', 'action'], 2, [2, 4])
>>> [(b.record, b.n_fields) for b in scan.bad_field_counts]
[(2, 3)]
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np

__all__ = ["BadRecord", "RawScan", "scan_csv_bytes"]

_COLLECT = threading.local()
_HANDLER = "influence_graph_collect_offsets"


def _collect_offsets(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    _COLLECT.offsets.append(exc.start)
    return ("\ufffd", exc.end)


codecs.register_error(_HANDLER, _collect_offsets)

#: Bad records whose bytes are kept (for messages and rejects); later ones keep only
#: their numbers, and the rejects file re-serialises them from their fields.
MAX_RAW_KEPT = 10_000

_CHUNK = 1 << 24  # 16 MiB of input per step
_BOM = b"\xef\xbb\xbf"
_NL = 10
_CR = 13


@dataclass(frozen=True)
class BadRecord:
    """A record whose field count differs from the header's, or with invalid UTF-8."""

    record: int
    line: int
    n_fields: int
    raw: bytes
    byte_offset: int | None = None  # set for encoding failures


@dataclass
class RawScan:
    r"""What the byte-level pass found in one CSV source.

    Attributes
    ----------
    header : list of str
        Header field names (BOM stripped, parsed with the csv module).
    n_records : int
        Logical data records (header excluded, blank lines included).
    bad_field_counts : list of BadRecord
        Records whose field count differs from the header's.
    bad_encoding : list of BadRecord
        Records holding invalid UTF-8 (``byte_offset``: absolute offset of the first
        invalid byte in the decompressed stream).
    blank_records : numpy.ndarray
        Record numbers of blank lines (empty or a lone ``\r``).
    unclosed_quote : tuple of (record, line) or None
        Where a quoted field that never closes starts.
    sha256 : str
        Digest of the bytes as read (the compressed bytes for ``.gz`` sources are
        hashed by the caller).
    empty : bool
        The source held no bytes at all (after a BOM).
    """

    header: list[str] = field(default_factory=list)
    n_records: int = 0
    bad_field_counts: list[BadRecord] = field(default_factory=list)
    bad_encoding: list[BadRecord] = field(default_factory=list)
    blank_records: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    unclosed_quote: tuple[int, int] | None = None
    sha256: str = ""
    empty: bool = False
    header_lines: int = 1
    _break_records: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    _break_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def line_of(self, records) -> np.ndarray:  # noqa: ANN001 - array-like of ints
        """Physical (1-based) line where each 1-based record starts.

        Records and lines agree (line = record + header lines) until a quoted newline
        or a multi-line header shifts them; only those shifts are stored.
        """
        rec = np.asarray(records, dtype=np.int64)
        base = rec + self.header_lines
        if self._break_records.size == 0:
            return base
        idx = np.searchsorted(self._break_records, rec, side="right") - 1
        shift = np.where(idx >= 0, self._break_lines[np.maximum(idx, 0)], 0)
        return base + shift


class _Scanner:
    """Chunked state machine behind :func:`scan_csv_bytes`."""

    def __init__(self, source: str, separator: bytes, quote: bytes | None, sink: BinaryIO | None):
        self.source = source
        self.sep = separator[0]
        self.quote = None if quote is None else quote[0]
        self.quote_byte = b"" if quote is None else quote[:1]
        self.sink = sink
        self.scan = RawScan()
        self.hasher = hashlib.sha256()
        self.n_fields: int | None = None  # from the header
        self.records_done = 0  # data records completed (header excluded)
        self.lines_done = 0  # physical lines completed before the current tail
        self.offset_done = 0  # absolute offset of the current tail's first byte
        self.header_seen = False
        self.breaks_rec: list[np.ndarray] = []
        self.breaks_shift: list[np.ndarray] = []
        self.last_shift = 0
        self.blanks: list[np.ndarray] = []
        self.started = False

    # -- one block of complete records ---------------------------------------------
    def _process(self, buf: bytes, final: bool) -> bytes:
        arr = np.frombuffer(buf, dtype=np.uint8)
        nl = np.flatnonzero(arr == _NL)
        if self.quote is not None and buf.find(self.quote_byte) != -1:  # memchr: cheap
            q = np.flatnonzero(arr == self.quote)
        else:
            q = np.zeros(0, np.int64)
        quoted_nl = False
        if q.size:
            # quoted regions are the intervals (q[0], q[1]), (q[2], q[3]), ...; an odd count
            # leaves the last one open to the end of the buffer. A doubled quote inside a
            # field closes and reopens a region, which changes nothing below.
            q_open = q[0::2]
            q_close = q[1::2] if q.size % 2 == 0 else np.append(q[1::2], len(buf))
            a = np.searchsorted(nl, q_open)
            b = np.searchsorted(nl, q_close)
            if (b > a).any():
                quoted_nl = True
                delta = np.zeros(nl.size + 1, np.int64)
                np.add.at(delta, a, 1)
                np.add.at(delta, b, -1)
                ends = nl[np.cumsum(delta[:-1]) == 0]
            else:
                ends = nl
        else:
            ends = nl
        tail_start = int(ends[-1]) + 1 if ends.size else 0
        if final and tail_start < len(buf):
            # last record without a trailing newline
            if q.size and (np.searchsorted(q, len(buf)) & 1):
                rec = self.records_done + (1 if self.header_seen else 0) + int(ends.size)
                self.scan.unclosed_quote = (max(rec, 1), self.lines_done + 1)
            ends = np.append(ends, len(buf))
            tail_start = len(buf)
        if ends.size == 0:
            return buf
        block = buf[:tail_start]
        self._check_encoding(block, ends)
        starts = np.empty_like(ends)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        # physical lines: the newline count before each record start
        if quoted_nl:
            nl_before_start = np.searchsorted(nl, starts)
        else:  # every newline ends a record
            nl_before_start = np.arange(ends.size, dtype=np.int64)
        start_lines = self.lines_done + nl_before_start + 1
        # field counts: separators outside quotes inside each record
        sp = np.flatnonzero(arr[:tail_start] == self.sep)
        cum = np.searchsorted(sp, ends)  # separators before each record's end
        seps = np.diff(cum, prepend=0)
        if q.size and sp.size:
            # take out separators inside quoted regions, counted per region then per record
            inside = np.searchsorted(sp, q_close) - np.searchsorted(sp, q_open)
            hit = inside > 0
            if hit.any():
                rec_of = np.minimum(np.searchsorted(ends, q_open[hit]), ends.size - 1)
                seps = seps - np.bincount(rec_of, weights=inside[hit], minlength=ends.size).astype(
                    np.int64
                )
        lengths = ends - starts
        last_byte = arr[np.maximum(ends - 1, 0)]
        blank = (lengths == 0) | ((lengths == 1) & (last_byte == _CR))
        first = 0
        if not self.header_seen:
            # the header is the first record (blank lines before it are an error of
            # the header: we take the first record as is)
            hb = bytes(buf[int(starts[0]) : int(ends[0])])
            self._read_header(hb)
            self.scan.header_lines = (
                int(np.searchsorted(nl, ends[0], side="right")) if ends[0] < len(buf) else 1
            )
            self.scan.header_lines = max(self.scan.header_lines, 1)
            first = 1
        recs = np.arange(ends.size - first, dtype=np.int64) + self.records_done + 1
        if recs.size:
            s_lines = start_lines[first:]
            shift = s_lines - recs - self.scan.header_lines
            change = np.flatnonzero(np.diff(np.concatenate(([self.last_shift], shift))) != 0)
            if change.size:
                self.breaks_rec.append(recs[change])
                self.breaks_shift.append(shift[change])
                self.last_shift = int(shift[-1])
            b = blank[first:]
            if b.any():
                self.blanks.append(recs[b])
            nf = seps[first:] + 1
            bad = np.flatnonzero((nf != self.n_fields) & ~b)
            for i in bad:
                s, e = int(starts[first + i]), int(ends[first + i])
                keep = len(self.scan.bad_field_counts) < MAX_RAW_KEPT
                raw = bytes(buf[s:e]).rstrip(b"\r") if keep else b""
                self.scan.bad_field_counts.append(
                    BadRecord(int(recs[i]), int(s_lines[i]), int(nf[i]), raw)
                )
        self.records_done += int(recs.size)
        self.lines_done += int(np.searchsorted(nl, tail_start))
        self.offset_done += tail_start
        return buf[tail_start:]

    def _read_header(self, hb: bytes) -> None:
        self.header_seen = True
        text = hb.rstrip(b"\r").decode("utf-8", errors="replace")
        row = next(
            csv.reader(
                [text],
                delimiter=chr(self.sep),
                quotechar=chr(self.quote or 0) if self.quote else None,
                quoting=csv.QUOTE_MINIMAL if self.quote else csv.QUOTE_NONE,
            ),
            [],
        )
        self.scan.header = [h.strip() for h in row]
        self.n_fields = len(row)

    def _check_encoding(self, block: bytes, ends: np.ndarray) -> None:
        if block.isascii():
            return
        try:
            block.decode("utf-8")
            return
        except UnicodeDecodeError:
            pass
        _COLLECT.offsets = []
        block.decode("utf-8", errors=_HANDLER)
        offsets: list[int] = _COLLECT.offsets
        _COLLECT.offsets = []
        if not offsets:
            return
        off = np.asarray(offsets, dtype=np.int64)
        rec_idx = np.searchsorted(ends, off)  # index of the record holding each offset
        seen: set[int] = set()
        arr_nl = np.frombuffer(block, dtype=np.uint8)
        for o, ri in zip(off.tolist(), rec_idx.tolist(), strict=True):
            if ri in seen:
                continue
            seen.add(ri)
            s = 0 if ri == 0 else int(ends[ri - 1]) + 1
            e = int(ends[ri]) if ri < ends.size else len(block)
            header_adj = 0 if self.header_seen else 1
            rec = self.records_done + ri + 1 - header_adj
            line = self.lines_done + int(np.count_nonzero(arr_nl[:o] == _NL)) + 1
            self.scan.bad_encoding.append(
                BadRecord(rec, line, -1, bytes(block[s:e]).rstrip(b"\r"), self.offset_done + o)
            )

    # -- driver ------------------------------------------------------------------------
    def feed(self, data: bytes, tail: bytes, final: bool) -> bytes:
        if not self.started:
            self.started = True
            if data.startswith(_BOM):
                data = data[len(_BOM) :]
                self.offset_done = len(_BOM)
        if self.sink is not None and data:
            self.sink.write(data)
        buf = tail + data if tail else data
        if not buf:
            return b""
        return self._process(buf, final)

    def finish(self) -> RawScan:
        sc = self.scan
        sc.n_records = self.records_done
        if self.breaks_rec:
            sc._break_records = np.concatenate(self.breaks_rec)
            sc._break_lines = np.concatenate(self.breaks_shift)
        if self.blanks:
            sc.blank_records = np.concatenate(self.blanks)
        sc.sha256 = self.hasher.hexdigest()
        return sc


def scan_csv_bytes(
    stream: BinaryIO,
    source: str,
    *,
    separator: str = ",",
    quote_char: str | None = '"',
    sink: BinaryIO | None = None,
    hash_input: bool = True,
    chunk_size: int = _CHUNK,
) -> RawScan:
    """Scan a binary CSV stream once; see :class:`RawScan` for what it reports.

    Parameters
    ----------
    stream : binary file object
        Decompressed bytes of the CSV.
    source : str
        Name used in messages.
    separator, quote_char : str
        Single-byte field separator and quote character.
    sink : binary file object, optional
        Receives a copy of the bytes (BOM stripped), e.g. a temporary plain file for
        a gzip source that polars then scans lazily.
    hash_input : bool
        Whether to compute the SHA-256 of the bytes read.
    chunk_size : int
        Bytes read per step.

    Returns
    -------
    RawScan
    """
    sc = _Scanner(
        source, separator.encode(), None if quote_char is None else quote_char.encode(), sink
    )
    tail = b""
    total = 0
    # hashing releases the GIL: digest chunk k in a worker while chunk k is scanned
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        while True:
            data = stream.read(chunk_size)
            if pending is not None:
                pending.result()
                pending = None
            if hash_input and data:
                pending = pool.submit(sc.hasher.update, data)
            total += len(data)
            final = not data
            tail = sc.feed(data, tail, final)
            if final:
                break
        if pending is not None:
            pending.result()
    scan = sc.finish()
    scan.empty = total == 0 or (total == len(_BOM) and not scan.header)
    if not sc.header_seen:
        scan.header = []
    return scan
