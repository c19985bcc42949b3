"""Writes to a served project: each one a git commit authored by the user who made it.

Everything goes through git's plumbing on the command line (GitPython's docs say it is
not made for long-running processes), never through ``add``/``commit``/``checkout``:
the new bytes become a blob (``hash-object -w --no-filters``: no clean filter runs), a
temporary index read from HEAD gets that one path (``read-tree``, ``update-index
--cacheinfo``: no file is read, so no filter, no fsmonitor), ``write-tree`` and
``commit-tree`` make the commit (no hook runs: only porcelain runs hooks), and
``update-ref`` moves the branch only if it still points where it did. Every process also
gets the ``-c`` overrides and the trimmed environment of :mod:`novelforge.vcs.repo`.
Then the file on disk is replaced (written beside it and renamed, never through a link).

One lock per project (a thread lock, and ``fcntl`` on a file in ``.git``) orders writes,
so the revision check and the commit are one step: a save whose revision is not the
file's current one is a :class:`Conflict` carrying the current text, and nothing is lost.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from novelforge.server.projects import ServedProject, read_bytes, resolve, revision
from novelforge.vcs.repo import _DROPPED_ENV, HARDENED_CONFIG

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
LOCK_FILE = "novelforge-server.lock"


class Conflict(Exception):
    """The file changed since the revision the client edited."""

    def __init__(self, current: bytes | None) -> None:
        super().__init__("the file changed since it was opened")
        self.current = current


class WriteFailed(Exception):
    """git refused a step; the message is for the log, not the client."""


@dataclass(frozen=True)
class Author:
    name: str
    email: str


@dataclass(frozen=True)
class Written:
    commit: str
    revision: str | None


@contextmanager
def project_lock(project: ServedProject):
    key = str(project.root)
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        fd = os.open(project.root / ".git" / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _env(author: Author | None, index: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in _DROPPED_ENV}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", GIT_NO_LAZY_FETCH="1", GIT_CONFIG_NOSYSTEM="1")
    if author is not None:
        env.update(GIT_AUTHOR_NAME=author.name, GIT_AUTHOR_EMAIL=author.email,
                   GIT_COMMITTER_NAME=author.name, GIT_COMMITTER_EMAIL=author.email)
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
    return env


def git(project: ServedProject, *args: str, input: bytes | None = None, author: Author | None = None,
        index: Path | None = None, check: bool = True) -> str:
    cmd = ["git", "--git-dir", str(project.root / ".git"), "--work-tree", str(project.root)]
    for setting in HARDENED_CONFIG:
        cmd += ["-c", setting]
    result = subprocess.run([*cmd, *args], input=input, capture_output=True, env=_env(author, index),
                            cwd=project.root, timeout=60)
    if check and result.returncode != 0:
        raise WriteFailed(f"git {args[0]}: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout.decode("utf-8", "replace")


def head(project: ServedProject) -> str | None:
    out = git(project, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).strip()
    return out or None


def write_file(project: ServedProject, rel: str, data: bytes | None, *, expected: str | None, author: Author,
               message: str) -> Written:
    """Replace (``data``) or remove (None) the file ``rel`` in one commit by ``author``,
    if its current revision is ``expected`` (None: it must not exist). Raises
    :class:`Conflict` otherwise."""
    path = resolve(project, rel)
    with project_lock(project):
        current = read_bytes(project, rel)
        if revision(current) != expected:
            raise Conflict(current)
        parent = head(project)
        index = project.root / ".git" / f"novelforge-server-index-{os.getpid()}-{threading.get_ident()}"
        try:
            if parent:
                git(project, "read-tree", parent, index=index)
            else:
                git(project, "read-tree", "--empty", index=index)
            if data is None:
                git(project, "update-index", "--force-remove", "--", rel, index=index)
            else:
                blob = git(project, "hash-object", "-w", "--no-filters", "--stdin", input=data).strip()
                git(project, "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}", index=index)
            tree = git(project, "write-tree", index=index).strip()
            args = ["commit-tree", tree, "-m", message]
            if parent:
                args[2:2] = ["-p", parent]
            commit = git(project, *args, author=author).strip()
            git(project, "update-ref", "-m", f"novelforge serve: {message}", "HEAD", commit, parent or "0" * 40)
        finally:
            index.unlink(missing_ok=True)
        _replace_on_disk(path, data)
        _sync_index(project, rel, data)
        return Written(commit, revision(data))


def _replace_on_disk(path: Path, data: bytes | None) -> None:
    if data is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.novelforge-{os.getpid()}-{threading.get_ident()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def _sync_index(project: ServedProject, rel: str, data: bytes | None) -> None:
    """Record the path in the repository's own index too, so `git status` in the
    checkout shows nothing the server did (best effort: a held index lock is left)."""
    if data is None:
        git(project, "update-index", "--force-remove", "--", rel, check=False)
    else:
        blob = revision(data)
        git(project, "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}", check=False)


def history(project: ServedProject, rel: str, limit: int = 50) -> list[dict]:
    """The commits that changed ``rel``, newest first."""
    parent = head(project)
    if parent is None:
        return []
    out = git(project, "rev-list", f"--max-count={limit}", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s", parent,
              "--", rel)
    rows = []
    for line in out.splitlines():
        if line.startswith("commit ") or "\x1f" not in line:
            continue
        sha, name, email, date, subject = line.split("\x1f", 4)
        rows.append({"commit": sha, "author": name, "email": email, "date": date, "message": subject})
    return rows


def last_version(project: ServedProject, rel: str) -> bytes | None:
    """The bytes ``rel`` had just before the commit that removed it (None: never existed)."""
    parent = head(project)
    if parent is None:
        return None
    removed = git(project, "rev-list", "-n", "1", parent, "--", rel).strip()
    if not removed:
        return None
    result = subprocess.run(["git", "--git-dir", str(project.root / ".git"), *sum((["-c", s] for s in HARDENED_CONFIG),
                             []), "cat-file", "blob", f"{removed}^:{rel}"],
                            capture_output=True, env=_env(None, None), timeout=60)
    return result.stdout if result.returncode == 0 else None
