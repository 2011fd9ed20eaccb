"""Seeded attack injectors: what a manipulator adds to a data set, and labels marking it.

:func:`inject` returns a new, attacked :class:`~influence_graph.Dataset` beside labels of
every account, follow link and event it added. The input is never modified; the attacked
tables go through :func:`~influence_graph.load_dataset` like any input, so every rule,
the deduplication and the causality filter apply to injected rows exactly as to real
ones (``attacked.ingest`` counts what they removed). The same ``seed`` gives identical
tables. No reputation score computed from a graph that attackers can add accounts to
is immune to sybils; these injectors exist to *measure* how much each score inflates.

Conventions: ``t`` is the target, ``P`` its posts (``post`` events with a ``post_id``; in a
log with no post rows at all, such as Higgs, the distinct moments at which content of t was
re-shared, and the injected engagements carry no post id, like the log's own:
:mod:`influence_graph.attacks.content`), an
edge ``u->v`` means content moves from u to v (v follows u). New accounts are named
``fake_<attack>_<i>`` and new ids start with ``x<attack>_``, each prefix lengthened if
any existing name or id starts with it. Injected events lie in the log's time window
(engagements capped at its end, never before the post they engage), except A12's.

The catalogue (``ATTACKS``, in this order) and the first-order effect each should have:

==========================  ===  ==================================================================
attack                      id   recipe (``size`` = k) → first-order effect on the target
==========================  ===  ==================================================================
fake_followers              A1   k new accounts follow t and do nothing else → followers +k;
                                 independent cascade with constant p: expected spread +k·p
                                 exactly; weighted cascade: +k exactly (each fake has one
                                 followee, so p = 1/1); observed cascades +0.
follow_back_farm            A2   t follows k existing users not linked to it; round(f·k) follow
                                 back (``follow_back`` f = 0.5) → followers +round(f·k).
sybil_ring                  A3   k fakes in a mutual-follow ``topology`` ("ring"/"clique"), all
                                 following t; each posts ``posts`` times, retweeted by its ring
                                 neighbours after ``delay`` s, and retweets ``target_retweets``
                                 posts of t → PageRank beyond A1; spread ≈ +k·p plus ring terms.
spam_farm                   A4   A1 plus t following each fake back (the link farm of
                                 *Mining of Massive Datasets* §5.4) → see the PageRank note.
retweet_ring                A5   k bots (following t when there is a follower table) retweet
                                 every post of t, bot i always after the same d_i seconds drawn
                                 in ``delay`` = (1, 60) → retweets +k·P, mean cascade +k.
collusive_retweeters        A6   k existing users retweet each post of t w.p. ``q`` = 0.5 at
                                 log-normal delays → retweets ≈ +q·k·P, no timing signature.
engagement_pod              A7   t and k−1 existing users; each engages (``action``) every other
                                 member's posts within ``window`` minutes → each member
                                 +(k−1) engagements per post.
activity_spam               A8   t adds k posts stuffed with the ``hashtags`` trending topics,
                                 each with ``mentions`` @-mentions → posts +k, per-post
                                 diffusion never rises.
reciprocity_solicitation    A9   t retweets one post of each of k users; round(r·k) of them
                                 retweet t once (``reciprocity`` r = 0.1) → +round(r·k) retweets.
compromised_accounts        A10  the k existing accounts with most followers follow t (unless
                                 they do) and retweet each post of t at human delays.
duplicate_events            A11  exact copies of k distinct events → deduplicated on ingest
                                 (``DUP_EVENT``): every metric +0.
backdated_events            A12  k retweets of t by existing users, before the post they retweet
                                 (``CAUSALITY``) or of a post that does not exist
                                 (``DANGLING_REF``), ``mode`` "mixed" alternating → filtered on
                                 ingest: every metric +0.
==========================  ===  ==================================================================

A1–A4 need a follower table and raise when ``ds.follows`` is None: an attack never
invents a follower graph (that would change which graph other functions pick). A5 and
A10 then add only their events.

Warning (A1, weighted cascade): with p(u, v) = 1/in-degree(v), a bought follower whose
only followee is the target gets p = 1, so A1 adds exactly +k to the target's expected
spread, as much as to its follower count. Expected spread resists bought followers only
where the attacker cannot set the edge probabilities (constant or learned p).

PageRank of a link farm (A4). :func:`~influence_graph.structural_metrics` ranks on the
follower graph reversed, so a follow is a link follower → followee, as on the web. With
damping β, N users in all, m fakes that each link only to t and t linking only to them,
let x = β·Σ PR(u)/outdeg(u) over the other users u linking to t. A fake's rank is
βy/m + (1−β)/N, so y = x + (1−β)/N + β·m·(βy/m + (1−β)/N), i.e.

    y = (x + (1−β)/N) / (1−β²) + β/(1+β) · m/N,

exact when no user is dangling. The book drops t's own teleport share (1−β)/N and
states y = x/(1−β²) + c·m/N with c = β/(1+β); the dropped term is 1/(β·m) of the farm
term, so the two differ by a relative 1/(β·m) at most (0.6 % for β = 0.85 and m = 200).

Examples
--------
>>> import influence_graph as ig
>>> ds = ig.datasets.synthetic(n_users=200, seed=1)
>>> inj = ig.inject(ds, "fake_followers", target="u0007", size=5, seed=0)
>>> inj.dataset.n_users - ds.n_users, len(inj.fake_users), inj.labels.height
(5, 5, 10)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from .._rng import SeedLike, as_seed_sequence, seed_entropy
from .._validation import bad_param, check_dataset, check_int
from ..io.dataset import Dataset
from ..io.readers import load_dataset
from ._common import LABEL_SCHEMA, Context, Delta, events_frame, follows_frame
from ._engagement import RECIPES as _ENGAGEMENT
from ._events import RECIPES as _EVENTS
from ._followers import RECIPES as _FOLLOWERS

__all__ = ["inject", "Injection", "ATTACKS", "ATTACK_IDS"]

_RECIPES = {**_FOLLOWERS, **_ENGAGEMENT, **_EVENTS}

#: Attack names, in catalogue order (A1 … A12).
ATTACKS: tuple[str, ...] = (
    "fake_followers",
    "follow_back_farm",
    "sybil_ring",
    "spam_farm",
    "retweet_ring",
    "collusive_retweeters",
    "engagement_pod",
    "activity_spam",
    "reciprocity_solicitation",
    "compromised_accounts",
    "duplicate_events",
    "backdated_events",
)
#: Catalogue id of each attack ("A1" … "A12").
ATTACK_IDS: dict[str, str] = {name: f"A{i + 1}" for i, name in enumerate(ATTACKS)}


@dataclass(frozen=True, eq=False)
class Injection:
    """An attacked data set and the labels of everything the attack added.

    Attributes
    ----------
    dataset : Dataset
        The attacked data set (validated like any input; ``dataset.ingest`` counts the
        re-validation of the attacked tables, ``dataset.provenance["attack"]`` records the
        attack and the seed, ``dataset.provenance["base"]`` the input's provenance and
        ingest report).
    labels : polars.DataFrame
        One row per labelled object, in the order the attack made them: ``kind``
        ("user", "edge" or "event"), ``id`` (user name, ``"source->target"`` in content
        direction — followee->follower for a follow link —, or ``event_id``), ``attack``,
        ``injected`` (True: added by the attack; False: an existing user it enlisted,
        e.g. a colluder, a pod member, a compromised account).
    attack, target : str
    size : int
    knobs : dict
        Every knob of the attack, defaults included.

    Examples
    --------
    >>> import influence_graph as ig
    >>> ds = ig.datasets.synthetic(n_users=200, seed=1)
    >>> inj = ig.inject(ds, "duplicate_events", target="u0007", size=3, seed=0)
    >>> inj.dataset.ingest.reasons, len(inj.fake_events)
    ({'DUP_EVENT': 3}, 3)
    """

    dataset: Dataset
    labels: pl.DataFrame
    attack: str
    target: str
    size: int
    knobs: dict[str, Any] = field(default_factory=dict)

    def _ids(self, kind: str) -> frozenset[str]:
        lab = self.labels.filter((pl.col("kind") == kind) & pl.col("injected"))
        return frozenset(lab["id"].to_list())

    @property
    def fake_users(self) -> frozenset[str]:
        """New accounts the attack created."""
        return self._ids("user")

    @property
    def fake_edges(self) -> frozenset[str]:
        """Follow links the attack added, as ``"followee->follower"``."""
        return self._ids("edge")

    @property
    def fake_events(self) -> frozenset[str]:
        """``event_id`` of every event row the attack added (A11: of the copied events)."""
        return self._ids("event")

    @property
    def enlisted_users(self) -> frozenset[str]:
        """Existing users the attack made act (colluders, pod members, compromised accounts …)."""
        lab = self.labels.filter((pl.col("kind") == "user") & ~pl.col("injected"))
        return frozenset(lab["id"].to_list())


def inject(
    ds: Dataset,
    attack: str,
    *,
    target: str,
    size: int,
    seed: SeedLike = None,
    **knobs: Any,
) -> Injection:
    """Add one attack to a data set, returning the attacked copy and labels of what was added.

    Parameters
    ----------
    ds : Dataset
        The honest data set; never modified.
    attack : str
        One of :data:`ATTACKS` (the catalogue in the module docstring).
    target : str
        The user the attack promotes; must be a user of ``ds``.
    size : int
        The attack's size k ≥ 1: fake accounts (A1, A3, A4, A5), followed users (A2),
        colluders (A6), pod members with the target (A7, k ≥ 2), spam posts (A8),
        solicited users (A9), compromised accounts (A10), duplicate rows (A11),
        backdated events (A12).
    seed : int, SeedSequence, Generator or None
        Key of every random choice; the same seed gives identical tables.
    **knobs
        Attack settings (see the module docstring): ``follow_back`` (A2); ``topology``,
        ``posts``, ``target_retweets``, ``delay`` (A3); ``delay``, ``follow`` (A5); ``q``,
        ``median_delay``, ``sigma`` (A6); ``window``, ``action`` (A7); ``hashtags``,
        ``mentions`` (A8); ``reciprocity``, ``median_delay``, ``sigma`` (A9); ``follow``,
        ``retweet``, ``median_delay``, ``sigma`` (A10); ``mode``, ``max_backdate`` (A12).

    Returns
    -------
    Injection

    Raises
    ------
    InputValidationError
        ``BAD_PARAM``: an unknown attack (the message lists :data:`ATTACKS`), a target
        that is not a user of ``ds``, size < 1 (or larger than the attack can use), an
        unknown knob (the message lists the attack's knobs) or a bad knob value, an attack
        that adds follow links on a data set without a follower table, or one that needs
        the target's posts when it has none.
    TypeError
        ``ds`` is not a Dataset, ``target`` not a string, ``size`` not an int.

    Examples
    --------
    >>> import influence_graph as ig
    >>> ds = ig.datasets.synthetic(n_users=200, seed=1)
    >>> inj = ig.inject(ds, "retweet_ring", target="u0007", size=4, seed=1)
    >>> n_posts = ds.events.filter((ds.events["user"] == "u0007")
    ...                            & (ds.events["action"] == "post")).height
    >>> len(inj.fake_events) == 4 * n_posts, inj.knobs
    (True, {'delay': (1, 60), 'follow': True})
    >>> ig.inject(ds, "retweet_ring", target="u0007", size=4, speed=2)
    Traceback (most recent call last):
    ...
    influence_graph.exceptions.InputValidationError: ...the knobs of 'retweet_ring': 'delay'...
    """
    check_dataset("ds", ds)
    if not isinstance(attack, str) or attack not in _RECIPES:
        raise bad_param("attack", attack, "be one of " + ", ".join(repr(a) for a in ATTACKS))
    if not isinstance(target, str):
        raise TypeError(
            "The 'target' parameter must be a user name (str); "
            f"got {type(target).__name__} {target!r}"
        )
    if not bool((ds.user_ids == target).any()):
        raise bad_param(
            "target", target, f"be a user of data set {ds.name!r} ({ds.n_users:,} users)"
        )
    size = int(check_int("size", size, low=1))  # type: ignore[arg-type]
    recipe, spec = _RECIPES[attack]
    unknown = sorted(set(knobs) - set(spec))
    if unknown:
        allowed = ", ".join(repr(k) for k in spec) or "none"
        raise bad_param(
            unknown[0], knobs[unknown[0]], f"be one of the knobs of {attack!r}: {allowed}"
        )
    clean = {k: check(k, knobs.get(k, default)) for k, (default, check) in spec.items()}

    ss = seed if isinstance(seed, np.random.Generator) else as_seed_sequence(seed)
    rng = ss if isinstance(ss, np.random.Generator) else np.random.Generator(np.random.PCG64(ss))
    ctx = Context.build(ds, attack, target)
    delta = Delta(ctx)
    recipe(ctx, delta, size, rng, **clean)  # type: ignore[operator]
    attacked = _assemble(ds, ctx, delta, rng)
    provenance = {
        **attacked.provenance,
        "attack": {
            "attack": attack,
            "id": ATTACK_IDS[attack],
            "target": target,
            "size": size,
            "knobs": clean,
            "seed": "generator" if isinstance(ss, np.random.Generator) else seed_entropy(ss),
        },
        "base": {"name": ds.name, "provenance": ds.provenance, "ingest": str(ds.ingest)},
    }
    attacked = dataclasses.replace(
        attacked, probabilities=ds.probabilities, truth=ds.truth, provenance=provenance
    )
    labels = pl.DataFrame(
        {
            "kind": [k for k, _, _ in delta.labels],
            "id": [i for _, i, _ in delta.labels],
            "attack": [attack] * len(delta.labels),
            "injected": [j for _, _, j in delta.labels],
        },
        schema=LABEL_SCHEMA,
    )
    return Injection(attacked, labels, attack, target, size, clean)


def _assemble(ds: Dataset, ctx: Context, delta: Delta, rng: np.random.Generator) -> Dataset:
    """Read the base tables plus the attack's rows back through the normal validation path."""
    events = pl.concat([ds.events, events_frame(delta.events)]) if delta.events else ds.events
    follows = ds.follows
    if delta.follows:
        # links made during the log (uniform in its window); undated without events
        since = ctx.uniform_times(rng, len(delta.follows)) if ds.events.height else None
        new = follows_frame(delta.follows, since)
        follows = new if follows is None else pl.concat([follows, new])
    return load_dataset(
        events=events if events.height else None,
        follows=follows,
        users=ds.users,
        name=f"{ds.name}+{ctx.attack}",
    )
