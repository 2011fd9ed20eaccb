"""The sections of ``influence-graph report``: each is HTML plus the tables and figures it shows.

Each builder returns a :class:`Section`. A section the data do not support is
:func:`absent`: its title and **one sentence** saying why, no empty table or
placeholder figure. Every user-supplied string reaches the page through
:func:`~influence_graph.report._html.escape` (tables via ``table_html``), and every
table is written as Parquet and as CSV through
:func:`~influence_graph.io.safe_csv.write_safe_csv` by the orchestrator.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

import influence_graph as ig

from . import _html, plots
from .analysis import MANIPULATION_RATIO, Analysis, ReportOptions
from .progress import Step

__all__ = [
    "Section",
    "absent",
    "RULE_MEANINGS",
    "data_section",
    "activity_section",
    "top_section",
    "robustness_section",
    "provenance_section",
    "render_figure",
    "mpl_safe",
    "manipulation_rule_text",
    "INDEX_COLUMNS",
    "SEARCH_JS",
    "GZIP_ROWS",
]

#: Tables with more rows than this get a gzip-compressed CSV (``<name>.csv.gz``).
GZIP_ROWS = 200_000

#: What each rule code of the ingest report means (codes of :func:`influence_graph.load_dataset`).
RULE_MEANINGS: dict[str, str] = {
    "DUP_EVENT": "identical copy of another event (deduplicated)",
    "DUP_FOLLOW": "identical follow link (deduplicated, earliest 'since' kept)",
    "DUP_USER": "identical user row (deduplicated)",
    "DANGLING_REF": "re-share whose parent_id names no post of the data (filtered)",
    "CAUSALITY": "re-share of a post later than itself (filtered)",
    "SELF_LOOP": "a user following themselves (filtered)",
    "BLANK_LINE": "blank line (filtered)",
    "FIELD_COUNT": "wrong number of fields (rejected)",
    "ENCODING": "not UTF-8 (rejected)",
    "ID_MISSING": "empty id (rejected)",
    "ID_TOO_LONG": "id too long (rejected)",
    "ID_WHITESPACE": "id with leading/trailing whitespace (rejected; --strip-ids strips)",
    "TOPICS_TOO_LONG": "topics field too long (rejected)",
    "ACTION_UNKNOWN": "action not post, retweet, quote, reply or mention (rejected)",
    "TARGET_MISSING": "engagement without target_user (rejected)",
    "TS_MISSING": "no timestamp (rejected)",
    "TS_PARSE": "timestamp not parseable (rejected)",
    "TS_NAIVE": "timestamp without a time zone (rejected)",
    "TS_RANGE": "timestamp before 2006-03-21 or in the future (rejected)",
    "USER_UNKNOWN": "user not in the users file (rejected, --closed-user-set)",
    "DUP_EVENT_CONFLICT": "one event_id with different content (rejected)",
    "DUP_POST_ID": "one post_id on two posts (rejected)",
    "DUP_USER_CONFLICT": "one user with different attributes (rejected)",
}


@dataclass(frozen=True)
class Section:
    """One section of the page.

    Attributes
    ----------
    key : str
        Anchor and file prefix (package-chosen, never user data).
    title : str
    body : str
        HTML below the heading (already escaped).
    tables : dict of str to polars.DataFrame
        Tables to write as ``<name>.parquet`` and ``<name>.csv``.
    figures : dict of str to (bytes, str)
        PNG bytes and caption per figure, written as ``figures/<name>.png``.
    present : bool
        False for an absent section (body: one sentence saying why).
    """

    key: str
    title: str
    body: str
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    figures: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    present: bool = True

    def html(self) -> str:
        """The section as HTML, with its heading."""
        return (f'<section id="{self.key}"><h2>{_html.escape(self.title)}</h2>'
                f"{self.body}</section>")


def absent(key: str, title: str, reason: str) -> Section:
    """A section the data do not support: its title and one sentence saying why."""
    return Section(key, title, f'<p class="absent">{_html.escape(reason)}</p>', present=False)


def mpl_safe(table: pl.DataFrame) -> pl.DataFrame:
    """``table`` with ``$`` in user ids escaped, so matplotlib draws ids as text, not maths."""
    if "user" not in table.columns:
        return table
    return table.with_columns(pl.col("user").cast(pl.String).str.replace_all("$", r"\$",
                                                                               literal=True))


def render_figure(figures: dict[str, tuple[bytes, str]], name: str, fig: Any,
                  caption: str) -> str:
    """Render ``fig`` to PNG, keep it in ``figures`` under ``name``, return its HTML."""
    png = plots.png_bytes(fig, dpi=110, tight=True)
    figures[name] = (png, caption)
    return _html.figure_html(png, caption)


def _p(text: str) -> str:
    return f"<p>{_html.escape(text)}</p>"


# ---- 1. data and ingest ------------------------------------------------------------------


def _reasons(ingest: Any) -> pl.DataFrame:
    rows = []
    for s in ingest.sources:
        for code, n in s.reasons.items():
            rows.append({"source": s.source, "rule": code, "records": n,
                         "meaning": RULE_MEANINGS.get(code, "see docs/input-validation.md")})
    schema = {"source": pl.String, "rule": pl.String, "records": pl.Int64, "meaning": pl.String}
    return pl.DataFrame(rows, schema=schema)


def data_section(a: Analysis, inputs: Mapping[str, str]) -> Section:
    """What was read, used, rejected, deduplicated and filtered, and why (rule codes)."""
    ds, ing = a.ds, a.ds.ingest
    counts = ing.to_polars()
    reasons = _reasons(ing)
    parts = [
        _p(f"Inputs: {', '.join(f'{k} = {v}' for k, v in inputs.items()) or 'none'}. "
           f"Data set: {ds!r}."),
        _p(f"Records read {ing.records_read:,}: used {ing.used:,}, rejected {ing.rejected:,}, "
           f"deduplicated {ing.deduplicated:,}, filtered {ing.filtered:,} "
           f"({'every record accounted for' if ing.balanced else 'COUNTS DO NOT BALANCE'}; "
           f"{'strict' if ing.strict else 'lenient'} mode)."),
        _html.wide_table_html(counts),
    ]
    if reasons.height:
        parts += ["<h3>Why records were left out (rule codes)</h3>",
                  _html.wide_table_html(reasons, max_rows=200)]
    else:
        parts.append(_p("No record was rejected, deduplicated or filtered."))
    if ing.rejects_path:
        parts.append(_p(f"Rejected records are in {ing.rejects_path}."))
    notes = list(ing.notes) + [f"{s.source}: {w}" for s in ing.sources for w in s.warnings]
    if notes:
        parts.append("<h3>Notes</h3><ul>" + "".join(f"<li>{_html.escape(n)}</li>" for n in notes)
                     + "</ul>")
    if a.span is not None:
        ts = ds.events["timestamp"]
        parts.append(_p(f"Events from {ts.min()} to {ts.max()} (span {a.span})."))
    return Section("data", "1. The data and the ingest report", "".join(parts),
                   tables={"ingest": counts, "ingest_reasons": reasons})


# ---- 2. activity vs influence -------------------------------------------------------------

_LOUD_QUIET = (
    "Loud: top 10% by activity yet in the bottom half by expected spread, even at the upper "
    "end of its interval. Quiet: bottom half by activity yet in the top 10% by spread, even "
    "at the lower end of its interval (influence_graph.activity_vs_influence)."
)


def activity_section(a: Analysis) -> Section:
    """Rank–rank plot, correlations with intervals, the loud and the quiet."""
    title = "2. Activity vs influence"
    if a.comparison is None:
        return absent("activity", title, a.why_not.get("activity", "Nothing to compare."))
    users, cmp = a.users, a.comparison
    figs: dict[str, tuple[bytes, str]] = {}
    safe = mpl_safe(users)
    keep = ["metric_a", "metric_b", "n", "spearman", "spearman_low", "spearman_high",
            "kendall", "kendall_low", "kendall_high"]
    corr = cmp.correlations.select([c for c in keep if c in cmp.correlations.columns])
    cols = ["user", "actions", "spread", "ci_low", "ci_high", "score", "followers"]
    loud = users.filter(pl.col("flag") == "loud").sort("actions", descending=True)
    quiet = users.filter(pl.col("flag") == "quiet").sort("spread", descending=True)
    sel = [c for c in cols if c in users.columns]
    parts = [
        _p("Activity counts what a user does; expected spread estimates how far content "
           "starting at the user moves (independent cascade on probabilities learned from "
           "this log, with 95% intervals)."),
        render_figure(figs, "rank_rank", plots.rank_rank(safe, "actions", "spread"),
                      "Activity rank vs expected-spread rank (log axes); each dot is a user."),
        "<h3>Rank correlations (95% bootstrap intervals over users)</h3>",
        _html.wide_table_html(corr, max_rows=60),
        render_figure(figs, "loud_quiet", plots.activity_vs_spread(safe),
                      "Activity vs expected spread; loud and quiet highlighted."),
        _p(_LOUD_QUIET),
        f"<h3>Loud ({loud.height:,})</h3>",
        _html.wide_table_html(loud.select(sel), max_rows=20) if loud.height
        else _p("No user is loud by this rule."),
        f"<h3>Quiet ({quiet.height:,})</h3>",
        _html.wide_table_html(quiet.select(sel), max_rows=20) if quiet.height
        else _p("No user is quiet by this rule."),
    ]
    return Section("activity", title, "".join(parts), figures=figs,
                   tables={"correlations": cmp.correlations, "overlap": cmp.overlap,
                           "disagreement": cmp.disagreement,
                           "loud": loud.select(sel), "quiet": quiet.select(sel)})


# ---- 3. top users and the index ------------------------------------------------------------

INDEX_COLUMNS: tuple[str, ...] = (
    "user", "spread_rank", "score", "score_low", "score_high", "spread", "ci_low", "ci_high",
    "defended_spread", "manipulation", "actions", "followers", "flag",
)

#: The search box's script: filters the index rows by the text typed (no network, no data).
SEARCH_JS = (
    "(function(){var q=document.getElementById('user-search');if(!q)return;"
    "var rows=document.querySelectorAll('#user-index tbody tr');"
    "q.addEventListener('input',function(){var s=q.value.toLowerCase();"
    "for(var i=0;i<rows.length;i++){var c=rows[i].cells[0].textContent.toLowerCase();"
    "rows[i].style.display=(s===''||c.indexOf(s)>=0)?'':'none';}});})();"
)


def top_section(a: Analysis, opts: ReportOptions) -> Section:
    """Top users by expected spread with intervals, and a searchable index of users."""
    title = "3. Top users by expected spread"
    users = a.users
    if "spread" not in users.columns or users["spread"].null_count() == users.height:
        return absent("top", title, "No expected spread could be estimated for these data.")
    figs: dict[str, tuple[bytes, str]] = {}
    cols = [c for c in INDEX_COLUMNS if c in users.columns]
    index = users.select(cols)
    shown = min(index.height, opts.index_rows)
    parts = [
        render_figure(figs, "spread", plots.spread_intervals(mpl_safe(users), top=30),
                      "Top 30 users by expected spread (users reached, the user counted), "
                      "95% intervals."),
        _p("Score: the absolute 1–100 score of the expected spread, 1 + 99·log10(spread)/4 "
           "(1 = reaches nobody else, 50.5 = a hundred users, 100 = ten thousand or more); "
           "score_low/score_high map the spread's interval through the same function."),
        _html.wide_table_html(index.head(15)),
        "<h3>Find a user</h3>",
        '<p><label for="user-search">Filter by user id: </label>'
        '<input id="user-search" type="search" placeholder="user id"></p>',
        _p(f"The {shown:,} users with the largest expected spread are listed; "
           + ("that is every user." if shown == index.height else
              f"all {index.height:,} are in users.parquet and users.csv"
              + (".gz." if index.height > GZIP_ROWS else "."))),
        _html.wide_table_html(index, max_rows=shown, table_id="user-index"),
    ]
    return Section("top", title, "".join(parts), figures=figs, tables={"users": users})


# ---- 5. robustness ------------------------------------------------------------------------


def _attack_metrics(a: Analysis) -> tuple[str, ...]:
    out = []
    if a.ds.follows is not None:
        out.append("followers")
    out += ["retweets_received", "spread_learned"]
    d = a.users.get_column("defended_spread", default=None)
    if d is not None and d.null_count() < a.users.height:
        out.append("spread_defended")
    return tuple(out)


def robustness_section(a: Analysis, opts: ReportOptions, step: Step) -> Section:
    """Which attacks would inflate this data's top users most (small sizes, time-bounded)."""
    title = "5. Robustness: what manipulation could buy the top users"
    if a.given or a.ds.events.height == 0:
        return absent("robustness", title, "The attacks inject events into a log, and these "
                      "data have none, so robustness is not measured.")
    if not opts.attacks:
        return absent("robustness", title, "No attack was requested.")
    targets = a.users.head(opts.attack_targets)["user"].to_list()
    metrics = _attack_metrics(a)
    reports, skipped, timed_out = [], [], []
    start = time.perf_counter()
    for attack in opts.attacks:
        if time.perf_counter() - start > opts.robustness_seconds:
            timed_out.append(attack)
            continue
        with step(f"Robustness: {attack} ({opts.attack_size} fakes, {len(targets)} targets)"):
            rep = ig.robustness_report(a.ds, attacks=[attack], sizes=(opts.attack_size,),
                                       targets=targets, metrics=metrics, seed=opts.seed,
                                       n_jobs=opts.n_jobs, rel_error=opts.attack_rel_error,
                                       replicates=opts.attack_replicates)
        if rep.height:
            reports.append(rep)
        if rep.skipped.height:
            skipped.append(rep.skipped)
    if not reports:
        return absent("robustness", title, "Every requested attack was refused on these data "
                      "(e.g. follower attacks need a follows file) or ran out of time.")
    rep = pl.concat(reports, how="vertical_relaxed")
    summary = (
        rep.group_by("attack", "attack_id", "metric", maintain_order=True)
        .agg(pl.len().alias("targets"), pl.col("gain").mean().alias("mean_gain"),
             pl.col("gain_low").min().alias("lowest_gain_low"),
             pl.col("gain_high").max().alias("highest_gain_high"),
             (pl.col("after") / pl.col("before")).mean().alias("mean_ratio"),
             (pl.col("rank_before") - pl.col("rank_after")).mean().alias("mean_places_gained"))
        .sort(["metric", "mean_ratio"], descending=[False, True])
    )
    figs: dict[str, tuple[bytes, str]] = {}
    parts = [
        _p(f"Each attack adds {opts.attack_size} fake accounts or actions for each of the top "
           f"{len(targets)} users by expected spread (influence_graph.robustness_report, seed "
           f"{opts.seed}); gain = value after − value before, with a paired 95% interval for "
           "the spread metrics. A large gain of spread_learned with none of spread_defended "
           "means the defended score resists that attack."),
    ]
    best = (rep.filter(pl.col("metric") == "spread_learned")
            .group_by("attack").agg(pl.col("gain").mean()).sort("gain", descending=True))
    if best.height:
        r = best.row(0, named=True)
        if r["gain"] is not None and r["gain"] > 0:
            parts.append(_p(f"The attack that inflates the undefended expected spread most "
                            f"here: {r['attack']} (mean gain {r['gain']:+.2f} users reached)."))
        else:
            parts.append(_p("None of these attacks inflates the undefended expected spread "
                            "of these users at this size (largest mean gain "
                            f"{r['gain'] or 0:+.2f} users reached)."))
    parts += [_html.wide_table_html(summary, max_rows=100)]
    try:
        parts.append(render_figure(figs, "inflation", plots.inflation(mpl_safe(rep)),
                                   "Rank climb (colour) and gain per 100 (number) of the first "
                                   "target under each attack."))
    except ig.InfluenceGraphError:
        pass
    skipped_df = (pl.concat(skipped, how="vertical_relaxed") if skipped
                  else pl.DataFrame(schema={"attack": pl.String, "reason": pl.String}))
    if skipped_df.height:
        parts += ["<h3>Attacks refused on these data</h3>",
                  _html.wide_table_html(skipped_df, max_rows=50)]
    if timed_out:
        parts.append(_p(f"Not run (time budget of {opts.robustness_seconds:.0f} s spent): "
                        f"{', '.join(timed_out)}."))
    return Section("robustness", title, "".join(parts), figures=figs,
                   tables={"robustness": rep, "robustness_summary": summary,
                           "robustness_skipped": skipped_df})


# ---- 6. provenance ------------------------------------------------------------------------


def provenance_section(prov: Mapping[str, Any]) -> Section:
    """Versions, seed, estimator settings, input SHA-256 sums and the command line."""
    body = (
        _p(f"influence_graph {prov['version']}, model {prov['model_version']}, seed "
           f"{prov['seed']}. Command: {prov['command']}")
        + _p("Every number on this page is reproducible from the seed and these settings "
             "through the Python API (docs/report.md shows how).")
        + f"<pre>{_html.escape(json.dumps(prov, indent=2, default=str))}</pre>"
    )
    return Section("provenance", "6. Provenance", body)


def manipulation_rule_text() -> str:
    """The manipulation flag's rule, as shown on the page."""
    return (f"Manipulation flag: the expected spread is at least {MANIPULATION_RATIO:g}× the "
            "defended spread (the same estimate over credible links only: follows and "
            "engagements from accounts whose audience the user does not already have) and the "
            "defended interval lies wholly below the spread's interval (defended_high < "
            "ci_low). Most of such a user's reach runs over links that fake followers, "
            "retweet bots or sybil rings could supply; it is a reason to look, not proof.")
