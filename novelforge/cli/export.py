"""``novelforge export``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app, err_console

STATUSES = ("idea", "outline", "draft", "revised", "final")


@app.command("export")
def export_cmd(
    project: Optional[Path] = typer.Argument(None, metavar="[PROJECT]", help="Project folder (default: the project around the current folder)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", metavar="docx|docx-reading|epub|md|html|txt",
                                      help="Output format (default: from the --out suffix)."),
    out: Optional[str] = typer.Option(None, "--out", "-o", metavar="PATH",
                                      help="Output file, or a folder for <title>.<format>; `-` for standard output. "
                                           "Missing folders are created. Default: <title>.<format> in the current folder."),
    status: Optional[List[str]] = typer.Option(None, "--status", metavar="STATUS",
                                               help="Only scenes with this status (idea, outline, draft, revised, final); repeatable or comma-separated."),
    chapters: Optional[str] = typer.Option(None, "--chapters", metavar="N|N-M|N-|-M",
                                           help="Only these chapters, numbered from 1 in reading order."),
    no_typography: bool = typer.Option(False, "--no-typography",
                                       help="Keep straight quotes, -- and ... as written."),
    cover: Optional[Path] = typer.Option(None, "--cover", metavar="IMAGE",
                                         help="Cover image for EPUB (JPEG, PNG, GIF or SVG); overrides export: {epub: {cover: …}}."),
) -> None:
    """Build the book as DOCX, EPUB 3, Markdown, HTML or plain text.

    Front matter, comments and promise markers never reach the output; the same input
    always gives byte-identical files, written atomically. Example:
    novelforge export --format epub --status revised --status final --out build/

    Exit codes: 0 written, 2 usage or configuration error (nothing is written), 3 internal error.
    """
    import sys

    from novelforge.errors import UsageError
    from novelforge.export.writer import (ExportOptions, format_for_path, get_format, output_path, prepare,
                                          render, write_bytes)
    from novelforge.project.loader import find_project_root, load_project

    if fmt is not None:
        spec = get_format(fmt)
    else:
        spec = format_for_path(out) if out and out != "-" else None
        if spec is None:
            raise UsageError("choose a format with --format (docx, docx-reading, epub, md, html or txt)",
                             help="or give --out a file name that ends in .docx, .epub, .md, .html or .txt")
    if project is not None and not project.exists():
        raise UsageError(f"`{project}` does not exist")
    root = find_project_root(project)
    options = ExportOptions(statuses=parse_statuses(status), chapters=parse_chapters(chapters),
                            typography=not no_typography, cover=cover)
    console = err_console()
    with _progress(console) as bar:
        task = bar.add_task("Reading the manuscript", total=None) if bar else None
        loaded = load_project(root)
        to_stdout = out == "-"
        target = None if to_stdout else output_path(loaded, spec, out)
        if to_stdout and spec.suffix in (".epub", ".docx") and sys.stdout.isatty():
            raise UsageError(f"refusing to write {spec.name} (a zip file) to the terminal; use --out FILE")
        job = prepare(loaded, spec.name, options)
        if bar:
            bar.update(task, description=f"Exporting {spec.name}", total=len(job.book.chapters), completed=0)
            options.progress = lambda done, total: bar.update(task, completed=done)
        data = render(job)

    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_bytes(target, data)
    book = job.book
    scenes = sum(len(c.scenes) for c in book.chapters)
    skipped = sum(1 for s in loaded.scenes if not s.readable)
    where = "standard output" if to_stdout else str(target)
    console.print(f"Wrote {where}: {spec.name}, {_n(len(book.chapters), 'chapter')}, "
                  f"{_n(scenes, 'scene')}, {book.words:,} words.", markup=False)
    if skipped:
        console.print(f"warning: {_n(skipped, 'scene')} with broken front matter left out; "
                      "run `novelforge check` to see why.", markup=False)
    unread = not_read(loaded)
    for diag in unread[:5]:
        console.print(f"warning: {diag.message.rstrip('.')} — left out of the book.", markup=False)
    if len(unread) > 5:
        console.print(f"warning: and {_n(len(unread) - 5, 'other file')} in manuscript/ not read; "
                      "run `novelforge check` to see them.", markup=False)


# the loader's findings that mean a file of the manuscript was not read at all
_NOT_READ = ("NF003", "NF006", "NF007")


def not_read(project) -> list:
    """Findings of the loader about scene files (or folders) in manuscript/ it did not read
    (unreadable, too large, linked outside the project): a scene is never left out of a
    book without a word."""
    return sorted((d for d in project.diagnostics
                   if d.code in _NOT_READ and (d.path or "").startswith("manuscript/")),
                  key=lambda d: (d.path, d.line, d.code))


def _progress(console):
    """A transient progress bar on a terminal (rich); a no-op context otherwise."""
    from contextlib import nullcontext

    if not console.is_terminal:
        return nullcontext(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def parse_statuses(values: Optional[List[str]]) -> Optional[list[str]]:
    from novelforge.errors import UsageError

    if not values:
        return None
    out: list[str] = []
    for value in values:
        for item in (v.strip().lower() for v in value.split(",")):
            if not item:
                continue
            if item not in STATUSES:
                raise UsageError(f"`--status {item}` is not a scene status; use {', '.join(STATUSES[:-1])} or final")
            if item not in out:
                out.append(item)
    return out or None


def parse_chapters(value: Optional[str]) -> Optional[tuple[Optional[int], Optional[int]]]:
    """``3`` → (3, 3); ``3-7`` → (3, 7); ``3-`` → (3, None); ``-7`` → (None, 7)."""
    from novelforge.errors import UsageError

    if value is None:
        return None
    text = value.strip().replace("–", "-")
    lo_text, dash, hi_text = text.partition("-")
    try:
        lo = int(lo_text) if lo_text.strip() else None
        hi = int(hi_text) if hi_text.strip() else (None if dash else lo)
    except ValueError:
        lo = hi = -1
    if (lo is None and hi is None) or any(v is not None and v < 1 for v in (lo, hi)) or (
            lo is not None and hi is not None and lo > hi):
        raise UsageError(f"`--chapters {value}` is not a chapter range such as 3, 3-7, 3- or -7",
                         help="chapters are numbered from 1 in reading order")
    return lo, hi
