"""Small helpers shared across the library."""

from __future__ import annotations

import errno
import os
import re
import secrets
import string
from pathlib import Path

NAME_MAX = 255
"""The longest file name (in bytes of UTF-8) most file systems accept."""

_TEMP_TAIL = re.compile(r"[a-z0-9_]{8}\.tmp\Z")
_ALPHABET = string.ascii_lowercase + string.digits + "_"


PATH_MAX = 4096


def too_long(path: Path) -> str | None:
    """Why a file system would refuse ``path`` for its length (a name over
    :data:`NAME_MAX` bytes, or a path over :data:`PATH_MAX`), as the end of a sentence;
    None when it would not."""
    path = Path(path)
    for part in path.parts:
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > NAME_MAX and part != path.anchor:
            shown = part if len(part) <= 60 else part[:40] + "…" + part[-12:]
            return f"the name `{shown}` is {size} bytes long, more than the {NAME_MAX} a file system allows"
    if len(str(path.absolute()).encode("utf-8", "surrogateescape")) >= PATH_MAX:
        return f"the path is longer than the {PATH_MAX:,} bytes a file system allows"
    return None


def temp_prefix(name: str) -> str:
    """``.<name>.``, the start of every temporary file :func:`atomic_write` makes for a
    file called ``name``; cut so that the whole temporary name (``.<name>.XXXXXXXX.tmp``)
    stays within :data:`NAME_MAX` bytes."""
    budget = NAME_MAX - 2 - 8 - 4
    while len(name.encode("utf-8", "surrogateescape")) > budget:
        name = name[:-1]
    return f".{name}."


def atomic_write(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half,
    and so that a process killed at any moment leaves no temporary file behind.

    On Linux the data goes to an unnamed file (``O_TMPFILE``) in the destination's folder
    and is flushed to disk; a new file is then linked in under its name in one step, and a
    file that exists is replaced by linking the new one in as ``.<name>.XXXXXXXX.tmp`` and
    renaming it over ``path``: the temporary file has a name only between that link and the
    rename.
    Elsewhere (or on a file system without ``O_TMPFILE``) the temporary file is made with a
    random name first. Either way the temporary file is locked (``flock``) while it exists,
    and every call first removes the unlocked temporary files of earlier calls for the
    same ``path`` (left by a process that was killed), so the next run of a command cleans
    up after a killed one. ``mode`` is the new file's permission bits (default: the
    existing file's, else ``0o666`` less the umask); it is set before the rename, so the
    file never appears with other permissions.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
    prefix = temp_prefix(path.name)
    remove_stale_temps(path.parent, prefix)
    if _write_unnamed(path, payload, mode, prefix):
        return
    _write_named(path, payload, mode, prefix)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _temp_name(folder: Path, prefix: str) -> Path:
    return folder / (prefix + "".join(secrets.choice(_ALPHABET) for _ in range(8)) + ".tmp")


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: an open file cannot be deleted anyway
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # pragma: no cover - a file system without locks: nothing to lean on
        pass


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def _write_unnamed(path: Path, payload: bytes, mode: int, prefix: str) -> bool:
    """Linux: write an ``O_TMPFILE`` file and link it in (under its name when it is new,
    else under a temporary name renamed over it); False when the system or the file system
    cannot (nothing was written then)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or os.link not in os.supports_dir_fd or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        try:
            fd = os.open(".", flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600, dir_fd=folder)
        except OSError as exc:
            if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOTSUP):
                return False
            raise
        try:
            _lock(fd)
            source = f"/proc/self/fd/{fd}"
            os.chmod(source, mode)       # (through the path, like any other chmod of ours)
            _write_all(fd, payload)
            # linkat(…, AT_SYMLINK_FOLLOW) through /proc gives the open file a name; a
            # dir_fd is what makes Python call linkat rather than link (which would try to
            # link the /proc entry itself and fail with EXDEV)
            try:
                os.link(source, path.name, dst_dir_fd=folder)   # a new file: its name, whole, in one step
                linked = True
            except FileExistsError:
                linked = False           # replacing a file: a temporary name, then a rename
            except OSError as exc:
                if exc.errno in (errno.ENOENT, errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EACCES):
                    return False         # no /proc link support here: write a named file instead
                raise
            if not linked:
                for _attempt in range(100):
                    tmp = _temp_name(path.parent, prefix).name
                    try:
                        os.link(source, tmp, dst_dir_fd=folder)
                        break
                    except FileExistsError:
                        continue
                else:  # pragma: no cover - 100 clashes of 8 random characters
                    raise FileExistsError(errno.EEXIST, "cannot find a free temporary name", str(path.parent))
                try:
                    os.replace(tmp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
                except BaseException:
                    try:
                        os.unlink(tmp, dir_fd=folder)
                    except OSError:
                        pass
                    raise
        finally:
            os.close(fd)
        try:
            os.fsync(folder)             # the new name is on disk too
        except OSError:
            pass
        return True
    finally:
        os.close(folder)


def _write_named(path: Path, payload: bytes, mode: int, prefix: str) -> None:
    for attempt in range(3):
        tmp = _temp_name(path.parent, prefix)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                         | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            continue
        try:
            _lock(fd)
            os.chmod(tmp, mode)
            _write_all(fd, payload)
        except BaseException:
            os.close(fd)
            _unlink(tmp)
            raise
        try:
            if os.name == "nt":  # pragma: no cover - Windows cannot rename an open file
                os.close(fd)
                fd = -1
            os.replace(tmp, path)
        except FileNotFoundError:
            if attempt == 2:  # pragma: no cover
                raise
            continue  # pragma: no cover - a concurrent cleanup took it before the lock: again
        except BaseException:
            _unlink(tmp)
            raise
        finally:
            if fd >= 0:
                os.close(fd)
        _sync_folder(path.parent)
        return


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path, prefix: str) -> list[Path]:
    """Remove ``<prefix>XXXXXXXX.tmp`` files in ``folder`` that no live process holds: the
    temporary files of writers that were killed. A file another process is writing is
    locked (or, on Windows, cannot be deleted while open) and is left alone. Returns the
    files removed."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and _TEMP_TAIL.fullmatch(n[len(prefix):])]
    except OSError:
        return []
    removed = []
    for name in names:
        path = Path(folder) / name
        if _remove_if_unheld(path):
            removed.append(path)
    return removed


def _remove_if_unheld(path: Path) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        try:
            os.unlink(path)
            return True
        except OSError:
            return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    import stat as _stat

    if not _stat.S_ISREG(st.st_mode):
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False          # a live writer holds it
        held = os.fstat(fd)
        try:
            now = os.lstat(path)
        except OSError:
            return False          # renamed into place meanwhile
        if (now.st_ino, now.st_dev) != (held.st_ino, held.st_dev):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


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
