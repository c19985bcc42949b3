"""``novelforge canon diff [PROJECT] [RANGE]`` (what changed in the story world between two
versions), ``novelforge canon log [PROJECT] ENTITY`` (the history of one canon entry), and
``canon rename`` / ``canon merge`` (cli/canon_edit.py).

The project folder is the first argument, as for every command; ``--project/-p`` is the
older spelling, kept (hidden) so scripts that use it still work."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.options import format_option, output_option, write_output
from novelforge.formats import CANON_DIFF, CANON_LOG

canon_app = typer.Typer(
    name="canon",
    help="The story world: what changed in canon and contracts, the history of an entry, renaming and merging "
         "entries.",
    no_args_is_help=True,
)
app.add_typer(canon_app, name="canon")


def hidden_project_option() -> Optional[Path]:
    """``--project/-p DIR``: the older spelling of the project argument (hidden, kept)."""
    return typer.Option(None, "--project", "-p", metavar="PROJECT", hidden=True,
                        help="The project folder (deprecated: give it as the first argument).")


def split_project(args: list[str], names: tuple[str, ...], project: Optional[Path]) -> tuple[Optional[Path], list[str]]:
    """``[PROJECT] NAME...``: the arguments after an optional project folder. ``names`` are
    the required arguments; one more in front is the project (refused with ``-p`` too)."""
    from novelforge.errors import UsageError

    wanted = " ".join(names)
    if len(args) == len(names) + 1:
        if project is not None:
            raise UsageError(f"the project is given twice: `{args[0]}` and `--project {project}`",
                             help=f"give it once: novelforge canon … PROJECT {wanted}")
        return Path(args[0]), args[1:]
    if len(args) != len(names):
        got = "nothing" if not args else " ".join(f"`{a}`" for a in args)
        raise UsageError(f"expected [PROJECT] {wanted}, got {got}",
                         help="see --help for an example")
    return project, args


@canon_app.command("diff")
def diff_cmd(
    args: Optional[List[str]] = typer.Argument(
        None, metavar="[PROJECT] [RANGE]",
        help="The project folder (default: the project around the current folder), then the revisions: "
             "`A..B` (A to B), `A...B` (what B changed since it left A), `A` (A to the working tree); "
             "default: HEAD to the working tree. One argument that is a folder is the project; "
             "otherwise it is the range."),
    project: Optional[Path] = hidden_project_option(),
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

    Example: novelforge canon diff my-novel main...HEAD --format markdown --output canon.md
    """
    from novelforge import api
    from novelforge.errors import UsageError

    args = list(args or [])
    range_: Optional[str] = None
    if len(args) > 2:
        raise UsageError(f"expected [PROJECT] [RANGE], got {len(args)} arguments",
                         help="example: novelforge canon diff my-novel main...HEAD")
    if len(args) == 2:
        project, range_ = split_project(args, ("RANGE",), project)[0], args[1]
    elif len(args) == 1:
        if project is None and Path(args[0]).is_dir():
            project = Path(args[0])
        else:
            range_ = args[0]
    diff = api.canon_diff(project, range_)
    write_output(CANON_DIFF.render(fmt, diff), output)
    if exit_code and not diff.empty:
        raise typer.Exit(1)


@canon_app.command("log")
def log_cmd(
    args: List[str] = typer.Argument(
        ..., metavar="[PROJECT] ENTITY",
        help="The project folder (default: the project around the current folder), then the entry: an id "
             "(`aria`), kind/id (`characters/aria`) or a name or alias (`Aria Vell`)."),
    project: Optional[Path] = hidden_project_option(),
    fmt: str = format_option(CANON_LOG),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, metavar="N",
                                        help="Show at most this many changes."),
    output: Optional[Path] = output_option(),
) -> None:
    """Show the history of one canon entry, newest first: each commit that added,
    changed, renamed or removed it, with author, date and what changed (uncommitted
    edits on disk come first). Renames are followed.

    Example: novelforge canon log my-novel aria --limit 5
    """
    from novelforge import api

    project, (entity,) = split_project(list(args), ("ENTITY",), project)
    history = api.canon_log(entity, project, limit=limit)
    write_output(CANON_LOG.render(fmt, history), output)
