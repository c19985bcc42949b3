"""``novelforge search QUERY [PROJECT]``: full text over the prose and the canon."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, err_console, out_console, use_color
from novelforge.cli.options import format_option, plural, project_argument, warn, write_output
from novelforge.formats import SEARCH


@app.command("search")
def search_cmd(
    query: str = typer.Argument(..., metavar="QUERY",
        help='Words, "a phrase", a prefix*, AND / OR / NOT, NEAR(a b, 5); a character\'s name finds every alias.'),
    project: Optional[Path] = project_argument(),
    where: Optional[str] = typer.Option(None, "--in", metavar="prose|dialogue|narration|canon",
        help="Search only there (default: everywhere)."),
    character: Optional[str] = typer.Option(None, "--character", metavar="CHARACTER",
        help="Only lines that name this character (id, name or alias)."),
    who: bool = typer.Option(False, "--who",
        help="The query names a character: show the lines where it speaks or acts."),
    chapter: Optional[str] = typer.Option(None, "--chapter", metavar="CHAPTER",
        help="Only this chapter (folder name or number)."),
    pov: Optional[str] = typer.Option(None, "--pov", metavar="CHARACTER",
        help="Only scenes told from this character's point of view."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="SCENE",
        help="No spoilers: only the prose up to this scene, and canon as it is known there."),
    limit: int = typer.Option(50, "--limit", min=1, metavar="N", help="Show at most this many lines."),
    fmt: str = format_option(SEARCH),
    no_cache: bool = typer.Option(False, "--no-cache",
        help="Build the index in memory; do not read or write the one in the cache folder."),
) -> int:
    """Search the prose and the canon, best matches first, each as path:line:col and its line.

    Example: novelforge search '"iron key"' --in dialogue --as-of the-gate

    The index lives in the cache folder, outside the project, and follows every edit.
    Exit codes: 0 found, 1 nothing found, 2 usage error (a malformed query, an unknown
    scene or character).
    """
    from novelforge import api

    result = api.search(query, project, where=where, character=character, who=who, chapter=chapter, pov=pov,
                        as_of=as_of, limit=limit, use_cache=not no_cache, warn=warn)
    color = fmt == "text" and use_color()
    text = SEARCH.render(fmt, result, color=color)
    if color:
        out_console().print(text, end="", emoji=False)
    else:
        write_output(text, None)
    if fmt == "text":
        err_console().print(f"{plural(len(result.hits), 'line')}"
                            + (f" (the limit: --limit {limit} shows more)" if len(result.hits) >= limit else ""))
    return 0 if result.hits else 1
