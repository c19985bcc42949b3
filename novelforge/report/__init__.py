"""Reporters: each turns a :class:`~novelforge.rules.engine.Report` into text.

Every format is a sibling module with a ``render(report, **options) -> str`` function,
registered as a row of :data:`novelforge.formats.CHECK` (the table every command's
``--format`` uses).
"""

from __future__ import annotations

from novelforge.formats import CHECK as FORMATS


def render(report, fmt: str, **options) -> str:
    """``report`` as ``fmt`` (a name in :data:`FORMATS`); raises
    :class:`~novelforge.errors.UnknownFormat` for any other name."""
    return FORMATS.render(fmt, report, **options)


def finding_line(d) -> str:
    """``path:line:col: CODE [severity] message``: one finding on one line, as the text
    report, JUnit and ``impact`` write it."""
    return f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.message}"


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
