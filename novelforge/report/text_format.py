"""``--format text``: for people. ``path:line:col CODE [severity] message``, the source
line with a caret under the offending words, the help, and a summary line.

Rendered with rich markup when colour is on; plain text otherwise (never ANSI codes in
a pipe or a file unless ``--color always``)."""

from __future__ import annotations

from rich.markup import escape

from novelforge.llm.settings import mask_secrets
from novelforge.report import finding_line
from novelforge.wording import agree, plural

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _source_line(report, d, lines_of: dict[str, list[str] | None]) -> str | None:
    """The finding's line, quoted from the project in memory (the text the loader read:
    a file it did not read, a link out, one too large, has no line to show); each file is
    split once per report."""
    if d.path not in lines_of:
        text = report.project.source(d.path)
        lines_of[d.path] = text.split("\n") if text is not None else None
    lines = lines_of[d.path]
    if lines is not None and 1 <= d.line <= len(lines):
        # a key written in a file is never shown
        return mask_secrets(lines[d.line - 1], yaml=d.path == "novelforge.yaml")
    return None


WIDTH = 100
CONTEXT = 40


def _window(line: str, col: int) -> tuple[str, int]:
    """A slice of a long line (prose paragraphs are often one line) around ``col``,
    with ellipses; returns the slice and the caret column in it."""
    if len(line) <= WIDTH:
        return line, col
    start = max(0, min(col - CONTEXT, len(line) - WIDTH))
    # start on a word boundary
    if start > 0:
        space = line.find(" ", start, col)
        if space != -1:
            start = space + 1
    end = min(len(line), start + WIDTH)
    if end < len(line):
        space = line.rfind(" ", col + 1, end)
        if space != -1:
            end = space
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(line) else ""
    return prefix + line[start:end] + suffix, col - start + len(prefix)




def render(report, *, color: bool = False, show_source: bool = True, **_options) -> str:
    out: list[str] = []

    def emit(markup: str, plain: str) -> None:
        out.append(markup if color else plain)

    lines_of: dict[str, list[str] | None] = {}
    for d in report.diagnostics:
        sev = d.severity.value
        head_plain = finding_line(d)
        head_markup = (f"[bold]{escape(d.path)}:{d.line}:{d.column}:[/] [{_STYLE[sev]}]{d.code} \\[{sev}][/] "
                       f"{escape(d.message)}")
        emit(head_markup, head_plain)
        if show_source:
            src = _source_line(report, d, lines_of)
            if src is not None and src.strip():
                gutter = str(d.line)
                pad = " " * len(gutter)
                width = 1
                if d.end_line == d.line and d.end_column and d.end_column > d.column:
                    width = d.end_column - d.column
                shown, col = _window(src.replace("\t", " "), d.column - 1)  # a tab is one column
                width = max(1, min(width, len(shown) - col))
                caret = " " * col + "^" * width
                emit(f"[blue]{pad} |[/]\n[blue]{gutter} |[/] {escape(shown)}\n"
                     f"[blue]{pad} |[/] [{_STYLE[sev]}]{caret}[/]",
                     f"{pad} |\n{gutter} | {shown}\n{pad} | {caret}")
        if d.help:
            emit(f"  [dim]= help:[/] {escape(d.help)}", f"  = help: {d.help}")
        out.append("")
    s = report.summary()
    parts = [plural(s["errors"], "error"), plural(s["warnings"], "warning"), f"{s['info']:,} info"]
    scope = f"{plural(s['scenes'], 'scene')}, {plural(s['words'], 'word')}"
    extra = []
    if report.suppressed:
        extra.append(f"{report.suppressed} suppressed inline")
    if report.baselined:
        extra.append(f"{report.baselined} in the baseline")
    if getattr(report, "outside", 0):
        extra.append(f"{plural(report.outside, 'other finding')} outside the paths given")
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
            line += f", {p['premature']} paid before {agree(p['premature'], 'its', 'their')} setup"
        if p["open_ids"]:
            shown = ", ".join(p["open_ids"][:5]) + (" …" if len(p["open_ids"]) > 5 else "")
            line += f" ({shown})"
        emit(escape(line) + ".", line + ".")
    return "\n".join(out) + "\n"
