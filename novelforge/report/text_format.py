"""``--format text``: for people. ``path:line:col CODE [severity] message``, the source
line with a caret under the offending words, the help, and a summary line.

Rendered with rich markup when colour is on; plain text otherwise (never ANSI codes in
a pipe or a file unless ``--color always``)."""

from __future__ import annotations

from rich.markup import escape

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _source_line(report, d, texts: dict[str, str]) -> str | None:
    scene_text = texts.get(d.path)
    if scene_text is None:
        try:
            scene_text = (report.project.root / d.path).read_text("utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            return None
    lines = scene_text.split("\n")
    if 1 <= d.line <= len(lines):
        return lines[d.line - 1]
    return None


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def render(report, *, color: bool = False, show_source: bool = True, **_options) -> str:
    out: list[str] = []

    def emit(markup: str, plain: str) -> None:
        out.append(markup if color else plain)

    texts = {s.path: s.text for s in report.project.scenes}
    for d in report.diagnostics:
        sev = d.severity.value
        head_plain = f"{d.path}:{d.line}:{d.column}: {d.code} [{sev}] {d.message}"
        head_markup = (f"[bold]{escape(d.path)}:{d.line}:{d.column}:[/] [{_STYLE[sev]}]{d.code} [{sev}][/] "
                       f"{escape(d.message)}")
        emit(head_markup, head_plain)
        if show_source:
            src = _source_line(report, d, texts)
            if src is not None and src.strip():
                gutter = str(d.line)
                pad = " " * len(gutter)
                width = 1
                if d.end_line == d.line and d.end_column and d.end_column > d.column:
                    width = d.end_column - d.column
                width = max(1, min(width, max(1, len(src) - d.column + 1)))
                caret = " " * (d.column - 1) + "^" * width
                shown = src.expandtabs(1)
                emit(f"[blue]{pad} |[/]\n[blue]{gutter} |[/] {escape(shown)}\n[blue]{pad} |[/] [{_STYLE[sev]}]{caret}[/]",
                     f"{pad} |\n{gutter} | {shown}\n{pad} | {caret}")
        if d.help:
            emit(f"  [dim]= help:[/] {escape(d.help)}", f"  = help: {d.help}")
        out.append("")
    s = report.summary()
    parts = [_plural(s["errors"], "error"), _plural(s["warnings"], "warning"), f"{s['info']:,} info"]
    scope = f"{_plural(s['scenes'], 'scene')}, {s['words']:,} words"
    extra = []
    if report.suppressed:
        extra.append(f"{report.suppressed} suppressed inline")
    if report.baselined:
        extra.append(f"{report.baselined} in the baseline")
    tail = f" ({'; '.join(extra)})" if extra else ""
    if report.diagnostics:
        emit(f"[bold]Found {', '.join(parts)}[/] in {scope}{tail}.", f"Found {', '.join(parts)} in {scope}{tail}.")
    else:
        emit(f"[bold green]All clear:[/] no findings in {scope}{tail}.", f"All clear: no findings in {scope}{tail}.")
    p = report.promises
    if p and p["total"]:
        line = f"Promises: {p['total']} tracked — {p['paid']} paid, {p['open']} open"
        if p["orphaned"]:
            line += f", {p['orphaned']} paid without a setup"
        if p["premature"]:
            line += f", {p['premature']} paid before their setup"
        if p["open_ids"]:
            shown = ", ".join(p["open_ids"][:5]) + (" …" if len(p["open_ids"]) > 5 else "")
            line += f" ({shown})"
        emit(escape(line) + ".", line + ".")
    return "\n".join(out) + "\n"
