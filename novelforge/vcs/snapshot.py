"""A project as it was in a revision, loaded without a checkout."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from novelforge.project.layout import BASELINE_FILE, CONFIG_FILE, STATE_DIR, in_manuscript
from novelforge.project.models import Project
from novelforge.vcs.repo import GitError, GitRepo


@contextmanager
def project_at(repo: GitRepo, rev: str | None, *, manuscript: bool | set[str] = True, cache=None,
               missing_ok: bool = False, keep=None) -> Iterator[Project]:
    """The project in commit ``rev``, or on disk when ``rev`` is None.

    A revision is written to a temporary folder (blobs read straight from the object
    database: no checkout, no filters, no hooks) and loaded from there; the folder is
    removed afterwards. ``manuscript=False`` leaves the scenes out (canon, contracts,
    promises and settings only: much faster on a long book); a set of paths keeps only
    those scene files (and the chapter files beside them). ``keep(path)`` narrows what
    is written further. Paths in the project and its
    findings are project-relative, so two versions compare directly.

    A revision from before the project existed (no ``novelforge.yaml``) is a GitError, or,
    with ``missing_ok``, an empty project: everything in the book is then new.
    """
    from novelforge.project.loader import load_project

    if rev is None:
        yield load_project(repo.project_root, cache)
        return
    tmp = Path(tempfile.mkdtemp(prefix="novelforge-rev-"))
    try:
        root = tmp / "project"
        root.mkdir()
        wanted = None if manuscript is True else set(manuscript or ())
        folders = {p.rsplit("/", 1)[0] for p in wanted or ()}

        def written(rel: str) -> bool:
            if keep is not None and not keep(rel):
                return False
            if wanted is None or not in_manuscript(rel):
                return True
            return rel in wanted or (rel.endswith("/chapter.yaml") and rel.rsplit("/", 1)[0] in folders)

        files = repo.materialize(rev, root, keep=written)
        if CONFIG_FILE not in files:
            if missing_ok:
                from novelforge.project.models import Project, ProjectConfig

                yield Project(root=root, config=ProjectConfig())
                return
            from novelforge.vcs.repo import GitError

            raise GitError(f"the project has no novelforge.yaml in {rev[:12]}",
                           help="choose a revision in which the project exists")
        yield load_project(root, cache)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class NotStaged(GitError):
    """The index holds no project: the next commit does not contain it."""


@contextmanager
def staged_project(repo: GitRepo, cache=None) -> Iterator[tuple[Project, dict[str, str]]]:
    """The project as the index holds it — what ``git commit`` would record — written to a
    temporary folder and loaded, with the files the index changes against HEAD."""
    from novelforge.project.loader import load_project

    staged, changed = repo.changed_in_index()
    if CONFIG_FILE not in staged:
        raise NotStaged("novelforge.yaml is not staged: the commit would not hold the project",
                        help="`git add` the project, or check the files on disk with `--changed`")
    tmp = Path(tempfile.mkdtemp(prefix="novelforge-staged-"))
    try:
        root = tmp / "project"
        root.mkdir()
        repo.write_files(staged, root)
        # the baseline is the author's, not the commit's: read it from the project on disk
        baseline = repo.project_root / BASELINE_FILE
        if baseline.is_file():
            (root / STATE_DIR).mkdir()
            shutil.copyfile(baseline, root / BASELINE_FILE)
        yield load_project(root, cache), changed
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
