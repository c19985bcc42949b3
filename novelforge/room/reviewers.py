"""The three reviewers and the prompts they are sent.

Each reviewer declares the inputs it reads (:attr:`Reviewer.reads`, from :data:`INPUTS`);
its prompt is rendered from exactly those, so the response cache (keyed on the prompt)
reuses its answer while none of them changed: an unchanged scene costs nothing, and a
canon edit re-sends only the scenes whose fact sheet holds the edited entry (and only to
the reviewers that read canon).
"""

from __future__ import annotations

from dataclasses import dataclass

from novelforge.project.models import Scene
from novelforge.room import prompts
from novelforge.room.facts import FactSheet
from novelforge.room.schemas import Review, SceneSummary, Verdict

INPUTS = {
    "scene": "the scene's prose with line numbers, its id and title",
    "canon": "the canon entries the scene lists or names, as of the scene",
    "canon:characters": "the canon characters the scene lists or names, as of the scene",
    "contracts": "the contracts in scope of the scene",
    "promises": "the promises planted before the scene and not yet paid",
    "story": "summaries of the scenes just before it (`novelforge summarize`)",
}
STORY_SCENES = 5          # earlier scenes summarised for "the story so far"
REVIEW_TOKENS = 1024
SUMMARY_TOKENS = 512
VERIFY_TOKENS = 256


@dataclass(frozen=True)
class Reviewer:
    name: str
    code: str
    reads: tuple[str, ...]

    @property
    def template(self) -> str:
        return self.name


REVIEWERS = (
    Reviewer("continuity", "NF701", ("scene", "canon", "contracts", "story")),
    Reviewer("character", "NF702", ("scene", "canon:characters", "story")),
    Reviewer("plot", "NF703", ("scene", "promises", "story")),
)
BY_CODE = {r.code: r for r in REVIEWERS}


def review_prompt(reviewer: Reviewer, scene: Scene, masked: str, sheet: FactSheet, story: str,
                  command: str) -> "prompts.Prompt":
    values: dict[str, str] = {"scene_id": scene.id, "scene_title": scene.meta.title or "",
                              "scene_text": prompts.numbered(scene, masked)}
    for term in reviewer.reads:
        if term == "canon":
            values["facts"] = prompts.lines_of(sheet.entries)
        elif term == "canon:characters":
            values["characters"] = prompts.lines_of(sheet.of_kinds(("characters",)))
        elif term == "contracts":
            values["contracts"] = prompts.lines_of(sheet.contracts)
        elif term == "promises":
            values["promises"] = prompts.lines_of(sheet.promises)
        elif term == "story":
            values["story"] = story
    return prompts.render(reviewer.template, values, Review, max_tokens=REVIEW_TOKENS, command=command,
                          scene=scene.id, purpose=reviewer.name)


def summary_prompt(scene: Scene, masked: str, command: str) -> "prompts.Prompt":
    """A function of the scene's prose only: cached by its content."""
    return prompts.render("summary", {"scene_text": prompts.prose(scene, masked)}, SceneSummary,
                          max_tokens=SUMMARY_TOKENS, command=command, scene=scene.id, purpose="summary")


def verify_prompt(reviewer: Reviewer, scene: Scene, masked: str, sheet: FactSheet, finding,
                  command: str) -> "prompts.Prompt":
    given = {"canon": sheet.entries, "canon:characters": sheet.of_kinds(("characters",)),
             "contracts": sheet.contracts, "promises": sheet.promises}
    facts = prompts.lines_of([row for term in reviewer.reads for row in given.get(term, [])])
    values = {"reviewer": reviewer.name, "category": finding.category, "message": finding.message,
              "quote": finding.quote, "facts": facts, "scene_text": prompts.numbered(scene, masked)}
    return prompts.render("verify", values, Verdict, max_tokens=VERIFY_TOKENS, command=command,
                          scene=scene.id, purpose=f"verify-{reviewer.name}")


def story_text(summaries: list[tuple[str, str]]) -> str:
    """``- `scene-id`: what happens`` for each earlier scene, oldest first."""
    return "\n".join(f"- `{sid}`: {' '.join(text.split())}" for sid, text in summaries)


def summary_line(summary: SceneSummary) -> str:
    text = summary.what_happens.strip()
    changes = "; ".join(f"{c.who + ': ' if c.who else ''}{c.what}" for c in summary.changes)
    return f"{text} (Changes: {changes})" if changes else text
