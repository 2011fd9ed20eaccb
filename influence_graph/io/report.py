"""The ingest report: what was read, used, rejected, deduplicated and filtered.

Nothing is lost silently: for every source and in total,
``records_read == used + rejected + deduplicated + filtered``.

Examples
--------
>>> from influence_graph.io.report import IngestReport, SourceReport
>>> a = SourceReport("events.csv", records_read=10, used=7, rejected=1, deduplicated=1,
...                  filtered=1, reasons={"P_RANGE": 1, "DUP_EVENT": 1, "CAUSALITY": 1})
>>> r = IngestReport.from_sources([a])
>>> r.records_read, r.used, r.balanced
(10, 7, True)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["SourceReport", "IngestReport"]


@dataclass(frozen=True)
class SourceReport:
    """Counts for one input source (a file or a DataFrame).

    Attributes
    ----------
    source : str
        File path or a name such as ``"<events DataFrame>"``.
    records_read : int
        Logical records in the source, from an independent all-String scan.
    used, rejected, deduplicated, filtered : int
        Where each record went. ``rejected``: broke a rule (lenient mode only, strict
        raises); ``deduplicated``: identical copy of another record; ``filtered``:
        valid but left out by a documented rule (self-loop follow, retweet of an
        unknown post, …).
    reasons : dict of str to int
        Counts per rule code, for rejected, deduplicated and filtered records.
    warnings : tuple of str
        Things the user should know (ignored columns, missing optional fields, …).
    kind : str
        ``"events"``, ``"follows"``, ``"users"`` or ``"probabilities"``.
    """

    source: str
    records_read: int = 0
    used: int = 0
    rejected: int = 0
    deduplicated: int = 0
    filtered: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    kind: str = "events"

    @property
    def balanced(self) -> bool:
        """Whether ``records_read == used + rejected + deduplicated + filtered``."""
        return self.records_read == self.used + self.rejected + self.deduplicated + self.filtered


@dataclass(frozen=True)
class IngestReport:
    """What happened to every record of every source of a :class:`~influence_graph.Dataset`.

    Attributes
    ----------
    records_read, used, rejected, deduplicated, filtered : int
        Totals over all sources.
    reasons : dict of str to int
        Counts per rule code over all sources.
    sources : tuple of SourceReport
        The per-source reports.
    rejects_path : str or None
        Where lenient mode wrote the rejected records (``None`` when none or strict).
    strict : bool
        Whether the load ran in strict mode.
    notes : tuple of str
        Facts about the data set the user must know (e.g. "no post rows").
    """

    records_read: int = 0
    used: int = 0
    rejected: int = 0
    deduplicated: int = 0
    filtered: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    sources: tuple[SourceReport, ...] = ()
    rejects_path: str | None = None
    strict: bool = True
    notes: tuple[str, ...] = ()

    @classmethod
    def from_sources(
        cls,
        sources: list[SourceReport] | tuple[SourceReport, ...],
        *,
        rejects_path: str | None = None,
        strict: bool = True,
        notes: tuple[str, ...] = (),
    ) -> "IngestReport":
        """Sum per-source reports into one."""
        reasons: Counter[str] = Counter()
        for s in sources:
            reasons.update(s.reasons)
        return cls(
            records_read=sum(s.records_read for s in sources),
            used=sum(s.used for s in sources),
            rejected=sum(s.rejected for s in sources),
            deduplicated=sum(s.deduplicated for s in sources),
            filtered=sum(s.filtered for s in sources),
            reasons=dict(sorted(reasons.items())),
            sources=tuple(sources),
            rejects_path=rejects_path,
            strict=strict,
            notes=tuple(notes),
        )

    @property
    def balanced(self) -> bool:
        """Whether the nothing-lost identity holds in total and for every source."""
        total = self.records_read == self.used + self.rejected + self.deduplicated + self.filtered
        return total and all(s.balanced for s in self.sources)

    def to_polars(self):  # noqa: ANN201 - polars imported lazily
        """One row per source with its counts (and a ``total`` row).

        Examples
        --------
        >>> IngestReport.from_sources([SourceReport("a", 2, 2)]).to_polars().height
        2
        """
        import polars as pl

        rows = [
            {
                "source": s.source,
                "kind": s.kind,
                "records_read": s.records_read,
                "used": s.used,
                "rejected": s.rejected,
                "deduplicated": s.deduplicated,
                "filtered": s.filtered,
            }
            for s in self.sources
        ]
        rows.append(
            {
                "source": "total",
                "kind": "all",
                "records_read": self.records_read,
                "used": self.used,
                "rejected": self.rejected,
                "deduplicated": self.deduplicated,
                "filtered": self.filtered,
            }
        )
        return pl.DataFrame(rows)

    def __str__(self) -> str:
        lines = [
            f"records read {self.records_read:,}: used {self.used:,}, rejected {self.rejected:,}, "
            f"deduplicated {self.deduplicated:,}, filtered {self.filtered:,}"
        ]
        if self.reasons:
            lines.append("reasons: " + ", ".join(f"{k} {v:,}" for k, v in self.reasons.items()))
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)
