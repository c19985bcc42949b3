"""``novelforge canon rename [PROJECT] OLD NEW`` and ``novelforge canon merge [PROJECT] A B``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.canon import canon_app, hidden_project_option, split_project
from novelforge.cli.options import format_option
from novelforge.formats import CANON_EDIT

DRY_RUN = "Show what would change (each file's diff) and write nothing."


@canon_app.command("rename")
def rename_cmd(
    args: List[str] = typer.Argument(..., metavar="[PROJECT] OLD NEW",
                                     help="The project folder (default: the project around the current folder), "
                                          "the entry (`eliza`, `characters/eliza`, `promises/oath`) and its new id."),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN),
    fmt: str = format_option(CANON_EDIT),
    project: Optional[Path] = hidden_project_option(),
) -> None:
    """Give a canon entry or a promise a new id, and rewrite every reference to it: scene
    front matter (pov, location, characters, mentions, transfers, setups, payoffs), other
    entries (relationships, travel, holder, before/after), contracts, and promise markers
    in the prose. Its file is renamed. Comments and layout stay as they were; every file
    is written or none is.

    Example: novelforge canon rename my-novel eliza elizabeth --dry-run

    Exit codes: 0 done, 2 unknown or ambiguous id, the new id taken, a file that cannot be
    edited (nothing is written), 3 internal error.
    """
    from novelforge import api

    project, (old, new) = split_project(list(args), ("OLD", "NEW"), project)
    edit = api.canon_rename(old, new, project, dry_run=dry_run)
    typer.echo(CANON_EDIT.render(fmt, edit, diff=dry_run), nl=False)


@canon_app.command("merge")
def merge_cmd(
    args: List[str] = typer.Argument(..., metavar="[PROJECT] A B",
                                     help="The project folder (default: the project around the current folder), "
                                          "the entry that stays (A) and the one folded into it (B)."),
    keep: Optional[str] = typer.Option(None, "--keep", metavar="a|b",
                                       help="Which entry's value wins where both give a field different values "
                                            "(default: refuse and say which fields)."),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN),
    fmt: str = format_option(CANON_EDIT),
    project: Optional[Path] = hidden_project_option(),
) -> None:
    """Make one entry of two: B's name and aliases become aliases of A, B's fields are
    added to A, every reference to B names A (front matter, other entries, contracts,
    promise markers), and B's file is removed. A list or mapping that named both keeps
    one. Comments and layout stay as they were; every file is written or none is.

    Example: novelforge canon merge my-novel elizabeth eliza --dry-run

    Exit codes: 0 done, 2 unknown ids, different kinds, a field in conflict without
    --keep (nothing is written), 3 internal error.
    """
    from novelforge import api

    project, (a, b) = split_project(list(args), ("A", "B"), project)
    edit = api.canon_merge(a, b, project, keep=keep, dry_run=dry_run)
    typer.echo(CANON_EDIT.render(fmt, edit, diff=dry_run), nl=False)
