"""The names of the graph stage, defined once: layers, channels and graph choices.

Examples
--------
>>> LAYERS
('follower', 'retweet', 'quote', 'reply', 'mention')
>>> GRAPHS[0], GRAPHS[-1]
('engagement', 'given')
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LAYERS", "CHANNELS", "GRAPHS", "DEFAULT_CHANNEL_WEIGHTS"]

#: Every layer, in this order everywhere: follower graph, then the four channels.
LAYERS: tuple[str, ...] = ("follower", "retweet", "quote", "reply", "mention")
#: The engagement channels combined by the ``"engagement"`` graph.
CHANNELS: tuple[str, ...] = ("retweet", "quote", "reply", "mention")
#: Every accepted ``graph`` value: the combined engagement graph, a layer, or the data
#: set's measured probability edges (``"given"``, weight = p).
GRAPHS: tuple[str, ...] = ("engagement", *LAYERS, "given")
#: Default channel weights: every channel counts the same (one event = weight 1).
DEFAULT_CHANNEL_WEIGHTS: Mapping[str, float] = {c: 1.0 for c in CHANNELS}
