"""``novelforge timeline``: story time against reading order."""

from __future__ import annotations

from pathlib import Path

from novelforge.api.projects import Warn, project_root


def timeline(root: Path | str | None = None, *, use_cache: bool = True, warn: Warn | None = None):
    """The story's timeline around ``root``: every scene in reading order with its story
    time (``when``), its place on a story-order axis, its cast and location, flashbacks (a
    scene set before the dated scene read just before it) and the NF403, NF411 and NF412
    findings in it (the checker's own, with the project's suppressions). Returns a
    :class:`novelforge.timeline.chart.Timeline`.

    Raises :class:`~novelforge.errors.ConfigError` (novelforge.yaml unreadable),
    :class:`~novelforge.errors.PathNotFound` and :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.api.checking import check
    from novelforge.project.loader import require_config
    from novelforge.rules.engine import CheckOptions
    from novelforge.timeline.chart import RULES, build

    root = project_root(root)
    options = CheckOptions(select=list(RULES), ignore=[], exit_zero=True, use_cache=use_cache, use_baseline=False)
    report = check(root, options=options, use_cache=use_cache, warn=warn)
    require_config(report.project)
    return build(report.project, report.diagnostics)
