"""Every input of influence() is checked exactly once, where it enters.

The check helpers are counted with a profiler hook (they are imported by name into
many modules, so patching one module's attribute would miss the others).
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

import influence_graph as ig
from influence_graph._validation import check_choice
from influence_graph.diffusion import _probability_rules as rules
from influence_graph.graphs.weights import check_weights

# every check of a probability table (validate_probabilities and the CSR builder alike)
# starts with the rules module's canonical()
_WATCH = {
    check_choice.__code__: "choice",
    check_weights.__code__: "weights",
    rules.canonical.__code__: "table",
}


def _count_checks(fn, *args, **kwargs) -> Counter:
    seen: Counter = Counter()

    def hook(frame, event, _arg):
        if event == "call":
            kind = _WATCH.get(frame.f_code)
            if kind == "table":
                seen["probability table"] += 1
            elif kind is not None:
                seen[frame.f_locals.get("name")] += 1

    sys.setprofile(hook)
    try:
        fn(*args, **kwargs)
    finally:
        sys.setprofile(None)
    return seen


@pytest.mark.parametrize("kw", [{}, {"graph": "follower", "pooling": "edge"},
                                {"probabilities": "weighted_cascade"}])
def test_influence_checks_each_input_once(kw):
    ds = ig.datasets.synthetic(n_users=150, seed=2)
    seen = _count_checks(
        ig.influence, ds, seed=0, channel_weights={"mention": 0.5},
        platform_weights={"x": 1.0}, **kw,
    )
    for name in ("pooling", "graph", "spread_graph", "channel_weights", "platform_weights",
                 "probability table"):
        assert seen[name] == 1, (name, seen)


def test_congress_given_table_checked_once():
    try:
        ds = ig.datasets.congress()
    except ig.DataNotFoundError:
        pytest.skip("Congress data not found")
    seen = _count_checks(ig.influence, ds, probabilities="given", seed=0, top_k=5)
    assert seen["probability table"] == 1, seen
    assert seen["pooling"] == 1 and seen["graph"] == 1, seen
