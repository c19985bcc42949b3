"""The project repositories the server serves, and the paths it will read and write.

A project is a folder directly under ``--projects`` that holds ``novelforge.yaml`` and is
the top of its own git repository (``.git`` a folder, not a link). Its name in a URL is
that folder's name. A path a request names is a project path such as
``manuscript/01-ashes/02-the-road.md``: plain names (letters, digits, ``.``, ``_``,
``-``), no ``..``, nothing hidden, and no link anywhere on the way from the project
folder to it (a link could point out of the project).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from novelforge.project.layout import CONFIG_FILE, MANUSCRIPT
from novelforge.server.admin import PROJECT_NAME
from novelforge.vcs.worktree import blob_sha

_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
MAX_DEPTH = 6


class BadPath(ValueError):
    """A path the server does not read or write; the message says why."""


@dataclass(frozen=True)
class ServedProject:
    name: str
    root: Path


class Projects:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(os.path.realpath(folder))

    def get(self, name: str) -> ServedProject | None:
        if not PROJECT_NAME.fullmatch(name or "") or name.endswith(".git"):
            return None
        root = self.folder / name
        try:
            if root.is_symlink() or not root.is_dir():
                return None
            git_dir = root / ".git"
            if git_dir.is_symlink() or not git_dir.is_dir() or not (root / CONFIG_FILE).is_file():
                return None
        except OSError:
            return None
        return ServedProject(name, root)

    def names(self) -> list[str]:
        try:
            entries = sorted(p.name for p in self.folder.iterdir())
        except OSError:
            return []
        return [n for n in entries if self.get(n) is not None]


def scene_path(rel: str) -> str:
    """``rel`` as a scene path the server may write (``manuscript/<chapter>/<name>.md``),
    or :class:`BadPath`."""
    rel = project_path(rel)
    parts = rel.split("/")
    if parts[0] != MANUSCRIPT or len(parts) < 3 or not rel.endswith(".md"):
        raise BadPath("a scene is a `.md` file in a chapter folder: manuscript/<chapter>/<name>.md")
    return rel


def project_path(rel: str) -> str:
    if not isinstance(rel, str) or not rel or len(rel) > 512:
        raise BadPath("the path is empty or too long")
    parts = rel.split("/")
    if len(parts) > MAX_DEPTH or not all(_PART.fullmatch(p) and p not in (".", "..") for p in parts):
        raise BadPath(f"`{rel}` is not a plain path inside the project "
                      "(letters, digits, `.`, `_` and `-`; no `..`, no hidden names)")
    return rel


def resolve(project: ServedProject, rel: str) -> Path:
    """The file ``rel`` names inside the project, refusing a link on the way (the file
    itself may not exist yet; its folders may not either)."""
    rel = project_path(rel)
    current = project.root
    for part in rel.split("/"):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            break
        if stat.S_ISLNK(mode):
            raise BadPath(f"`{rel}` goes through a link; the server neither reads nor writes through links")
    return project.root / rel


def read_bytes(project: ServedProject, rel: str) -> bytes | None:
    path = resolve(project, rel)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise BadPath(f"`{rel}` cannot be read") from exc
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise BadPath(f"`{rel}` is not a file")
        return f.read()


def revision(data: bytes | None) -> str | None:
    """A file's revision: the id git gives its bytes (None: it does not exist)."""
    return None if data is None else blob_sha(data)
