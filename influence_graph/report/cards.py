"""Per-user cards of ``influence-graph report``: score, what it is made of, topics, time.

A card shows, for one user:

* the absolute 1–100 score of the expected spread with its interval, and the defended
  score, with the manipulation flag (:func:`~influence_graph.report.analysis.manipulation_flag`);
* what the spread is made of (:func:`influence_graph.explain`: the first-hop engagers
  and their shares of the reach, and its one-sentence summary);
* topics the user is passionate and influential about (:func:`influence_graph.topic_profile`);
* how the score moved over time, window by window, and why it made its biggest move
  (:func:`influence_graph.score_changes`, :func:`influence_graph.explain_change`).

Each part the data cannot support is replaced by one sentence saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

import influence_graph as ig

from . import _html, plots
from .analysis import Analysis, ReportOptions
from .progress import Step
from .sections import GZIP_ROWS, Section, manipulation_rule_text, render_figure

__all__ = ["UserCard", "build_card", "card_html", "cards_section", "TOPIC_COLUMNS"]

#: Columns of a card's topic table (those of :func:`influence_graph.topic_profile`).
TOPIC_COLUMNS: tuple[str, ...] = (
    "topic", "posts", "passion", "passion_low", "passion_high", "passionate",
    "topical_spread", "spread_low", "spread_high", "reach_low",
)
_TIME_COLUMNS: tuple[str, ...] = (
    "window_start", "window_end", "window_events", "posts", "spread", "spread_low",
    "spread_high", "score", "score_low", "score_high",
)


@dataclass(frozen=True)
class UserCard:
    """Everything a card shows for one user.

    Attributes
    ----------
    number : int
        Position of the card on the page (1-based; names its files and anchor).
    user : str
    row : dict
        The user's row of ``Analysis.users``.
    explanation : Explanation or None
        :func:`influence_graph.explain` (None when the spread is not learned from a log).
    topics : polars.DataFrame or None
        The user's rows of the topic profile, best reach first.
    timeline : polars.DataFrame or None
        The user's rows of the scores over time.
    change : ChangeExplanation or None
        :func:`influence_graph.explain_change` of the biggest move.
    change_row : dict or None
        That move's row of :func:`influence_graph.score_changes` (verdict, q-value).
    why_not : dict of str to str
        One sentence per absent part.
    """

    number: int
    user: str
    row: dict[str, Any]
    explanation: Any
    topics: pl.DataFrame | None
    timeline: pl.DataFrame | None
    change: Any
    change_row: dict[str, Any] | None
    why_not: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, pl.DataFrame]:
        """The card's tables, keyed by file name (``card-<n>-…``)."""
        out: dict[str, pl.DataFrame] = {f"card-{self.number}-summary": pl.DataFrame([self.row])}
        if self.explanation is not None:
            out[f"card-{self.number}-engagers"] = self.explanation.table
        if self.topics is not None:
            out[f"card-{self.number}-topics"] = self.topics
        if self.timeline is not None:
            out[f"card-{self.number}-over-time"] = self.timeline
        if self.change is not None:
            out[f"card-{self.number}-change"] = self.change.table
        return out


def _topics(a: Analysis, user: str) -> tuple[pl.DataFrame | None, str | None]:
    if a.topics is None:
        return None, a.why_not.get("topics", "No topics.")
    t = a.topics.filter(pl.col("user") == user)
    if t.height == 0:
        return None, "This user neither posted nor engaged on any topic."
    cols = [c for c in TOPIC_COLUMNS if c in t.columns]
    t = t.sort(["reach_low", "topic"], descending=[True, False], nulls_last=True)
    return t.select(cols), None


def _timeline(a: Analysis, user: str, opts: ReportOptions, explain_change: bool
              ) -> tuple[pl.DataFrame | None, Any, dict[str, Any] | None, dict[str, str]]:
    why: dict[str, str] = {}
    if a.over_time is None or a.changes is None or a.window is None:
        why["time"] = a.why_not.get("time", "No scores over time.")
        return None, None, None, why
    tl = a.over_time.filter(pl.col("user") == user)
    tl = tl.select([c for c in _TIME_COLUMNS if c in tl.columns])
    ch = a.changes.filter(pl.col("user") == user, pl.col("score_delta").is_not_null())
    if ch.height == 0:
        why["change"] = "No two consecutive windows both measured this user, so no move to explain."
        return tl, None, None, why
    row = ch.sort(pl.col("score_delta").abs(), descending=True).row(0, named=True)
    move = (f"Biggest move: {row['score_delta']:+.1f} points, windows starting "
            f"{row['window_a']} → {row['window_b']} (test: {row['verdict']}); not explained "
            "here: ")
    if not explain_change:
        why["change"] = (move + f"the time budget for explanations ({opts.change_seconds:.0f} "
                         "s) was spent on earlier cards (influence_graph.explain_change "
                         "computes it).")
        return tl, None, row, why
    change = ig.explain_change(a.ds, user, row["window_a"], row["window_b"], seed=opts.seed,
                               n_jobs=opts.n_jobs, over_time=a.over_time)
    return tl, change, row, why


def build_card(a: Analysis, user: str, number: int, opts: ReportOptions, step: Step,
               *, explain_change: bool = True) -> UserCard:
    """Compute one user's card (explain, topics, timeline and the biggest move explained).

    Parameters
    ----------
    a : Analysis
    user : str
        A user of ``a.users``.
    number : int
        Card number (1-based).
    opts : ReportOptions
    step : callable
        Progress context manager.
    explain_change : bool
        Explain the biggest move (False: only name it; the time budget is spent).
    """
    why: dict[str, str] = {}
    row = a.users.filter(pl.col("user") == user).row(0, named=True)
    with step(f"Card {number}: explaining the score of one user"):
        explanation = None
        if a.given:
            why["explain"] = ("The spread runs on measured probabilities without a log, so it "
                              "cannot be split over engagers.")
        else:
            explanation = ig.explain(a.ds, user, seed=opts.seed, runs=opts.explain_runs)
        topics, why_topics = _topics(a, user)
        if why_topics:
            why["topics"] = why_topics
        timeline, change, change_row, why_time = _timeline(a, user, opts, explain_change)
        why.update(why_time)
    return UserCard(number, user, row, explanation, topics, timeline, change, change_row, why)


def _num(v: Any, fmt: str = ".1f") -> str:
    return "—" if v is None else format(v, fmt)


def _headline(c: UserCard) -> str:
    r, e = c.row, _html.escape
    parts = [f"<p><b>Score {_num(r.get('score'))}</b> (95% interval {_num(r.get('score_low'))}–"
             f"{_num(r.get('score_high'))}) on the absolute 1–100 scale: expected spread "
             f"{_num(r.get('spread'), '.2f')} users ({_num(r.get('ci_low'), '.2f')}–"
             f"{_num(r.get('ci_high'), '.2f')}), rank {e(r.get('spread_rank', '—'))}.</p>"]
    if r.get("defended_spread") is not None:
        parts.append(f"<p>Defended score {_num(r.get('defended_score'))}: expected spread over "
                     f"credible links {_num(r.get('defended_spread'), '.2f')} "
                     f"({_num(r.get('defended_low'), '.2f')}–"
                     f"{_num(r.get('defended_high'), '.2f')}).</p>")
        if r.get("manipulation"):
            parts.append('<p class="flag">Manipulation flag: the defended score disagrees '
                         "strongly with the undefended spread (rule below).</p>")
        else:
            parts.append("<p>No manipulation flag: the defended and undefended spreads agree "
                         "within the rule.</p>")
    if r.get("flag"):
        parts.append(f"<p>Activity vs influence: <b>{e(r['flag'])}</b>.</p>")
    return "".join(parts)


def _why(c: UserCard, key: str) -> str:
    return f'<p class="absent">{_html.escape(c.why_not[key])}</p>' if key in c.why_not else ""


def card_html(c: UserCard, figures: dict[str, tuple[bytes, str]]) -> str:
    """The card as HTML (every user string escaped); its figures are added to ``figures``."""
    e = _html.escape
    parts = [f'<div class="card" id="card-{c.number}"><h3>{c.number}. {e(c.user)}</h3>',
             _headline(c), "<h4>What the spread is made of</h4>"]
    if c.explanation is not None:
        parts += [f"<p>{e(c.explanation.summary)} (Forward estimate of "
                  f"influence_graph.explain, {c.explanation.runs:,} cascade runs; it agrees "
                  "with the expected spread above within sampling error.)</p>",
                  _html.wide_table_html(c.explanation.table, max_rows=10)
                  if c.explanation.table.height else ""]
    parts += [_why(c, "explain"), "<h4>Topics</h4>"]
    if c.topics is not None:
        passionate = c.topics.filter(pl.col("passionate"))["topic"].to_list()
        best = c.topics.head(3)["topic"].to_list()
        none = "no topic (no share above the population's, beyond its interval)"
        parts += [f"<p>Passionate about: {e(', '.join(passionate) or none)}. "
                  f"Widest reach (pessimistic reach_low) on: {e(', '.join(best))}.</p>",
                  _html.wide_table_html(c.topics, max_rows=8)]
    parts += [_why(c, "topics"), "<h4>Over time</h4>"]
    if c.timeline is not None:
        parts.append(render_figure(figures, f"card-{c.number}-over-time",
                                   plots.score_timeline(c.timeline),
                                   f"Score per window with its 95% interval: {c.user}"))
    if c.change is not None and c.change_row is not None:
        r = c.change_row
        parts += [f"<p>Biggest move, windows starting {e(r['window_a'])} → {e(r['window_b'])}: "
                  f"{e(c.change.summary)} Test of the change: {e(r['verdict'])} (q = "
                  f"{_num(r.get('q_value'), '.3f')}).</p>",
                  _html.wide_table_html(c.change.table)]
    parts += [_why(c, "time"), _why(c, "change"), "</div>"]
    return "".join(parts)


def cards_section(a: Analysis, cards: list[UserCard]) -> Section:
    """Section 4: the cards, a list linking to each, and the manipulation rule."""
    figures: dict[str, tuple[bytes, str]] = {}
    tables: dict[str, pl.DataFrame] = {}
    links = "".join(f'<li><a href="#card-{c.number}">{_html.escape(c.user)}</a></li>'
                    for c in cards)
    body = [f"<p>Cards for the top users by expected spread and for every --user "
            f"({len(cards)} in all).</p><ul>{links}</ul>",
            f"<p class='note'>{_html.escape(manipulation_rule_text())}</p>"]
    if a.over_time is not None and a.changes is not None:
        body.append(f"<p class='note'>Scores over time: {_html.escape(a.window)} windows "
                    f"(the log spans {_html.escape(a.span)}; 7d windows from 28 days, 1d from "
                    "2 days), every user in the over_time table (the R paired runs behind "
                    "each spread are left out: scores_over_time with the recorded seed gives "
                    "them), every tested change (real or noise, Benjamini–Hochberg at 5%) in "
                    f"score_changes. Tables of more than {GZIP_ROWS:,} rows come as .csv.gz "
                    "beside their Parquet file.</p>")
        tables.update({"over_time": a.over_time.drop("spread_replicates", strict=False),
                       "score_changes": a.changes})
    if a.topics is not None:
        tables["topic_profile"] = a.topics
    for c in cards:
        body.append(card_html(c, figures))
        tables.update(c.tables())
    return Section("cards", "4. User cards", "".join(body), tables=tables, figures=figures)
