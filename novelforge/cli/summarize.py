"""``novelforge summarize [PROJECT] [SCENE…]``: what happens in each scene."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.llm_options import estimate_option, max_cost_option, no_cache_option
from novelforge.cli.options import format_option, output_option, warn, write_output
from novelforge.cli.review import split_project
from novelforge.cli.room_run import finish, print_estimate, room_options
from novelforge.formats import SUMMARIZE


@app.command()
def summarize(
    args: Optional[List[str]] = typer.Argument(None, metavar="[PROJECT] [SCENE]...",
        help="The project folder (default: the one around the current folder), then scenes "
             "(ids or files; default: every scene)."),
    fmt: str = format_option(SUMMARIZE),
    output: Optional[Path] = output_option(),
    estimate: bool = estimate_option(),
    max_cost: Optional[float] = max_cost_option(),
    no_cache: bool = no_cache_option(),
) -> None:
    """Summarise scenes with an LLM (`llm:` in novelforge.yaml): what happens, who is
    present, what changes (deaths, injuries, items, facts learned). Each summary is cached
    by the scene's prose, so an unchanged scene costs nothing; the Writers' Room reads them
    as the story so far.

    Example: novelforge summarize my-novel --format json --output summaries.json

    Exit codes: 0 done, 2 usage error or no model configured, 4 the budget or --max-cost
    stopped the run (the summaries received are printed).
    """
    from novelforge import api

    project, scenes = split_project(args)
    with room_options("summarize", estimate=estimate, max_cost=max_cost, no_cache=no_cache) as room:
        result = api.summarize(project, scenes=scenes, room=room, warn=warn)
    if estimate:
        print_estimate(result.stats, fmt)
        raise typer.Exit(0)
    write_output(SUMMARIZE.render(fmt, result), output)
    stopped = finish(result.stats, quiet=True)
    raise typer.Exit(stopped or 0)
