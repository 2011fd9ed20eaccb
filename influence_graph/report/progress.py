"""Progress lines of the report: a rich status while a step runs, one line when it ends.

On a terminal each step shows a spinner (``rich``) and then a timed line; when stderr is
not a terminal (a pipe, a log file, CI) only the plain timed lines are printed; with
``enabled=False`` nothing is printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

__all__ = ["Step", "steps"]

#: ``step(description)``: a context manager around one step of the report.
Step = Callable[[str], AbstractContextManager[None]]


@contextmanager
def steps(enabled: bool) -> Iterator[Step]:
    """Yield ``step(description)``; print a final line with the total time.

    Parameters
    ----------
    enabled : bool
        False: silent (``--quiet``).
    """
    from rich.console import Console

    console = Console(stderr=True, quiet=not enabled)
    tty = console.is_terminal
    t0 = time.perf_counter()

    def plain(text: str) -> None:
        if enabled:
            print(text, file=sys.stderr, flush=True)

    @contextmanager
    def step(description: str) -> Iterator[None]:
        start = time.perf_counter()
        if tty:
            with console.status(f"[bold]{description}…"):
                yield
            console.log(f"{description} [dim]({time.perf_counter() - start:.1f} s)[/dim]")
        else:
            yield
            plain(f"{description} ({time.perf_counter() - start:.1f} s)")

    yield step
    if tty:
        console.log(f"[bold green]done in {time.perf_counter() - t0:.1f} s")
    else:
        plain(f"done in {time.perf_counter() - t0:.1f} s")
