"""The shared ranking helpers: the counting resample ranks equal scipy's, bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from influence_graph.compare._ranking import ranks, resample_ranks, spearman


@given(
    values=st.lists(st.integers(-3, 3) | st.floats(-1e6, 1e6, allow_nan=False), min_size=1,
                    max_size=40),
    rows=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_resample_ranks_equal_rankdata_exactly(values, rows, seed):
    x = np.asarray(values, dtype=np.float64)
    boot = np.random.default_rng(seed).integers(0, x.size, (rows, x.size))
    assert np.array_equal(resample_ranks(x, boot), ranks(x[boot]))


def test_resample_ranks_with_nan_follow_rankdata():
    x = np.array([1.0, np.nan, 2.0])
    boot = np.array([[0, 1, 2], [2, 2, 0]])
    np.testing.assert_array_equal(resample_ranks(x, boot), ranks(x[boot]))


def test_spearman_hand_computed():
    assert spearman(np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])) == -1.0
    assert np.isnan(spearman(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0])))
