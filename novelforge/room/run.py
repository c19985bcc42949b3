"""Running the Writers' Room over a project: summaries of the story so far, the three
reviewers per scene, the optional second pass, and findings as :class:`Diagnostic` values
for the check engine (``check --room``, ``review``).

    stats = RoomStats()
    found = run_room(session, codes, RoomOptions(), stats)

Three rounds, each one :meth:`Client.ask_all` (bounded concurrency): the summaries the
reviewed scenes need (the :data:`~novelforge.room.reviewers.STORY_SCENES` scenes before
each), the reviewers, and with ``llm.room.verify`` the sceptic. When the budget or
``--max-cost`` stops a round, the answers already received are kept (their scenes keep
their findings), later rounds are not started, and ``stats.stopped`` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from novelforge.diagnostics import Diagnostic, Severity
from novelforge.llm.types import BudgetExceeded, Estimate, Prompt, Reply
from novelforge.project.models import Scene
from novelforge.room import reviewers as rv
from novelforge.room.facts import Facts
from novelforge.room.findings import FAILED, convert


@dataclass
class RoomOptions:
    """What changes how the room runs (not what it finds)."""

    use_cache: bool = True              # the response cache (``--no-cache``: neither read nor written)
    max_cost: float | None = None       # USD for this run (``--max-cost``)
    estimate: bool = False              # count what would be sent; send nothing
    command: str = "review"             # recorded in the spend ledger
    progress: Callable[[str, int, int], None] | None = None   # (stage, done, total)
    client: object | None = None        # a Client to use instead of opening one (tests, the bench)
    home: object | None = None          # the user cache folder, for open_client (tests)


@dataclass
class RoomStats:
    """What a room run did: shown after the report and in JSON ``summary.room``."""

    reviewed: int = 0          # scenes sent to (or answered from the cache for) every selected reviewer
    scenes: int = 0            # scenes the run meant to review
    findings: int = 0          # findings kept
    dropped: int = 0           # findings whose quote is not in the scene
    refuted: int = 0           # error findings the second pass disproved
    failed: int = 0            # reviewer answers that could not be used (NF704)
    calls: int = 0             # requests sent
    cached: int = 0            # answers from the cache
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = 0.0   # USD; None when a model has no known price
    stopped: str | None = None  # the budget or --max-cost stopped the run: why
    stop: object | None = None  # that BudgetExceeded (its `limit` and help), for the front end
    estimate: Estimate | None = None
    warnings: list[str] = field(default_factory=list)

    def add(self, replies: list[Reply]) -> None:
        for r in replies:
            if r.cached:
                self.cached += 1
            else:
                self.calls += 1
            self.tokens_in += r.tokens_in
            self.tokens_out += r.tokens_out
            if r.cost is None and not r.cached and r.value is not None:
                self.cost = None
            elif self.cost is not None and r.cost is not None and not r.cached:
                self.cost += r.cost

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in ("scenes", "reviewed", "findings", "dropped", "refuted", "failed",
                                             "calls", "cached", "tokens_in", "tokens_out", "cost", "stopped")}
        if self.estimate is not None:
            e = self.estimate
            out["estimate"] = {"calls": e.calls, "cached": e.cached, "tokens_in": e.tokens_in,
                               "tokens_out_max": e.tokens_out_max, "cost_max": e.cost_max}
        return out


def llm_settings(project):
    """The project's ``llm:`` block as the LLM layer's settings."""
    from novelforge.llm.settings import LLMSettings

    cfg = project.config.llm
    if isinstance(cfg, LLMSettings):
        return cfg
    return LLMSettings.model_validate(cfg.model_dump(by_alias=True, exclude_unset=True))


def open_room_client(project, options: RoomOptions):
    """``options.client``, else a client for the project's settings (raises LLMNotConfigured)."""
    if options.client is not None:
        return _Borrowed(options.client)
    from novelforge.llm import open_client

    kw = {"home": options.home} if options.home is not None else {}
    return open_client(llm_settings(project), project_root=project.root, command=options.command,
                       use_cache=options.use_cache, max_cost=options.max_cost, **kw)


class _Borrowed:
    """A client the caller owns: not closed here."""

    def __init__(self, client) -> None:
        self.client = client

    def __enter__(self):
        return self.client

    def __exit__(self, *exc) -> None:
        pass


def ask(client, prompts: list[Prompt], stats: RoomStats, stage: str, options: RoomOptions) -> list[Reply]:
    """Every prompt's reply (those received, when the budget stops the round: then
    ``stats.stopped`` is set), counted in ``stats``; progress reported as ``stage``."""
    if not prompts or stats.stopped:
        return []
    done = [0]

    def tick(_reply: Reply) -> None:
        done[0] += 1
        if options.progress is not None:
            options.progress(stage, done[0], len(prompts))

    try:
        replies = client.ask_all(prompts, progress=tick)
    except BudgetExceeded as exc:
        replies = list(exc.replies)
        stats.stopped, stats.stop = exc.message, exc
    stats.add(replies)
    return replies


def summaries(client, session, scenes: list[Scene], stats: RoomStats, options: RoomOptions,
              estimate_only: bool = False) -> dict[str, str]:
    """Scene path → its summary line, for ``scenes`` (answers that failed are left out:
    the scene's own `summary:` front matter stands in)."""
    prompts = [rv.summary_prompt(s, session.masked(s), options.command) for s in scenes]
    if estimate_only:
        # what is cached costs nothing to read back; the rest is counted, not sent
        est = client.estimate(prompts)
        cached = [p for p in prompts if client.estimate([p]).cached]
        replies = client.ask_all(cached) if cached else []
        _add_estimate(stats, est)
    else:
        replies = ask(client, prompts, stats, "summaries", options)
    out: dict[str, str] = {}
    by_scene = {s.id: s for s in scenes}
    for r in replies:
        scene = by_scene.get(r.prompt.scene or "")
        if scene is not None and r.value is not None:
            out[scene.path] = rv.summary_line(r.value)  # type: ignore[arg-type]
    for s in scenes:
        if s.path not in out and s.meta.summary:
            out[s.path] = " ".join(s.meta.summary.split())
    return out


def _add_estimate(stats: RoomStats, est: Estimate) -> None:
    total = stats.estimate or Estimate(cost_max=0.0)
    total.calls += est.calls
    total.cached += est.cached
    total.tokens_in += est.tokens_in
    total.tokens_out_max += est.tokens_out_max
    total.cost_max = None if total.cost_max is None or est.cost_max is None else total.cost_max + est.cost_max
    stats.estimate = total


def reviewable(session, only: set[str] | None) -> list[Scene]:
    return [s for s in session.project.scenes
            if s.readable and (only is None or s.path in only) and (session.light(s.path) or _NO).words]


class _No:
    words = 0


_NO = _No()


def run_room(session, reviewers: list[rv.Reviewer], options: RoomOptions, stats: RoomStats,
             scenes: set[str] | None = None, *, failures: bool = True) -> list[Diagnostic]:
    """The findings of ``reviewers`` (what the room's rules NF701–NF703 name) on ``scenes``
    (paths; default every scene with prose); with ``failures``, an answer that could not
    be used is an NF704 finding. Raises LLMNotConfigured without a model."""
    project = session.project
    chosen = list(reviewers)
    if not chosen:
        return []
    targets = reviewable(session, scenes)
    stats.scenes = len(targets)
    settings = llm_settings(project)
    gate = settings.room.gate
    order = [s for s in project.scenes if s.readable and (session.light(s.path) or _NO).words]
    position = {s.path: i for i, s in enumerate(order)}
    needed: dict[str, Scene] = {}
    for s in targets:
        i = position[s.path]
        for earlier in order[max(0, i - rv.STORY_SCENES):i]:
            needed[earlier.path] = earlier
    with open_room_client(project, options) as client:
        story_of = summaries(client, session, [s for s in order if s.path in needed], stats, options,
                             estimate_only=options.estimate)
        facts = Facts(session)
        sheets = {s.path: facts.sheet(s) for s in targets}
        prompts: list[Prompt] = []
        for s in targets:
            i = position[s.path]
            story = rv.story_text([(e.id, story_of[e.path]) for e in order[max(0, i - rv.STORY_SCENES):i]
                                   if e.path in story_of])
            for r in chosen:
                prompts.append(rv.review_prompt(r, s, session.masked(s), sheets[s.path], story, options.command))
        if options.estimate:
            _add_estimate(stats, client.estimate(prompts))
            return []
        replies = ask(client, prompts, stats, "review", options)
        by_id = {s.id: s for s in targets}
        found, errors, answered = convert(replies, by_id, session, gate, stats)
        stats.reviewed = sum(1 for s in targets if answered.get(s.id, 0) == len(chosen))
        if errors and settings.room.verify and not stats.stopped:
            found = _verify(client, found, errors, by_id, sheets, session, stats, options)
        warnings = getattr(client, "warnings", None)
        if warnings:
            stats.warnings.extend(warnings)
    if not failures:
        found = [d for d in found if d.code != FAILED]
    stats.findings = sum(1 for d in found if d.code != FAILED)
    return found


def _verify(client, found: list[Diagnostic], errors: list, by_id: dict, sheets: dict, session,
            stats: RoomStats, options: RoomOptions) -> list[Diagnostic]:
    """Ask the sceptic about each error finding; drop the ones it disproves."""
    prompts = []
    for diag, finding, reviewer in errors:
        scene = by_id[diag.scene]
        prompts.append(rv.verify_prompt(reviewer, scene, session.masked(scene), sheets[scene.path], finding,
                                        options.command))
    replies = ask(client, prompts, stats, "verify", options)
    refuted = set()
    for (diag, _finding, _r), reply in zip(errors, _aligned(prompts, replies)):
        if reply is not None and reply.value is not None and not reply.value.stands:  # type: ignore[attr-defined]
            refuted.add(id(diag))
    stats.refuted = len(refuted)
    return [d for d in found if id(d) not in refuted]


def _aligned(prompts: list[Prompt], replies: list[Reply]) -> list[Reply | None]:
    """Replies in the order of ``prompts`` (None where none came back: a stopped round)."""
    pending: dict[int, list[Reply]] = {}
    for r in replies:
        pending.setdefault(id(r.prompt), []).append(r)
    out: list[Reply | None] = []
    for p in prompts:
        got = pending.get(id(p))
        out.append(got.pop(0) if got else None)
    return out


def severity_of(level: str, gate: bool) -> Severity:
    """Advisory unless ``llm.room.gate``: an error is a warning then."""
    sev = Severity(level)
    return Severity.WARNING if sev is Severity.ERROR and not gate else sev
