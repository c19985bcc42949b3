"""The shapes a model's answers must parse into (sent as JSON schemas where the provider
takes them). The reviewers' categories are ConStory-Bench's five (Li et al., "Lost in
Stories: Consistency Bugs in Long Story Generation by LLMs", 2026; docs/room.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CATEGORIES = {
    "characterization": "a character's memory, knowledge, abilities or personality contradict what came before",
    "factual-detail": "appearance, names, numbers or objects contradict what was established",
    "narrative-style": "point of view, tense, tone or style breaks",
    "timeline-plot": "times, durations, cause and effect, or a thread dropped or paid before it is set up",
    "world-setting": "the world's rules, customs or geography contradicted",
}
Category = Literal["characterization", "factual-detail", "narrative-style", "timeline-plot", "world-setting"]
Level = Literal["error", "warning", "info"]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Change(_Answer):
    kind: Literal["death", "injury", "item", "fact", "relationship", "place", "other"]
    who: str = Field("", description="the character (or thing) it happens to")
    what: str = Field(description="one short sentence")


class SceneSummary(_Answer):
    """``summarize``: what happens, who is there, what changes."""

    what_happens: str = Field(description="two or three sentences")
    present: list[str] = Field(default_factory=list, description="characters present")
    changes: list[Change] = Field(default_factory=list)


class Finding(_Answer):
    category: Category
    severity: Level
    message: str = Field(description="what is wrong, in one or two sentences")
    quote: str = Field(description="the exact words of the scene the finding is about, copied verbatim")


class Review(_Answer):
    """A reviewer's answer: findings, or none (``{"findings": []}``: nothing wrong)."""

    findings: list[Finding] = Field(default_factory=list)


class Verdict(_Answer):
    """The second pass: does the finding stand?"""

    stands: bool
    reason: str = ""


class SetupVerdict(_Answer):
    """``promises suggest --llm``: is this candidate a real setup?"""

    setup: bool
    reason: str = ""


class ProposedSetup(_Answer):
    quote: str = Field(description="the exact words of the scene that plant the setup, copied verbatim")
    kind: Literal["promise", "question", "clue", "mystery", "foreshadowing"] = "promise"
    description: str = Field(description="what the reader now expects, in one sentence")


class ProposedSetups(_Answer):
    setups: list[ProposedSetup] = Field(default_factory=list)
