"""``novelforge impact``: what a canon or contract change does to the book."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app, out_console, use_color
from novelforge.cli.options import format_option, output_option, project_argument, warn, write_output
from novelforge.formats import IMPACT


@app.command("impact")
def impact_cmd(
    project: Optional[Path] = project_argument("Project folder (default: the project around the current folder)."),
    base: Optional[str] = typer.Option(None, "--base", metavar="REF",
        help="Compare with the merge base of REF and HEAD "
             "(default: the merge base with the upstream branch, else HEAD)."),
    set_: Optional[List[str]] = typer.Option(None, "--set", metavar="ENTITY.FIELD=VALUE",
        help="A hypothetical change, e.g. `aria.eyes=green` or `bram.status=dead` (repeatable). Files are not edited."),
    kill: Optional[str] = typer.Option(None, "--kill", metavar="CHARACTER",
        help="Hypothetically kill a character (with --in: in that scene)."),
    in_scene: Optional[str] = typer.Option(None, "--in", metavar="SCENE",
        help="With --kill: the scene id of the death."),
    fmt: str = format_option(IMPACT),
    output: Optional[Path] = output_option("Write to this file instead of standard output."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when the change makes new findings appear."),
) -> None:
    """Show the scenes a canon or contract change touches and the findings it makes appear
    or disappear, by checking the book before and after.

    Without --set or --kill, "after" is the project on disk and "before" is the base
    revision (committed and uncommitted changes both count). With --set or --kill, the
    change is hypothetical: it is applied to a temporary copy, never to your files.

    Examples: novelforge impact --set aria.eyes=green ·
    novelforge impact --kill bram --in the-fall · novelforge impact --base main
    """
    from novelforge import api

    result = api.impact(project, base=base, sets=set_ or (), kill=kill, kill_in=in_scene, warn=warn)
    text = IMPACT.render(fmt, result)
    if output is None and fmt == "text" and use_color():
        out_console().print(text, end="", markup=False)
    else:
        write_output(text, output)
    raise typer.Exit(1 if exit_code and result.appeared else 0)
