"""The ``influence-graph`` command.

``influence-graph demo`` builds the synthetic world and writes the activity-vs-influence
report; ``influence-graph validate`` checks input files and prints the ingest report;
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

__all__ = ["app", "main", "parse_column_map", "parse_separator"]

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
    """Build the synthetic world, score every user, compare the metrics, write a report."""
    from .report.demo import run_demo  # lazy (each command): the CLI starts fast

    with _errors(debug):
        index = run_demo(out, n_users=n_users, seed=seed, progress=not quiet)
    typer.echo(f"report written: {index}")


@app.command()
def validate(
    events: Annotated[Optional[Path], typer.Option(help="Events file (CSV, CSV.gz or Parquet).")] = None,
    follows: Annotated[Optional[Path], typer.Option(help="Follows file.")] = None,
    users: Annotated[Optional[Path], typer.Option(help="Users file.")] = None,
    lenient: Lenient = False,
    rejects: Rejects = None,
    separator: Separator = ",",
    column_map: ColumnMap = None,
    timestamp_format: Annotated[
        Optional[str],
        typer.Option(
            help="strftime format of the timestamps, e.g. '%d/%m/%Y %H:%M' (UTC without %z)."
        ),
    ] = None,
    epoch_unit: Annotated[
        Optional[str], typer.Option(help="Timestamps are integer epochs in this unit: s, ms or us.")
    ] = None,
    allow_empty: AllowEmpty = False,
    strict_columns: StrictColumns = False,
    closed_user_set: Annotated[
        bool,
        typer.Option("--closed-user-set", help="Users of events and follows must be in --users."),
    ] = False,
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

    cmap = parse_column_map(column_map)
    with _errors(debug):
        ds = load_dataset(
            events=events,
            follows=follows,
            users=users,
            strict=not lenient,
            rejects=rejects,
            separator=parse_separator(separator),
            column_map=cmap,
            timestamp_format=timestamp_format,
            epoch_unit=epoch_unit,
            allow_empty=allow_empty,
            strict_columns=strict_columns,
            closed_user_set=closed_user_set,
            normalize_ids=normalize_ids,
            strip_ids=strip_ids,
            max_memory=max_memory,
        )
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

    cmap = parse_column_map(column_map)
    with _errors(debug):
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


def main() -> None:
    """Entry point of the ``influence-graph`` console script."""
    app()
