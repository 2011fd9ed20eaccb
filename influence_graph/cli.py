"""The ``influence-graph`` command.

``influence-graph demo`` builds the synthetic world and writes its influence report (the
report below, with a check of every metric against the world's planted truth);
``influence-graph report`` turns a user's own log (or a bundled data set) into a
self-contained influence report (docs/report.md); ``score`` writes the metric tables,
``compare`` compares the metrics of a table, ``datasets`` says where the real data sets
are; ``influence-graph validate`` checks input files and prints the ingest report;
``influence-graph spread`` estimates every user's expected spread from a probability table.

Every command that reads files takes the reader's options (``--separator``,
``--column-map``, ``--timestamp-format``, ``--epoch-unit``, ``--allow-empty``,
``--strip-ids``, …), so each hint of the validator can be followed on the command line.
A bad input file exits with status 2 and one line naming file, record, column and rule;
``--debug`` shows the full error with its traceback instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["app", "main", "parse_column_map", "parse_separator", "parse_topics"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="influence_graph: influence as the ability to move content, beside raw activity.",
)

#: Exit status of a bad input file (or a bad option value), as click's usage errors.
EXIT_BAD_INPUT = 2
#: Exit status of any other error of the package (e.g. an estimator that cannot run).
EXIT_ERROR = 1


def parse_column_map(values: list[str] | None) -> dict[str, str] | None:
    """Turn ``--column-map`` values into ``column_map``: ``SRC=CANON`` pairs or one JSON object.

    Examples
    --------
    >>> parse_column_map(["uid=user", "ts=timestamp"])
    {'uid': 'user', 'ts': 'timestamp'}
    >>> parse_column_map(['{"from": "source", "to": "target"}'])
    {'from': 'source', 'to': 'target'}
    >>> parse_column_map(None) is None
    True
    """
    if not values:
        return None
    out: dict[str, str] = {}
    for v in values:
        if v.lstrip().startswith("{"):
            try:
                obj = json.loads(v)
            except json.JSONDecodeError as exc:
                raise typer.BadParameter(f"{v!r} is not a JSON object ({exc})") from None
            if not isinstance(obj, dict) or not all(
                isinstance(k, str) and isinstance(c, str) for k, c in obj.items()
            ):
                raise typer.BadParameter(f"{v!r} must map column names to column names")
            out.update(obj)
            continue
        src, eq, canon = v.partition("=")
        if not eq or not src or not canon:
            raise typer.BadParameter(
                f"{v!r} is not SOURCE=CANONICAL (e.g. --column-map uid=user) nor a JSON object"
            )
        out[src] = canon
    return out


def parse_separator(value: str) -> str:
    r"""Turn ``--separator`` into the one-byte separator (``tab`` or ``\t`` give a tab).

    Examples
    --------
    >>> parse_separator(";"), parse_separator("tab"), parse_separator("\\t")
    (';', '\t', '\t')
    """
    return "\t" if value in ("tab", "\\t", "TAB") else value


# -- the reader options, shared by every command that reads files ----------------------
_COLUMN_MAP_HELP = (
    "Source column name to canonical name, repeatable: --column-map uid=user "
    "--column-map ts=timestamp; or one JSON object: --column-map '{\"uid\": \"user\"}'."
)
Separator = Annotated[
    str, typer.Option(help="CSV field separator, one byte (';', ',', '|'; 'tab' for a tab).")
]
ColumnMap = Annotated[Optional[list[str]], typer.Option(help=_COLUMN_MAP_HELP)]
Lenient = Annotated[
    bool,
    typer.Option(
        "--lenient/--strict",
        help="Lenient: write rejected records to --rejects and go on. Strict (default): "
        "any bad record is an error.",
    ),
]
Rejects = Annotated[
    Optional[Path], typer.Option(help="Where lenient mode writes rejects (Parquet).")
]
AllowEmpty = Annotated[
    bool, typer.Option("--allow-empty", help="Accept a 0-byte file as an empty source.")
]
StrictColumns = Annotated[
    bool, typer.Option("--strict-columns", help="Unknown columns are an error, not a warning.")
]
StripIds = Annotated[
    bool,
    typer.Option(
        "--strip-ids",
        help="Strip leading/trailing whitespace from ids (default: such ids are rejected, "
        "rule ID_WHITESPACE).",
    ),
]
NormalizeIds = Annotated[
    Optional[str], typer.Option(help="Unicode-normalise ids: NFC, NFD, NFKC or NFKD.")
]
MaxMemory = Annotated[
    Optional[float],
    typer.Option(help="Memory budget in bytes (default: half the available memory)."),
]
TimestampFormat = Annotated[
    Optional[str],
    typer.Option(help="strftime format of the timestamps, e.g. '%d/%m/%Y %H:%M' (UTC without %z)."),
]
EpochUnit = Annotated[
    Optional[str], typer.Option(help="Timestamps are integer epochs in this unit: s, ms or us.")
]
ClosedUserSet = Annotated[
    bool, typer.Option("--closed-user-set", help="Users of events and follows must be in --users.")
]
Debug = Annotated[
    bool, typer.Option("--debug", help="On an error, show the full error and its traceback.")
]

# reader option -> CLI spelling, to translate the validator's hints
_FLAGS = {
    "allow_empty": "--allow-empty",
    "closed_user_set": "--closed-user-set",
    "column_map": "--column-map",
    "epoch_unit": "--epoch-unit",
    "max_memory": "--max-memory",
    "normalize_ids": "--normalize-ids",
    "separator": "--separator",
    "strict_columns": "--strict-columns",
    "strip_ids": "--strip-ids",
    "timestamp_format": "--timestamp-format",
    "strict": "--strict",
}
_NEGATED = {"strict": "--lenient", "strict_columns": "--no-strict-columns",
            "closed_user_set": "--no-closed-user-set"}


def _cli_spelling(text: str) -> str:
    """Append the CLI flags of the reader options a hint names (``epoch_unit``: --epoch-unit)."""
    flags = []
    for m in re.finditer(r"\b([a-z]+(?:_[a-z]+)*)\b(=False)?", text):
        name, false = m.group(1), m.group(2)
        if name not in _FLAGS:
            continue
        flag = _NEGATED.get(name, _FLAGS[name]) if false else _FLAGS[name]
        if flag not in text and flag not in flags:
            flags.append(flag)
    return text + (f" [CLI: {', '.join(flags)}]" if flags else "")


def _one_line(err: BaseException) -> str:
    from .exceptions import InputValidationError

    if isinstance(err, InputValidationError):
        text = err.failures[0].describe()
        total = sum(err.counts.values())
        if total > 1:
            per_rule = ", ".join(f"{k}: {v}" for k, v in sorted(err.counts.items()))
            text += f"; {total:,} failures in all ({per_rule}), --debug lists the first 50"
        return _cli_spelling(text)
    if isinstance(err, FileNotFoundError) and err.filename is not None:
        return f"{err.filename}: file not found"
    return " ".join(str(err).split())


@contextmanager
def _errors(debug: bool) -> Iterator[None]:
    """Turn the package's errors into one line on stderr and an exit status."""
    from .exceptions import InfluenceGraphError, InputValidationError, MemoryBudgetError

    try:
        yield
    except (InputValidationError, FileNotFoundError, MemoryBudgetError) as err:
        if debug:
            raise
        typer.echo(f"error: {_one_line(err)}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except InfluenceGraphError as err:
        if debug:
            raise
        typer.echo(f"error: {_one_line(err)}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder to write the report into.")] = Path("demo-report"),
    n_users: Annotated[int, typer.Option(help="Users in the synthetic world.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed for the world and every estimate.")] = 7,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
    debug: Debug = False,
) -> None:
    """Build the synthetic world and write its influence report: the report of
    `influence-graph report`, plus a check of every metric against the planted truth.

    Example: influence-graph demo --out demo-report (then open demo-report/index.html)
    """
    from .report.demo import run_demo  # lazy (each command): the CLI starts fast

    with _errors(debug):
        index = run_demo(out, n_users=n_users, seed=seed, progress=not quiet)
    typer.echo(f"report written: {index}")


@app.command()
def validate(
    ctx: typer.Context,
    events: Annotated[Optional[Path], typer.Option(help="Events file (CSV, CSV.gz or Parquet).")] = None,
    follows: Annotated[Optional[Path], typer.Option(help="Follows file.")] = None,
    users: Annotated[Optional[Path], typer.Option(help="Users file.")] = None,
    lenient: Lenient = False,
    rejects: Rejects = None,
    separator: Separator = ",",
    column_map: ColumnMap = None,
    timestamp_format: TimestampFormat = None,
    epoch_unit: EpochUnit = None,
    allow_empty: AllowEmpty = False,
    strict_columns: StrictColumns = False,
    closed_user_set: ClosedUserSet = False,
    normalize_ids: NormalizeIds = None,
    strip_ids: StripIds = False,
    max_memory: MaxMemory = None,
    debug: Debug = False,
) -> None:
    """Validate input files against the canonical schema and print the ingest report.

    A bad file exits with status 2 and one line: file, record (line), column, value,
    rule and hint.
    """
    from .io.readers import load_dataset  # lazy (each command): the CLI starts fast

    args = _reader_args(ctx.params)
    with _errors(debug):
        ds = load_dataset(**args)
    typer.echo(repr(ds))
    typer.echo(str(ds.ingest))


@app.command()
def spread(
    probabilities: Annotated[
        Path, typer.Argument(help="CSV, CSV.gz or Parquet with source, target, p (p in [0, 1]).")
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="Output CSV (text cells that could be spreadsheet formulas get a leading "
            "'); a name ending .parquet writes Parquet, byte-exact."
        ),
    ] = Path("spread.csv"),
    model: Annotated[str, typer.Option(help="ic or lt.")] = "ic",
    rel_error: Annotated[float, typer.Option(help="Target relative error.")] = 0.05,
    top_k: Annotated[int, typer.Option(help="Users whose precision stops the sampling.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    n_jobs: Annotated[Optional[int], typer.Option(help="Threads (default: all cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
    lenient: Lenient = False,
    rejects: Rejects = None,
    separator: Separator = ",",
    column_map: ColumnMap = None,
    allow_empty: AllowEmpty = False,
    strict_columns: StrictColumns = False,
    normalize_ids: NormalizeIds = None,
    strip_ids: StripIds = False,
    max_memory: MaxMemory = None,
    debug: Debug = False,
) -> None:
    """Estimate every user's expected spread with intervals (RIS) and write a CSV.

    The table is read by the validating reader (``load_probabilities``): ids stay
    strings, p must be a number in [0, 1]; a bad file exits with status 2 and one line.
    """
    from .diffusion.spread import expected_spread  # lazy (each command): the CLI starts fast
    from .io.readers import load_probabilities
    from .io.safe_csv import write_safe_csv

    from .report.progress import steps

    cmap = parse_column_map(column_map)
    with _errors(debug), steps(not quiet) as step:
        with step(f"Reading {probabilities.name}"):
            table = load_probabilities(
                probabilities,
                strict=not lenient,
                rejects=rejects,
                separator=parse_separator(separator),
                column_map=cmap,
                allow_empty=allow_empty,
                strict_columns=strict_columns,
                normalize_ids=normalize_ids,
                strip_ids=strip_ids,
                max_memory=max_memory,
            )
        with step(f"Estimating expected spread ({model.upper()}, RIS, {table.height:,} edges)"):
            res = expected_spread(
                table, model=model, rel_error=rel_error, top_k=top_k, seed=seed, n_jobs=n_jobs
            )
    if out.suffix.lower() in (".parquet", ".pq"):
        res.table.write_parquet(out)
    else:
        write_safe_csv(res.table, out)
    typer.echo(
        f"{res.table.height:,} users, {res.n_samples:,} samples, target {res.target}: "
        f"{'met' if res.target_met else 'NOT met'} (reached {res.rel_error_reached:.4f}); wrote {out}"
    )


def parse_topics(value: str | None) -> dict[str, object] | None:
    """Turn ``--topics`` into a ``topics=`` mapping: a JSON object, a .json file or a table.

    A table (CSV or Parquet) has columns ``keyword`` and ``topic``, one row per pair.

    Examples
    --------
    >>> parse_topics('{"#ml": "tech"}')
    {'#ml': 'tech'}
    >>> parse_topics(None) is None
    True
    """
    if value is None:
        return None
    if value.lstrip().startswith("{"):
        text = value
    else:
        path = Path(value)
        if not path.is_file():
            raise typer.BadParameter(f"{value!r} is neither a JSON object nor a file")
        if path.suffix.lower() not in (".json",):
            import polars as pl

            table = (pl.read_parquet(path) if path.suffix.lower() in (".parquet", ".pq")
                     else pl.read_csv(path, infer_schema=False))
            if not {"keyword", "topic"} <= set(table.columns):
                raise typer.BadParameter(f"{value}: a topics table needs columns keyword, topic")
            out: dict[str, list[str]] = {}
            for kw, topic in table.select("keyword", "topic").iter_rows():
                out.setdefault(str(kw), []).append(str(topic))
            return dict(out)
        text = path.read_text(encoding="utf-8")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"--topics is not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise typer.BadParameter("--topics must be a JSON object {keyword: topic}")
    return obj


_NO_HANDLER = object()
_REPORT_EXAMPLE = (
    "Example: influence-graph report --events events.csv --follows follows.csv "
    "--out my-report --user alice --seed 1"
)


def _command_line(ctx: typer.Context) -> str:
    """The command as typed, rebuilt from the parsed options (paths as given)."""
    import shlex

    parts = ["influence-graph", ctx.info_name or "report"]
    for p in ctx.command.params:
        value = ctx.params.get(p.name)
        if value is None or value is False or value == p.default or value == []:
            continue
        flag = p.opts[0]
        if value is True:
            parts.append(flag)
        elif isinstance(value, (list, tuple)):
            for v in value:
                parts += [flag, str(v)]
        else:
            parts += [flag, str(value)]
    return shlex.join(parts)


@app.command(help="Turn an event log (or a bundled data set) into a self-contained influence "
             "report: ingest, activity vs influence, top users with intervals, per-user "
             "cards, robustness, provenance. All or nothing on disk.\n\n" + _REPORT_EXAMPLE)
def report(
    ctx: typer.Context,
    events: Annotated[
        Optional[Path], typer.Option(help="Events file (CSV, CSV.gz or Parquet).")
    ] = None,
    follows: Annotated[Optional[Path], typer.Option(help="Follows file.")] = None,
    users: Annotated[Optional[Path], typer.Option(help="Users file.")] = None,
    dataset: Annotated[
        Optional[str],
        typer.Option(help="A bundled data set instead of files: higgs, congress or synthetic."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Report folder (replaced only when complete).")] = Path(
        "influence-report"),
    seed: Annotated[int, typer.Option(help="Seed of every estimate (same seed, same report).")] = 7,
    jobs: Annotated[Optional[int], typer.Option(help="Threads (default: all cores).")] = None,
    precision: Annotated[
        float, typer.Option(help="Target relative error of the expected spread (top users).")
    ] = 0.05,
    topics: Annotated[
        Optional[str],
        typer.Option(help="Keyword-to-topic mapping: a JSON object, a .json file or a CSV/"
                     "Parquet table with columns keyword, topic."),
    ] = None,
    user: Annotated[
        Optional[list[str]], typer.Option(help="A user to give a card to (repeatable).")
    ] = None,
    top: Annotated[int, typer.Option(help="Cards for the top N users by expected spread.")] = 5,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
    lenient: Lenient = False,
    rejects: Rejects = None,
    separator: Separator = ",",
    column_map: ColumnMap = None,
    timestamp_format: TimestampFormat = None,
    epoch_unit: EpochUnit = None,
    allow_empty: AllowEmpty = False,
    strict_columns: StrictColumns = False,
    closed_user_set: ClosedUserSet = False,
    normalize_ids: NormalizeIds = None,
    strip_ids: StripIds = False,
    max_memory: MaxMemory = None,
    debug: Debug = False,
) -> None:
    """Write the influence report of an event log (see --help)."""
    _check_source(dataset, events, follows, users)
    if top < 0:
        raise typer.BadParameter("--top must be 0 or more")
    import signal

    args = _reader_args(ctx.params)
    mapping = parse_topics(topics)
    command = _command_line(ctx)

    def _terminate(signum: int, frame: object) -> None:  # SIGTERM cleans up like Ctrl-C
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        previous = _NO_HANDLER
    try:
        _report(ds_args=args, dataset=dataset, out=out, seed=seed, jobs=jobs,
                precision=precision, top=top, users=tuple(user or ()), mapping=mapping,
                command=command, quiet=quiet, debug=debug)
    finally:
        if previous is not _NO_HANDLER:
            signal.signal(signal.SIGTERM, previous)


def _report(*, ds_args: dict, dataset: str | None, out: Path, seed: int, jobs: int | None,
            precision: float, top: int, users: tuple[str, ...], mapping: dict | None,
            command: str, quiet: bool, debug: bool) -> None:
    """Load the data and write the report (the body of ``influence-graph report``)."""
    from .report.analysis import ReportOptions  # lazy (each command): the CLI starts fast
    from .report.user_report import run_report

    with _errors(debug):
        ds = _load(ds_args, dataset, seed)
        options = ReportOptions(seed=seed, n_jobs=jobs, rel_error=precision, top=top,
                                users=users, topics=mapping)
        files = {k: ds_args[k] for k in ("events", "follows", "users")}
        result = run_report(ds, out, options, files=files,
                            command=command, progress=not quiet)
    if not quiet:
        typer.echo(f"report written: {result.index} ({result.seconds:.1f} s)")


def _load(ds_args: dict, dataset: str | None, seed: int):  # -> Dataset (lazy import)
    """The data set of ``--dataset`` or of the input files (the reader options applied)."""
    if dataset is not None:
        import influence_graph as ig

        return (ig.datasets.synthetic(seed=seed) if dataset == "synthetic"
                else getattr(ig.datasets, dataset)())
    from .io.readers import load_dataset

    return load_dataset(**ds_args)


#: The reader options every command that reads files takes (their CLI parameter names).
_READER_KEYS = ("events", "follows", "users", "lenient", "rejects", "separator", "column_map",
                "timestamp_format", "epoch_unit", "allow_empty", "strict_columns",
                "closed_user_set", "normalize_ids", "strip_ids", "max_memory")


def _reader_args(params: dict) -> dict:
    """The keyword arguments of :func:`influence_graph.load_dataset` from a command's parsed
    parameters (``ctx.params``)."""
    p = {k: params.get(k) for k in _READER_KEYS}
    return dict(events=p["events"], follows=p["follows"], users=p["users"],
                strict=not p["lenient"], rejects=p["rejects"],
                separator=parse_separator(p["separator"]),
                column_map=parse_column_map(p["column_map"]),
                timestamp_format=p["timestamp_format"], epoch_unit=p["epoch_unit"],
                allow_empty=bool(p["allow_empty"]), strict_columns=bool(p["strict_columns"]),
                closed_user_set=bool(p["closed_user_set"]), normalize_ids=p["normalize_ids"],
                strip_ids=bool(p["strip_ids"]), max_memory=p["max_memory"])


def _check_source(dataset: str | None, *files: object) -> None:
    """``--dataset`` or input files, not both and not neither."""
    if dataset is not None and any(f is not None for f in files):
        raise typer.BadParameter("give either --dataset or input files, not both")
    if dataset is None and all(f is None for f in files):
        raise typer.BadParameter("give --events (and --follows, --users) or --dataset")
    if dataset is not None and dataset not in _DATASET_CHOICES:
        raise typer.BadParameter(f"--dataset must be higgs, congress or synthetic, not {dataset!r}")


_DATASET_CHOICES = ("higgs", "congress", "synthetic")
_SCORE_EXAMPLE = ("Example: influence-graph score --events events.csv --follows follows.csv "
                  "--out scores --seed 1")


@app.command(help="Score every user (activity counts; expected spread with intervals and the "
             "defended score) and write the tables as Parquet and CSV, all or nothing.\n\n"
             + _SCORE_EXAMPLE)
def score(
    ctx: typer.Context,
    events: Annotated[Optional[Path], typer.Option(help="Events file (CSV, CSV.gz or Parquet).")
                      ] = None,
    follows: Annotated[Optional[Path], typer.Option(help="Follows file.")] = None,
    users: Annotated[Optional[Path], typer.Option(help="Users file.")] = None,
    dataset: Annotated[
        Optional[str],
        typer.Option(help="A bundled data set instead of files: higgs, congress or synthetic."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder (replaced only when complete).")
                   ] = Path("influence-scores"),
    seed: Annotated[int, typer.Option(help="Seed of every estimate.")] = 7,
    jobs: Annotated[Optional[int], typer.Option(help="Threads (default: all cores).")] = None,
    precision: Annotated[
        float, typer.Option(help="Target relative error of the expected spread (top users).")
    ] = 0.05,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
    lenient: Lenient = False,
    rejects: Rejects = None,
    separator: Separator = ",",
    column_map: ColumnMap = None,
    timestamp_format: TimestampFormat = None,
    epoch_unit: EpochUnit = None,
    allow_empty: AllowEmpty = False,
    strict_columns: StrictColumns = False,
    closed_user_set: ClosedUserSet = False,
    normalize_ids: NormalizeIds = None,
    strip_ids: StripIds = False,
    max_memory: MaxMemory = None,
    debug: Debug = False,
) -> None:
    """Write every user's metric tables (see --help)."""
    _check_source(dataset, events, follows, users)
    args = _reader_args(ctx.params)
    from .report.analysis import ReportOptions  # lazy (each command): the CLI starts fast
    from .report.score import run_score

    with _errors(debug):
        ds = _load(args, dataset, seed)
        folder = run_score(ds, out, ReportOptions(seed=seed, n_jobs=jobs, rel_error=precision),
                           files={k: args[k] for k in ("events", "follows", "users")},
                           command=_command_line(ctx), progress=not quiet)
    typer.echo(f"tables written: {folder} (activity, influence)")


@app.command()
def compare(
    table: Annotated[Path, typer.Argument(help="A table (CSV or Parquet) with a user column "
                                         "and one column per metric.")],
    metric: Annotated[
        Optional[list[str]],
        typer.Option(help="A metric column to compare (repeatable; default: every numeric "
                     "column but user)."),
    ] = None,
    out: Annotated[Optional[Path], typer.Option(help="Also write the comparison tables "
                                                "(Parquet and CSV) into this folder.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap intervals.")] = 7,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
    debug: Debug = False,
) -> None:
    """Compare the metrics of a table: rank correlations with bootstrap intervals, top-k
    overlap and the users they disagree on most (ig.compare_metrics).

    Example: influence-graph compare scores/influence.parquet --metric spread
    --metric retweets_received --out comparison
    """
    import polars as pl

    from .compare.metrics import compare_metrics
    from .report.progress import steps

    with _errors(debug), steps(not quiet) as step:
        with step(f"Reading {table.name}"):
            frame = _read_table(table)
        with step(f"Comparing the metrics of {frame.height:,} users (bootstrap intervals)"):
            res = compare_metrics(frame, metric or None, seed=seed)
        if out is not None:
            from .report.atomic import REPORT_MARKER, atomic_dir
            from .report.user_report import write_table

            with atomic_dir(out) as tmp:
                for name in ("correlations", "overlap", "disagreement"):
                    write_table(getattr(res, name), tmp, name)
                (tmp / REPORT_MARKER).write_text(json.dumps(
                    {"table": str(table), "metrics": list(res.metrics), "seed": seed,
                     "settings": res.settings}, indent=2, default=str))
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=160, float_precision=3):
        typer.echo(str(res.correlations))
    if out is not None:
        typer.echo(f"tables written: {out}")


def _read_table(path: Path):  # -> polars.DataFrame
    """A CSV or Parquet table with ``user`` read as text; one clear error otherwise."""
    import polars as pl

    from ._validation import bad_param

    if not path.is_file():
        raise FileNotFoundError(2, "file not found", str(path))
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pl.read_parquet(path)
        return pl.read_csv(path, schema_overrides={"user": pl.String})
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as err:
        raise bad_param("table", str(path),
                        f"be a readable CSV or Parquet table ({' '.join(str(err).split())[:160]})"
                        ) from None


@app.command()
def datasets(
    data_dir: Annotated[Optional[Path], typer.Option(help="A folder to search first.")] = None,
    fetch: Annotated[bool, typer.Option("--fetch", help="Download missing files from their "
                                        "publishers into the user cache (verified).")] = False,
    debug: Debug = False,
) -> None:
    """Where each real data file is looked for, whether it is there and intact (SHA-256).

    Example: influence-graph datasets --fetch
    """
    import polars as pl

    from .datasets.status import status

    with _errors(debug):
        table = status(data_dir=data_dir, fetch=fetch)
    for row in table.iter_rows(named=True):
        state = (f"{row['checksum']}, {row['source']}: {row['path']}" if row["found"] else
                 ("MISSING" if row["required"] else "absent (optional)"))
        typer.echo(f"{row['dataset']}/{row['file']}: {state}")
        if not row["found"]:
            typer.echo(f"    looked in: {row['looked_in']}")
            typer.echo(f"    to get it: {row['how_to_get']}")
    bad = table.filter(pl.col("checksum") == "MISMATCH")
    if bad.height:
        typer.echo("error: SHA-256 mismatch for " + ", ".join(bad["file"]) + "; delete and "
                   "get them again", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)


def main() -> None:
    """Entry point of the ``influence-graph`` console script."""
    app()
