"""``novelforge cache stats`` and ``novelforge cache clear``: the project's analysis cache
and LLM answer cache (both outside the project, docs/security.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.options import format_option, output_option, plural, project_argument, write_output
from novelforge.formats import CACHE_STATS

cache_app = typer.Typer(
    name="cache",
    help="The project's caches: the analysis cache (--index) and the LLM answers (--llm).",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("stats")
def stats_cmd(
    project: Optional[Path] = project_argument(),
    fmt: str = format_option(CACHE_STATS),
    output: Optional[Path] = output_option(),
) -> int:
    """Show each cache of the project: entries, size and folder.

    Example: novelforge cache stats
    """
    from novelforge import api

    write_output(CACHE_STATS.render(fmt, api.cache_stats(project)), output)
    return 0


@cache_app.command("clear")
def clear_cmd(
    project: Optional[Path] = project_argument(),
    llm: bool = typer.Option(False, "--llm", help="Clear only the LLM answers (the next run asks again, and pays)."),
    index: bool = typer.Option(False, "--index", help="Clear only the analysis cache (the next check re-reads)."),
) -> int:
    """Empty the project's caches (both, unless --llm or --index says which). The spend
    ledger is kept.

    Example: novelforge cache clear --llm
    """
    from novelforge import api

    done = api.cache_clear(project, llm=llm, index=index)
    names = {"index": "analysis cache", "llm": "LLM answer cache"}
    for store, count in done.removed.items():
        typer.echo(f"cleared the {names.get(store, store)}: {plural(count, 'entry')}")
    return 0
