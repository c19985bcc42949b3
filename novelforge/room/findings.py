"""A reviewer's answer as findings: each quote located in the scene (line and column), a
quote that is not there dropping its finding, and an answer that could not be used
becoming one NF704 finding about the reviewer."""

from __future__ import annotations

from novelforge.diagnostics import Diagnostic, Severity
from novelforge.llm.types import Reply
from novelforge.project.models import Scene
from novelforge.room import reviewers as rv
from novelforge.room.quotes import locate
from novelforge.room.schemas import CATEGORIES

FAILED = "NF704"
NAMES = {"NF701": "room-continuity", "NF702": "room-character", "NF703": "room-plot",
         "NF704": "room-reviewer-failed"}


def finding_at(code: str, scene: Scene, masked: str, message: str, quote: str, severity: Severity,
               help: str | None = None) -> Diagnostic | None:
    """The finding at ``quote`` in ``scene``, or None when the quote is not in its prose."""
    where = locate(quote, masked, scene.body_start)
    if where is None:
        return None
    line, col = scene.position(where.start)
    eline, ecol = scene.position(where.end)
    return Diagnostic(code, NAMES[code], severity, message, scene.path, line, col, eline, ecol,
                      scene=scene.id, help=help)


def failed(scene: Scene, reviewer: str, error: str | None) -> Diagnostic:
    line, col = scene.position(scene.body_start)
    return Diagnostic(FAILED, NAMES[FAILED], Severity.WARNING,
                      f"the {reviewer} reviewer's answer could not be used: {error or 'no answer'}",
                      scene.path, line, col, line, col, scene=scene.id,
                      help="run `novelforge review` on this scene again, or try another model (`llm: model`)")


def convert(replies: list[Reply], scenes: dict[str, Scene], session, gate: bool, stats):
    """(findings, error-level findings with their answer and reviewer for the second pass,
    scene id → reviewers that answered). Dropped quotes and failed answers are counted in
    ``stats``."""
    from novelforge.room.run import severity_of

    found: list[Diagnostic] = []
    errors: list = []
    answered: dict[str, int] = {}
    by_purpose = {r.name: r for r in rv.REVIEWERS}
    for reply in replies:
        scene = scenes.get(reply.prompt.scene or "")
        reviewer = by_purpose.get(reply.prompt.purpose)
        if scene is None or reviewer is None:
            continue
        if reply.value is not None:
            answered[scene.id] = answered.get(scene.id, 0) + 1
        else:
            stats.failed += 1
            found.append(failed(scene, reviewer.name, reply.error))
            continue
        masked = session.masked(scene)
        for f in reply.value.findings:  # type: ignore[attr-defined]
            message = " ".join(f.message.split()) or "(no message)"
            diag = finding_at(reviewer.code, scene, masked, f"{message} [{f.category}]", f.quote,
                              severity_of(f.severity, gate),
                              help=f"the {reviewer.name} reviewer ({CATEGORIES[f.category]}); "
                                   "an LLM's reading: check it before you change the prose")
            if diag is None:
                stats.dropped += 1
                continue
            found.append(diag)
            if f.severity == "error":
                errors.append((diag, f, reviewer))
    return found, errors, answered
