"""Reporters: each turns a :class:`~novelforge.rules.engine.Report` into text.

Every format is a sibling module with a ``render(report, **options) -> str`` function.
"""

from __future__ import annotations

FORMATS = ("text", "json", "sarif", "github", "junit")


def render(report, fmt: str, **options) -> str:
    from importlib import import_module

    if fmt not in FORMATS:
        from novelforge.errors import UsageError

        raise UsageError(f"`{fmt}` is not a report format; use one of: {', '.join(FORMATS)}")
    module = import_module(f"novelforge.report.{fmt}_format")
    return module.render(report, **options)


def repository_path(report, path: str) -> str:
    """``path`` (relative to the project) relative to the top of the repository that CI
    checked out, for formats that CI reads: GitHub resolves annotation and SARIF paths
    against ``GITHUB_WORKSPACE``, so a novel in a subfolder needs the folder in front.
    Outside GitHub Actions, or for a project at the top, the path is unchanged."""
    import os
    from pathlib import Path

    top = os.environ.get("GITHUB_WORKSPACE")
    if not top:
        return path
    try:
        folder = Path(report.project.root).resolve().relative_to(Path(top).resolve()).as_posix()
    except (ValueError, OSError):
        return path
    return path if folder in ("", ".") else f"{folder}/{path}"
