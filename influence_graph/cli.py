"""The ``influence-graph`` command.

``influence-graph demo`` builds the synthetic world and writes the activity-vs-influence
report; ``influence-graph validate`` checks input files and prints the ingest report;
``influence-graph spread`` estimates every user's expected spread from a probability table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="influence_graph: influence as the ability to move content, beside raw activity.",
)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder to write the report into.")] = Path("demo-report"),
    n_users: Annotated[int, typer.Option(help="Users in the synthetic world.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed for the world and every estimate.")] = 7,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
) -> None:
    """Build the synthetic world, score every user, compare the metrics, write a report."""
    from .report.demo import run_demo  # lazy (each command): the CLI starts fast

    index = run_demo(out, n_users=n_users, seed=seed, progress=not quiet)
    typer.echo(f"report written: {index}")


@app.command()
def validate(
    events: Annotated[Optional[Path], typer.Option(help="Events file (CSV, CSV.gz or Parquet).")] = None,
    follows: Annotated[Optional[Path], typer.Option(help="Follows file.")] = None,
    users: Annotated[Optional[Path], typer.Option(help="Users file.")] = None,
    lenient: Annotated[bool, typer.Option(help="Write rejected records to --rejects and go on.")] = False,
    rejects: Annotated[Optional[Path], typer.Option(help="Where lenient mode writes rejects.")] = None,
) -> None:
    """Validate input files against the canonical schema and print the ingest report."""
    from .exceptions import InputValidationError  # lazy (each command): the CLI starts fast
    from .io.readers import load_dataset

    try:
        ds = load_dataset(events=events, follows=follows, users=users, strict=not lenient, rejects=rejects)
    except InputValidationError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    typer.echo(repr(ds))
    typer.echo(str(ds.ingest))


@app.command()
def spread(
    probabilities: Annotated[Path, typer.Argument(help="CSV or Parquet with source, target, p.")],
    out: Annotated[Path, typer.Option(help="Output CSV.")] = Path("spread.csv"),
    model: Annotated[str, typer.Option(help="ic or lt.")] = "ic",
    rel_error: Annotated[float, typer.Option(help="Target relative error.")] = 0.05,
    top_k: Annotated[int, typer.Option(help="Users whose precision stops the sampling.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    n_jobs: Annotated[Optional[int], typer.Option(help="Threads (default: all cores).")] = None,
) -> None:
    """Estimate every user's expected spread with intervals (RIS) and write a CSV."""
    import polars as pl

    from .diffusion.spread import expected_spread  # lazy (each command): the CLI starts fast

    schema = {"source": pl.String, "target": pl.String, "p": pl.Float64}
    if probabilities.suffix == ".parquet":
        table = pl.read_parquet(probabilities)
    else:
        table = pl.read_csv(probabilities, schema_overrides=schema)
    res = expected_spread(table, model=model, rel_error=rel_error, top_k=top_k, seed=seed, n_jobs=n_jobs)
    res.table.write_csv(out)
    typer.echo(
        f"{res.table.height:,} users, {res.n_samples:,} samples, target {res.target}: "
        f"{'met' if res.target_met else 'NOT met'} (reached {res.rel_error_reached:.4f}); wrote {out}"
    )


def main() -> None:
    """Entry point of the ``influence-graph`` console script."""
    app()
