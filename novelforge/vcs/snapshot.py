"""A project as it was in a revision, loaded without a checkout."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from novelforge.project.models import Project
from novelforge.vcs.repo import GitRepo


@contextmanager
def project_at(repo: GitRepo, rev: str | None, *, manuscript: bool | set[str] = True, cache=None) -> Iterator[Project]:
    """The project in commit ``rev``, or on disk when ``rev`` is None.

    A revision is written to a temporary folder (blobs read straight from the object
    database: no checkout, no filters, no hooks) and loaded from there; the folder is
    removed afterwards. ``manuscript=False`` leaves the scenes out (canon, contracts,
    promises and settings only: much faster on a long book); a set of paths keeps only
    those scene files (and the chapter files beside them). Paths in the project and its
    findings are project-relative, so two versions compare directly.
    """
    from novelforge.project.loader import load_project

    if rev is None:
        yield load_project(repo.project_root, cache)
        return
    tmp = Path(tempfile.mkdtemp(prefix="novelforge-rev-"))
    try:
        root = tmp / "project"
        root.mkdir()
        if manuscript is True:
            keep = None
        else:
            wanted = set(manuscript or ())
            folders = {p.rsplit("/", 1)[0] for p in wanted}
            keep = lambda rel: (not rel.startswith("manuscript/") or rel in wanted  # noqa: E731
                                or (rel.endswith("/chapter.yaml") and rel.rsplit("/", 1)[0] in folders))
        files = repo.materialize(rev, root, keep=keep)
        if "novelforge.yaml" not in files:
            from novelforge.vcs.repo import GitError

            raise GitError(f"the project has no novelforge.yaml in {rev[:12]}",
                           help="choose a revision in which the project exists")
        yield load_project(root, cache)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
