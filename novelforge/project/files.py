"""Reading the project's files safely: every path stays in the project, only regular files
are opened, folders are walked at any depth, and the encodings NovelForge reads are decoded.

Why each folder is checked once and each link where it is met: every path the loader opens
is ``root/<top>/<…>/<name>``. The top-level names (``manuscript``, ``canon``, ``contracts``,
``novelforge.yaml``, ``promises.yaml``) are resolved once (:meth:`ProjectFiles.top`,
:meth:`ProjectFiles.read_text`); every deeper name is met as an entry of :meth:`walk`, which
sees from ``lstat`` whether it is a link, resolves only the links, and never descends through a
link to a folder. So every component of every opened path has been checked, at the cost of
one ``realpath`` per link and per top-level name, not one per file (10,000 scenes load as fast
as before). Nothing here raises for a file: each problem is a finding with the path.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path
from typing import Any

from novelforge.diagnostics import Diagnostic, Severity
from novelforge.project import problems as P
from novelforge.project.layout import skipped
from novelforge.project.validation import _byte_position, _size

_NATURAL = re.compile(r"(\d+)")
# text encodings recognised by their byte-order mark (UTF-32 before UTF-16: FF FE 00 00
# starts with FF FE); any other file is UTF-8
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
         (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))


def natural_key(name: str) -> tuple:
    """Sort key comparing numeric runs as numbers: ``2-x`` before ``10-x``."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in _NATURAL.split(name) if p)


def is_config(path: Path) -> bool:
    """A ``novelforge.yaml`` is there: anything but a folder (a link, a named pipe: what it
    is and where it leads is the loader's to judge and report). Never raises: a folder that
    cannot be read has none."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISDIR(mode)


def _special(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class ProjectFiles:
    """The file side of the loader: paths relative to the project, findings, and reading."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root_prefix = str(root).rstrip(os.sep) + os.sep
        self.real_root = Path(os.path.realpath(root))
        real = str(self.real_root)
        self._real_prefix = real if real.endswith(os.sep) else real + os.sep
        self.diags: list[Diagnostic] = []
        self.max_size = 10_000_000

    # ------------------------------------------------------------------ helpers
    def rel(self, path: Path) -> str:
        full = str(path)
        if full.startswith(self._root_prefix):
            return full[len(self._root_prefix):].replace(os.sep, "/")
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def diag(self, kind: tuple[str, str], message: str, path: str, line: int = 1, column: int = 1,
             *, severity: Severity = Severity.ERROR, help: str | None = None,
             end: tuple[int, int] | None = None, **extra: Any) -> None:
        code, name = kind
        self.diags.append(Diagnostic(
            code=code, name=name, severity=severity, message=message, path=path, line=line,
            column=column, end_line=end[0] if end else None, end_column=end[1] if end else None,
            help=help, **extra))

    def inside(self, path: Path | str) -> bool:
        """Whether ``path``, every link on the way resolved, is in the project. A link that
        cannot be resolved (``/proc/1/cwd``: permission denied) is not."""
        try:
            real = os.path.realpath(path)
        except (OSError, ValueError):
            return False
        return real == str(self.real_root) or real.startswith(self._real_prefix)

    def top(self, name: str, folder: bool = True) -> Path | None:
        """``root/name`` if it is there (and, for a folder, stays in the project), else None. A top-level
        folder (``manuscript``, ``canon``, ``contracts``) that is a link out of the project
        is reported once and nothing behind it is read; everything below it is then reached
        through :meth:`walk`, which checks each link it meets, so no path needs resolving
        twice."""
        path = self.root / name
        if not folder:   # a file: read_text judges links and special files when it reads it
            return path if os.path.lexists(path) else None
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.diag(P.UNREADABLE_FILE, f"cannot read `{name}`: {exc.strerror or exc}", name)
            return None
        if stat.S_ISLNK(st.st_mode):
            if not self.inside(path):
                self.diag(P.OUTSIDE_PROJECT,
                          f"`{name}` is a link to a place outside the project; nothing in it was read", name,
                          help="move what it points to into the project instead of linking to it")
                return None
            try:
                st = os.stat(path)
            except OSError:
                return None
        return path if stat.S_ISDIR(st.st_mode) else None

    def read_text(self, path: Path) -> str | None:
        """Read a text file safely; report why not and return None if it cannot be.

        Only regular files in the project are opened: a link out of it, a named pipe (which
        would block), a device or a socket is reported instead. UTF-8 (with or without a
        byte-order mark) is the format; UTF-16 and UTF-32 are read when the file starts with
        their byte-order mark. Line ends become ``\\n``."""
        rel = self.rel(path)
        try:
            st = os.lstat(path)
            link = stat.S_ISLNK(st.st_mode)
            if link:
                if not self.inside(path):
                    self.diag(P.OUTSIDE_PROJECT, f"`{rel}` is a link to a file outside the project; it was not read",
                              rel, help="copy the file into the project instead of linking to it")
                    return None
                try:
                    st = os.stat(path)
                except FileNotFoundError:
                    self.diag(P.UNREADABLE_FILE, f"`{rel}` is a link to `{os.readlink(path)}`, which does not exist",
                              rel, help="fix the link or delete it")
                    return None
        except OSError as exc:
            self.diag(P.UNREADABLE_FILE, f"cannot read `{rel}`: {exc.strerror or exc}", rel)
            return None
        if not stat.S_ISREG(st.st_mode):
            self.diag(P.UNREADABLE_FILE, f"`{rel}` is {_special(st.st_mode)}, not a text file; it was not read", rel,
                      help="scenes, canon and settings are plain text files")
            return None
        size = st.st_size
        if size > self.max_size:
            self.diag(P.FILE_TOO_LARGE,
                      f"`{rel}` is {_size(size)}, larger than the {_size(self.max_size)} limit; it was not read",
                      rel, help="split it into scenes, or raise `check: {max-file-size: …}` in novelforge.yaml")
            return None
        try:
            # O_NONBLOCK: a file swapped for a named pipe since the check does not hang the run;
            # O_NOFOLLOW: nor does one swapped for a link
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
            if not link:
                flags |= getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(path, flags)
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    self.diag(P.UNREADABLE_FILE, f"`{rel}` is not a regular file; it was not read", rel)
                    return None
                chunks: list[bytes] = []
                total = 0
                while total <= self.max_size:
                    want = size + 1 if not chunks else 1 << 20
                    chunk = os.read(fd, want)
                    chunks.append(chunk)
                    total += len(chunk)
                    if len(chunk) < want:   # the end (the first read asks one byte more than the size)
                        break
                raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            finally:
                os.close(fd)
        except OSError as exc:
            self.diag(P.UNREADABLE_FILE, f"cannot read `{rel}`: {exc.strerror or exc}", rel)
            return None
        if len(raw) > self.max_size:   # it grew since it was measured
            self.diag(P.FILE_TOO_LARGE, f"`{rel}` is larger than the {_size(self.max_size)} limit; it was not read",
                      rel, help="split it into scenes, or raise `check: {max-file-size: …}` in novelforge.yaml")
            return None
        text = self._decode(raw, rel)
        if text is None:
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text

    def exists(self, rel: str) -> bool:
        """Whether the project path ``rel`` names something (a link that leads nowhere does not)."""
        return os.path.exists(self.root / rel)

    def read_bytes(self, path: Path, limit: int) -> bytes | str | None:
        """The bytes of a file a setting names (an image), under the same rules as text:
        inside the project with every link on the way resolved, a regular file, opened
        without blocking. None when it cannot be read, ``"too-large"`` past ``limit``."""
        if not self.inside(path):
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None
            if st.st_size > limit:
                return "too-large"
            chunks: list[bytes] = []
            total = 0
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    return "too-large"
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)

    def _decode(self, raw: bytes, rel: str) -> str | None:
        for bom, codec, label in _BOMS:
            if raw.startswith(bom):
                try:
                    text = raw[len(bom):].decode(codec)
                except UnicodeDecodeError as exc:
                    head = raw[len(bom):len(bom) + exc.start].decode(codec, errors="replace")
                    head = head.replace("\r\n", "\n").replace("\r", "\n")
                    line = head.count("\n") + 1
                    col = len(head) - (head.rfind("\n") + 1) + 1
                    self.diag(P.UNREADABLE_FILE,
                              f"`{rel}` starts with a {label} byte-order mark but is not {label} text", rel, line, col,
                              help="save the file as UTF-8 in your editor")
                    return None
                if "\x00" in text:
                    break
                return text
        if b"\x00" in raw:
            self.diag(P.UNREADABLE_FILE, f"`{rel}` looks like a binary file, not text", rel, 1, 1,
                      help="scenes and canon are plain UTF-8 text; use `novelforge import` for Word files")
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            # exc.start indexes exc.object, which lacks the BOM that utf-8-sig strips
            line, col = _byte_position(exc.object, exc.start)
            self.diag(P.UNREADABLE_FILE, f"`{rel}` is not UTF-8 text (byte 0x{exc.object[exc.start]:02x})", rel,
                      line, col,
                      help="save the file as UTF-8 in your editor")
            return None

    def walk(self, folder: Path) -> tuple[list[Path], list[Path]]:
        """Sorted (sub-folders, files) of ``folder``, skipping hidden entries and links out.

        A link is resolved and refused (NF007) when it leads out of the project; a link to
        a folder inside it is not followed (that folder is read where it is). "Files" are
        every other entry, special files included: :meth:`read_text` reports those it is
        asked to read (a named pipe called `scene.md` is a finding, not a silent gap)."""
        dirs: list[Path] = []
        files: list[Path] = []
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: natural_key(e.name))
        except OSError as exc:
            self.diag(P.UNREADABLE_FILE, f"cannot read folder `{self.rel(folder)}`: {exc.strerror or exc}",
                      self.rel(folder))
            return dirs, files
        for entry in entries:
            if skipped(entry.name):
                continue
            path = Path(entry.path)
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError:
                is_link = is_dir = False
            if is_link:
                if not self.inside(path):
                    self.diag(P.OUTSIDE_PROJECT,
                              f"`{self.rel(path)}` is a link to a place outside the project; it was not followed",
                              self.rel(path), help="copy what it points to into the project instead of linking to it")
                    continue
                if os.path.isdir(path):
                    continue  # links inside the project would be read twice
                files.append(path)
            elif is_dir:
                dirs.append(path)
            else:
                files.append(path)
        return dirs, files

    def folders(self, base: Path):
        """Every folder at or below ``base`` (depth first, in path order) with its
        (sub-folders, files), at any depth. Iterative, so depth costs no stack; each folder
        is visited once (a loop through a bind mount ends there)."""
        seen: set[tuple[int, int]] = set()
        stack = [base]
        while stack:
            folder = stack.pop()
            try:
                st = os.stat(folder)
                ident = (st.st_dev, st.st_ino)
            except OSError:
                ident = None
            if ident is not None:
                if ident in seen:
                    continue
                seen.add(ident)
            dirs, files = self.walk(folder)
            yield folder, dirs, files
            stack.extend(reversed(dirs))
