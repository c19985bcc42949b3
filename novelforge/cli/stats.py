"""``novelforge stats [PROJECT]``: the writing dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, err_console
from novelforge.cli.options import format_option, output_option, project_argument, warn, write_output
from novelforge.formats import STATS


@app.command("stats")
def stats_cmd(
    project: Optional[Path] = project_argument(),
    fmt: str = format_option(STATS),
    output: Optional[Path] = output_option("Write the dashboard to this file (an .html page opens offline)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Analyse every scene afresh; read and write no cache."),
) -> int:
    """The writing dashboard: words per scene and chapter against their targets, scene
    status as progress, POV share, who appears in which chapter, dialogue share and
    sentence length per chapter, and from git history words written per day and the day
    the `goal:` of novelforge.yaml is reached at the recent pace.

    Example: novelforge stats --format html -o stats.html

    Exit codes: 0 done, 2 usage error (not a project, an unknown format, a bad `goal:`).
    """
    from novelforge import api

    result = api.stats(project, use_cache=not no_cache, warn=warn)
    write_output(STATS.render(fmt, result), output)
    if output is not None:
        err_console().print(f"Wrote {output}", markup=False)
    return 0
