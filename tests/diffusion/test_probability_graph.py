import numpy as np
import polars as pl
import pytest

from influence_graph.diffusion import ProbabilityGraph, to_probability_graph
from influence_graph.diffusion._budget import BYTES_PER_EDGE
from influence_graph.exceptions import InputValidationError


def _t(src, tgt, p, **extra):
    return pl.DataFrame({"source": src, "target": tgt, "p": p, **extra},
                        schema_overrides={"p": pl.Float64})


def test_users_sorted_as_strings_and_csr_in_canonical_order():
    g = to_probability_graph(_t(["b", "10", "b", "9"], ["a", "b", "9", "10"], [0.1, 0.2, 0.3, 0.4]),
                             users=["007", "7", "a"])
    assert isinstance(g, ProbabilityGraph)
    assert g.users.to_list() == ["007", "10", "7", "9", "a", "b"]  # strings, leading zeros kept
    assert g.users.dtype == pl.String and g.n == 6 and g.m == 4
    code = {u: i for i, u in enumerate(g.users.to_list())}
    # out-edges of b sorted by target code: 9 then a
    b = code["b"]
    assert g.out_indices[g.out_indptr[b]:g.out_indptr[b + 1]].tolist() == [code["9"], code["a"]]
    assert g.out_p[g.out_indptr[b]:g.out_indptr[b + 1]].tolist() == [0.3, 0.1]
    # in-CSR holds the same edges, sorted by (target, source)
    pairs_out = sorted(zip(g.out_sources().tolist(), g.out_indices.tolist(), g.out_p.tolist()))
    tgt_of_in = np.repeat(np.arange(g.n), np.diff(g.in_indptr))
    pairs_in = list(zip(g.in_indices.tolist(), tgt_of_in.tolist(), g.in_p.tolist()))
    assert sorted(pairs_in) == pairs_out
    assert pairs_in == sorted(pairs_in, key=lambda x: (x[1], x[0]))
    assert g.out_indices.dtype == np.int32 and g.in_indices.dtype == np.int32
    assert g.out_indptr.dtype == np.int64 and g.out_p.dtype == np.float64
    assert g.codes(["b", "007"]).tolist() == [b, code["007"]]
    with pytest.raises(KeyError):
        g.codes(["nobody"])


@pytest.mark.parametrize("prefix", ["u", "a-rather-long-user-id-"])  # inline views / bytes path
def test_shuffled_rows_give_identical_arrays_and_hash(prefix):
    rng = np.random.default_rng(3)
    src = [f"{prefix}{i}" for i in rng.integers(0, 50, 400)]
    tgt = [f"{prefix}{i}" for i in rng.integers(0, 50, 400)]
    frame = _t(src, tgt, rng.random(400)).filter(pl.col("source") != pl.col("target")).unique(
        subset=["source", "target"], keep="first", maintain_order=True)
    g1 = to_probability_graph(frame)
    g2 = to_probability_graph(frame.sample(fraction=1.0, shuffle=True, seed=7))
    for a in ("out_indptr", "out_indices", "out_p", "in_indptr", "in_indices", "in_p",
              "in_shared_p"):
        assert np.array_equal(getattr(g1, a), getattr(g2, a)), a
    assert g1.users.equals(g2.users) and g1.sha256() == g2.sha256()


def test_shared_in_probability_detected():
    g = to_probability_graph(_t(["a", "b", "a", "c"], ["c", "c", "d", "d"], [0.5, 0.5, 0.2, 0.3]))
    code = {u: i for i, u in enumerate(g.users.to_list())}
    assert g.in_shared_p[code["c"]] == 0.5
    assert g.in_shared_p[code["d"]] == -1.0
    assert g.in_shared_p[code["a"]] == 0.0  # no in-edges


@pytest.mark.parametrize(
    ("p", "rule", "record"),
    [
        ([0.1, 1.5, 0.2], "P_RANGE", 2),
        ([0.1, -0.1, 0.2], "P_RANGE", 2),
        ([0.1, 0.2, float("inf")], "P_RANGE", 3),
        ([float("-inf"), 0.2, 0.3], "P_RANGE", 1),
        ([0.1, float("nan"), 0.2], "P_NAN", 2),
        ([0.1, 0.2, None], "P_MISSING", 3),
    ],
)
def test_bad_probabilities_name_rule_and_record(p, rule, record):
    frame = pl.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"], "p": p},
                         schema={"source": pl.String, "target": pl.String, "p": pl.Float64})
    with pytest.raises(InputValidationError) as err:
        to_probability_graph(frame)
    assert err.value.rule == rule and err.value.record == record and err.value.column == "p"
    assert isinstance(err.value, ValueError)


def test_all_offenders_listed_with_counts():
    frame = _t(["a", "b", "c", "d"], ["b", "c", "d", "a"], [1.5, float("nan"), -1.0, 0.5])
    with pytest.raises(InputValidationError) as err:
        to_probability_graph(frame)
    assert err.value.counts == {"P_RANGE": 2, "P_NAN": 1}
    assert sorted(f.record for f in err.value.failures) == [1, 2, 3]


def test_duplicate_edges_and_self_loops_are_errors():
    with pytest.raises(InputValidationError) as err:
        to_probability_graph(_t(["a", "b", "a"], ["b", "c", "b"], [0.1, 0.2, 0.1]))
    assert err.value.rule == "DUP_EDGE" and err.value.record == 3
    assert "first at record 1" in str(err.value)
    with pytest.raises(InputValidationError) as err:
        to_probability_graph(_t(["a", "b"], ["b", "b"], [0.1, 0.2]))
    assert err.value.rule == "SELF_LOOP" and err.value.record == 2


def test_schema_errors():
    with pytest.raises(InputValidationError, match="MISSING_COLUMN"):
        to_probability_graph(pl.DataFrame({"source": ["a"], "target": ["b"]}))
    with pytest.raises(InputValidationError, match="ID_TYPE"):
        to_probability_graph(pl.DataFrame({"source": [1], "target": [2], "p": [0.5]}))
    with pytest.raises(InputValidationError, match="P_TYPE"):
        to_probability_graph(pl.DataFrame({"source": ["a"], "target": ["b"], "p": ["0.5"]}))
    with pytest.raises(InputValidationError, match="ID_MISSING"):
        to_probability_graph(pl.DataFrame({"source": ["a", None], "target": ["b", "c"],
                                           "p": [0.5, 0.5]}))
    with pytest.raises(TypeError):
        to_probability_graph({"source": ["a"], "target": ["b"], "p": [0.5]})
    # extra columns ignored, integer p cast, categorical ids accepted
    g = to_probability_graph(pl.DataFrame({"source": ["a"], "target": ["b"], "p": [1],
                                           "evidence": [3]}).with_columns(
        pl.col("source").cast(pl.Categorical)))
    assert g.out_p.tolist() == [1.0]


def test_empty_table_and_users_only():
    g = to_probability_graph(_t([], [], []), users=pl.Series(["b", "a"]))
    assert g.users.to_list() == ["a", "b"] and g.m == 0
    assert g.out_indptr.tolist() == [0, 0, 0]


def test_unicode_ids_are_opaque_bytes():
    nfc, nfd = "\u00e9", "e\u0301"  # same glyph, different bytes
    g = to_probability_graph(_t([nfc, "x\u200b"], [nfd, "x"], [0.5, 0.5]))
    assert g.n == 4


def test_one_million_edge_build_matches_documented_bytes_per_edge():
    rng = np.random.default_rng(0)
    n, m = 50_000, 1_000_000
    src = rng.integers(0, n, m)
    tgt = rng.integers(0, n, m)
    keep = src != tgt
    key = np.unique(src[keep] * n + tgt[keep])
    frame = pl.DataFrame({"source": (key // n).astype(np.int64), "target": (key % n).astype(np.int64),
                          "p": rng.random(key.size)}).with_columns(
        pl.col("source").cast(pl.String), pl.col("target").cast(pl.String))
    g = to_probability_graph(frame)
    kept = sum(a.nbytes for a in (g.out_indices, g.out_p, g.in_indices, g.in_p))
    assert kept == BYTES_PER_EDGE * g.m
    per_user = sum(a.nbytes for a in (g.out_indptr, g.in_indptr, g.in_shared_p))
    assert per_user <= 32 * (g.n + 1)
    assert g.m == key.size


@pytest.mark.parametrize("long_users", [False, True])
def test_id_mapping_matches_python_reference(long_users):
    rng = np.random.default_rng(11)
    ids = [f"{i}" for i in range(60)] + ["", "ü", "007", "7", "x" * 12, "x" * 13, "é" * 7]
    pairs = {(ids[a], ids[b]) for a, b in rng.integers(0, len(ids), (300, 2)) if a != b}
    pairs = sorted(pairs)
    extra = ["zz" * 10 if long_users else "zz", "0"]
    frame = _t([a for a, _ in pairs], [b for _, b in pairs], rng.random(len(pairs)).tolist())
    g = to_probability_graph(frame, users=extra)
    want = sorted({x for pr in pairs for x in pr} | set(extra), key=lambda s: s.encode())
    assert g.users.to_list() == want
    code = {u: i for i, u in enumerate(want)}
    got = sorted(zip(g.out_sources().tolist(), g.out_indices.tolist()))
    assert got == sorted((code[a], code[b]) for a, b in pairs)


def test_self_loops_reported_with_probability_errors():
    frame = _t(["a", "b", "c"], ["b", "b", "d"], [1.5, 0.2, 0.3])
    with pytest.raises(InputValidationError) as err:
        to_probability_graph(frame)
    assert err.value.counts == {"P_RANGE": 1, "SELF_LOOP": 1}


def test_a_built_graph_is_reused_not_rebuilt():
    import influence_graph as ig
    from influence_graph.diffusion import to_probability_graph
    from influence_graph.exceptions import InputValidationError

    table = pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "p": [0.5, 0.25]})
    g = to_probability_graph(table, users=["d"])
    assert to_probability_graph(g) is g and to_probability_graph(g, users=["a", "d"]) is g
    with pytest.raises(InputValidationError, match="USER_UNKNOWN"):
        to_probability_graph(g, users=["zz"])
    # exact: spread(a) = 1 + 0.5 + 0.5 * 0.25 = 1.625, the same from the table or the graph
    a = ig.expected_spread(table, users=["d"], estimator="exact").table
    b = ig.expected_spread(g, estimator="exact").table
    assert a.equals(b) and a.filter(pl.col("user") == "a")["spread"].item() == 1.625


def test_probability_graph_on_the_graphs_index_equals_the_table_build():
    import influence_graph as ig
    from influence_graph.diffusion.choice import spread_probabilities
    from influence_graph.diffusion.probability_graph import probability_graph_on
    from influence_graph.graphs import build_graphs

    ds = ig.datasets.synthetic(n_users=300, seed=4)
    g = build_graphs(ds)
    table = spread_probabilities(g, "learned", graph="follower", pooling="source")
    a, b = probability_graph_on(g, table), to_probability_graph(table, users=ds.user_ids)
    assert a.users.equals(b.users)
    for name in ("out_indptr", "out_indices", "out_p", "in_indptr", "in_indices", "in_p",
                 "in_shared_p"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    with pytest.raises(InputValidationError, match="DUP_EDGE"):
        probability_graph_on(g, pl.concat([table.head(2), table.head(1)]))
