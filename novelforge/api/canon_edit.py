"""Renaming and merging canon entries: every reference in the project rewritten, every
file written or none (``canon rename``, ``canon merge``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from novelforge.api.projects import project_root
from novelforge.errors import OptionError

if TYPE_CHECKING:
    from novelforge.canon.rename import CanonEdit


def _load(root: Path | str | None):
    from novelforge.project.loader import load_project

    return load_project(project_root(root))


def canon_rename(old: str, new: str, root: Path | str | None = None, *, dry_run: bool = False) -> CanonEdit:
    """Give the canon entry or promise ``old`` (``eliza``, ``characters/eliza``) the id
    ``new``: its file is renamed and every reference — scene front matter, other entries,
    contracts, promise markers in the prose — is rewritten in place (comments and layout
    kept). ``dry_run``: only say what would change. The project's files are all written or
    none is.

    Raises :class:`~novelforge.errors.UsageError` (an unknown or ambiguous id, ``new`` taken
    or not an id, a file that cannot be edited) and
    :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.canon.rename import plan, write

    project = _load(root)
    edit = plan(project, old, new, merge=False)
    if not dry_run:
        write(project, edit)
    return edit


def canon_merge(a: str, b: str, root: Path | str | None = None, *, keep: str | None = None,
                dry_run: bool = False) -> CanonEdit:
    """Make one entry of two: ``b`` is folded into ``a`` — its name and aliases become
    aliases of ``a``, its fields are added, every reference to ``b`` names ``a``, and its
    file is removed. A field both give with different values is refused unless ``keep``
    says which wins (``"a"`` or ``"b"``). ``dry_run``: only say what would change. The
    files are all written or none is.

    Raises :class:`~novelforge.errors.OptionError` (``keep``),
    :class:`~novelforge.errors.UsageError` (unknown ids, different kinds, a conflict) and
    :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.canon.rename import plan, write

    if keep not in (None, "a", "b"):
        raise OptionError("{value} must be `a` or `b`", option="keep", value=keep)
    project = _load(root)
    edit = plan(project, b, a, merge=True, keep=keep)
    if not dry_run:
        write(project, edit)
    return edit

