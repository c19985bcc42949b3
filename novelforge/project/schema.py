"""The pydantic models of the project files: what authors write, the source of
``novelforge schema``, and what the loader validates a document against.

A run does not hold these models: the loader turns each validated document into a
:class:`~novelforge.project.record.Record` (plain attributes) and keeps it in the analysis
cache, so that a run whose documents are all unchanged never imports pydantic
(docs/configuration.md). Import this module only where a document is validated or a
schema is shown.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from novelforge.diagnostics import Severity
from novelforge.project.export_settings import ExportConfig
from novelforge.project.values import SceneStatus, _as_list, _fact, _glob, _no_empty_facts, payoff_window, travel_time

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A piece of text that may not be empty (a term, a keyword, an id in a list)."""

Window = Annotated[Union[str, int, None], BeforeValidator(payoff_window)]
"""A payoff window: `5 chapters`, `20 scenes`, `20000 words` (:func:`payoff_window`)."""

Duration = Annotated[Union[str, int, float], BeforeValidator(travel_time)]
"""A travel time: `3 days`, `6 hours` (:func:`travel_time`)."""

Fact = Annotated[Union[str, int, float, bool, dict[str, Any]], BeforeValidator(_fact)]
"""One attribute value: `grey`, `tall`, `42`, `true`, or a group of them."""

Glob = Annotated[str, BeforeValidator(lambda v: _glob(v) if isinstance(v, str) else v)]
"""A `per-file-ignores` pattern (:func:`glob_problem`)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


# ----------------------------------------------------------------------------- config
class CheckConfig(_Strict):
    """The ``check:`` block of ``novelforge.yaml``."""

    fail_on: Severity = Field(Severity.ERROR, alias="fail-on",
                              description="Lowest severity that makes `check` exit with 1.")
    select: list[str] = Field(default_factory=lambda: ["ALL"],
                              description="Rule codes, code prefixes (NF2) or names to run; ALL for every rule.")
    ignore: list[str] = Field(default_factory=list, description="Rule codes, prefixes or names to skip.")
    severity: dict[str, Severity] = Field(default_factory=dict,
                                          description="Per-rule severity overrides, e.g. {NF402: warning}.")
    per_file_ignores: dict[Glob, list[str]] = Field(
        default_factory=dict, alias="per-file-ignores",
        description="Glob (relative to the project) → rule codes ignored in matching files.")
    max_warnings: int | None = Field(None, alias="max-warnings", ge=0,
                                     description="Fail when there are more warnings than this.")
    known_names: list[str] = Field(default_factory=list, alias="known-names",
                                   description="Capitalised words that are real names, never typos.")
    max_file_size: int = Field(10_000_000, alias="max-file-size", gt=0,
                               description="Files larger than this many bytes are reported, not read.")

    _lists = field_validator("select", "ignore", "known_names", mode="before")(_as_list)


from novelforge.llm.settings import LLMSettings as LLMConfig  # noqa: E402  (the `llm:` block: docs/llm.md)


class MonthConfig(_Strict):
    name: str
    days: int = Field(gt=0, le=1000)


class CalendarConfig(_Strict):
    """A custom calendar for an invented world: month names and lengths, in order."""

    months: list[MonthConfig] = Field(default_factory=list)


class PromisesConfig(_Strict):
    """The ``promises:`` block: the ledger's book-wide settings."""

    max_distance: Window = Field(
        None, alias="max-distance",
        description="Longest allowed gap from setup to payoff (`5 chapters`, `20 scenes`, `20000 words`) "
                    "for promises without their own `payoff_within` (NF504).")
    remind_after: int | None = Field(
        None, alias="remind-after", ge=1,
        description="Report an open promise not mentioned in the last this many chapters (NF505); off by default.")


class GoalConfig(_Strict):
    """``goal:``: the book's length and the day it should be written by (``novelforge stats``)."""

    words: int = Field(gt=0, le=100_000_000, description="Words the finished book should have.")
    by: date | None = Field(None, description="The day it should be written by (`2027-06-01`).")


class VoicesConfig(_Strict):
    """The ``voices:`` block: character voice fingerprints (``novelforge voices``, NF415)."""

    drift_words: int | None = Field(
        None, alias="drift-words", ge=1,
        description="Report a scene where a character says at least this many words that sound more like "
                    "another character than like themselves (NF415); off by default.")
    min_words: int = Field(
        1000, alias="min-words", ge=1,
        description="Dialogue a character needs (outside the scene) before NF415 compares a scene with their "
                    "fingerprint.")


class ProjectConfig(_Strict):
    """``novelforge.yaml``: the only required file besides scenes."""

    title: str = Field("Untitled", description="The book's title.")
    subtitle: str | None = None
    author: str | None = Field(None, description="Byline.")
    author_legal: str | None = Field(None, description="Legal name for the manuscript title page.")
    contact: list[str] | str | None = Field(None, description="Contact block lines for the title page.")
    language: Annotated[str, StringConstraints(strip_whitespace=True,
                                               pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")] = Field(
        "en", description="BCP 47 language tag of the prose (`en`, `en-GB`, `fr`).")
    status: Literal["idea", "outline", "draft", "revised", "final"] = "draft"
    pov_mode: Literal["first", "third"] | None = Field(
        None, description="The book's narrating person; by default read from the prose (NF407).")
    tense: Literal["past", "present"] | None = Field(
        None, description="The tense of the narration; by default each scene's own majority, "
                          "and for a short scene the book's (NF406).")
    order: list[str] = Field(default_factory=list,
                             description="Chapter folders in reading order (default: path order).")
    calendar: CalendarConfig | None = Field(None, description="Month names and lengths of the story world.")
    check: CheckConfig = Field(default_factory=CheckConfig)
    promises: PromisesConfig = Field(default_factory=PromisesConfig,
                                     description="Settings of the promise/payoff ledger.")
    voices: VoicesConfig = Field(default_factory=VoicesConfig,
                                 description="Voice fingerprints: the NF415 drift rule.")
    llm: LLMConfig = Field(default_factory=LLMConfig)
    goal: GoalConfig | None = Field(None, description="`{words: 120000, by: 2027-06-01}`: the target "
                                                      "`novelforge stats` projects a finish date for.")
    export: ExportConfig = Field(default_factory=ExportConfig,
                                 description="What `novelforge export` reads: front and back matter, DOCX, EPUB "
                                             "and HTML options (docs/export.md).")


# ----------------------------------------------------------------------------- files
class Transfer(_Strict):
    item: str
    to: str | None = None
    from_: str | None = Field(None, alias="from")
    destroyed: bool = False


class SceneMeta(_Strict):
    """A scene's YAML front matter."""

    id: str | None = Field(None, description="Default: the file name without its numeric prefix.")
    title: str | None = None
    pov: str | None = Field(None, description="Character id of the point-of-view character.")
    pov_mode: Literal["first", "third", "second"] | None = None
    tense: Literal["past", "present"] | None = Field(
        None, description="The tense of this scene's narration (NF406); default: the book's setting, "
                          "else its majority, else (a short scene) the book's tense.")
    location: str | None = Field(None, description="Location id.")
    when: str | None = Field(None, description="Story time: `402-03-14 20:00`, `day 12 evening`.")
    characters: list[str] = Field(default_factory=list, description="Character ids present in the scene.")
    mentions: list[str] = Field(default_factory=list, description="Canon ids named but not present.")
    setups: list[str] = Field(default_factory=list, description="Promise ids planted here.")
    payoffs: list[str] = Field(default_factory=list, description="Promise ids resolved here.")
    status: SceneStatus = "draft"
    flashback: bool = False
    summary: str | None = None
    beats: list[str] = Field(default_factory=list)
    target_words: int | None = Field(None, ge=0)
    transfers: list[Transfer] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    notes: str | None = None

    _lists = field_validator("characters", "mentions", "setups", "payoffs", "beats", "tags",
                             mode="before")(_as_list)

    @field_validator("when", "id", "pov", "location", mode="before")
    @classmethod
    def _scalar_text(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value


class ChapterMeta(_Strict):
    """``chapter.yaml`` inside a chapter folder."""

    title: str | None = None
    summary: str | None = None
    number: int | None = None


class PartMeta(_Strict):
    """``part.yaml`` inside a part folder (a folder whose sub-folders are chapters)."""

    title: str | None = Field(None, description="The part's title (export); default: the folder name.")
    summary: str | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _scalar_text(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value


class Knowledge(_Strict):
    fact: str
    learned_in: str | None = None
    keywords: list[Text] = Field(default_factory=list)

    _lists = field_validator("keywords", mode="before")(_as_list)


class EntityModel(_Strict):
    """A canon entity: one YAML file (or Markdown with front matter) under ``canon/<kind>/``."""

    id: str | None = Field(None, description="Default: the file name.")
    name: str | None = None
    aliases: list[Text] = Field(default_factory=list)
    summary: str | None = None
    description: str | None = None
    attributes: dict[str, Fact] = Field(default_factory=dict,
                                        description="Facts the prose must not contradict: one word, phrase "
                                                    "or number each.")
    status: Literal["alive", "dead", "unknown"] = "alive"
    died_in: str | None = Field(None, description="Scene id of the death.")
    revived_in: str | None = None
    knows: list[Knowledge] = Field(default_factory=list)
    relationships: dict[str, str] = Field(default_factory=dict)
    travel: dict[str, Duration] = Field(default_factory=dict,
                                        description="Locations only: location id → shortest travel time (`3 days`).")
    holder: str | None = Field(None, description="Items only: the character id who holds it at the start.")
    when: str | None = Field(None, description="Events only: the story time of the event.")
    before: list[Text] = Field(default_factory=list, description="Events only: event or scene ids that come after it.")
    after: list[Text] = Field(default_factory=list, description="Events only: event or scene ids that come before it.")
    tags: list[str] = Field(default_factory=list)
    notes: str | None = None

    _lists = field_validator("aliases", "before", "after", "tags", mode="before")(_as_list)
    _facts = field_validator("attributes", mode="before")(_no_empty_facts)

    @field_validator("when", "id", "holder", mode="before")
    @classmethod
    def _scalar_text(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value




class PromiseModel(_Strict):
    """A declared promise (``canon/promises/<id>.yaml``)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    kind: Literal["promise", "question", "clue", "mystery", "foreshadowing"] = "promise"
    importance: Literal["low", "medium", "high"] = "medium"
    payoff_within: Window = Field(None, description="e.g. `5 chapters`, `20000 words`; `0 chapters` is the "
                                                    "same chapter.")
    keywords: list[Text] = Field(default_factory=list)
    notes: str | None = None

    _lists = field_validator("keywords", mode="before")(_as_list)


# fields a record leaves to its model, read from it on first use (project/record.py): the
# check never reads the `llm:` block, and its model keeps secrets out of reach on its own
LAZY: dict[str, frozenset] = {"ProjectConfig": frozenset({"llm"})}
