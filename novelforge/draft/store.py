"""Every body ``draft`` replaces, kept: ``.novelforge/drafts/SCENE/N.md`` (N = 1, 2, …,
the newest the highest), a copy of the whole scene file as it was.

The folder is inside the project, so a checkout could plant it: ``.novelforge``,
``drafts`` and the scene's folder must be real folders inside the project (a link, or a
link out of it, is refused before anything is written), a backup is created with
``O_EXCL`` (never over a file, never through a link), and a backup is read back only as
text, never run. Scene ids are the loader's (letters, digits, ``-``, ``_``, ``.``); any
other character is refused.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from novelforge.errors import UsageError
from novelforge.project.layout import STATE_DIR

DRAFTS = "drafts"
_SAFE_ID = re.compile(r"^[\w][\w.\-]*$")


def _folder(root: Path, scene_id: str, *, create: bool) -> Path | None:
    if not _SAFE_ID.match(scene_id) or scene_id in (".", ".."):
        raise UsageError(f"`{scene_id}` cannot name a backup folder", help="give the scene a plain id")
    real_root = Path(os.path.realpath(root))
    here = Path(root)
    for part in (STATE_DIR, DRAFTS, scene_id):
        here = here / part
        if os.path.islink(here):
            raise UsageError(f"`{here.relative_to(root).as_posix()}` is a link; backups of drafted scenes are "
                             "never written through one", help="remove the link (a checkout may have planted it)")
        if not here.exists():
            if not create:
                return None
            here.mkdir()
        elif not here.is_dir():
            raise UsageError(f"`{here.relative_to(root).as_posix()}` is not a folder; backups cannot be kept there")
        if not Path(os.path.realpath(here)).is_relative_to(real_root):
            raise UsageError(f"`{here.relative_to(root).as_posix()}` is outside the project")
    return here


def backups(root: Path, scene_id: str) -> list[int]:
    """The numbers of the backups of ``scene_id``, oldest first."""
    folder = _folder(root, scene_id, create=False)
    if folder is None:
        return []
    return sorted(int(p.stem) for p in folder.iterdir() if re.fullmatch(r"\d+\.md", p.name) and p.is_file()
                  and not p.is_symlink())


def keep(root: Path, scene_id: str, data: bytes) -> str:
    """Keep ``data`` (a scene file as it was) as the next backup; its project path."""
    folder = _folder(root, scene_id, create=True)
    n = (backups(root, scene_id) or [0])[-1] + 1
    while True:
        path = folder / f"{n}.md"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileExistsError:
            n += 1
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return path.relative_to(root).as_posix()


def read(root: Path, scene_id: str, n: int | None) -> tuple[int, bytes]:
    """(the number, the bytes) of backup ``n`` of ``scene_id`` (default: the newest).
    Raises :class:`UsageError` when there is none."""
    have = backups(root, scene_id)
    if not have:
        raise UsageError(f"`{scene_id}` has no drafted-over body to restore",
                         help=f"backups are kept in {STATE_DIR}/{DRAFTS}/{scene_id}/ when `draft` replaces a body")
    if n is None:
        n = have[-1]
    if n not in have:
        raise UsageError(f"`{scene_id}` has no backup {n}; it has " + ", ".join(map(str, have)),
                         help=f"novelforge draft --restore {scene_id} {have[-1]}")
    folder = _folder(root, scene_id, create=False)
    path = folder / f"{n}.md"
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        return n, fh.read()
