"""Putting a drafted body into a scene file without losing anything.

* The front matter stays byte for byte what it was, except ``status:``, set to ``draft``
  (the line's value replaced, its comment and spacing kept; a ``status: draft`` line added
  before the closing ``---`` when there is none). The result is read back: if its front
  matter is not the old one with ``status: draft`` (a flow-style front matter, say), the
  file is not written.
* The file's own line ends (``\\r\\n`` or ``\\n``) and byte-order mark are kept.
* The body is written atomically (:func:`novelforge.util.atomic_write`): a reader, a crash
  or a kill sees the old file or the new one, never half.
* :func:`git_state` says whether the file has changes git has not recorded (compared with
  HEAD by hashing the bytes as git does: no git command touches the working tree).
"""

from __future__ import annotations

import re
from pathlib import Path

from novelforge.errors import UsageError

_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_STATUS = re.compile(r"^(status[ \t]*:[ \t]*)([^#\r\n]*?)([ \t]*(?:#[^\r\n]*)?)(\r?)$", re.M)


def split(raw: str) -> tuple[str, str]:
    """(the front matter with its closing line and line end — empty when there is none —,
    the body)."""
    if not re.match(r"\ufeff?---[ \t]*\r?\n", raw):
        return "", raw
    first = raw.index("\n") + 1
    m = _CLOSE.search(raw, first)
    if m is None:
        raise UsageError("the scene's front matter is never closed; it cannot be drafted",
                         help="end the front matter with a line containing only `---`")
    end = m.end()
    if raw.startswith("\n", end):
        end += 1
    return raw[:end], raw[end:]


def newline_of(raw: str) -> str:
    return "\r\n" if "\r\n" in raw[:4096] else "\n"


def with_status(head: str, nl: str) -> str:
    """``head`` (a front matter) with ``status: draft``."""
    if not head:
        return f"---{nl}status: draft{nl}---{nl}"
    first = head.index("\n") + 1
    close = _CLOSE.search(head, first)
    inner = head[first:close.start()]
    m = _STATUS.search(inner)
    if m is not None:
        inner = inner[:m.start(2)] + "draft" + inner[m.end(2):]
    else:
        inner = inner + ("" if not inner or inner.endswith("\n") else nl) + f"status: draft{nl}"
    return head[:first] + inner + head[close.start():]


def _front(head: str) -> dict:
    from ruamel.yaml import YAML

    if not head:
        return {}
    first = head.index("\n") + 1
    close = _CLOSE.search(head, first)
    data = YAML(typ="safe", pure=True).load(head[first:close.start()].replace("\r\n", "\n"))
    return data if isinstance(data, dict) else {}


def drafted_file(raw: str, prose: str) -> str:
    """The scene file ``raw`` with ``prose`` as its body and ``status: draft``. Raises
    :class:`UsageError` when the front matter cannot be kept as it was."""
    head, _body = split(raw)
    nl = newline_of(raw)
    new_head = with_status(head, nl)
    try:
        before, after = _front(head), _front(new_head)
    except Exception:
        before, after = None, None
    if before is None or after != {**before, "status": "draft"}:
        raise UsageError("the scene's front matter cannot be given `status: draft` without rewriting it",
                         help="write it one key a line (block style), or set `status: draft` by hand")
    text = "\n".join(line.rstrip() for line in prose.strip("\n").replace("\r\n", "\n").split("\n")).strip()
    body = (nl + text.replace("\n", nl) + nl) if text else ""
    return new_head + body


def replace_body(raw: str, body: str) -> str:
    """``raw`` with ``body`` (taken as it is) after its front matter, which is kept byte for
    byte (``--restore``)."""
    head, _old = split(raw)
    return head + body


def git_state(root: Path, rel: str) -> str:
    """``clean`` (the bytes on disk are HEAD's), ``modified``, ``untracked`` (not in HEAD),
    or ``no-repository``."""
    from novelforge.vcs.repo import GitError, GitRepo
    from novelforge.vcs.worktree import blob_sha

    try:
        with GitRepo(root) as repo:
            if not repo.has_commits():
                return "untracked"
            files = repo.tree_files("HEAD")
    except GitError:
        return "no-repository"
    sha = files.get(rel)
    if sha is None:
        return "untracked"
    data = (Path(root) / rel).read_bytes()
    return "clean" if blob_sha(data) == sha else "modified"
