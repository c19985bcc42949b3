"""``novelforge import``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, out_console
from novelforge.cli.options import format_option, plural
from novelforge.formats import IMPORT


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., metavar="FILE", help="The novel: a .docx, .md or .txt file."),
    into: Optional[Path] = typer.Option(None, "--into", metavar="DIR",
                                        help="Folder for the new project: missing, empty, or without the files "
                                             "the import writes "
                                             "(default: a new folder named after FILE in the current folder)."),
    suggest_canon: bool = typer.Option(False, "--suggest-canon",
                                       help="Also write candidate characters and places "
                                            "(canon/characters, canon/locations) "
                                            "from the most frequent proper names."),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT",
                                        help="The book's title (default: from the file)."),
    author: Optional[str] = typer.Option(None, "--author", metavar="TEXT", help="The byline (default: from the file)."),
    fmt: str = format_option(IMPORT, "auto", "How to read FILE (default: from its suffix).", names=("--from",)),
    old_fmt: Optional[str] = format_option(IMPORT, None, "The older spelling of --from.", hidden=True),
    encoding: Optional[str] = typer.Option(None, "--encoding", metavar="CODEC",
                                           help="Text encoding of a .txt or .md file, e.g. cp1252 (default: UTF-8, "
                                                "or UTF-16/UTF-8 with a byte-order mark)."),
    max_size: str = typer.Option("50MB", "--max-size", metavar="SIZE",
                                 help="Refuse files larger than this (a .docx may unpack to 5 times it)."),
) -> None:
    """Import a novel from Word (.docx), Markdown or plain text into a new project.

    Finds parts, chapters (heading styles, `Chapter 4`, `CHAPTER IV`, roman numerals,
    `Part One`) and scene breaks, and writes chapter folders of scene files with front
    matter and a novelforge.yaml. Never overwrites a file. Example:
    novelforge import my-novel.docx --into my-novel --suggest-canon

    Exit codes: 0 imported, 2 the file cannot be imported or the target is not safe
    (nothing is written), 3 internal error.
    """
    from novelforge import api

    fmt = old_fmt if old_fmt is not None and fmt == "auto" else fmt   # `--format/-f`, the older spelling
    result = api.import_(file, into, format=fmt, title=title, author=author, suggest_canon=suggest_canon,
                         encoding=encoding, max_size=max_size)
    target = result.target
    console = out_console()
    from rich.markup import escape

    parts = f" in {plural(result.parts, 'part')}" if result.parts else ""
    console.print(escape(
        f"Imported {plural(result.words, 'word')}: {plural(result.chapters, 'chapter')}{parts}, "
        f"{plural(result.scenes, 'scene')} "
        f"from {file.name} ({result.format}) into {target}"))
    console.print(escape(f"Title: {result.title}" + (f" — author: {result.author}" if result.author else "")))
    if suggest_canon:
        console.print(escape(f"Suggested {plural(result.characters, 'character')} and "
                             f"{plural(result.locations, 'place')} in canon/ "
                             "(review them: they are guesses from frequent names)."))
    if "manuscript/_front-matter.md" in result.files:
        console.print(escape("The text before the first chapter is in manuscript/_front-matter.md "
                             "(not part of the book)."))
    for note in result.notes:
        console.print(escape(f"Note: {note}."))
    console.print(escape(f"Next: novelforge check {target}"))
