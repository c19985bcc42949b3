"""``promises suggest --llm``: the LLM layer judges the pattern detectors' candidates
(a real setup of this story, or not) and reads each scene for setups the patterns miss.

Judging is one small call per candidate, with its excerpt only; proposing is one call per
scene, with the scene's prose and the setups already known in it. A proposed setup must
quote the scene: the quote is located like a reviewer's (:mod:`novelforge.room.quotes`),
and one that is not in the scene is dropped and counted. Candidates judged not to be
setups are left out (and counted); a candidate whose judgment failed is kept as the
patterns found it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from novelforge.room import prompts
from novelforge.room.quotes import locate
from novelforge.room.run import RoomOptions, RoomStats, ask, open_room_client, reviewable
from novelforge.room.schemas import ProposedSetups, SetupVerdict
from novelforge.wording import plural

JUDGE_TOKENS = 200
PROPOSE_TOKENS = 800
PROPOSED_CONFIDENCE = 0.5


@dataclass
class LLMSuggestStats(RoomStats):
    judged: int = 0
    not_setups: int = 0
    proposed: int = 0

    def as_dict(self) -> dict:
        out = super().as_dict()
        out.update(judged=self.judged, not_setups=self.not_setups, proposed=self.proposed)
        return out


def _slug(text: str, limit: int = 40) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}-{w}" if out else w
    return out or "setup"


def judge_prompt(c, command: str):
    return prompts.render("promise-classify", {"kind": c.kind, "detector": c.detector,
                                               "excerpt": " ".join(c.excerpt.split())},
                          SetupVerdict, max_tokens=JUDGE_TOKENS, command=command, scene=c.scene,
                          purpose="promise-judge")


def propose_prompt(scene, masked: str, known: list[str], command: str):
    return prompts.render("promise-propose", {"known": "\n".join(f"- {k}" for k in known),
                                              "scene_text": prompts.prose(scene, masked)},
                          ProposedSetups, max_tokens=PROPOSE_TOKENS, command=command, scene=scene.id,
                          purpose="promise-propose")


def with_llm(project, candidates: list, *, skip: set[str], options: RoomOptions | None = None):
    """(candidates kept, most confident first, with the proposed ones; the stats)."""
    from novelforge.analysis import Session
    from novelforge.ledger.book import Candidate, content_words

    options = options or RoomOptions(command="promises-suggest")
    stats = LLMSuggestStats()
    session = Session(project)
    scenes = reviewable(session, None)
    stats.scenes = len(scenes)
    judge = [judge_prompt(c, options.command) for c in candidates]
    known: dict[str, list[str]] = {}
    for c in candidates:
        known.setdefault(c.scene, []).append(" ".join(c.excerpt.split()))
    for s in scenes:
        known.setdefault(s.id, []).extend(f"`{p}` (declared)" for p in s.meta.setups)
    propose = [propose_prompt(s, session.masked(s), known.get(s.id, []), options.command) for s in scenes]
    with open_room_client(project, options) as client:
        if options.estimate:
            stats.estimate = client.estimate(judge + propose)
            return candidates, stats
        verdicts = {id(r.prompt): r for r in ask(client, judge, stats, "judge", options)}
        proposals = ask(client, propose, stats, "propose", options)
        stats.warnings.extend(getattr(client, "warnings", []) or [])
    kept = []
    for c, p in zip(candidates, judge):
        reply = verdicts.get(id(p))
        if reply is not None and reply.value is not None:
            stats.judged += 1
            if not reply.value.setup:   # type: ignore[attr-defined]
                stats.not_setups += 1
                continue
        elif reply is not None:
            stats.failed += 1
        kept.append(c)
    by_id = {s.id: s for s in scenes}
    taken = {c.id for c in kept} | set(skip)
    for reply in proposals:
        scene = by_id.get(reply.prompt.scene or "")
        if scene is None or reply.value is None:
            stats.failed += reply.value is None
            continue
        masked = session.masked(scene)
        for setup in reply.value.setups:   # type: ignore[attr-defined]
            where = locate(setup.quote, masked, scene.body_start)
            if where is None:
                stats.dropped += 1
                continue
            cid = f"llm-{scene.id}-{_slug(setup.quote)}"
            if cid in taken:
                continue
            taken.add(cid)
            line, col = scene.position(where.start)
            kept.append(Candidate(cid, setup.kind, PROPOSED_CONFIDENCE, "llm", scene.id, scene.path, line, col,
                                  " ".join(masked[where.start:where.end].split()),
                                  " ".join(setup.description.split()) or "a setup the model proposed",
                                  content_words(setup.quote)[:6], scene.index))
            stats.proposed += 1
    kept.sort(key=lambda c: (-c.confidence, c.order, c.line, c.id))
    return kept, stats


def describe(stats: LLMSuggestStats) -> str:
    """One sentence on what ``--llm`` did."""
    text = (f"LLM: {plural(stats.judged, 'candidate')} judged, {stats.not_setups} not "
            f"setups (left out); {plural(stats.proposed, 'setup')} proposed")
    if stats.dropped:
        text += f", {stats.dropped} dropped (the quote is not in the scene)"
    if stats.failed:
        text += f"; {plural(stats.failed, 'answer')} unusable"
    return text + f"; {stats.calls} requests sent, {stats.cached} from the cache."
