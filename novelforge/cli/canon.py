"""``novelforge canon diff [RANGE]`` (what changed in the story world between two versions)
and ``novelforge canon log ENTITY`` (the history of one canon entry)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.options import format_option, output_option, project_option, write_output
from novelforge.formats import CANON_DIFF, CANON_LOG

canon_app = typer.Typer(
    name="canon",
    help="The story world in git: what changed in canon and contracts, and the history of an entry.",
    no_args_is_help=True,
)
app.add_typer(canon_app, name="canon")


@canon_app.command("diff")
def diff_cmd(
    range_: Optional[str] = typer.Argument(
        None, metavar="RANGE",
        help="`A..B` (A to B), `A...B` (what B changed since it left A), `A` (A to the working tree); "
             "default: HEAD to the working tree."),
    project: Optional[Path] = project_option(),
    fmt: str = format_option(CANON_DIFF),
    output: Optional[Path] = output_option(),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit with 1 when anything changed (for CI)."),
) -> None:
    """Say what changed in the story world between two revisions, or between a revision
    and the files on disk: canon entries added, removed or renamed, facts changed from →
    to, aliases, deaths, contracts and promises added, changed or removed, settings.

    A revision from before the project existed counts as an empty project, so the pull
    request that adds the novel shows everything as added.

    Exit codes: 0 (also when there are changes, unless --exit-code: then 1), 2 for an
    unknown revision or a folder outside git.

    Example: novelforge canon diff main...HEAD --format markdown --output canon.md
    """
    from novelforge import api

    diff = api.canon_diff(project, range_)
    write_output(CANON_DIFF.render(fmt, diff), output)
    if exit_code and not diff.empty:
        raise typer.Exit(1)


@canon_app.command("log")
def log_cmd(
    entity: str = typer.Argument(..., metavar="ENTITY",
                                 help="An id (`aria`), kind/id (`characters/aria`) or a name or alias (`Aria Vell`)."),
    project: Optional[Path] = project_option(),
    fmt: str = format_option(CANON_LOG),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="Show at most this many changes."),
    output: Optional[Path] = output_option(),
) -> None:
    """Show the history of one canon entry, newest first: each commit that added,
    changed, renamed or removed it, with author, date and what changed (uncommitted
    edits on disk come first). Renames are followed.

    Example: novelforge canon log aria --limit 5
    """
    from novelforge import api

    history = api.canon_log(entity, project, limit=limit)
    write_output(CANON_LOG.render(fmt, history), output)
