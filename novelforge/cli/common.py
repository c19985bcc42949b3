"""Helpers shared by the commands."""

from __future__ import annotations

from pathlib import Path

from novelforge.errors import UsageError


def resolve_target(paths: list[Path] | None) -> tuple[Path, list[str]]:
    """The project root for the given paths, and those paths relative to it (for limiting
    a report). No path means the current folder."""
    from novelforge.project.loader import find_project_root

    paths = list(paths or [])
    if not paths:
        return find_project_root(Path.cwd()), []
    for p in paths:
        if not p.exists():
            raise UsageError(f"`{p}` does not exist")
    root = find_project_root(paths[0])
    rels: list[str] = []
    for p in paths:
        absolute = p.absolute()
        if absolute == root:
            return root, []
        try:
            rels.append(absolute.relative_to(root).as_posix())
        except ValueError:
            raise UsageError(f"`{p}` is not inside the project at `{root}`") from None
    return root, rels


def write_output(text: str, output: Path | None) -> None:
    import sys

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from novelforge.util import atomic_write

    try:
        atomic_write(output, text)
    except OSError as exc:
        raise UsageError(f"cannot write `{output}`: {exc.strerror or exc}") from None


def open_cache(root: Path, enabled: bool = True):
    """The project's analysis cache (a context manager; ``None`` inside when disabled),
    after telling the author about a cache folder in the project that is never read."""
    from contextlib import nullcontext

    from novelforge.cache import ProjectCache, legacy_warnings
    from novelforge.cli.app import err_console

    for text in legacy_warnings(root):
        err_console().print(f"warning: {text}", style="yellow", markup=False)
    return ProjectCache(root) if enabled else nullcontext(None)
