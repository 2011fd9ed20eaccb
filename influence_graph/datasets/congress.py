"""SNAP congress-twitter: measured transmission probabilities among the 117th US Congress.

Fink, Omodt, Zinnecker & Sprint (2023), "A Congressional Twitter network dataset
quantifying pairwise probability of influence", *Data in Brief*; Fink et al. (2023),
"A centrality measure for quantifying spread on weighted, directed networks", *Physica A*.
https://snap.stanford.edu/data/congress-twitter.html

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.congress()                           # doctest: +SKIP
>>> ds.n_users, ds.probabilities.height                   # doctest: +SKIP
(475, 13289)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ..io.dataset import Dataset, make_dataset
from ..exceptions import Failure, InputValidationError
from ..io.report import IngestReport, SourceReport
from ._fetch import locate
from ._registry import entry

__all__ = ["congress", "parse_congress", "tweet_counts"]

_FILE = "congress_network_data.json"
_KEYS = ("inList", "inWeight", "outList", "outWeight", "usernameList")
_NOTES = (
    "Congress has no events, no timestamps and no follower graph: ds.events is empty and "
    "ds.follows is None; the data are measured transmission probabilities (ds.probabilities).",
    "p(source -> target) = share of source's tweets (9 Feb - 9 Jun 2022) that target retweeted, "
    "quoted, replied to or mentioned: content moves source -> target.",
    "ds.users['tweets'] = the smallest T >= 1 with every out-weight of the member a "
    "multiple of 1/T "
    "(1/gcd of the weights): an estimate of the member's tweet count in the window.",
)


def _bad(
    message: str,
    *,
    file: str,
    column: str | None = None,
    record: int | None = None,
    value: object = None,
    rule: str = "CONGRESS_FORMAT",
) -> InputValidationError:
    return InputValidationError(
        [
            Failure(
                rule=rule,
                file=file,
                record=record,
                column=column,
                value=None if value is None else str(value),
                message=message,
            )
        ]
    )


def tweet_counts(
    weights: list[list[float]], *, tol: float = 1e-6, max_multiple: int = 10_000
) -> list[int | None]:
    """Smallest T ≥ 1 per member such that every ``w * T`` is within ``tol`` of an integer.

    A member's out-weights are k/T_i (engagements over tweets), so the smallest such T is
    1/gcd of the weights. Any valid T makes ``min(w) * T`` an integer m, so candidates
    are ``round(m / min(w))`` for m = 1, 2, …; the first that fits is the smallest.
    Members without out-weights get ``None``.

    Examples
    --------
    >>> tweet_counts([[0.25, 0.5], [1/3, 2/3, 1/3], []])
    [4, 3, None]
    >>> tweet_counts([[0.4, 0.6]])   # 2/5 and 3/5
    [5]
    """
    out: list[int | None] = []
    for ws in weights:
        if len(ws) == 0:
            out.append(None)
            continue
        w = np.asarray(ws, dtype=np.float64)
        wmin = float(w.min())
        found = None
        for m in range(1, max_multiple + 1):
            t = round(m / wmin)
            if t >= 1:
                x = w * t
                if np.all(np.abs(x - np.round(x)) <= tol):
                    found = int(t)
                    break
        out.append(found)
    return out


def parse_congress(obj: Any, *, file: str = "<congress JSON>") -> tuple[pl.DataFrame, pl.DataFrame]:
    """Turn the parsed ``congress_network_data.json`` into probability and user tables.

    Checks the structure (a one-element list of a dict with the five keys, parallel
    lists of equal lengths, indices within ``usernameList``, unique non-empty names),
    that every p is in (0, 1] [P_RANGE], and that ``inList``/``inWeight`` hold exactly
    the edges of ``outList``/``outWeight`` seen from the receiving side [INOUT_MISMATCH].

    Returns
    -------
    probabilities : polars.DataFrame
        ``source`` (username i), ``target`` (username of ``outList[i][k]``), ``p``
        (``outWeight[i][k]``), sorted by (source, target).
    users : polars.DataFrame
        ``user``, ``tweets`` (Int64; see :func:`tweet_counts`), sorted by user.

    Raises
    ------
    InputValidationError
        Rules CONGRESS_FORMAT, P_RANGE, INOUT_MISMATCH, DUP_EDGE_CONFLICT.

    Examples
    --------
    >>> obj = [{"usernameList": ["a", "b"], "outList": [[1], []], "outWeight": [[0.5], []],
    ...         "inList": [[], [0]], "inWeight": [[], [0.5]]}]
    >>> p, u = parse_congress(obj)
    >>> p.rows(), u.rows()
    ([('a', 'b', 0.5)], [('a', 2), ('b', None)])
    """
    if isinstance(obj, list):
        if len(obj) != 1:
            raise _bad(f"expected a one-element list, got {len(obj)} elements", file=file)
        obj = obj[0]
    if not isinstance(obj, dict):
        raise _bad(
            f"expected a JSON object with keys {', '.join(_KEYS)}, got {type(obj).__name__}",
            file=file,
        )
    missing = [k for k in _KEYS if k not in obj]
    if missing:
        raise _bad(
            f"missing keys (available: {', '.join(map(repr, obj))})",
            file=file,
            column=", ".join(missing),
            rule="MISSING_COLUMN",
        )
    names = obj["usernameList"]
    n = len(names)
    if any(not isinstance(x, str) or not x for x in names):
        i = next(i for i, x in enumerate(names) if not isinstance(x, str) or not x)
        raise _bad(
            "is not a non-empty username",
            file=file,
            column="usernameList",
            record=i + 1,
            value=names[i],
            rule="ID_MISSING",
        )
    if len(set(names)) != n:
        seen: set[str] = set()
        dup = next(x for x in names if x in seen or seen.add(x))  # type: ignore[func-returns-value]
        raise _bad(
            "appears twice in usernameList",
            file=file,
            column="usernameList",
            value=dup,
            rule="DUP_ID",
        )
    for k in ("inList", "inWeight", "outList", "outWeight"):
        if len(obj[k]) != n:
            raise _bad(f"has {len(obj[k])} entries, usernameList has {n}", file=file, column=k)

    def edges(lists_key: str, weights_key: str) -> pl.DataFrame:
        src, dst, ps = [], [], []
        for i, (lst, wts) in enumerate(zip(obj[lists_key], obj[weights_key], strict=True)):
            if len(lst) != len(wts):
                raise _bad(
                    f"member {names[i]!r} has {len(lst)} ids but {len(wts)} weights",
                    file=file,
                    column=weights_key,
                    record=i + 1,
                )
            src.extend([i] * len(lst))
            dst.extend(lst)
            ps.extend(wts)
        try:
            df = pl.DataFrame(
                {"i": src, "j": dst, "p": ps},
                schema={"i": pl.Int64, "j": pl.Int64, "p": pl.Float64},
                strict=True,
            )
        except (TypeError, pl.exceptions.PolarsError) as exc:
            raise _bad(
                f"ids must be integers and weights numbers ({exc})", file=file, column=lists_key
            ) from None
        bad = df.filter(~pl.col("j").is_between(0, n - 1))
        if bad.height:
            r = bad.row(0, named=True)
            raise _bad(
                f"index is outside usernameList (0..{n - 1})",
                file=file,
                column=lists_key,
                record=r["i"] + 1,
                value=r["j"],
            )
        return df

    out = edges("outList", "outWeight")
    inn = edges("inList", "inWeight").select(pl.col("j").alias("i"), pl.col("i").alias("j"), "p")
    bad_p = out.filter(~(pl.col("p") > 0) | (pl.col("p") > 1) | pl.col("p").is_nan())
    if bad_p.height:
        fails = [
            Failure(
                rule="P_RANGE",
                file=file,
                record=r["i"] + 1,
                column="outWeight",
                value=repr(r["p"]),
                message=f"weight of {names[r['i']]!r} -> {names[r['j']]!r} is not a "
                "probability in (0, 1]",
            )
            for r in bad_p.head(50).iter_rows(named=True)
        ]
        raise InputValidationError(fails, {"P_RANGE": bad_p.height})
    if out.select(pl.struct("i", "j").is_duplicated().any()).item():
        r = out.filter(pl.struct("i", "j").is_duplicated()).row(0, named=True)
        raise _bad(
            f"edge {names[r['i']]!r} -> {names[r['j']]!r} is listed twice",
            file=file,
            column="outList",
            record=r["i"] + 1,
            rule="DUP_EDGE_CONFLICT",
        )
    cmp = out.join(inn, on=["i", "j"], how="full", coalesce=True, suffix="_in")
    off = cmp.filter(
        pl.col("p").is_null()
        | pl.col("p_in").is_null()
        | ((pl.col("p") - pl.col("p_in")).abs() > 1e-12)
    )
    if off.height or inn.height != out.height:
        r = off.row(0, named=True) if off.height else {"i": 0, "j": 0, "p": None, "p_in": None}
        raise _bad(
            "inList/inWeight disagree with outList/outWeight on "
            f"{max(off.height, 1):,} edges; first: "
            f"{names[r['i']]!r} -> {names[r['j']]!r} out {r['p']} vs in {r['p_in']}",
            file=file,
            column="inList",
            rule="INOUT_MISMATCH",
        )
    name_s = pl.Series("name", names, dtype=pl.String)
    probs = out.select(
        name_s.gather(out["i"]).alias("source"),
        name_s.gather(out["j"]).alias("target"),
        "p",
    ).sort("source", "target")
    users = pl.DataFrame(
        {"user": names, "tweets": tweet_counts(obj["outWeight"])},
        schema={"user": pl.String, "tweets": pl.Int64},
    ).sort("user")
    return probs, users


def congress(
    data_dir: str | os.PathLike | None = None,
    *,
    verify: bool = True,
    download: bool = True,
) -> Dataset:
    """Load the SNAP congress-twitter network: 475 members, 13,289 measured probabilities.

    ``ds.probabilities`` holds ``(source, target, p)`` from ``outList``/``outWeight``:
    source = ``usernameList[i]``, target = ``usernameList[outList[i][k]]``,
    p = ``outWeight[i][k]``, the share of i's tweets (9 Feb – 9 Jun 2022) that the target
    retweeted, quoted, replied to or mentioned — content moves source → target, the
    package's edge orientation. ``inList``/``inWeight`` must describe the same edges.

    The file is looked for in ``data_dir``, ``$INFLUENCE_GRAPH_DATA/congress``, the user
    cache, then downloaded from SNAP (``congress_network.zip``) when ``download`` is true;
    its SHA-256 is always verified when ``verify`` is true.

    Parameters
    ----------
    data_dir : path-like, optional
        Folder holding ``congress_network_data.json`` (or holding ``congress/``).
    verify : bool, default True
        Check the SHA-256 against the registry.
    download : bool, default True
        Download the file when no place has it.

    Returns
    -------
    Dataset
        ``probabilities``: ``source``, ``target``, ``p`` (13,289 rows, sorted).
        ``users``: ``user`` (475 usernames, sorted) and ``tweets`` (Int64: 1/gcd of the
        member's out-weights, smallest 100, median 315). ``events``: empty (canonical
        schema). ``follows``: None. ``ingest``: one SourceReport and notes.

    Raises
    ------
    DataNotFoundError
        The file is nowhere (the message lists every place looked).
    ChecksumError
        Its SHA-256 differs from the registered one.
    InputValidationError
        Malformed JSON or structure, p outside (0, 1], or in/out lists that disagree.

    Notes
    -----
    The data set has **no events, no timestamps and no follower graph**: activity
    metrics are zero for every member, and any diffusion runs on ``ds.probabilities``
    directly (they are independent-cascade transmission probabilities).

    References
    ----------
    .. [1] C. G. Fink, N. Omodt, S. Zinnecker, G. Sprint, "A Congressional Twitter network
       dataset quantifying pairwise probability of influence", Data in Brief (2023).
    .. [2] C. G. Fink et al., "A centrality measure for quantifying spread on weighted,
       directed networks", Physica A (2023).

    Examples
    --------
    >>> import influence_graph as ig
    >>> ds = ig.datasets.congress()                               # doctest: +SKIP
    >>> ds.users["tweets"].min(), int(ds.users["tweets"].median())  # doctest: +SKIP
    (100, 315)
    """
    loc = locate(
        entry("congress", _FILE), data_dir=data_dir, verify=verify, download_missing=download
    )
    assert loc is not None
    path = Path(loc.path)
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise _bad(f"is not UTF-8 (byte {exc.start})", file=str(path), rule="ENCODING") from None
    except json.JSONDecodeError as exc:
        raise InputValidationError(
            [Failure(rule="JSON_PARSE", file=str(path), line=exc.lineno, message=exc.msg)]
        ) from None
    probs, users = parse_congress(obj, file=str(path))
    src = SourceReport(
        str(path), records_read=probs.height, used=probs.height, kind="probabilities"
    )
    ingest = IngestReport.from_sources([src], notes=_NOTES)
    provenance = {
        "loader": "influence_graph.datasets.congress",
        "files": {
            "congress": {
                "path": str(path),
                "source": loc.source,
                "sha256": loc.sha256,
                "verified": loc.verified,
            }
        },
        "settings": {"verify": verify, "download": download},
    }
    return make_dataset(
        probabilities=probs, users=users, ingest=ingest, name="congress", provenance=provenance
    )
