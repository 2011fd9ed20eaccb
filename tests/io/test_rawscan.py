"""The byte-level CSV scan agrees with Python's csv module on records, fields and lines."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from influence_graph.io._rawscan import scan_csv_bytes

FIELD = st.text(alphabet=["a", "b", ",", '"', "\n", "\u00e9", " ", ";"], max_size=6)


def reference(text: str):
    """(header, [(field_count, start_line)]) by the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    header = None
    prev = 0
    for row in reader:
        start = prev + 1
        prev = reader.line_num
        if header is None:
            header = row
            continue
        out.append((len(row) if row else 1, start))
    return header, out


@given(
    rows=st.lists(st.lists(FIELD, min_size=1, max_size=5), min_size=1, max_size=12),
    eol=st.sampled_from(["\n", "\r\n"]),
    chunk=st.sampled_from([1, 2, 3, 7, 64, 1 << 20]),
    trailing=st.booleans(),
)
def test_scan_matches_csv_module(rows, eol, chunk, trailing):
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerows(rows)
    text = buf.getvalue()
    if not trailing:
        text = text[: -len(eol)]
    header, ref = reference(text)
    scan = scan_csv_bytes(io.BytesIO(text.encode()), "x", chunk_size=chunk)
    assert scan.header == [h.strip() for h in header]
    assert scan.n_records == len(ref)
    blanks = set(scan.blank_records.tolist())
    bad = {b.record: b.n_fields for b in scan.bad_field_counts}
    for k, (n_fields, _) in enumerate(ref, start=1):
        if k in blanks:
            continue
        assert bad.get(k, len(header)) == n_fields
    assert scan.line_of(range(1, len(ref) + 1)).tolist() == [line for _, line in ref]
    assert scan.unclosed_quote is None and not scan.bad_encoding


def test_encoding_offsets_and_lines():
    data = b"a,b\nok,\xff\nfine,1\nx\xc3,\xe9\n"
    scan = scan_csv_bytes(io.BytesIO(data), "x", chunk_size=5)
    assert [(b.record, b.line, b.byte_offset) for b in scan.bad_encoding] == [(1, 2, 7), (3, 4, 17)]


def test_unclosed_quote_and_empty():
    scan = scan_csv_bytes(io.BytesIO(b'a,b\n1,2\n3,"4\n5,6\n'), "x")
    assert scan.unclosed_quote == (2, 3)
    assert scan_csv_bytes(io.BytesIO(b""), "x").empty
    assert scan_csv_bytes(io.BytesIO(b"\xef\xbb\xbf"), "x").empty
