"""Edge-row helpers shared by the graph builders."""

from __future__ import annotations

import polars as pl

__all__ = ["aggregate"]


def aggregate(edges: pl.DataFrame) -> pl.DataFrame:
    """Collapse repeated (source, target) pairs (weights summed), drop self-loops and nulls.

    Examples
    --------
    >>> e = pl.DataFrame({"source": ["a", "a", "b"], "target": ["b", "b", "b"],
    ...                   "weight": [1.0, 2.0, 1.0]})
    >>> aggregate(e).rows()
    [('a', 'b', 3.0)]
    """
    return (
        edges.filter(
            pl.col("source").is_not_null(),
            pl.col("target").is_not_null(),
            pl.col("source") != pl.col("target"),
        )
        .group_by("source", "target")
        .agg(pl.col("weight").sum())
        .sort("source", "target")
    )
