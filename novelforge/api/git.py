"""The commands that read git: the impact of a canon change, what changed in the story
world between two revisions, the history of one canon entry, and the pre-commit hook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from novelforge.api.projects import Warn, locate, open_cache, project_root
from novelforge.errors import OptionError

if TYPE_CHECKING:
    from novelforge.canon.history import EntityHistory
    from novelforge.canon.model import CanonDiff
    from novelforge.vcs.hooks import HookStatus, InstallResult, UninstallResult
    from novelforge.vcs.impact import Impact


def impact(root: Path | str | None = None, *, base: str | None = None, sets: Sequence[str] = (),
           kill: str | None = None, kill_in: str | None = None, use_cache: bool = True,
           warn: Warn | None = None) -> Impact:
    """The scenes a canon or contract change touches and the findings it makes appear or
    disappear, found by checking the book before and after (render it with
    :data:`novelforge.formats.IMPACT`).

    Without ``sets`` or ``kill``, "after" is the project on disk and "before" the ``base``
    revision (default: the merge base with the upstream branch, else HEAD). ``sets``
    (``aria.eyes=green``) and ``kill`` (a character, dying in the scene ``kill_in``) are
    hypothetical edits, tried on a temporary copy: the project's files are never written.

    Raises :class:`~novelforge.errors.OptionError` (a malformed ``sets`` value, ``kill_in``
    without ``kill``, edits with ``base``, an unknown canon id or scene, a change that
    makes canon invalid), :class:`~novelforge.errors.PathNotFound`,
    :class:`~novelforge.errors.ProjectNotFound` and :class:`~novelforge.vcs.repo.GitError`."""
    from novelforge.vcs import impact as imp

    if kill_in and not kill:
        raise OptionError("`{kill_in}` says where a character dies; give the character with {kill}")
    edits = [imp.parse_set(s) for s in sets or ()]
    if kill:
        edits += imp.kill_edits(kill, kill_in)
    if edits and base is not None:
        raise OptionError("{base} compares revisions; {sets} and {kill} try a change on the project on disk "
                          "— use one or the other")
    root, _ = locate([root] if root else ())
    with open_cache(root, use_cache, warn) as cache:
        return imp.impact(root, base=base, edits=edits or None, cache=cache)


def canon_diff(root: Path | str | None = None, spec: str | None = None) -> CanonDiff:
    """What changed in the story world between two revisions, or between a revision and
    the files on disk: canon entries added, removed or renamed, facts changed from → to,
    contracts, promises and settings (render it with :data:`novelforge.formats.CANON_DIFF`).

    ``spec`` is ``A..B`` (A to B), ``A...B`` (what B changed since it left A), ``A`` (A to
    the working tree) or None (HEAD to the working tree). A revision from before the
    project existed counts as an empty project.

    Raises :class:`~novelforge.vcs.repo.GitError` (not a repository, no commits, an
    unknown revision, two revisions without shared history),
    :class:`~novelforge.errors.PathNotFound` and :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.canon.diff import diff_canon
    from novelforge.vcs.repo import GitError, GitRepo
    from novelforge.vcs.snapshot import project_at
    from novelforge.vcs.worktree import split_range

    with GitRepo(project_root(root)) as repo:
        a, b, three_dot = split_range(spec)
        if a is None and not repo.has_commits():
            raise GitError("the repository has no commits yet",
                           help="commit the project first, then compare with `novelforge canon diff`")
        a_label = a or "HEAD"
        old = repo.resolve(a_label)
        new = repo.resolve(b) if b is not None else None
        if three_dot:
            merge_base = repo.merge_base(old, new)
            if merge_base is None:
                raise GitError(f"`{a}` and `{b}` share no history", help=f"compare them directly: `{a}..{b}`")
            old, a_label = merge_base, f"the merge base of {a} and {b}"
        b_label = b if b is not None else "the working tree"
        # a side from before the project existed is an empty project: everything is added
        with project_at(repo, old, manuscript=False, missing_ok=True) as before, \
                project_at(repo, new, manuscript=False, missing_ok=True) as after:
            diff = diff_canon(before, after, old_label=a_label, new_label=b_label)
        diff.old_commit, diff.new_commit = old, new
    return diff


def canon_log(entity: str, root: Path | str | None = None, *, limit: int | None = None) -> EntityHistory:
    """The history of one canon entry (an id, ``kind/id``, or a name or alias), newest
    first: each commit that added, changed, renamed or removed it, uncommitted edits
    first; at most ``limit`` changes (render it with :data:`novelforge.formats.CANON_LOG`).

    Raises :class:`~novelforge.errors.UsageError` for an unknown or ambiguous entry,
    :class:`~novelforge.vcs.repo.GitError`, :class:`~novelforge.errors.PathNotFound` and
    :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.canon.history import entity_history
    from novelforge.vcs.repo import GitRepo

    with GitRepo(project_root(root)) as repo:
        return entity_history(repo, entity, limit=limit)


def hooks_install(root: Path | str | None = None, *, force: bool = False) -> InstallResult:
    """Install the git pre-commit hook that runs ``novelforge check --staged`` on the
    project; ``force`` replaces a hook NovelForge did not write (kept as a backup).
    Raises :class:`~novelforge.vcs.repo.GitError` and :class:`~novelforge.errors.UsageError`
    (a foreign hook without ``force``, a hooks folder that cannot be written)."""
    from novelforge.vcs import hooks

    return hooks.install(project_root(root), force=force)


def hooks_uninstall(root: Path | str | None = None) -> UninstallResult:
    """Remove the NovelForge pre-commit hook (never one NovelForge did not write), putting
    back a hook it had replaced. Raises :class:`~novelforge.vcs.repo.GitError`."""
    from novelforge.vcs import hooks

    return hooks.uninstall(project_root(root))


def hooks_status(root: Path | str | None = None) -> HookStatus:
    """Whether the NovelForge pre-commit hook is installed, where, and whether it is
    current and can still find NovelForge. Raises :class:`~novelforge.vcs.repo.GitError`."""
    from novelforge.vcs import hooks

    return hooks.status(project_root(root))
