"""``novelforge timeline [PROJECT]``: story time against reading order."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, err_console
from novelforge.cli.options import format_option, output_option, project_argument, warn, write_output
from novelforge.formats import TIMELINE


@app.command("timeline")
def timeline_cmd(
    project: Optional[Path] = project_argument(),
    fmt: str = format_option(TIMELINE),
    output: Optional[Path] = output_option("Write the timeline to this file (an .html page opens offline)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Analyse every scene afresh; read and write no cache."),
) -> int:
    """Story time against reading order: each scene at its `when`, a lane for each
    character and location, flashbacks marked (a scene set before the one read before
    it), and the NF403, NF411 and NF412 findings where they are.

    Example: novelforge timeline --format html -o timeline.html

    Exit codes: 0 done (findings are shown, not failed on: `novelforge check` gates),
    2 usage error (not a project, an unknown format).
    """
    from novelforge import api

    result = api.timeline(project, use_cache=not no_cache, warn=warn)
    write_output(TIMELINE.render(fmt, result), output)
    if output is not None:
        err_console().print(f"Wrote {output}", markup=False)
    return 0
