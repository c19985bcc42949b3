"""``draft``: scene-by-scene drafting from the scene card, canon and contracts
(docs/draft.md). The pipeline itself is :mod:`novelforge.draft.run`; this module is its
library surface."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from novelforge.api.projects import Warn, open_cache, project_root
from novelforge.draft.plan import DraftPlan, draft_settings, plan_for
from novelforge.draft.run import DraftOptions, DraftRun, SceneResult
from novelforge.errors import UsageError

__all__ = ["DraftOptions", "DraftPlan", "DraftRun", "Restored", "SceneResult", "draft", "draft_line",
           "prepare_draft", "restore_draft", "show_template"]


def draft_line(result: SceneResult) -> str:
    """One sentence on what happened to one scene (a :class:`SceneResult`). Raises nothing."""
    from novelforge.draft.render import result_line

    return result_line(result)


def split_target(project: Path | str | None, scene: str | None) -> tuple[Path, str | None]:
    """The project folder and the scene argument: a scene given as a file names its
    project when no project is given."""
    if project is None and scene and Path(scene).is_file():
        return project_root(Path(scene).absolute().parent), str(Path(scene).absolute())
    return project_root(project), scene


def find_scene(project, scene: str):
    """The scene ``scene`` names (an id, or a scene file). Raises :class:`UsageError`."""
    from novelforge.api.room import scene_paths

    (path,) = scene_paths(project, [scene])
    found = next(s for s in project.scenes if s.path == path)
    if not found.readable:
        raise UsageError(f"`{found.path}` cannot be drafted: its front matter cannot be read",
                         path=found.path, help="`novelforge check` says what is wrong with it")
    return found


def prepare_draft(root: Path | str | None = None, scene: str | None = None, *, model: str | None = None,
            warn: Warn | None = None) -> DraftPlan:
    """The prompt that would draft ``scene`` (an id or a scene file) and its context
    report, without a model or the network (``draft --dry-run``).

    Raises :class:`UsageError` (an unknown scene),
    :class:`~novelforge.errors.ConfigError` (a project template that cannot be read or
    rendered, at its line) and :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.analysis import Session
    from novelforge.project.loader import load_project

    if not scene:
        raise UsageError("name the scene to draft (its id or its file)",
                         help="novelforge draft the-summons --dry-run")
    root, scene = split_target(root, scene)
    with open_cache(root, True, warn) as cache:
        project = load_project(root, cache)
        session = Session(project, cache)
        target = find_scene(project, scene)
        return plan_for(session, target, model=model)


def show_template(root: Path | str | None = None, name: str = "scene"):
    """The drafting template ``name`` in effect (``scene`` or ``repair``): the project's
    ``prompts/draft/NAME.md.j2``, else the one NovelForge ships, as a
    :class:`novelforge.draft.prompts.Template` (``path``, ``source``, ``project``).

    Raises :class:`UsageError` (an unknown name), :class:`~novelforge.errors.ConfigError`
    and :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.draft.prompts import load_template
    from novelforge.project.loader import load_config

    return load_template(load_config(project_root(root)), name)


def _chapter(project, chapter: str):
    text = str(chapter).strip().rstrip("/")
    for c in project.chapters:
        if text in (str(c.number), c.id, c.path, c.path.split("/", 1)[-1]):
            return c
    from novelforge.project.loader import suggest

    hint = suggest(text, [c.id for c in project.chapters])
    raise UsageError(f"`{chapter}` is not a chapter of this project" + (f" — did you mean `{hint}`?" if hint else ""),
                     help="give the chapter's number or its folder name (`3` or `03-the-court`)")


def draft(root: Path | str | None = None, scene: str | None = None, *, next_scene: bool = False,
          chapter: str | None = None, options=None, warn: Warn | None = None):
    """Draft ``scene`` (an id or a scene file), or with ``next_scene`` the first scene in
    reading order whose body is empty, or with ``chapter`` that chapter's empty scenes in
    order (stopping at the first that fails its check). ``options`` is a
    :class:`novelforge.draft.run.DraftOptions`. Returns a
    :class:`novelforge.draft.run.DraftRun` (``results``, one per scene attempted;
    ``stop`` when the budget or ``max_cost`` stopped the run).

    Raises :class:`UsageError` (an unknown scene or chapter, a body that is not empty
    without ``force``, a file with uncommitted changes without ``allow_dirty``, nothing
    left to draft), :class:`~novelforge.errors.ConfigError` (a template),
    :class:`~novelforge.llm.types.LLMNotConfigured` and
    :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.analysis import Session
    from novelforge.draft.run import draft_scene, empty, refuse
    from novelforge.llm.types import BudgetExceeded
    from novelforge.project.loader import load_project

    options = options or DraftOptions()
    if sum(bool(x) for x in (scene, next_scene, chapter)) != 1:
        raise UsageError("name one scene to draft, or give --next or --chapter",
                         help="novelforge draft the-summons, novelforge draft --next, novelforge draft --chapter 3")
    root, scene = split_target(root, scene)
    project = load_project(root)
    if scene:
        targets = [find_scene(project, scene)]
    elif next_scene:
        targets = [s for s in project.scenes if s.readable and empty(s)][:1]
        if not targets:
            raise UsageError("every scene already has prose: nothing to draft",
                             help="add a scene card (front matter, no body) or name a scene with --force")
    else:
        chap = _chapter(project, chapter)
        targets = [s for s in chap.scenes if s.readable and empty(s)]
        if not targets:
            raise UsageError(f"every scene of chapter {chap.number} (`{chap.id}`) already has prose: nothing to draft")
    notes = {s.path: refuse(project, s, options) for s in targets}      # before any call: refuse all first
    run = DraftRun()
    settings, cfg = draft_settings(project, options.model)
    with _client(project, settings, options) as client:
        if options.estimate:
            from novelforge.llm.streaming import estimate_text

            session = Session(project)
            run.estimate = estimate_text(client, [plan_for(session, s, model=options.model).prompt for s in targets])
            return run
        summaries: dict[str, str] = {}
        fresh: set[str] = set()
        try:
            for i, target in enumerate(targets):
                if i:      # the scene before changed on disk: read the project again
                    project = load_project(root)
                    target = next(s for s in project.scenes if s.path == target.path)
                    if not empty(target):
                        continue
                result = draft_scene(client, Session(project), target, options, run, summaries, fresh,
                                     summarize=i < len(targets) - 1)
                result.note = notes.get(target.path)
                if not result.ok:
                    break
        except BudgetExceeded as exc:
            run.stop = exc
            if run.results and not run.results[-1].written and not run.results[-1].failed:
                run.results[-1].failed = "the budget stopped the run before its request"
        run.warnings.extend(getattr(client, "warnings", []) or [])
        run.spent = getattr(client, "spent", 0.0)
    return run


def _client(project, settings, options):
    from novelforge.room.run import _Borrowed

    if options.client is not None:
        return _Borrowed(options.client)
    from novelforge.llm import open_client

    kw = {"home": options.home} if options.home is not None else {}
    return open_client(settings, project_root=project.root, command="draft", use_cache=options.use_cache,
                       max_cost=options.max_cost, **kw)


@dataclass
class Restored:
    scene: str
    path: str
    number: int            # the backup brought back
    backup: str | None     # where the body it replaced was kept (None: it was empty)


def restore_draft(root: Path | str | None = None, scene: str | None = None, number: int | None = None) -> Restored:
    """Bring back backup ``number`` (default: the newest) of ``scene``'s body, kept when
    ``draft`` replaced it; the front matter as it is now is kept byte for byte, and the
    body replaced now is kept as a new backup first. Written atomically.

    Raises :class:`UsageError` (an unknown scene, no such backup) and
    :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.draft import store
    from novelforge.draft.write import replace_body, split
    from novelforge.project.loader import load_project
    from novelforge.util import atomic_write

    if not scene:
        raise UsageError("name the scene to restore", help="novelforge draft --restore the-summons")
    root, scene = split_target(root, scene)
    project = load_project(root)
    target = find_scene(project, scene)
    n, data = store.read(Path(root), target.id, number)
    file = Path(root) / target.path
    now = file.read_bytes()
    try:
        old_body = split(data.decode("utf-8"))[1]
        current = now.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"backup {n} of `{target.id}` is not UTF-8 text; it was not restored") from None
    kept = store.keep(Path(root), target.id, now) if split(current)[1].strip() else None
    nl = "\r\n" if "\r\n" in current[:4096] else "\n"
    body = old_body.replace("\r\n", "\n").replace("\n", nl)
    atomic_write(file, replace_body(current, body).encode("utf-8"))
    return Restored(target.id, target.path, n, kept)
