"""Writes to a served project: each one a git commit authored by the user who made it.

Everything goes through git on the command line (GitPython's docs say it is not made for
long-running processes), never through ``add``/``commit``/``checkout``, and a save starts
two processes, both under the project's lock:

1. ``git fast-import`` makes the commit: the new bytes are given inline (no file is read,
   so no clean filter and no fsmonitor runs), the commit's author and committer are the
   user's, its parent is the branch HEAD names (``from refs/heads/…^0``: none in a
   repository without a commit), and the branch moves only if it still contains the commit
   it pointed to (no hook runs: fast-import is plumbing). A repository whose HEAD is not on
   a branch is not written (:class:`WriteFailed`).
2. ``update-index --index-info`` records the path in the repository's own index too (best
   effort), so ``git status`` in the checkout shows nothing the server did.

Group commit: saves that arrive while one is being committed wait for the lock, and the
first of them to get it commits every save waiting then, in arrival order and one commit
each, in one fast-import (each checked against the file as the saves before it leave it:
a stale one is its own :class:`Conflict`). Under load a commit costs the same two
processes whether it carries one save or ten, so saves do not queue behind each other's
processes.

Every value is data in fast-import's stream (``data <length>`` for the message and the
bytes, the path a plain project path, the author's name and e-mail without the ``<>``
and line breaks an author line cannot hold); nothing is ever read by a shell. Every git
process gets the ``-c`` overrides and the trimmed environment of
:mod:`novelforge.vcs.repo`. A refused step is a :class:`WriteFailed` with git's message,
for the log. Then the file on disk is replaced (written beside it and renamed, never
through a link).

One lock per project (a thread lock, and ``fcntl`` on a file in ``.git``) orders writes,
so the revision check and the commit are one step: a save whose revision is not the
file's current one is a :class:`Conflict` carrying the current text, and nothing is lost.
"""

from __future__ import annotations

import fcntl
import os
import re
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


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in _DROPPED_ENV}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", GIT_NO_LAZY_FETCH="1", GIT_CONFIG_NOSYSTEM="1")
    return env


def _run(project: ServedProject, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    """git ``args`` on the project's repository, hardened (the ``-c`` overrides and the
    trimmed environment), its output as bytes."""
    cmd = ["git", "--git-dir", str(project.root / ".git"), "--work-tree", str(project.root)]
    for setting in HARDENED_CONFIG:
        cmd += ["-c", setting]
    return subprocess.run([*cmd, *args], input=input, capture_output=True, env=_env(), cwd=project.root, timeout=60)


def git(project: ServedProject, *args: str, input: bytes | None = None, check: bool = True) -> str:
    """:func:`_run`'s output as text; a refusal is :class:`WriteFailed` (unless not ``check``)."""
    result = _run(project, *args, input=input)
    if check and result.returncode != 0:
        raise WriteFailed(f"git {args[0]}: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout.decode("utf-8", "replace")


def head(project: ServedProject) -> str | None:
    out = git(project, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).strip()
    return out or None


@dataclass
class _Save:
    """One save waiting for the project's lock, and what became of it."""

    rel: str
    path: Path
    data: bytes | None
    expected: str | None
    author: Author
    message: str
    done: bool = False
    written: Written | None = None
    error: Exception | None = None


_PENDING: dict[str, list[_Save]] = {}
_PENDING_GUARD = threading.Lock()
_CRUD = re.compile(r"[<>\n\r\x00]")      # what an author line of git cannot hold


def write_file(project: ServedProject, rel: str, data: bytes | None, *, expected: str | None, author: Author,
               message: str) -> Written:
    """Replace (``data``) or remove (None) the file ``rel`` in one commit by ``author``,
    if its current revision is ``expected`` (None: it must not exist). Raises
    :class:`Conflict` otherwise, :class:`WriteFailed` when git refuses.

    Saves that wait for the project's lock meanwhile are committed with it, one commit
    each, by one ``git fast-import`` (the module's docstring)."""
    save = _Save(rel, resolve(project, rel), data, expected, author, message)
    key = str(project.root)
    with _PENDING_GUARD:
        _PENDING.setdefault(key, []).append(save)
    with project_lock(project):
        if not save.done:                       # no save before it took this one along
            with _PENDING_GUARD:
                batch, _PENDING[key] = _PENDING[key], []
            _commit_all(project, batch)
    if save.error is not None:
        raise save.error
    assert save.written is not None
    return save.written


def _commit_all(project: ServedProject, batch: list[_Save]) -> None:
    """Commit the saves of ``batch`` in their order, each checked against the file as the
    saves before it leave it; every save is ``done`` afterwards, written or with its error."""
    try:
        state: dict[str, bytes | None] = {}
        accepted: list[_Save] = []
        for save in batch:
            current = state[save.rel] if save.rel in state else read_bytes(project, save.rel)
            if revision(current) != save.expected:
                save.error = Conflict(current)
                continue
            state[save.rel] = save.data
            accepted.append(save)
        if not accepted:
            return
        commits = _fast_import(project, accepted)
        for save, commit in zip(accepted, commits):
            _replace_on_disk(save.path, save.data)
            save.written = Written(commit, revision(save.data))
        _sync_index(project, {s.rel: s.data for s in accepted})
    except Exception as exc:  # noqa: BLE001 (every waiting save gets the failure, none hangs)
        for save in batch:
            if save.error is None and save.written is None:
                save.error = exc if isinstance(exc, (WriteFailed, Conflict)) else WriteFailed(f"commit: {exc}")
    finally:
        for save in batch:
            save.done = True


def _branch(project: ServedProject) -> tuple[str, bool]:
    """The branch HEAD names (``refs/heads/main``) and whether it has a commit yet."""
    git_dir = project.root / ".git"
    try:
        head_text = (git_dir / "HEAD").read_text("utf-8").strip()
    except OSError as exc:
        raise WriteFailed(f"commit: the repository's HEAD cannot be read: {exc}") from None
    if not head_text.startswith("ref: refs/heads/"):
        raise WriteFailed("commit: the repository's HEAD is not on a branch; the server commits to a branch")
    branch = head_text[5:]
    if (git_dir / branch).is_file():
        return branch, True
    try:
        packed = (git_dir / "packed-refs").read_text("utf-8")
    except OSError:
        packed = ""
    return branch, any(line.endswith(" " + branch) for line in packed.splitlines())


def _fast_import(project: ServedProject, saves: list[_Save]) -> list[str]:
    """One commit per save on HEAD's branch, by ``git fast-import`` (no hook, no filter:
    the bytes are given inline), and their ids. The branch moves only if it still
    contains the commit it pointed to."""
    import io
    import time

    branch, born = _branch(project)
    out = io.BytesIO()
    for number, save in enumerate(saves, start=1):
        name, email = (_CRUD.sub("", v).strip() for v in (save.author.name, save.author.email))
        ident = f"{name} <{email}> {int(time.time())} +0000".lstrip().encode("utf-8")
        message = save.message if save.message.endswith("\n") else save.message + "\n"
        text = message.encode("utf-8")
        out.write(b"commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n"
                  % (branch.encode(), number, ident, ident, len(text), text))
        if number == 1 and born:
            out.write(b"from %s^0\n" % branch.encode())
        if save.data is None:
            out.write(b"D %s\n" % save.rel.encode())
        else:
            out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (save.rel.encode(), len(save.data), save.data))
        out.write(b"\n")
    out.write(b"done\n")
    marks = project.root / ".git" / f"novelforge-server-marks-{os.getpid()}-{threading.get_ident()}"
    try:
        git(project, "fast-import", "--quiet", "--done", f"--export-marks={marks}", input=out.getvalue())
        found = dict(line.split(" ", 1) for line in marks.read_text("utf-8").split("\n") if line.startswith(":"))
    finally:
        marks.unlink(missing_ok=True)
    commits = [found.get(f":{n}", "").strip() for n in range(1, len(saves) + 1)]
    if not all(_OBJECT_ID.fullmatch(c) for c in commits):
        raise WriteFailed("commit: git fast-import named no commit")
    return commits


def _sync_index(project: ServedProject, final: dict[str, bytes | None]) -> None:
    """Record the paths in the repository's own index too, so `git status` in the
    checkout shows nothing the server did (best effort: a held index lock is left)."""
    lines = "".join(f"0 {'0' * 40}\t{rel}\n" if data is None else f"100644 {revision(data)}\t{rel}\n"
                    for rel, data in final.items())
    git(project, "update-index", "--index-info", input=lines.encode("utf-8"), check=False)


_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


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
    result = _run(project, "cat-file", "blob", f"{removed}^:{rel}")
    return result.stdout if result.returncode == 0 else None
