"""The drafting pipeline: one scene, ``--next``, ``--chapter``.

For each scene:

1. **refuse** what could lose text: a body that is not empty (unless ``force``), a file
   with changes git has not recorded (unless ``allow_dirty``);
2. **ask**: the prompt of :func:`novelforge.draft.plan.plan_for`, streamed
   (:func:`novelforge.llm.streaming.stream_text`: cached, budgeted, recorded);
3. **check** the new prose with the project's rules, on the project in memory with the new
   file (:func:`novelforge.api.check` of :func:`~novelforge.project.loader.load_files`);
   with ``repair`` N, send the error findings back (the ``repair`` template) and check
   again, up to N times. The result is what the check says, not what the model says;
4. **write**: the replaced body kept under ``.novelforge/drafts/SCENE/`` first, then the
   file atomically, its front matter unchanged but for ``status: draft``. Nothing is
   written when the reply breaks off, when the budget stops the run before it, on Ctrl-C,
   or when the file changed on disk while the model was writing.

``--chapter`` drafts the chapter's empty scenes in order, reloading the project after
each (the next scene picks up from the new text) and giving the next ones the model's
summary of each new scene; it stops at the first scene that still fails its check, or
whose reply failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from novelforge.diagnostics import Diagnostic, Severity
from novelforge.errors import UsageError
from novelforge.llm.types import BudgetExceeded


@dataclass
class DraftOptions:
    force: bool = False                 # replace a body that is not empty (it is kept first)
    allow_dirty: bool = False           # draft a file with changes git has not recorded
    repair: int = 0                     # rounds of findings sent back
    model: str | None = None            # instead of llm.draft.model / llm.model
    use_cache: bool = True
    max_cost: float | None = None
    estimate: bool = False
    on_text: Callable[[str], None] | None = None       # each piece of a reply as it arrives
    on_restart: Callable[[str], None] | None = None    # a reply broke off; the next attempt starts
    on_start: Callable[[str, str, float], None] | None = None  # (scene id, draft | repair-N, USD spent so far)
    client: object | None = None        # a client to use instead of opening one (tests)
    home: Path | None = None            # the user cache folder (tests)


@dataclass
class SceneResult:
    scene: str
    path: str
    written: bool = False
    backup: str | None = None           # where the replaced body was kept
    errors: list[Diagnostic] = field(default_factory=list)     # what the check still finds (errors)
    warnings: int = 0
    voices: list[Diagnostic] = field(default_factory=list)     # NF415: drafted lines far from a speaker's voice
    repairs: int = 0                    # rounds of findings sent back
    failed: str | None = None           # why no usable reply came back
    words: int = 0
    calls: int = 0
    cached: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = 0.0
    note: str | None = None             # git: not a repository…

    @property
    def ok(self) -> bool:
        return self.written and not self.errors


@dataclass
class DraftRun:
    results: list[SceneResult] = field(default_factory=list)
    stop: BudgetExceeded | None = None  # the budget or --max-cost stopped the run
    warnings: list[str] = field(default_factory=list)
    estimate: object | None = None      # with ``estimate``: an Estimate
    spent: float = 0.0


def empty(scene) -> bool:
    return not scene.body.strip()


def refuse(project, scene, options: DraftOptions) -> str | None:
    """Raises :class:`UsageError` for a scene that may not be drafted; returns a note."""
    from novelforge.draft.write import git_state

    if not empty(scene) and not options.force:
        raise UsageError(f"`{scene.path}` already has prose; it was not drafted",
                         path=scene.path, help="--force replaces it (the old body is kept under "
                                               f".novelforge/drafts/{scene.id}/, --restore brings it back)")
    state = git_state(project.root, scene.path)
    if state in ("modified", "untracked") and not options.allow_dirty:
        what = "has changes that are not committed" if state == "modified" else "is not committed"
        raise UsageError(f"`{scene.path}` {what}; it was not drafted", path=scene.path,
                         help="commit it first, or pass --allow-dirty")
    if state == "no-repository":
        return "not in a git repository: only the backup under .novelforge/drafts/ keeps the replaced body"
    return None


def _finding_line(d: Diagnostic, text: str) -> str:
    lines = text.split("\n")
    where = lines[d.line - 1].strip() if 0 < d.line <= len(lines) else ""
    if len(where) > 160:
        where = where[:157] + "…"
    return f"- {d.code} {d.name}: {d.message} — in the paragraph: \"{where}\""


def _in_body(errors: list[Diagnostic], new: str) -> list[Diagnostic]:
    """The findings in the prose (what a repair can change), not in the front matter."""
    from novelforge.draft.write import split

    first = split(new)[0].count("\n") + 1
    return [d for d in errors if d.line >= first]


def check_text(project, path: str, new_text: str):
    """(error findings, warnings, voice drift, the project with the new file) of
    ``new_text`` as the file at ``path``; voice drift is NF415's info findings, when the
    project turns the rule on (``voices: {drift-words: N}``): drafted lines that sound
    like someone else."""
    from novelforge.api.checking import check
    from novelforge.project.loader import load_files

    files = dict(project.sources)
    files[path] = new_text
    candidate = load_files(files, root=project.root)
    report = check(candidate, paths=[path])
    mine = [d for d in report.diagnostics if d.path == path]
    errors = [d for d in mine if d.severity is Severity.ERROR]
    drift = [d for d in mine if d.code == "NF415"]
    return errors, sum(1 for d in mine if d.severity is Severity.WARNING), drift, candidate


def draft_scene(client, session, scene, options: DraftOptions, run: DraftRun,
                summaries: dict[str, str], fresh: set[str], *, summarize: bool = False) -> SceneResult:
    """Draft ``scene`` (already refused or not by :func:`refuse`) and write it when a reply
    came back whole; with ``summarize``, ask for the new prose's summary for the scenes
    after it."""
    from novelforge.draft import prompts, store
    from novelforge.draft.plan import plan_for
    from novelforge.draft.write import drafted_file, split
    from novelforge.llm.streaming import stream_text
    from novelforge.util import atomic_write

    project = session.project
    result = SceneResult(scene.id, scene.path)
    run.results.append(result)
    file = Path(project.root) / scene.path
    raw_bytes = file.read_bytes()
    plan = plan_for(session, scene, model=options.model, summaries=summaries, fresh=fresh)

    def ask(prompt, purpose):
        if options.on_start is not None:
            options.on_start(scene.id, purpose, getattr(client, "spent", 0.0))
        reply = stream_text(client, prompt, on_text=options.on_text, on_restart=options.on_restart)
        result.calls += 0 if reply.cached else 1
        result.cached += 1 if reply.cached else 0
        result.tokens_in += reply.tokens_in
        result.tokens_out += reply.tokens_out
        if reply.cost is None and not reply.cached:
            result.cost = None
        elif result.cost is not None and not reply.cached:
            result.cost += reply.cost or 0.0
        return reply

    prompt = plan.prompt
    reply = ask(prompt, "draft")
    if reply.value is None:
        result.failed = reply.error or "no answer"
        return result
    text = reply.value.text
    raw = raw_bytes.decode("utf-8")
    new = drafted_file(raw, text)
    errors, warnings, drift, candidate = check_text(project, scene.path, new.replace("\r\n", "\n"))
    while _in_body(errors, new) and result.repairs < options.repair:
        result.repairs += 1
        found = [_finding_line(d, new.replace("\r\n", "\n")) for d in _in_body(errors, new)]
        prompt = prompts.repair_prompt(project, prompt, text, found, result.repairs)
        again = ask(prompt, f"repair-{result.repairs}")
        if again.value is None:
            result.failed = f"the repair failed: {again.error or 'no answer'}"
            break
        text = again.value.text
        new = drafted_file(raw, text)
        errors, warnings, drift, candidate = check_text(project, scene.path, new.replace("\r\n", "\n"))
    result.errors, result.warnings, result.voices = errors, warnings, drift
    if file.read_bytes() != raw_bytes:
        result.failed = "the file changed on disk while the model was writing; it was left as it is"
        return result
    if split(raw)[1].strip():
        result.backup = store.keep(Path(project.root), scene.id, raw_bytes)
    atomic_write(file, new.encode("utf-8"))
    result.written = True
    result.words = len(text.split())
    new_scene = next((s for s in candidate.scenes if s.path == scene.path), None)
    if new_scene is not None and summarize:
        fresh.add(scene.path)
        summary = _summary(client, candidate, new_scene, result)
        if summary:
            summaries[scene.path] = summary
    return result


def _summary(client, project, scene, result: SceneResult) -> str | None:
    """The model's summary of the new prose, for the next scenes' story so far (cached by
    the prose); None when it failed (the card's `summary:` stands in)."""
    from novelforge.analysis import Session
    from novelforge.room import reviewers as rv

    reply = client.ask(rv.summary_prompt(scene, Session(project).masked(scene), "draft"))
    result.calls += 0 if reply.cached else 1
    result.cached += 1 if reply.cached else 0
    if reply.value is None:
        return None
    return rv.summary_line(reply.value)  # type: ignore[arg-type]
