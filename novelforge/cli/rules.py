"""``novelforge rules`` and ``novelforge rule CODE``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, out_console, use_color


def _project_settings(path: Optional[Path]):
    """The rule settings of the project at ``path`` (or around the current folder), or
    None outside a project."""
    from novelforge.errors import ProjectNotFound
    from novelforge.project.loader import find_project_root, load_config
    from novelforge.rules.engine import resolve_settings

    try:
        root = find_project_root(path or Path.cwd())
    except ProjectNotFound:
        if path is not None:
            raise
        return None
    return resolve_settings(load_config(root))


@app.command("rules")
def rules_cmd(
    project: Optional[Path] = typer.Argument(None, help="Project folder whose settings to show (default: the project around the current folder, if any)."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|json|markdown", help="Output format."),
) -> int:
    """List every rule: code, name, severity and what it finds.

    Inside a project, the severity is the one `novelforge.yaml` sets and rules that
    the project's `select`/`ignore` turn off are marked `off`. `--format markdown`
    prints the whole catalogue with every rule's docs.
    Example: novelforge rules --format json
    """
    from novelforge.errors import UsageError
    from novelforge.rules.registry import all_rules

    rules = all_rules()
    settings = _project_settings(project) if fmt != "markdown" else None

    def severity(r) -> str:
        if settings is None:
            return r.severity.value
        return settings.severity(r.code).value if r.code in settings.codes else "off"

    if fmt == "json":
        data = [{"code": r.code, "name": r.name, "severity": severity(r), "default_severity": r.severity.value,
                 "enabled": settings is None or r.code in settings.codes, "scope": r.scope,
                 "family": r.family, "summary": r.summary} for r in rules]
        typer.echo(json.dumps(data, indent=2))
    elif fmt == "markdown":
        from novelforge.rules.registry import catalogue_markdown

        typer.echo(catalogue_markdown(), nl=False)
    elif fmt == "text":
        from rich.table import Table

        table = Table(box=None, show_edge=False, pad_edge=False)
        for col in ("code", "name", "severity", "what it finds"):
            table.add_column(col, overflow="fold")
        family = None
        for r in rules:
            if r.family != family:
                family = r.family
                table.add_row("", f"[bold]{family}[/]" if use_color() else family, "", "")
            table.add_row(r.code, r.name, severity(r), r.summary)
        out_console().print(table)
    else:
        raise UsageError(f"`--format {fmt}` must be text, json or markdown")
    return 0


@app.command("rule")
def rule_cmd(code: str = typer.Argument(..., help="A rule code (NF205) or name (misspelled-name).")) -> int:
    """Show the documentation of one rule.

    Example: novelforge rule NF205
    """
    from novelforge.errors import UsageError
    from novelforge.project.loader import suggest
    from novelforge.rules.registry import RULES, get_rule

    rule = get_rule(code)
    if rule is None:
        hint = suggest(code.upper(), list(RULES)) or suggest(code.lower(), [r.name for r in RULES.values()])
        raise UsageError(f"`{code}` is not a rule" + (f" — did you mean `{hint}`?" if hint else ""),
                         help="`novelforge rules` lists every rule")
    header = f"{rule.code} {rule.name} (default severity: {rule.severity.value}; {rule.family})"
    if use_color():
        from rich.markdown import Markdown

        console = out_console()
        console.print(f"[bold]{header}[/]\n")
        console.print(Markdown(rule.docs))
    else:
        typer.echo(f"{header}\n\n{rule.docs}")
    return 0
