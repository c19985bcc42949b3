"""``novelforge canon diff [RANGE]`` (what changed in the story world between two versions)
and ``novelforge canon log ENTITY`` (the history of one canon entry)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app

canon_app = typer.Typer(
    name="canon",
    help="The story world in git: what changed in canon and contracts, and the history of an entry.",
    no_args_is_help=True,
)
app.add_typer(canon_app, name="canon")

_PROJECT_HELP = "The project folder (default: the project around the current folder)."


def _open(project: Optional[Path]):
    from novelforge.errors import UsageError
    from novelforge.project.loader import find_project_root
    from novelforge.vcs.repo import GitRepo

    if project is not None and not project.exists():
        raise UsageError(f"`{project}` does not exist")
    root = find_project_root(project or Path.cwd())
    return GitRepo(root)


def _check_format(fmt: str) -> None:
    from novelforge.canon.render import FORMATS
    from novelforge.errors import UsageError

    if fmt not in FORMATS:
        raise UsageError(f"`{fmt}` is not an output format here; use one of: {', '.join(FORMATS)}")


@canon_app.command("diff")
def diff_cmd(
    range_: Optional[str] = typer.Argument(
        None, metavar="RANGE",
        help="`A..B` (A to B), `A...B` (what B changed since it left A), `A` (A to the working tree); "
             "default: HEAD to the working tree."),
    project: Optional[Path] = typer.Option(None, "--project", "-p", help=_PROJECT_HELP),
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|markdown|json", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file."),
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
    from novelforge.canon.diff import diff_canon
    from novelforge.canon.render import render_diff
    from novelforge.cli.common import write_output
    from novelforge.vcs.repo import GitError, split_range
    from novelforge.vcs.snapshot import project_at

    _check_format(fmt)
    with _open(project) as repo:
        a, b, three_dot = split_range(range_)
        if a is None and not repo.has_commits():
            raise GitError("the repository has no commits yet",
                           help="commit the project first, then compare with `novelforge canon diff`")
        a_label = a or "HEAD"
        old = repo.resolve(a_label)
        new = repo.resolve(b) if b is not None else None
        if three_dot:
            base = repo.merge_base(old, new)
            if base is None:
                raise GitError(f"`{a}` and `{b}` share no history", help=f"compare them directly: `{a}..{b}`")
            old, a_label = base, f"the merge base of {a} and {b}"
        b_label = b if b is not None else "the working tree"
        # a side from before the project existed is an empty project: everything is added
        with project_at(repo, old, manuscript=False, missing_ok=True) as before, \
                project_at(repo, new, manuscript=False, missing_ok=True) as after:
            diff = diff_canon(before, after, old_label=a_label, new_label=b_label)
        diff.old_commit, diff.new_commit = old, new
    write_output(render_diff(diff, fmt), output)
    if exit_code and not diff.empty:
        raise typer.Exit(1)


@canon_app.command("log")
def log_cmd(
    entity: str = typer.Argument(..., metavar="ENTITY",
                                 help="An id (`aria`), kind/id (`characters/aria`) or a name or alias (`Aria Vell`)."),
    project: Optional[Path] = typer.Option(None, "--project", "-p", help=_PROJECT_HELP),
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|markdown|json", help="Output format."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="Show at most this many changes."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file."),
) -> None:
    """Show the history of one canon entry, newest first: each commit that added,
    changed, renamed or removed it, with author, date and what changed (uncommitted
    edits on disk come first). Renames are followed.

    Example: novelforge canon log aria --limit 5
    """
    from novelforge.canon.history import entity_history
    from novelforge.canon.render import render_history
    from novelforge.cli.common import write_output

    _check_format(fmt)
    with _open(project) as repo:
        history = entity_history(repo, entity, limit=limit)
    write_output(render_history(history, fmt), output)
