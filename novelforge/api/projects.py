"""Finding the project a path names, and opening its analysis cache: the first step of
every command, written once."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from novelforge.errors import PathNotFound, UsageError

Warn = Callable[[str], None]


def project_root(path: Path | str | None = None) -> Path:
    """The project folder: the nearest folder at or above ``path`` (default: the current
    folder) that holds ``novelforge.yaml``.

    Raises :class:`~novelforge.errors.PathNotFound` when ``path`` does not exist and
    :class:`~novelforge.errors.ProjectNotFound` when no folder above it is a project."""
    from novelforge.project.loader import find_project_root

    if path is not None and not Path(path).exists():
        raise PathNotFound(path)
    return find_project_root(path or Path.cwd())


def locate(paths: Sequence[Path | str] = (), root: Path | str | None = None) -> tuple[Path, list[str]]:
    """The project folder and ``paths`` relative to it, for limiting a report to them
    (empty when a path is the project itself). The project is the one around ``root``,
    else around the first path, else around the current folder.

    Raises :class:`~novelforge.errors.PathNotFound` for a path that does not exist,
    :class:`~novelforge.errors.UsageError` for one outside the project, and
    :class:`~novelforge.errors.ProjectNotFound`."""
    paths = [Path(p) for p in paths or ()]
    if root is not None:
        found = project_root(root)
    for p in paths:
        if not p.exists():
            raise PathNotFound(p)
    if root is None:
        found = project_root(paths[0] if paths else None)
    rels: list[str] = []
    for p in paths:
        absolute = p.absolute()
        if absolute == found:
            return found, []
        try:
            rels.append(absolute.relative_to(found).as_posix())
        except ValueError:
            raise UsageError(f"`{p}` is not inside the project at `{found}`") from None
    return found, rels


def open_cache(root: Path, enabled: bool = True, warn: Warn | None = None):
    """The project's analysis cache (a context manager; ``None`` inside when disabled).
    A cache folder left in the project by an older version, which is never read, is named
    through ``warn`` first."""
    from contextlib import nullcontext

    from novelforge.cache import ProjectCache, legacy_warnings

    for text in legacy_warnings(root):
        if warn is not None:
            warn(text)
    return ProjectCache(root) if enabled else nullcontext(None)
