"""Small helpers shared across the library."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would:
        # the existing file's, else 0666 less the umask
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_GLOB_CACHE: dict[str, "re.Pattern[str]"] = {}


def glob_match(path: str, pattern: str) -> bool:
    """Match a project-relative path against a glob: ``*`` and ``?`` stay within one folder,
    ``**`` crosses folders, ``[abc]`` is a class; a pattern without wildcards also
    matches everything below it (``manuscript/00-prologue``)."""
    pattern = pattern.strip().removeprefix("./").rstrip("/") or "**"
    if not any(c in pattern for c in "*?["):
        return path == pattern or path.startswith(pattern + "/")
    rx = _GLOB_CACHE.get(pattern)
    if rx is None:
        out, i = [], 0
        while i < len(pattern):
            c = pattern[i]
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
                continue
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            if c == "*":
                out.append("[^/]*")
            elif c == "?":
                out.append("[^/]")
            elif c == "[":
                j = pattern.find("]", i + 1)
                if j == -1:
                    out.append(re.escape(c))
                else:
                    body = pattern[i + 1:j].replace("\\", "\\\\")
                    if body.startswith("!"):
                        body = "^" + body[1:]
                    out.append(f"[{body}]")
                    i = j
            else:
                out.append(re.escape(c))
            i += 1
        rx = _GLOB_CACHE[pattern] = re.compile("".join(out) + r"(?:/.*)?\Z")
    return rx.match(path) is not None
