"""What every LLM command shares on the command line: ``--estimate``, ``--max-cost USD``,
``--no-cache``, the run's summary and warnings, and the one place where the layer's
stops become messages and exit codes (docs/llm.md, docs/exit-codes.md):

* no model configured (:class:`~novelforge.llm.types.LLMNotConfigured`): one line, exit 2;
* the budget or ``--max-cost`` reached (:class:`~novelforge.llm.types.BudgetExceeded`):
  one line, exit 4, after the command printed what it received before the stop.

    @app.command("review")
    def review_cmd(..., estimate: bool = estimate_option(), max_cost: Optional[float] = max_cost_option(),
                   no_cache: bool = no_cache_option()) -> int:
        with llm_run() as run:
            result = api.review(..., estimate=estimate, max_cost=max_cost, use_cache=not no_cache)
        ...
        return run.exit_code or code

Raising :class:`BudgetExceeded` out of a command is fine too: ``app.main`` gives it the
same message and exit 4 (the wording of its help line is :func:`budget_help`).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import typer


def estimate_option() -> Any:
    return typer.Option(False, "--estimate",
                        help="Say how many calls, tokens and dollars the run would spend (after the cache), "
                             "and send nothing.")


def max_cost_option() -> Any:
    return typer.Option(None, "--max-cost", metavar="USD", min=0.0,
                        help="Stop before a request that could take this run past this many US dollars (exit 4).")


def no_cache_option() -> Any:
    return typer.Option(False, "--no-cache",
                        help="Neither read nor write the LLM answer cache: every prompt is sent.")


def budget_help(exc: Any) -> str | None:
    """The help line of a budget stop, worded with this command line's flags."""
    if getattr(exc, "limit", None) == "max_cost":
        return "raise --max-cost, or run with --estimate first to see what the run would cost"
    if getattr(exc, "limit", None) == "budget":
        return ("raise `llm: budget_usd_month:` in novelforge.yaml (`novelforge usage` shows this month's "
                "spending), or wait for next month")
    return getattr(exc, "help", None)


@dataclass
class LLMRun:
    """What :func:`llm_run` caught: ``stopped`` (the BudgetExceeded, with the replies
    received before it) and the exit code to end with (4), or None."""

    stopped: Any = None

    @property
    def exit_code(self) -> int | None:
        return int(self.stopped.exit_code) if self.stopped is not None else None


@contextmanager
def llm_run() -> Iterator[LLMRun]:
    """Catches a budget stop inside the block, reports it (one line, flags worded for the
    command line) and lets the command print what it has before exiting with
    ``run.exit_code`` (4). Every other error goes on to ``app.main``
    (:class:`LLMNotConfigured`: exit 2)."""
    from novelforge.errors import ExitCode, NovelForgeError

    run = LLMRun()
    try:
        yield run
    except NovelForgeError as exc:
        if exc.exit_code != ExitCode.BUDGET:      # a BudgetExceeded (novelforge.llm.types)
            raise
        exc.help = budget_help(exc)
        from novelforge.cli.app import report_error

        report_error(exc)
        run.stopped = exc


def report_client(client: Any, *, quiet: bool = False) -> None:
    """The client's warnings (each once), and unless ``quiet`` one summary line on
    standard error: requests sent, answers from the cache, what it cost."""
    from novelforge.cli.options import warn

    for text in getattr(client, "warnings", []):
        warn(text)
    if quiet:
        return
    typer.echo(run_summary(client), err=True)


def money(value: float) -> str:
    """``$0.0123``, ``$4.20``."""
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def run_summary(client: Any) -> str:
    from novelforge.cli.options import plural

    sent, cached, spent = getattr(client, "sent", 0), getattr(client, "cached", 0), getattr(client, "spent", 0.0)
    return (f"{plural(sent, 'request')} sent, {plural(cached, 'answer')} "
            f"from the cache, {money(spent)} spent")


def estimate_text(estimate: Any) -> str:
    """``--estimate`` in words (the command prints it and exits 0); ``formats.ESTIMATE``
    has it as JSON too."""
    from novelforge.formats import ESTIMATE

    return ESTIMATE.render("text", estimate)
