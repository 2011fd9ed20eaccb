"""The planted passionate-and-influential users of a topic, shared by the synthetic worlds."""

from __future__ import annotations

import polars as pl

from .._validation import check_number

__all__ = ["planted_leaders"]


def planted_leaders(
    spread: pl.DataFrame, share: pl.DataFrame, *, min_share: float, top_share: float
) -> pl.DataFrame:
    """Users whose planted post share is ≥ ``min_share`` and whose true topic spread is
    among the ``top_share`` largest of all users (ties at the boundary included).

    ``spread``: ``user``, ``spread`` for every user; ``share``: ``user``, ``post_share``.
    Returns ``user``, ``post_share``, ``spread``, ``rank`` sorted by rank.

    Examples
    --------
    >>> s = pl.DataFrame({"user": list("abcd"), "spread": [5.0, 4.0, 3.0, 1.0]})
    >>> m = pl.DataFrame({"user": list("abcd"), "post_share": [0.2, 0.9, 0.6, 1.0]})
    >>> planted_leaders(s, m, min_share=0.5, top_share=0.75)["user"].to_list()
    ['b', 'c']
    """
    check_number("min_share", min_share, low=0.0, high=1.0, low_open=True)
    check_number("top_share", top_share, low=0.0, high=1.0, low_open=True)
    cut = max(1, int(round(top_share * spread.height)))
    return (
        spread.select("user", "spread", rank=pl.col("spread").rank("min", descending=True))
        .join(share.select("user", "post_share"), on="user", how="left")
        .filter(pl.col("rank") <= cut, pl.col("post_share") >= min_share)
        .select("user", "post_share", "spread", pl.col("rank").cast(pl.Int64))
        .sort("rank", "user")
    )
