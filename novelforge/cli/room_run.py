"""What ``review``, ``summarize`` and ``check --room`` share: the room's options from the
flags (with a progress bar on a terminal), and the end of a run: the estimate, the line
saying what the room did, and the budget stop (exit 4)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import typer


class _Bar:
    """A rich progress bar on standard error, one task per stage (summaries, review, verify)."""

    def __init__(self) -> None:
        from rich.progress import Progress

        from novelforge.cli.app import err_console

        self.progress = Progress(console=err_console(), transient=True)
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done)


@contextmanager
def room_options(command: str, *, estimate: bool, max_cost: float | None, no_cache: bool) -> Iterator[Any]:
    """The :class:`RoomOptions` of a run; a progress bar while it runs, when standard error
    is a terminal."""
    import sys

    from novelforge import api

    bar = _Bar() if sys.stderr.isatty() and not estimate else None
    options = api.RoomOptions(use_cache=not no_cache, max_cost=max_cost, estimate=estimate, command=command,
                              progress=bar)
    if bar is None:
        yield options
        return
    with bar.progress:
        yield options


def print_estimate(stats: Any, fmt: str) -> None:
    from novelforge.formats import ESTIMATE, dump_json

    if fmt == "json":
        typer.echo(dump_json({"version": 1, "estimate": ESTIMATE.render("json", stats.estimate)}), nl=False)
    else:
        typer.echo(ESTIMATE.render("text", stats.estimate), nl=False)


def finish(stats: Any, *, quiet: bool = False) -> int | None:
    """Warnings, the room's line (unless ``quiet``), and the budget stop: its message and
    exit code 4, or None."""
    from novelforge.api import room_line
    from novelforge.cli.options import warn

    for text in dict.fromkeys(stats.warnings):
        warn(text)
    if not quiet:
        typer.echo(room_line(stats), err=True)
    if stats.stop is not None:
        from novelforge.cli.app import report_error
        from novelforge.cli.llm_options import budget_help

        stop = stats.stop
        stop.help = budget_help(stop)
        report_error(stop)
        return int(stop.exit_code)
    return None


def finish_suggest(stats: Any, fmt: str) -> int:
    """After ``promises suggest --llm``: what the model did, and the exit code (4 after a
    budget stop, else 0)."""
    from novelforge.api import describe_llm_suggest

    if fmt != "json":
        typer.echo(describe_llm_suggest(stats), err=True)
    stopped = finish(stats, quiet=True)
    return stopped or 0
