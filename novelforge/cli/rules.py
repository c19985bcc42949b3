"""``novelforge rules`` and ``novelforge rule CODE``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, out_console, use_color
from novelforge.cli.options import format_option, write_output
from novelforge.formats import RULES


@app.command("rules")
def rules_cmd(
    project: Optional[Path] = typer.Argument(None,
        help="Project folder whose settings to show (default: the project around the current folder, if any)."),
    fmt: str = format_option(RULES),
) -> int:
    """List every rule: code, name, severity and what it finds.

    Inside a project, the severity is the one `novelforge.yaml` sets and rules that
    the project's `select`/`ignore` turn off are marked `off`. `--format markdown`
    prints the whole catalogue with every rule's docs.
    Example: novelforge rules --format json
    """
    from novelforge import api

    rows = api.rules(project, with_settings=fmt != "markdown")
    color = fmt == "text" and use_color()
    write_output(RULES.render(fmt, rows, color=color, width=out_console().width), None)
    return 0


@app.command("rule")
def rule_cmd(
    code: str = typer.Argument(..., metavar="RULE", help="A rule code (NF205) or name (misspelled-name)."),
) -> int:
    """Show the documentation of one rule.

    Example: novelforge rule NF205
    """
    from novelforge import api

    rule = api.rule(code)
    header = f"{rule.code} {rule.name} (default severity: {rule.severity.value}; {rule.family})"
    if use_color():
        from rich.markdown import Markdown

        console = out_console()
        console.print(f"[bold]{header}[/]\n")
        console.print(Markdown(rule.docs))
    else:
        typer.echo(f"{header}\n\n{rule.docs}")
    return 0
