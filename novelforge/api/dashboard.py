"""``novelforge stats``: the writing dashboard of a project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from novelforge.api.projects import Warn, open_cache, project_root


@dataclass
class StatsResult:
    """What :func:`stats` measured: ``manuscript`` (scenes, chapters, statuses, POV,
    presence, pacing: :class:`novelforge.stats.measure.Manuscript`), ``history`` (words per
    day from git, or None and ``history_note`` saying why), ``goal`` (the projection, or
    None without ``goal:`` in novelforge.yaml)."""

    title: str
    author: str | None
    today: date
    manuscript: object
    history: object = None
    history_note: str | None = None
    goal: object = None


def stats(root: Path | str | None = None, *, today: date | None = None, use_cache: bool = True,
          warn: Warn | None = None) -> StatsResult:
    """Measure the project around ``root``: words per scene and chapter against
    ``target_words``, scene status as progress, POV share, a character × chapter presence
    grid (from the analysis' name mentions), dialogue share and mean sentence length per
    chapter, and — when the project is in a git repository — words written per day and the
    day the ``goal:`` of novelforge.yaml is reached at the recent pace. ``today`` is the day
    the projection starts from (default: the local date).

    Raises :class:`~novelforge.errors.ConfigError` (novelforge.yaml unreadable, or a bad
    ``goal:``, at its line), :class:`~novelforge.errors.PathNotFound` and
    :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.analysis import Session
    from novelforge.project.loader import load_project
    from novelforge.stats.history import project_goal, read_history
    from novelforge.stats.measure import measure

    today = today or date.today()
    root = project_root(root)
    with open_cache(root, use_cache, warn) as cache:
        project = load_project(root, cache)
        check_goal(project)
        manuscript = measure(Session(project, cache))
    history, note = read_history(root, today)
    result = StatsResult(project.config.title, project.config.author, today, manuscript, history, note)
    goal = project.config.goal
    if goal is not None:
        result.goal = project_goal(goal.words, goal.by, manuscript.words, today, history)
    return result


def check_goal(project) -> None:
    """A ``goal:`` the loader dropped is a :class:`~novelforge.errors.ConfigError` at its
    line (a projection is not made from a goal that was not read)."""
    from novelforge.errors import ConfigError
    from novelforge.project.loader import require_config

    require_config(project)
    problems = project.setting_problems.get("goal") or []
    if problems:
        first = min(problems, key=lambda d: (d.line, d.code != "NF009", d.column))   # an unknown key first
        raise ConfigError(first.message, path=first.path, line=first.line, column=first.column,
                          help=first.help or "write it as `goal: {words: 120000, by: 2027-06-01}` (docs/stats.md)")
