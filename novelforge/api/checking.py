"""``check``: the whole book, or what changed since a base, or what the next commit
records; and recording the baseline."""

from __future__ import annotations

import dataclasses
import weakref
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from novelforge.api.projects import Warn, locate, open_cache
from novelforge.errors import NothingStaged, NothingToCheck, OptionError
from novelforge.project.layout import MANUSCRIPT, in_manuscript
from novelforge.rules.engine import CheckOptions, Report
from novelforge.wording import agree, plural

if TYPE_CHECKING:
    from novelforge.project.models import Project
    from novelforge.vcs.affected import ChangeSet


def check(root: Path | str | Project | None = None, *, paths: Sequence[Path | str] = (), base: str | None = None,
          staged: bool = False, changed: bool = False, options: CheckOptions | None = None,
          use_cache: bool = True, warn: Warn | None = None,
          on_changes: Callable[[ChangeSet, Project], None] | None = None,
          project: Project | None = None) -> Report:
    """Check the project around ``root`` (default: around the first of ``paths``, else the
    current folder) and return the :class:`~novelforge.rules.engine.Report`; its exit code
    is :meth:`Report.exit_code`.

    ``project`` (or ``root`` itself) may instead be a
    :class:`~novelforge.project.models.Project` already loaded: from a folder by
    :func:`~novelforge.project.loader.load_project`, or from files in memory by
    :func:`~novelforge.project.loader.load_files` (what the server and drafting check).
    It is checked as it is, with the same findings as the folder it stands for; its
    ``paths`` are project paths (``manuscript/01-ashes``). A project in memory uses no
    analysis cache, and its baseline is the ``.novelforge/baseline.json`` among its files
    (nothing is read on disk for it). ``base``, ``changed`` and ``staged`` compare the files on disk with
    git, so they take a folder, not a project.

    ``paths`` (files or folders inside the project) limit the report to them.
    ``changed`` (implied by ``base``) checks the scenes changed since ``base`` (default:
    the merge base with the upstream branch, else HEAD) and the scenes a changed canon
    entry, contract or promise reaches for the selected rules; ``staged`` checks what the
    next commit records (the git index) against HEAD. Either way ``Report.changes`` is the
    :class:`~novelforge.vcs.affected.ChangeSet` (None for a whole-book check), and
    ``on_changes(changes, project)`` is called with it before the rules run (the CLI
    says what it checks). ``use_cache`` reads and writes the analysis cache; ``warn``
    receives warnings about the project (a cache folder it never reads).

    With ``staged`` the report's project is a temporary copy of the index, removed when
    the report is released: render the report before dropping it.

    Raises :class:`~novelforge.errors.OptionError` (``staged`` with ``base``),
    :class:`~novelforge.errors.PathNotFound`, :class:`~novelforge.errors.ProjectNotFound`,
    :class:`~novelforge.errors.NothingToCheck` (no scenes under manuscript/),
    :class:`~novelforge.errors.NothingStaged` (the index does not hold the project: exit 0),
    :class:`~novelforge.vcs.repo.GitError` (not a repository, unknown revision) and
    :class:`~novelforge.errors.ConfigError` (a bad selector, baseline or setting)."""
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import check_project

    if staged and base is not None:
        raise OptionError("{staged} compares the staging area with HEAD; it cannot be combined with {base}")
    if project is None and _is_project(root):
        project, root = root, None
    if project is not None:
        return _check_loaded(project, root, paths, base, staged, changed, options, use_cache, warn)
    options = dataclasses.replace(options or CheckOptions(), use_cache=use_cache)
    root, options.paths = locate(paths, root)
    snapshot = ExitStack()            # the staged copy: lives as long as the report
    with snapshot, ExitStack() as stack:
        cache = stack.enter_context(open_cache(root, use_cache, warn))
        changes = None
        if staged:
            project, changes = _staged(snapshot, stack, root, cache, options)
        else:
            project = load_project(root, cache)
        if not project.scenes and not any(in_manuscript(d.path)
                                          for d in project.diagnostics):
            raise NothingToCheck(f"nothing to check: no scenes under `{root / MANUSCRIPT}`",
                                 help="scenes are Markdown files in manuscript/<chapter>/")
        if changed or base is not None:
            changes = _changes(root, project, base, cache, options)
        if changes is not None:
            options.scenes = set(changes.scenes)
            options.report_paths = changes.report_paths
            if on_changes is not None:
                on_changes(changes, project)
        report = check_project(project, options, cache)
        report.changes = changes
        if staged:
            weakref.finalize(report, snapshot.pop_all().close)
    return report


def _is_project(value) -> bool:
    from novelforge.project.models import Project

    return isinstance(value, Project)


def _check_loaded(project: Project, root, paths, base, staged, changed, options, use_cache, warn) -> Report:
    """:func:`check` of a project already loaded (from a folder, or in memory)."""
    from novelforge.project.memory import MemoryFiles
    from novelforge.rules.engine import check_project

    if root is not None:
        raise OptionError("give the project to check or its folder {root}, not both")
    for name, given in (("base", base is not None), ("changed", changed), ("staged", staged)):
        if given:
            raise OptionError(f"{{{name}}} compares the files on disk with git; "
                              "check the project's folder instead of a loaded project", option=name)
    in_memory = isinstance(project.files, MemoryFiles)
    options = dataclasses.replace(options or CheckOptions(), use_cache=use_cache and not in_memory)
    options.paths = _project_paths(project, paths)
    if not project.scenes and not any(in_manuscript(d.path) for d in project.diagnostics):
        raise NothingToCheck(f"nothing to check: no scenes under `{MANUSCRIPT}/`",
                             help="scenes are Markdown files in manuscript/<chapter>/")
    if not options.use_cache:
        return check_project(project, options, None)
    with open_cache(project.root, True, warn) as cache:
        return check_project(project, options, cache)


def _project_paths(project: Project, paths: Sequence[Path | str]) -> list[str]:
    """``paths`` as project paths: each a file the project holds or a folder above one
    (:class:`~novelforge.errors.PathNotFound` otherwise, :class:`~novelforge.errors.UsageError`
    for one outside the project); empty when one is the project itself."""
    from pathlib import PurePosixPath

    from novelforge.errors import PathNotFound, UsageError

    known = set(project.sources) | {s.path for s in project.scenes} | {d.path for d in project.diagnostics}
    folders = {"/".join(PurePosixPath(k).parts[:n]) for k in known for n in range(1, len(PurePosixPath(k).parts))}
    rels: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_absolute():
            try:
                p = p.relative_to(project.root)
            except ValueError:
                raise UsageError(f"`{given}` is not inside the project at `{project.root}`") from None
        rel = p.as_posix().strip("/")
        if rel in ("", "."):
            return []
        if rel.startswith("../") or rel == "..":
            raise UsageError(f"`{given}` is not inside the project at `{project.root}`")
        if rel not in known and rel not in folders:
            raise PathNotFound(given)
        rels.append(rel)
    return rels


@dataclass
class Baseline:
    path: Path           # the baseline file written
    rel: str             # its path inside the project
    count: int           # findings recorded
    not_recorded: int = 0  # findings in files that cannot be read (never baselined)


def record_baseline(root: Path | str | None = None, *, paths: Sequence[Path | str] = (),
                    options: CheckOptions | None = None, use_cache: bool = True,
                    warn: Warn | None = None) -> Baseline:
    """Check the project (ignoring the current baseline) and record every finding in
    ``.novelforge/baseline.json``, so that later checks report only new ones. Returns
    where and how many. Raises what :func:`check` raises, and
    :class:`~novelforge.errors.UsageError` when the file cannot be written."""
    from novelforge.rules.suppress import baselinable, write_baseline

    options = dataclasses.replace(options or CheckOptions(), use_baseline=False)
    report = check(root, paths=paths, options=options, use_cache=use_cache, warn=warn)
    project_root = report.project.root
    target = write_baseline(project_root, report.diagnostics)
    recorded = sum(1 for d in report.diagnostics if baselinable(d))
    return Baseline(target, target.relative_to(project_root).as_posix(), recorded,
                    len(report.diagnostics) - recorded)


def describe_changes(changes: ChangeSet, total: int, staged: bool = False) -> str:
    """One sentence on what a ``changed`` or ``staged`` check checks, of ``total`` scenes."""
    if not changes.base:
        return f"The first commit: checking all {plural(total, ('staged ' if staged else '') + 'scene')}."
    since = f"since {changes.base_label} ({changes.base[:8]})"
    if staged:
        since = "staged " + since
    if not changes.files:
        return f"No changes {since}: nothing to check."
    if changes.everything:
        return f"novelforge.yaml changed {since}: checking all {plural(total, 'scene')}."
    direct = sum(1 for why in changes.scenes.values() if why[0] in ("changed", "added"))
    others = len(changes.scenes) - direct
    text = f"Checking {plural(direct, 'changed scene')}"
    if others:
        text += f" and {others} affected by the {agree(len(changes.files), 'change', 'changes')}"
    return text + f" ({len(changes.scenes)} of {total}) {since}."


def _changes(root: Path, project, base: str | None, cache, options: CheckOptions):
    from novelforge.rules.engine import run_codes
    from novelforge.vcs.affected import compute_changes
    from novelforge.vcs.repo import GitRepo

    codes = run_codes(project, options)
    with GitRepo(root) as repo:
        commit, label = repo.base_for(base)
        return compute_changes(repo, project, commit, label, cache, codes=codes)


def _staged(snapshot: ExitStack, stack: ExitStack, root: Path, cache, options: CheckOptions):
    """The staged project (in a temporary folder ``snapshot`` removes) and its change set."""
    from novelforge.rules.engine import run_codes
    from novelforge.vcs.affected import compute_changes
    from novelforge.vcs.repo import GitRepo
    from novelforge.vcs.snapshot import NotStaged, staged_project

    repo = stack.enter_context(GitRepo(root))
    try:
        project, files = snapshot.enter_context(staged_project(repo, cache))
    except NotStaged:
        # a commit without the project (made before it is added, or of other files in a
        # bigger repository): there is nothing of the novel to check
        raise NothingStaged("The project is not in the staging area: nothing to check.") from None
    codes = run_codes(project, options)
    if repo.has_commits():
        head = repo.resolve("HEAD")
        return project, compute_changes(repo, project, head, "HEAD", cache, files=files, codes=codes)
    return project, compute_changes(repo, project, "", "nothing (the first commit)", cache, files=files, codes=codes)
