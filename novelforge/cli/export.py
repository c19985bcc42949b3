"""``novelforge export``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app, err_console
from novelforge.cli.options import format_option, old_out_option, plural, project_argument
from novelforge.formats import EXPORT
from novelforge.wording import agree


@app.command("export")
def export_cmd(
    project: Optional[Path] = project_argument("Project folder (default: the project around the current folder)."),
    fmt: Optional[str] = format_option(EXPORT, None, "Output format (default: from the --output suffix)."),
    out: Optional[str] = typer.Option(None, "--output", "-o", metavar="PATH",
                                      help="Output file, or a folder for TITLE.FORMAT; `-` for standard output. "
                                           "Missing folders are created. "
                                           "Default: TITLE.FORMAT in the current folder."),
    status: Optional[List[str]] = typer.Option(None, "--status", metavar="STATUS",
                                               help="Only scenes with this status (idea, outline, draft, revised, "
                                                    "final); repeatable or comma-separated."),
    old_out: Optional[str] = old_out_option(),
    chapters: Optional[str] = typer.Option(None, "--chapters", metavar="N|N-M|N-|-M",
                                           help="Only these chapters, numbered from 1 in reading order."),
    no_typography: bool = typer.Option(False, "--no-typography",
                                       help="Keep straight quotes, -- and ... as written."),
    cover: Optional[Path] = typer.Option(None, "--cover", metavar="IMAGE",
                                         help="Cover image for EPUB (JPEG, PNG, GIF or SVG); "
                                              "overrides export: {epub: {cover: …}}."),
    no_check: bool = typer.Option(False, "--no-check",
                                  help="Do not check the book first (no warning about its errors)."),
) -> None:
    """Build the book as DOCX, EPUB 3, Markdown, HTML or plain text.

    Front matter, comments and promise markers never reach the output; the same input
    always gives byte-identical files, written atomically. The book is checked too, and a
    warning says when it has error findings (the file is written all the same). Example:
    novelforge export --format epub --status revised --status final --output build/

    Exit codes: 0 written, 2 usage or configuration error (nothing is written), 3 internal error.
    """
    import sys

    from novelforge import api
    from novelforge.errors import UsageError

    out = out if out is not None else old_out
    to_stdout = out == "-"
    spec = EXPORT.get_format(fmt) if fmt is not None else None
    if to_stdout and spec is not None and spec.binary and sys.stdout.isatty():
        raise UsageError(f"refusing to write {spec.name} (a zip file) to the terminal; use --output FILE")
    console = err_console()
    with _progress(console) as bar:
        task = None

        def progress(what: str, done: int, total: Optional[int]) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task(what, total=total)
            else:
                bar.update(task, description=what, total=total, completed=done)

        done = api.export(project, fmt, None if to_stdout else out, statuses=status, chapters=chapters,
                          typography=not no_typography, cover=cover, write=not to_stdout,
                          progress=progress if bar else None, check=not no_check)
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(done.data)
        sys.stdout.buffer.flush()
    where = "standard output" if to_stdout else str(done.path)
    console.print(f"Wrote {where}: {done.format.name}, {plural(done.chapters, 'chapter')}, "
                  f"{plural(done.scenes, 'scene')}, {done.words:,} words.", markup=False)
    if done.skipped:
        console.print(f"warning: {plural(done.skipped, 'scene')} with broken front matter left out; "
                      "run `novelforge check` to see why.", markup=False)
    for diag in done.unread[:5]:
        console.print(f"warning: {diag.message.rstrip('.')} — left out of the book.", markup=False)
    if done.errors:
        console.print(f"warning: the book has {plural(done.errors, 'error')} (`novelforge check` lists "
                      f"{agree(done.errors, 'it', 'them')}); exported all the same.", markup=False)
    if len(done.unread) > 5:
        console.print(f"warning: and {plural(len(done.unread) - 5, 'other file')} in manuscript/ not read; "
                      "run `novelforge check` to see them.", markup=False)


def _progress(console):
    """A transient progress bar on a terminal (rich); a no-op context otherwise."""
    from contextlib import nullcontext

    if not console.is_terminal:
        return nullcontext(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)
