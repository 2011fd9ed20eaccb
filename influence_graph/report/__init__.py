"""The report stage: figures (:mod:`.plots`), the self-contained HTML page and the demo.

``influence-graph report`` (:mod:`.user_report`) builds on :mod:`.analysis`,
:mod:`.sections`, :mod:`.cards` and :mod:`.atomic` (all-or-nothing folders).

>>> import influence_graph.report.plots as plots
>>> callable(plots.rank_rank)
True
"""

from __future__ import annotations

__all__: list[str] = []
