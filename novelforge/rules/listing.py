"""The rule list of ``novelforge rules``: one row per rule with the severity a project gives
it, rendered as a table, a JSON array, or the whole catalogue in Markdown (the rows of
:data:`novelforge.formats.RULES`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleRow:
    code: str
    name: str
    severity: str            # in the project (or the default outside one); `off` when not selected
    default_severity: str
    enabled: bool
    scope: str
    family: str
    summary: str


def rule_rows(settings=None) -> list[RuleRow]:
    """Every rule in code order; ``settings`` (:func:`~novelforge.rules.engine.resolve_settings`
    of a project) gives each its severity there and marks the rules it turns off."""
    from novelforge.rules.registry import all_rules

    rows = []
    for r in all_rules():
        enabled = settings is None or r.code in settings.codes
        if settings is None:
            severity = r.severity.value
        else:
            severity = settings.severity(r.code).value if enabled else "off"
        rows.append(RuleRow(r.code, r.name, severity, r.severity.value, enabled, r.scope, r.family, r.summary))
    return rows


def render_json(rows: list[RuleRow], **_options) -> str:
    import json

    data = [{"code": r.code, "name": r.name, "severity": r.severity, "default_severity": r.default_severity,
             "enabled": r.enabled, "scope": r.scope, "family": r.family, "summary": r.summary} for r in rows]
    return json.dumps(data, indent=2) + "\n"


def render_markdown(_rows, **_options) -> str:
    """The whole catalogue with every rule's docs (docs/rules.md)."""
    from novelforge.rules.registry import catalogue_markdown

    return catalogue_markdown()


def render_text(rows: list[RuleRow], *, color: bool = False, width: int | None = None, **_options) -> str:
    """A table grouped by family, ``width`` columns wide (a terminal's; 80 by default), with
    ANSI bold when ``color``."""
    import io

    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, show_edge=False, pad_edge=False)
    for col in ("code", "name", "severity", "what it finds"):
        table.add_column(col, overflow="fold")
    family = None
    for r in rows:
        if r.family != family:
            family = r.family
            table.add_row("", f"[bold]{family}[/]" if color else family, "", "")
        table.add_row(r.code, r.name, r.severity, r.summary)
    buf = io.StringIO()
    console = Console(file=buf, width=width or 80, highlight=False, soft_wrap=True, force_terminal=color,
                      no_color=not color, color_system="standard" if color else None)
    console.print(table)
    return buf.getvalue()
