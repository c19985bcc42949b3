"""The Writers' Room: ``review`` (the reviewers alone, reported like ``check``) and
``summarize`` (what happens in each scene). ``check --room`` is :func:`~novelforge.api.check`
with ``options.room`` set."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from novelforge.api.projects import Warn, open_cache, project_root
from novelforge.errors import OptionError, UsageError
from novelforge.room.render import room_line
from novelforge.room.run import RoomOptions, RoomStats
from novelforge.rules.engine import CheckOptions, Report

__all__ = ["RoomOptions", "RoomStats", "Summaries", "describe_llm_suggest", "review", "room_line", "scene_paths",
           "summarize"]


def describe_llm_suggest(stats) -> str:
    """One sentence on what ``promises suggest --llm`` did (``stats``: ``Suggestions.llm``).
    Raises nothing."""
    from novelforge.room.promises import describe

    return describe(stats)


def scene_paths(project, scenes: Sequence[str]) -> set[str] | None:
    """The paths of ``scenes`` (ids, or paths of scene files: relative to the project or
    absolute); None for all. An unknown one is a :class:`UsageError`."""
    if not scenes:
        return None
    by_id = {s.id: s.path for s in project.scenes}
    by_path = {s.path: s.path for s in project.scenes}
    out: set[str] = set()
    for given in scenes:
        text = str(given)
        found = by_id.get(text) or by_path.get(text.replace("\\", "/"))
        if found is None:
            p = Path(text)
            try:
                rel = p.resolve().relative_to(project.root.resolve()).as_posix()
            except (ValueError, OSError):
                rel = ""
            found = by_path.get(rel)
        if found is None:
            from novelforge.project.loader import suggest

            hint = suggest(text, list(by_id))
            mean = f" — did you mean `{hint}`?" if hint else ""
            raise UsageError(f"`{text}` is not a scene of this project{mean}",
                             help="give scene ids (the file name without its number) or scene files")
        out.add(found)
    return out


def review(root: Path | str | None = None, *, scenes: Sequence[str] = (), options: CheckOptions | None = None,
           room=None, changed: bool = False, base: str | None = None, use_cache: bool = True,
           warn: Warn | None = None) -> Report:
    """The Writers' Room alone on the project around ``root``: the reviewers' findings
    (NF701–NF704) on ``scenes`` (ids or files; default every scene), or with ``changed``
    on what changed since ``base``, as a :class:`Report` to render with
    :data:`novelforge.formats.CHECK`; ``report.room`` says what the room did (and
    ``report.room.stop``, when the budget or ``max_cost`` stopped it). ``room`` is a
    :class:`novelforge.room.run.RoomOptions` (``estimate``, ``max_cost``, ``use_cache``).

    Raises what :func:`~novelforge.api.check` raises, :class:`OptionError` (``scenes``
    with ``changed``), :class:`UsageError` (an unknown scene) and
    :class:`~novelforge.llm.types.LLMNotConfigured`."""
    from novelforge.api.checking import check
    from novelforge.project.loader import load_project

    if scenes and (changed or base is not None):
        raise OptionError("give scenes or {changed}, not both")
    room = room or RoomOptions()
    options = dataclasses.replace(options or CheckOptions(), room=room)
    if options.select is None:
        options.select = ["NF7"]
    root = project_root(root)
    if scenes:
        with open_cache(root, use_cache, warn) as cache:
            options.scenes = scene_paths(load_project(root, cache), scenes)
    return check(root, changed=changed, base=base, options=options, use_cache=use_cache, warn=warn)


@dataclass
class SceneSummaryRow:
    scene: str
    path: str
    summary: object | None          # a novelforge.room.schemas.SceneSummary, or None
    error: str | None = None
    cached: bool = False

    def to_dict(self) -> dict:
        data = self.summary.model_dump(mode="json") if self.summary is not None else None
        return {"scene": self.scene, "path": self.path, "summary": data, "error": self.error,
                "cached": self.cached}


@dataclass
class Summaries:
    """What :func:`summarize` did: a row per scene in reading order (those received when
    ``stats.stop`` says the budget stopped the run), and the run's counts."""

    rows: list[SceneSummaryRow] = field(default_factory=list)
    stats: object | None = None


def summarize(root: Path | str | None = None, *, scenes: Sequence[str] = (), room=None,
              warn: Warn | None = None) -> Summaries:
    """Short structured summaries of the scenes (``scenes``: ids or files; default all):
    what happens, who is present, what changes. Each is cached by the scene's prose, so
    an unchanged scene costs nothing. ``room`` is a
    :class:`novelforge.room.run.RoomOptions` (``estimate``: count, send nothing).

    Raises :class:`UsageError` (an unknown scene), :class:`~novelforge.errors.ProjectNotFound`
    and :class:`~novelforge.llm.types.LLMNotConfigured`."""
    from novelforge.analysis import Session
    from novelforge.project.loader import load_project
    from novelforge.room import reviewers as rv
    from novelforge.room.run import ask, open_room_client, reviewable

    room = room or RoomOptions(command="summarize")
    root = project_root(root)
    stats = RoomStats()
    with open_cache(root, room.use_cache, warn) as cache:
        project = load_project(root, cache)
        session = Session(project, cache)
        targets = reviewable(session, scene_paths(project, scenes))
        stats.scenes = len(targets)
        prompts = [rv.summary_prompt(s, session.masked(s), room.command) for s in targets]
        result = Summaries(stats=stats)
        with open_room_client(project, room) as client:
            if room.estimate:
                stats.estimate = client.estimate(prompts)
                return result
            replies = {id(r.prompt): r for r in ask(client, prompts, stats, "summaries", room)}
            stats.warnings.extend(getattr(client, "warnings", []) or [])
    for scene, prompt in zip(targets, prompts):
        reply = replies.get(id(prompt))
        if reply is None:
            continue
        result.rows.append(SceneSummaryRow(scene.id, scene.path, reply.value, reply.error, reply.cached))
        stats.reviewed += 1
        stats.failed += reply.value is None
    return result
