"""``--format github``: GitHub Actions workflow commands, one annotation per finding."""

from __future__ import annotations

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report, **_options) -> str:
    from novelforge.report import repository_path

    lines = []
    for d in report.diagnostics:
        props = [f"file={escape_property(repository_path(report, d.path))}", f"line={d.line}", f"col={d.column}"]
        if d.end_line is not None:
            props.append(f"endLine={d.end_line}")
        if d.end_column is not None and (d.end_line or d.line) == d.line:
            props.append(f"endColumn={d.end_column}")
        props.append(f"title={escape_property(f'{d.code} {d.name}')}")
        message = d.message + (f"\n{d.help}" if d.help else "")
        lines.append(f"::{_LEVEL[d.severity.value]} {','.join(props)}::{escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
