"""What every attack recipe shares: the attack context, fresh names and ids, row builders.

A recipe is a function ``recipe(ctx, size, rng, **knobs) -> Delta``: it reads the
untouched input through ``ctx`` (canonical order: users sorted as strings, the target's
posts sorted by (timestamp, post_id)) and returns the rows it adds, never a modified
input table. Times are handled as integer microseconds since the epoch (UTC).

Examples
--------
>>> import polars as pl
>>> from datetime import datetime, timezone
>>> from influence_graph.io.dataset import make_dataset
>>> t = datetime(2024, 3, 1, tzinfo=timezone.utc)
>>> ds = make_dataset(events=pl.DataFrame({"user": ["a"], "action": ["post"],
...                   "post_id": ["p1"], "timestamp": [t]}))
>>> ctx = Context.build(ds, "fake_followers", "a")
>>> ctx.fake_names(2), ctx.n_posts
(['fake_fake_followers_0', 'fake_fake_followers_1'], 1)
>>> d = Delta(ctx)
>>> d.engage("b", "retweet", "a", "p1", 10, ["x"], None), d.labels
('xfake_followers_e1', [('event', 'xfake_followers_e1', True)])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from .._validation import bad_param, check_choice, check_int, check_number
from ..io.dataset import Dataset, conform
from ..io.schema import EVENT_SCHEMA, FOLLOW_SCHEMA
from .content import content_items, has_post_rows

__all__ = [
    "Context",
    "Delta",
    "LABEL_SCHEMA",
    "US_PER_SECOND",
    "timestamps",
    "need_follows",
    "events_frame",
    "follows_frame",
    "Knob",
    "prob",
    "positive",
    "count",
    "flag",
    "choice",
    "seconds_range",
    "machine_delays",
    "organic_delays",
]

US_PER_SECOND = 1_000_000
#: Columns of :attr:`Injection.labels`.
LABEL_SCHEMA: dict[str, pl.DataType] = {
    "kind": pl.String(),
    "id": pl.String(),
    "attack": pl.String(),
    "injected": pl.Boolean(),
}


def timestamps(us: Sequence[int] | np.ndarray) -> pl.Series:
    """UTC ``Datetime("us")`` series from integer microseconds since the epoch."""
    arr = np.asarray(us, dtype=np.int64)
    return (
        pl.Series("timestamp", arr, dtype=pl.Int64)
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC")
    )


def need_follows(ctx: "Context") -> None:
    """Raise a clear error when an attack that adds follow links meets a data set without any."""
    if ctx.ds.follows is None:
        raise bad_param(
            "attack",
            ctx.attack,
            f"be an attack that adds no follow links: data set {ctx.ds.name!r} has no follower "
            "table (ds.follows is None), and an attack does not invent one",
        )


@dataclass(frozen=True)
class Context:
    """The untouched input of one attack, in canonical order.

    Attributes
    ----------
    ds : Dataset
    attack, target : str
    users : list of str
        Every user of the data set, sorted as strings.
    t_min, t_max : int
        The event log's window in µs (0, 0 when there are no events).
    posts : polars.DataFrame
        The target's content items (:func:`~influence_graph.attacks.content.content_items`:
        its posts, or in a log without posts the moments its content was re-shared),
        sorted by (timestamp, post_id): ``post_id``, ``us`` (µs), ``topics``, ``platform``.
    items : polars.DataFrame
        Every user's content items (with ``user``).
    post_rows : bool
        Whether the log has post rows; when not, added engagements carry no post id,
        like the log's own.
    user_prefix, id_prefix : str
        Prefixes of new account names and of new event/post ids that no existing
        user name (event, post or parent id) starts with, so any suffix is fresh.
    """

    ds: Dataset
    attack: str
    target: str
    users: list[str]
    t_min: int
    t_max: int
    posts: pl.DataFrame
    items: pl.DataFrame
    post_rows: bool
    user_prefix: str
    id_prefix: str

    @classmethod
    def build(cls, ds: Dataset, attack: str, target: str) -> "Context":
        """Collect what the recipes read from ``ds``."""
        ev = ds.events
        us = ev["timestamp"].dt.epoch("us")
        t_min = int(us.min()) if ev.height else 0  # type: ignore[arg-type]
        t_max = int(us.max()) if ev.height else 0  # type: ignore[arg-type]
        items = content_items(ds)
        posts = items.filter(pl.col("user") == target).drop("user")
        ids = pl.concat([ev["event_id"], ev["post_id"], ev["parent_id"]]).drop_nulls().unique()
        return cls(
            ds,
            attack,
            target,
            ds.user_ids.to_list(),
            t_min,
            t_max,
            posts,
            items,
            has_post_rows(ds),
            _free_prefix(f"fake_{attack}_", ds.user_ids),
            _free_prefix(f"x{attack}_", ids),
        )

    @property
    def n_posts(self) -> int:
        """Number of the target's posts."""
        return self.posts.height

    def others(self) -> list[str]:
        """Every existing user but the target, sorted."""
        return [u for u in self.users if u != self.target]

    def need_posts(self) -> None:
        """Raise when the target has no content item (post, or re-shared moment) to act on."""
        if self.n_posts == 0:
            raise bad_param(
                "target",
                self.target,
                f"have a post (a 'post' event with a post_id) for attack {self.attack!r}"
                + ("" if self.post_rows else
                   " or, in this log without posts, content of theirs that was re-shared"),
            )

    def posts_of(self, user: str) -> list[dict[str, Any]]:
        """``user``'s content items as dicts (``post_id``, ``us``, ``topics``, ``platform``)."""
        return self.items.filter(pl.col("user") == user).drop("user").to_dicts()

    def fake_names(self, n: int) -> list[str]:
        """``n`` new account names (``fake_<attack>_<i>``) that no existing user has."""
        return [f"{self.user_prefix}{i}" for i in range(n)]

    def style(self) -> tuple[list[str] | None, str | None]:
        """Return the target's top topic (as a one-tag list) and platform (ties: by name)."""
        ev = self.ds.events.filter(pl.col("user") == self.target)
        tops = ev["topics"].explode().drop_nulls()
        plats = ev["platform"].drop_nulls()

        def mode(s: pl.Series) -> str | None:
            if s.len() == 0:
                return None
            vc = s.value_counts(name="n").sort(["n", s.name], descending=[True, False])
            return str(vc[s.name][0])

        top = mode(tops)
        return ([top] if top is not None else None), mode(plats)

    def after(self, post: dict[str, Any], lag: int | np.integer) -> int:
        """Time ``lag`` µs after ``post`` (a row of :attr:`posts`), capped at the window's end."""
        return int(min(int(post["us"]) + int(lag), max(self.t_max, int(post["us"]))))

    def clamp(self, us: np.ndarray) -> np.ndarray:
        """Cap times at the end of the log's window."""
        return np.minimum(us, self.t_max)

    def uniform_times(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` times uniform in the log's window (µs)."""
        return rng.integers(self.t_min, self.t_max + 1, size=n, dtype=np.int64)


def _free_prefix(prefix: str, taken: pl.Series) -> str:
    """``prefix``, lengthened (``x`` in front) until no value of ``taken`` starts with it."""
    while taken.len() and bool(taken.str.starts_with(prefix).any()):
        prefix = "x" + prefix
    return prefix


@dataclass
class Delta:
    """Rows an attack adds: events, follows (follower, followee) and labels."""

    ctx: Context
    events: list[dict[str, Any]] = field(default_factory=list)
    follows: list[tuple[str, str]] = field(default_factory=list)
    labels: list[tuple[str, str, bool]] = field(default_factory=list)  # kind, id, injected
    n_ids: int = 0

    def user(self, name: str, *, injected: bool = True) -> None:
        """Label a user: a new account (``injected``) or an existing one enlisted."""
        self.labels.append(("user", name, injected))

    def follow(self, follower: str, followee: str) -> None:
        """Add the follow link; labelled ``followee->follower`` (content direction)."""
        self.follows.append((follower, followee))
        self.labels.append(("edge", f"{followee}->{follower}", True))

    def new_id(self, what: str) -> str:
        """Return a fresh id: ``<prefix>e<i>`` for events, ``<prefix>p<i>`` for posts."""
        self.n_ids += 1
        return f"{self.ctx.id_prefix}{what}{self.n_ids - 1}"

    def add(self, row: dict[str, Any], *, event_id: str | None = None) -> str:
        """Add an event row (canonical names, ``timestamp`` in µs) and label it."""
        eid = event_id if event_id is not None else self.new_id("e")
        self.events.append({**row, "event_id": eid})
        self.labels.append(("event", eid, True))
        return eid

    def post(self, user: str, us: int, topics: list[str] | None, platform: str | None) -> str:
        """Add a post by ``user``; returns its ``post_id``."""
        pid = self.new_id("p")
        self.add(
            {
                "user": user,
                "action": "post",
                "post_id": pid,
                "timestamp": int(us),
                "topics": topics,
                "platform": platform,
            }
        )
        return pid

    def engage(
        self,
        user: str,
        action: str,
        author: str,
        parent: str | None,
        us: int,
        topics: list[str] | None = None,
        platform: str | None = None,
    ) -> str:
        """Add ``user``'s retweet/quote/reply of post ``parent`` by ``author`` (or a mention)."""
        row = {
            "user": user,
            "action": action,
            "target_user": author,
            "timestamp": int(us),
            "topics": topics,
            "platform": platform,
        }
        if action != "mention" and self.ctx.post_rows:
            row |= {"post_id": self.new_id("p"), "parent_id": parent}
        return self.add(row)

    def engage_post(
        self, user: str, action: str, post: dict[str, Any], us: int, author: str
    ) -> str:
        """Engage a post row of :attr:`Context.posts` (its topics and platform carried over)."""
        return self.engage(
            user, action, author, post["post_id"], us, post["topics"], post["platform"]
        )


def events_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Canonical event table of ``rows`` (``timestamp`` given in µs)."""
    if not rows:
        return pl.DataFrame(schema=EVENT_SCHEMA)
    cols = {c: [r.get(c) for r in rows] for c in EVENT_SCHEMA if c != "timestamp"}
    frame = pl.DataFrame(
        {**cols, "timestamp": timestamps([r["timestamp"] for r in rows])},
        schema_overrides={"topics": pl.List(pl.String())},
    )
    return conform(frame, EVENT_SCHEMA)


def follows_frame(pairs: list[tuple[str, str]], since: np.ndarray | None) -> pl.DataFrame:
    """Canonical follow table of ``(follower, followee)`` pairs."""
    frame = pl.DataFrame(
        {"follower": [a for a, _ in pairs], "followee": [b for _, b in pairs]},
        schema={"follower": pl.String(), "followee": pl.String()},
    )
    if since is not None:
        frame = frame.with_columns(since=timestamps(since))
    return conform(frame, FOLLOW_SCHEMA)


# ---- knobs: (default, checker) per knob; a checker returns the clean value or raises ----
Knob = tuple[Any, Callable[[str, Any], Any]]


def prob(name: str, value: Any) -> float:
    """Check a probability in [0, 1]."""
    v = check_number(name, value, low=0.0, high=1.0)
    assert v is not None
    return v


def positive(name: str, value: Any) -> float:
    """Check a finite number > 0."""
    v = check_number(name, value, low=0.0, low_open=True)
    assert v is not None
    return v


def count(name: str, value: Any) -> int:
    """Check an integer >= 0."""
    v = check_int(name, value, low=0)
    assert v is not None
    return v


def flag(name: str, value: Any) -> bool:
    """Check a bool."""
    if not isinstance(value, bool):
        raise bad_param(name, value, "be True or False")
    return value


def choice(*options: str) -> Callable[[str, Any], str]:
    """Return a checker accepting one of ``options``."""
    return lambda name, value: check_choice(name, value, options)


def seconds_range(name: str, value: Any) -> tuple[int, int]:
    """Check a pair (lo, hi) of whole seconds with 0 <= lo <= hi."""
    ok = (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in value)
        and 0 <= value[0] <= value[1]
    )
    if not ok:
        raise bad_param(name, value, "be a pair (lo, hi) of whole seconds with 0 <= lo <= hi")
    return int(value[0]), int(value[1])


def machine_delays(rng: np.random.Generator, n: int, lo_hi: tuple[int, int]) -> np.ndarray:
    """``n`` bot delays: whole seconds uniform in ``lo_hi``, in µs."""
    return rng.integers(lo_hi[0], lo_hi[1] + 1, size=n, dtype=np.int64) * US_PER_SECOND


def organic_delays(rng: np.random.Generator, n: int, median_s: float, sigma: float) -> np.ndarray:
    """``n`` human delays: log-normal with median ``median_s`` seconds, in µs (at least 1 µs)."""
    secs = np.exp(rng.normal(np.log(median_s), sigma, size=n))
    return np.maximum(np.rint(secs * US_PER_SECOND), 1).astype(np.int64)
