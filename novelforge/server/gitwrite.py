"""Writes to a served project: each one a git commit authored by the user who made it.

Everything goes through git's plumbing on the command line (GitPython's docs say it is
not made for long-running processes), never through ``add``/``commit``/``checkout``, and
a save starts two processes:

1. before the lock, the new bytes become a blob (``hash-object -w --no-filters --stdin``:
   no clean filter runs). A blob is named by its content, so writing it early is harmless
   (one a conflict leaves unused is an unreachable object ``git gc`` prunes);
2. under the lock, one ``/bin/sh`` runs :data:`_COMMIT`, git's plumbing in a row: it reads
   HEAD (unborn in a new repository), reads it into a temporary index (``read-tree``),
   gives that index the one path (``update-index --cacheinfo``, or ``--force-remove`` for
   a delete: no file is read, so no filter, no fsmonitor), makes the tree and the commit
   (``write-tree``, ``commit-tree``: no hook runs, only porcelain runs hooks), moves HEAD
   only if it still points where it did (``update-ref HEAD new old``), and records the
   path in the repository's own index too (best effort), so ``git status`` in the checkout
   shows nothing the server did. It prints the new commit's id.

The script's text is a constant: every value it needs (the git folder, the path, the
blob, the message, the temporary index) reaches it as an ``NF_*`` environment variable
and the author as git's own ``GIT_AUTHOR_*``/``GIT_COMMITTER_*``, always expanded inside
double quotes, so nothing a user typed is ever read as shell. Every git process, in the
script or not, gets the settings of ``HARDENED_CONFIG`` from :mod:`novelforge.vcs.repo`
(as ``-c`` options here; in the script as ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/
``GIT_CONFIG_VALUE_n``, which git reads since 2.31: the version is asked once per process,
and an older git writes nothing) and the trimmed environment of :func:`_env` (no ``GIT_*``
of the server's own environment, no pager or editor, and for the shell no ``ENV``,
``BASH_ENV``, ``CDPATH`` or exported bash functions). A step that fails is a
:class:`WriteFailed` with git's message, for the log. Then the file on disk is replaced
(written beside it and renamed, never through a link).

One lock per project (a thread lock, and ``fcntl`` on a file in ``.git``) orders writes,
so the revision check and the commit are one step: a save whose revision is not the
file's current one is a :class:`Conflict` carrying the current text, and nothing is lost.
"""

from __future__ import annotations

import fcntl
import functools
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


# One commit under the lock (see the module's docstring). Every value comes from the
# environment, expanded inside double quotes; the text of this script never changes.
# `g` is git on the project's repository; the steps on the temporary index run in a
# subshell, so GIT_INDEX_FILE never reaches the last step (the repository's own index).
_COMMIT = r"""
g() { git --git-dir="$NF_GIT_DIR" --work-tree="$NF_WORK_TREE" "$@"; }
fail() { echo "novelforge: git $1 failed" >&2; exit 1; }
parent=$(g rev-parse --verify -q 'HEAD^{commit}') || parent=
tree=$(
    GIT_INDEX_FILE=$NF_INDEX
    export GIT_INDEX_FILE
    if [ -n "$parent" ]; then
        g read-tree "$parent" || fail read-tree
    else
        g read-tree --empty || fail read-tree
    fi
    if [ -n "$NF_BLOB" ]; then
        g update-index --add --cacheinfo "100644,$NF_BLOB,$NF_PATH" || fail update-index
    else
        g update-index --force-remove -- "$NF_PATH" || fail update-index
    fi
    g write-tree || fail write-tree
) || exit 1
if [ -n "$parent" ]; then
    commit=$(g commit-tree "$tree" -p "$parent" -m "$NF_MESSAGE") || fail commit-tree
else
    commit=$(g commit-tree "$tree" -m "$NF_MESSAGE") || fail commit-tree
fi
g update-ref -m "novelforge serve: $NF_MESSAGE" HEAD "$commit" "${parent:-0000000000000000000000000000000000000000}" \
    || fail update-ref
printf '%s\n' "$commit"
if [ -n "$NF_BLOB" ]; then
    g update-index --add --cacheinfo "100644,$NF_BLOB,$NF_PATH" >/dev/null 2>&1 || :
else
    g update-index --force-remove -- "$NF_PATH" >/dev/null 2>&1 || :
fi
"""
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
MIN_GIT = (2, 31)      # GIT_CONFIG_COUNT; an older git would ignore the hardened settings


@functools.cache
def git_version() -> tuple[int, int]:
    """The installed git's (major, minor), asked once per process; (0, 0) if unreadable."""
    out = subprocess.run(["git", "version"], capture_output=True, env=_env(None, None), timeout=60,
                         stdin=subprocess.DEVNULL)
    found = re.search(rb"(\d+)\.(\d+)", out.stdout)
    return (int(found[1]), int(found[2])) if found else (0, 0)


# what a shell would read from the environment before running the script
_SHELL_ENV = ("ENV", "BASH_ENV", "CDPATH")


def _script_env(project: ServedProject, author: Author, *, index: Path, rel: str, blob: str,
                message: str) -> dict[str, str]:
    """The environment of :data:`_COMMIT`: :func:`_env`, the hardened settings as git's
    ``GIT_CONFIG_*`` variables, and the values as ``NF_*``."""
    env = {k: v for k, v in _env(author, None).items() if k not in _SHELL_ENV and not k.startswith("BASH_FUNC_")}
    env["GIT_CONFIG_COUNT"] = str(len(HARDENED_CONFIG))
    for i, setting in enumerate(HARDENED_CONFIG):
        key, _, value = setting.partition("=")
        env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
    env.update(NF_GIT_DIR=str(project.root / ".git"), NF_WORK_TREE=str(project.root), NF_INDEX=str(index),
               NF_PATH=rel, NF_BLOB=blob, NF_MESSAGE=message)
    return env


def write_file(project: ServedProject, rel: str, data: bytes | None, *, expected: str | None, author: Author,
               message: str) -> Written:
    """Replace (``data``) or remove (None) the file ``rel`` in one commit by ``author``,
    if its current revision is ``expected`` (None: it must not exist). Raises
    :class:`Conflict` otherwise, :class:`WriteFailed` when git refuses a step.

    Two processes: ``hash-object`` before the lock (none for a delete), and
    :data:`_COMMIT` under it."""
    path = resolve(project, rel)
    if git_version() < MIN_GIT:
        raise WriteFailed(f"git {'.'.join(map(str, git_version()))} is older than 2.31, which the server's "
                          "writes need (GIT_CONFIG_COUNT carries the hardened settings to the commit script)")
    blob = "" if data is None else git(project, "hash-object", "-w", "--no-filters", "--stdin", input=data).strip()
    with project_lock(project):
        current = read_bytes(project, rel)
        if revision(current) != expected:
            raise Conflict(current)
        index = project.root / ".git" / f"novelforge-server-index-{os.getpid()}-{threading.get_ident()}"
        env = _script_env(project, author, index=index, rel=rel, blob=blob, message=message)
        try:
            result = subprocess.run(["/bin/sh", "-c", _COMMIT, "novelforge-commit"], capture_output=True, env=env,
                                    cwd=project.root, timeout=120, stdin=subprocess.DEVNULL)
        finally:
            index.unlink(missing_ok=True)
        commit = result.stdout.decode("utf-8", "replace").strip()
        if result.returncode != 0 or not _OBJECT_ID.fullmatch(commit):
            raise WriteFailed(f"commit: {result.stderr.decode('utf-8', 'replace').strip()}")
        _replace_on_disk(path, data)
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
