"""Attack injectors A1–A12: purity, determinism, labels, and the first-order oracles.

Each attack has a first-order effect that can be computed by hand (followers +k, spread
+k·p, the link-farm PageRank, Δ = 0 for rows the ingest path removes); the tests check
the injectors and the metrics against them.
"""

from __future__ import annotations

import polars as pl
import pytest

import influence_graph as ig
from influence_graph.exceptions import InputValidationError

BETA = 0.85


@pytest.fixture(scope="module")
def world() -> ig.Dataset:
    return ig.datasets.synthetic(n_users=300, seed=2)


@pytest.fixture(scope="module")
def big_world() -> ig.Dataset:
    return ig.datasets.synthetic(n_users=2000, seed=1)


def _top_poster(ds: ig.Dataset) -> str:
    posts = ds.events.filter(pl.col("action") == "post").group_by("user").len()
    return posts.sort(["len", "user"], descending=[True, False])["user"][0]


def _followers(ds: ig.Dataset, user: str) -> int:
    assert ds.follows is not None
    return ds.follows.filter(pl.col("followee") == user).height


def _small_follow_world() -> ig.Dataset:
    """t → b → c and a → t (content direction): b follows t, c follows b, t follows a."""
    follows = pl.DataFrame({"follower": ["b", "c", "t"], "followee": ["t", "b", "a"]})
    return ig.make_dataset(follows=follows, name="small")


def _exact_spread(ds: ig.Dataset, method: str) -> dict[str, float]:
    p = ig.edge_probabilities(ds, method, p=0.1, graph="follower")
    res = ig.expected_spread(p, users=ds.user_ids, estimator="exact")
    return dict(res.table.select("user", "spread").iter_rows())


def _size(attack: str) -> int:
    return 3 if attack == "engagement_pod" else 6


# ---- every attack: pure, seeded, labelled ------------------------------------------------


@pytest.mark.parametrize("attack", ig.ATTACKS)
def test_pure_seeded_and_labelled(world, attack):
    target = _top_poster(world)
    before = (world.events.clone(), world.follows.clone(), world.users.clone(), world.ingest)
    inj = ig.inject(world, attack, target=target, size=_size(attack), seed=7)
    again = ig.inject(world, attack, target=target, size=_size(attack), seed=7)
    # the input is unchanged
    assert world.events.equals(before[0]) and world.follows.equals(before[1])
    assert world.users.equals(before[2]) and world.ingest is before[3]
    # same seed -> identical tables and labels
    a, b = inj.dataset, again.dataset
    assert a.events.equals(b.events) and a.follows.equals(b.follows) and a.users.equals(b.users)
    assert inj.labels.equals(again.labels)
    assert inj.labels.height > 0 and set(inj.labels["attack"]) == {attack}
    # labels mark exactly what was added
    new_users = set(a.user_ids) - set(world.user_ids)
    assert new_users == inj.fake_users
    assert not (inj.fake_users & set(world.user_ids))
    old_pairs = set(world.follows.select("follower", "followee").iter_rows())
    new_pairs = set(a.follows.select("follower", "followee").iter_rows()) - old_pairs
    assert {f"{fe}->{fr}" for fr, fe in new_pairs} == inj.fake_edges
    assert a.follows.height == world.follows.height + len(inj.fake_edges)
    new_events = set(a.events["event_id"]) - set(world.events["event_id"])
    if attack in ("duplicate_events", "backdated_events"):
        assert a.events.equals(world.events)  # the ingest path removed every injected row
        assert a.ingest.deduplicated + a.ingest.filtered == len(inj.fake_events) == _size(attack)
    else:
        assert new_events == inj.fake_events
        assert a.events.height == world.events.height + len(inj.fake_events)
        assert a.ingest.rejected + a.ingest.deduplicated + a.ingest.filtered == 0
        us = a.events.filter(pl.col("event_id").is_in(list(new_events)))["timestamp"]
        if us.len():
            assert us.min() >= world.events["timestamp"].min()
            assert us.max() <= world.events["timestamp"].max()
    assert a.events["event_id"].is_unique().all()
    assert a.provenance["attack"]["attack"] == attack and a.truth is world.truth


def test_different_seeds_differ(world):
    target = _top_poster(world)
    a = ig.inject(world, "collusive_retweeters", target=target, size=5, seed=1).dataset
    b = ig.inject(world, "collusive_retweeters", target=target, size=5, seed=2).dataset
    assert not a.events.equals(b.events)


# ---- A1 bought followers --------------------------------------------------------------------


def test_a1_adds_k_followers(world):
    target, k = _top_poster(world), 25
    inj = ig.inject(world, "fake_followers", target=target, size=k, seed=0)
    assert _followers(inj.dataset, target) == _followers(world, target) + k
    act0, act1 = ig.activity(world), ig.activity(inj.dataset)
    f = lambda t: t.filter(pl.col("user") == target)["followers"].item()  # noqa: E731
    assert f(act1) == f(act0) + k
    sm = ig.structural_metrics(inj.dataset, graph="follower")
    assert sm.filter(pl.col("user") == target)["out_degree"].item() == _followers(world, target) + k
    # the fakes do nothing else: no events, one followee each
    assert inj.dataset.events.filter(pl.col("user").is_in(list(inj.fake_users))).height == 0


@pytest.mark.parametrize(("method", "per_fake"), [("constant", 0.1), ("weighted_cascade", 1.0)])
def test_a1_exact_spread_gain(method, per_fake):
    """IC with constant p: +k·p exactly; weighted cascade: +k exactly (p = 1/1 per fake)."""
    ds, k = _small_follow_world(), 3
    inj = ig.inject(ds, "fake_followers", target="t", size=k, seed=0)
    s0, s1 = _exact_spread(ds, method), _exact_spread(inj.dataset, method)
    assert s1["t"] - s0["t"] == pytest.approx(k * per_fake, abs=1e-12)
    if method == "constant":
        assert s0["t"] == pytest.approx(1 + 0.1 + 0.01, abs=1e-12)  # t, b w.p. p, c w.p. p²
        # a reaches t w.p. p, so a gains p · k · p
        assert s1["a"] - s0["a"] == pytest.approx(0.1 * k * 0.1, abs=1e-12)


def test_a1_spread_gain_within_ris_interval(big_world):
    ds, k, p = big_world, 100, 0.02
    target = (
        ds.follows.group_by("followee")
        .len()
        .sort(["len", "followee"], descending=[True, False])["followee"][0]
    )
    inj = ig.inject(ds, "fake_followers", target=target, size=k, seed=0)

    def est(d: ig.Dataset, seed: int) -> tuple[float, float]:
        table = ig.edge_probabilities(d, "constant", p=p, graph="follower")
        res = ig.expected_spread(table, users=d.user_ids, rel_error=0.02, top_k=None, seed=seed)
        row = res.table.filter(pl.col("user") == target)
        return row["spread"].item(), row["se"].item()

    (m0, se0), (m1, se1) = est(ds, 1), est(inj.dataset, 2)
    assert abs((m1 - m0) - k * p) <= 4 * (se0**2 + se1**2) ** 0.5, (m0, m1, se0, se1)


def test_a1_leaves_observed_cascades_unchanged(world):
    target = _top_poster(world)
    inj = ig.inject(world, "fake_followers", target=target, size=40, seed=0)
    users = world.user_ids.to_list()
    c0 = ig.cascades(world).users
    c1 = ig.cascades(inj.dataset).users.filter(pl.col("user").is_in(users))
    assert c1.equals(c0)
    o0 = ig.observed_influence(world)
    o1 = ig.observed_influence(inj.dataset).filter(pl.col("user").is_in(users))
    assert o1.drop("audience_reach").equals(o0.drop("audience_reach"))
    # audience_reach (followers of one's retweeters) is follower-based: it rises, by at
    # most k, only for authors the target retweeted (its new fakes are now exposed)
    gain = (o1["audience_reach"] - o0["audience_reach"]).fill_null(0)
    assert gain.min() >= 0 and gain.max() <= 40
    rt = world.events.filter((pl.col("user") == target) & (pl.col("action") == "retweet"))
    assert set(o0.filter(gain > 0)["user"]) <= set(rt["target_user"])
    assert gain.filter(o0["user"] == target).item() == 0


# ---- A2, A5, A7: counted effects ----------------------------------------------------------


def test_a2_followers_gain_is_follow_back_share(world):
    target, n = _top_poster(world), 20
    inj = ig.inject(world, "follow_back_farm", target=target, size=n, seed=3, follow_back=0.25)
    assert _followers(inj.dataset, target) == _followers(world, target) + 5
    assert len(inj.fake_edges) == n + 5 and len(inj.enlisted_users) == n


def test_a5_adds_k_retweets_per_post(world):
    target, k = _top_poster(world), 7
    n_posts = world.events.filter((pl.col("user") == target) & (pl.col("action") == "post")).height
    inj = ig.inject(world, "retweet_ring", target=target, size=k, seed=1)

    def r(d: ig.Dataset) -> int:
        return ig.observed_influence(d).filter(pl.col("user") == target)["retweets_received"].item()

    assert r(inj.dataset) == r(world) + k * n_posts
    # machine signature: every bot has one fixed delay, 1-60 s
    ev = inj.dataset.events
    posts = ev.filter(pl.col("action") == "post").select(
        pl.col("post_id").alias("parent_id"), pl.col("timestamp").alias("t0")
    )
    bots = ev.filter(pl.col("user").is_in(list(inj.fake_users))).join(posts, on="parent_id")
    lag = bots.with_columns(d=(pl.col("timestamp") - pl.col("t0")).dt.total_seconds()).group_by(
        "user"
    )
    spread = lag.agg(pl.col("d").min().alias("lo"), pl.col("d").max().alias("hi"))
    assert spread.height == k and (spread["lo"] >= 0).all() and (spread["hi"] <= 60).all()


def test_a7_pod_members_gain_m_minus_1_per_post(world):
    target, m = _top_poster(world), 4
    inj = ig.inject(world, "engagement_pod", target=target, size=m, seed=5)
    members = [target, *sorted(inj.enlisted_users)]
    o0 = ig.observed_influence(world).filter(pl.col("user").is_in(members)).sort("user")
    o1 = ig.observed_influence(inj.dataset).filter(pl.col("user").is_in(members)).sort("user")
    assert ((o1["retweets_received"] - o0["retweets_received"]) == (m - 1) * o0["posts"]).all()


# ---- A4 link farm: MMDS §5.4 closed form ----------------------------------------------------


def test_a4_pagerank_matches_link_farm_formula():
    """y = x/(1−β²) + β/(1+β)·m/N (book) and the exact form with t's own teleport share."""
    honest = [f"h{i:02d}" for i in range(20)]
    fr = honest + honest[:5]
    fe = honest[1:] + honest[:1] + ["t"] * 5  # a follow ring (nobody dangling), 5 follow t
    ds = ig.make_dataset(follows=pl.DataFrame({"follower": fr, "followee": fe}), name="farm")
    m = 200  # the book's form drops t's teleport share: off by at most 1/(β·m) = 0.6 %
    inj = ig.inject(ds, "spam_farm", target="t", size=m, seed=0)
    sm = ig.structural_metrics(inj.dataset, graph="follower", damping=BETA)
    pr = dict(sm.select("user", "pagerank").iter_rows())
    followees = dict(sm.select("user", "in_degree").iter_rows())  # accounts each user follows
    n = inj.dataset.n_users
    x = BETA * sum(pr[u] / followees[u] for u in honest[:5])
    y = pr["t"]
    exact = (x + (1 - BETA) / n) / (1 - BETA**2) + BETA / (1 + BETA) * m / n
    book = x / (1 - BETA**2) + BETA / (1 + BETA) * m / n
    assert y == pytest.approx(exact, rel=1e-9)
    assert y == pytest.approx(book, rel=1e-2)
    y0 = ig.structural_metrics(ds, graph="follower", damping=BETA).filter(pl.col("user") == "t")[
        "pagerank"
    ]
    assert y / y0.item() > 3  # the farm multiplies t's PageRank (about 5x here)


# ---- A8 activity spam -----------------------------------------------------------------------


def test_a8_never_raises_per_post_diffusion(world):
    target, k = _top_poster(world), 30
    inj = ig.inject(world, "activity_spam", target=target, size=k, seed=4, mentions=2)
    cols = [
        "posts",
        "engagement_per_post",
        "mean_cascade_size",
        "total_engagement",
        "mentions_received",
    ]
    kw = {"spread": False, "viral": False}
    t0 = ig.influence(world, **kw).filter(pl.col("user") == target).select(cols).row(0, named=True)
    t1 = (
        ig.influence(inj.dataset, **kw)
        .filter(pl.col("user") == target)
        .select(cols)
        .row(0, named=True)
    )
    assert t1["posts"] == t0["posts"] + k
    assert t1["engagement_per_post"] <= t0["engagement_per_post"]
    assert t1["mean_cascade_size"] <= t0["mean_cascade_size"]
    assert t1["total_engagement"] == t0["total_engagement"]
    assert t1["mentions_received"] == t0["mentions_received"]  # sending mentions earns nothing
    assert len(inj.fake_events) == k * 3


# ---- A11, A12: removed by the ingest path, Δ = 0 ------------------------------------------


@pytest.mark.parametrize(
    ("attack", "knobs", "reasons"),
    [
        ("duplicate_events", {}, {"DUP_EVENT": 12}),
        ("backdated_events", {}, {"CAUSALITY": 6, "DANGLING_REF": 6}),
        ("backdated_events", {"mode": "causality"}, {"CAUSALITY": 12}),
        ("backdated_events", {"mode": "dangling"}, {"DANGLING_REF": 12}),
    ],
)
def test_a11_a12_change_no_metric_and_are_counted(world, attack, knobs, reasons):
    target = _top_poster(world)
    inj = ig.inject(world, attack, target=target, size=12, seed=9, **knobs)
    a = inj.dataset
    assert a.ingest.reasons == reasons
    assert a.ingest.balanced
    assert a.events.equals(world.events) and a.follows.equals(world.follows)
    kw = {"spread": False, "viral": False}
    assert ig.influence(a, **kw).equals(ig.influence(world, **kw))
    assert ig.activity(a).equals(ig.activity(world))


# ---- bad input ------------------------------------------------------------------------------


def test_bad_input(world):
    with pytest.raises(InputValidationError, match="fake_followers.*backdated_events"):
        ig.inject(world, "sybils", target="u0000", size=3)
    with pytest.raises(InputValidationError, match="nobody"):
        ig.inject(world, "fake_followers", target="nobody", size=3)
    with pytest.raises(InputValidationError, match="size"):
        ig.inject(world, "fake_followers", target="u0000", size=0)
    with pytest.raises(TypeError, match="size"):
        ig.inject(world, "fake_followers", target="u0000", size=2.5)
    with pytest.raises(InputValidationError, match="'follow_back'"):
        ig.inject(world, "follow_back_farm", target="u0000", size=3, followback=0.5)
    with pytest.raises(InputValidationError, match="follow_back"):
        ig.inject(world, "follow_back_farm", target="u0000", size=3, follow_back=1.5)
    with pytest.raises(TypeError, match="Dataset"):
        ig.inject(world.events, "fake_followers", target="u0000", size=3)


def test_follower_attacks_need_a_follower_table():
    t = pl.datetime(2024, 3, 1, time_zone="UTC")
    ev = pl.DataFrame({"user": ["a", "b"], "action": ["post", "post"], "post_id": ["p1", "p2"]})
    ds = ig.make_dataset(events=ev.with_columns(timestamp=t))
    for attack in ("fake_followers", "follow_back_farm", "sybil_ring", "spam_farm"):
        with pytest.raises(InputValidationError, match="no follower"):
            ig.inject(ds, attack, target="a", size=1)
    inj = ig.inject(ds, "retweet_ring", target="a", size=2, seed=0)  # events only
    assert inj.dataset.follows is None and len(inj.fake_events) == 2
    mentions = ev.with_columns(
        timestamp=t, action=pl.lit("mention"), target_user=pl.lit("b"), post_id=None
    )
    with pytest.raises(InputValidationError, match="must have a post"):
        ig.inject(ig.make_dataset(events=mentions), "retweet_ring", target="a", size=1)


# ---- a log without posts (Higgs-like): re-shared moments stand for posts --------------------


def _engagement_only_log() -> ig.Dataset:
    """b and c retweet a at 01:00, d replies to a at 02:00, e mentions a at 03:00;
    a retweets b at 04:00. No post rows, no post ids (the Higgs format)."""
    from datetime import datetime, timezone

    hours = [datetime(2024, 3, 1, x, tzinfo=timezone.utc) for x in (1, 1, 2, 3, 4)]
    ev = pl.DataFrame({"user": ["b", "c", "d", "e", "a"],
                       "action": ["retweet", "retweet", "reply", "mention", "retweet"],
                       "target_user": ["a", "a", "a", "a", "b"], "timestamp": hours})
    return ig.make_dataset(events=ev, name="engagements")


def test_content_items_of_a_log_without_posts():
    from influence_graph.attacks.content import content_items, has_post_rows

    ds = _engagement_only_log()
    assert not has_post_rows(ds)
    items = content_items(ds)
    # a: 01:00 (two retweets, one moment) and 02:00 (the reply); the mention is no item
    assert items["user"].to_list() == ["a", "a", "b"]
    assert items["post_id"].null_count() == 3
    hours = items["us"].cast(pl.Datetime("us")).dt.hour().to_list()
    assert hours == [1, 2, 4]


def test_retweet_ring_on_a_log_without_posts_keeps_its_format():
    ds = _engagement_only_log()
    inj = ig.inject(ds, "retweet_ring", target="a", size=3, seed=0)
    added = inj.dataset.events.filter(pl.col("user").is_in(list(inj.fake_users)))
    assert added.height == 3 * 2  # 3 bots × 2 re-shared moments of a
    assert added["post_id"].null_count() == added.height  # like the log: no post ids
    assert added["parent_id"].null_count() == added.height
    assert (added["target_user"] == "a").all()
    assert inj.dataset.ingest.reasons == {}
    before = ig.observed_influence(ds).filter(pl.col("user") == "a")["retweets_received"].item()
    after = ig.observed_influence(inj.dataset).filter(pl.col("user") == "a")
    assert after["retweets_received"].item() == before + 6
    # the pod and compromised accounts act on the same items
    pod = ig.inject(ds, "engagement_pod", target="a", size=2, seed=0)
    assert len(pod.fake_events) > 0
    comp = ig.inject(ds, "compromised_accounts", target="a", size=2, seed=0)
    assert len(comp.fake_events) == 2 * 2


def test_backdating_in_a_log_without_posts():
    ds = _engagement_only_log()
    inj = ig.inject(ds, "backdated_events", target="a", size=4, seed=0)
    assert inj.dataset.ingest.reasons == {"DANGLING_REF": 4}  # nothing to precede: dangling
    assert inj.dataset.events.equals(ds.events)
    with pytest.raises(InputValidationError, match="without post rows"):
        ig.inject(ds, "backdated_events", target="a", size=2, mode="causality")
    e = _engagement_only_log().events.filter(pl.col("target_user") != "a")
    with pytest.raises(InputValidationError, match="re-shared"):
        ig.inject(ig.make_dataset(events=e), "retweet_ring", target="a", size=1)
