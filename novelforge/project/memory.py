"""A project that exists only in memory: files given as a mapping of project paths to
their text (or bytes), read under the same rules as files on disk.

The loader asks its files for the same few things either way (:class:`ProjectFiles`:
``top``, ``walk``, ``folders``, ``read_text``, ``read_bytes``, ``inside``), so a project
held by a server, a git tree or a test is loaded, checked and exported exactly as the
folder it would be: the same size limit, the same encodings (bytes are decoded as on
disk; text is taken as it is), newlines made ``\\n``, hidden and ``_`` names skipped. A
path that is not a plain relative path inside the project (``/etc/passwd``, ``../x``,
``a//b``) is a finding (NF007), never read.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Mapping

from novelforge.project import problems as P
from novelforge.project.files import ProjectFiles, natural_key
from novelforge.project.layout import skipped
from novelforge.project.validation import _size

MEMORY_ROOT = Path("/novelforge-memory-project")


class MemoryFiles(ProjectFiles):
    """Project files from ``files`` (relative path → text or bytes)."""

    def __init__(self, files: Mapping[str, str | bytes], root: Path | str = MEMORY_ROOT) -> None:
        super().__init__(Path(root))
        self._files: dict[str, str | bytes] = {}
        self._dirs: dict[str, tuple[set[str], set[str]]] = {"": (set(), set())}
        for rel, content in files.items():
            clean = _clean(rel)
            if clean is None:
                self.diag(P.OUTSIDE_PROJECT, f"`{rel}` is not a path inside the project; it was not read", str(rel),
                          help="name files relative to the project folder, with `/` between folders")
                continue
            self._files[clean] = content
            parts = clean.split("/")
            for depth in range(len(parts)):
                folder = "/".join(parts[:depth])
                dirs, names = self._dirs.setdefault(folder, (set(), set()))
                (names if depth == len(parts) - 1 else dirs).add(parts[depth])

    def inside(self, path: Path | str) -> bool:
        rel = self.rel(Path(path))
        return _clean(rel) is not None or rel in ("", ".")

    def _key(self, path: Path) -> str:
        rel = self.rel(path)
        return "" if rel in (".", str(self.root)) else rel

    def top(self, name: str, folder: bool = True) -> Path | None:
        if folder:
            return self.root / name if name in self._dirs else None
        return self.root / name if name in self._files else None

    def exists(self, rel: str) -> bool:
        clean = _clean(rel)
        return clean is not None and (clean in self._files or clean in self._dirs)

    def read_text(self, path: Path) -> str | None:
        rel = self._key(path)
        content = self._files.get(rel)
        if content is None:
            if rel in self._dirs:
                self.diag(P.UNREADABLE_FILE, f"`{rel}` is a folder, not a text file; it was not read", rel)
            return None
        size = len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))
        if size > self.max_size:
            self.diag(P.FILE_TOO_LARGE,
                      f"`{rel}` is {_size(size)}, larger than the {_size(self.max_size)} limit; it was not read",
                      rel, help="split it into scenes, or raise `check: {max-file-size: …}` in novelforge.yaml")
            return None
        text = self._decode(content, rel) if isinstance(content, bytes) else content.removeprefix("\ufeff")
        if text is None:
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text

    def read_bytes(self, path: Path, limit: int) -> bytes | str | None:
        content = self._files.get(self._key(path))
        if content is None:
            return None
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        return data if len(data) <= limit else "too-large"

    def walk(self, folder: Path) -> tuple[list[Path], list[Path]]:
        dirs, names = self._dirs.get(self._key(folder), (set(), set()))
        return ([folder / d for d in sorted(dirs, key=natural_key) if not skipped(d)],
                [folder / n for n in sorted(names, key=natural_key) if not skipped(n)])

    def folders(self, base: Path):
        stack = [base]
        while stack:
            folder = stack.pop()
            dirs, files = self.walk(folder)
            yield folder, dirs, files
            stack.extend(reversed(dirs))


def _clean(rel: str) -> str | None:
    """``rel`` as a project path (forward slashes), or None when it is not one."""
    if not isinstance(rel, str) or not rel or "\x00" in rel:
        return None
    text = rel.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    parts = PurePosixPath(text).parts
    if not parts or any(p in ("..", ".") for p in parts) or "//" in text or text.endswith("/"):
        return None
    return "/".join(parts)
