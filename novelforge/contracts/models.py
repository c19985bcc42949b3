"""Pydantic models of the contract types: one class per ``type``, in a discriminated union."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from novelforge.diagnostics import Severity
from novelforge.project.schema import Duration, Fact, Text
from novelforge.project.values import _no_empty_facts


def _as_list(value: Any) -> Any:
    """One value or a list; numbers become text (`chapters: [1, 03-siege]`)."""
    if value is None:
        return []
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"`{value}` is not a valid regular expression: {exc.msg}"
                         + (f" at position {exc.pos}" if exc.pos is not None else "")) from None
    return value


class SceneRange(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str | None = Field(None, alias="from", description="First scene id (inclusive).")
    to: str | None = Field(None, description="Last scene id (inclusive).")


class _Contract(BaseModel):
    """Fields every contract has."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    message: str | None = Field(None, description="Why the rule exists, in the author's words.")
    severity: Severity = Severity.ERROR
    scope: Literal["all", "narration", "dialogue"] = Field(
        "all", description="Where the contract applies: all prose, narration only, or dialogue only.")
    pov: list[Text] = Field(default_factory=list, description="Only in scenes with these POV characters.")
    speakers: list[Text] = Field(default_factory=list,
                                description="Only in dialogue spoken by these characters (implies scope: dialogue).")
    scenes: SceneRange | None = Field(None, description="Only in this range of scenes.")
    chapters: list[Text] = Field(default_factory=list,
                                 description="Only in these chapters (folder names or numbers).")
    help: str | None = Field(None, description="How to fix a finding.")

    _lists = field_validator("pov", "speakers", "chapters", mode="before")(_as_list)


class Forbid(_Contract):
    """Terms or patterns that must not appear (anachronisms, banned words)."""

    type: Literal["forbid"]
    terms: list[Text] = Field(default_factory=list, description="Words or phrases (whole words, any case).")
    patterns: list[Text] = Field(default_factory=list, description="Regular expressions.")
    ignore_case: bool = True
    exact: bool = Field(False, description="Match the terms only as written: without it, a term's regular "
                                           "forms are forbidden too (`motor` also forbids `motors`, `motored`).")

    _lists = field_validator("terms", "patterns", "pov", "speakers", "chapters", mode="before")(_as_list)

    @field_validator("patterns")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(v) for v in value]

    @model_validator(mode="after")
    def _something(self) -> "Forbid":
        if not self.terms and not self.patterns:
            raise ValueError("a `forbid` contract needs `terms` or `patterns`")
        return self


class Prefer(_Contract):
    """Replacements: a form to avoid and the form to use (titles, spellings)."""

    type: Literal["prefer"]
    replace: dict[Text, Text] = Field(description="Avoided form → preferred form.")
    ignore_case: bool = False
    severity: Severity = Severity.WARNING


class Consistency(_Contract):
    """Pairs of variants of which only one may be used across the book."""

    type: Literal["consistency"]
    either: dict[Text, Text] = Field(description="Variant → other variant (`grey: gray`).")
    ignore_case: bool = True
    severity: Severity = Severity.WARNING


class RequireWith(_Contract):
    """If `if` matches, `then` must match within the same sentence, paragraph or scene."""

    type: Literal["require-with"]
    if_: Text = Field(alias="if", description="Regular expression that triggers the requirement.")
    then: Text = Field(description="Regular expression that must match nearby.")
    within: Literal["sentence", "paragraph", "scene"] = "paragraph"
    ignore_case: bool = True

    _regex = field_validator("if_", "then")(_check_regex)


class Pattern(_Contract):
    """A custom regular expression; `{0}` in the message is the match, `{1}`… its groups."""

    type: Literal["pattern"]
    pattern: Text
    ignore_case: bool = False
    severity: Severity = Severity.WARNING

    _regex = field_validator("pattern")(_check_regex)


class Attribute(_Contract):
    """An entity's facts the prose must not contradict near a mention of it."""

    type: Literal["attribute"]
    entity: Text
    facts: dict[str, Fact] = Field(default_factory=dict)

    _facts = field_validator("facts", mode="before")(_no_empty_facts)


class Lifecycle(_Contract):
    type: Literal["lifecycle"]
    entity: Text
    died_in: str | None = None
    revived_in: str | None = None


class Knowledge(_Contract):
    type: Literal["knowledge"]
    entity: Text
    fact: Text
    learned_in: Text
    keywords: list[Text] = Field(default_factory=list)

    _lists = field_validator("keywords", "pov", "speakers", "chapters", mode="before")(_as_list)


class Order(_Contract):
    type: Literal["order"]
    before: Text
    after: Text


class Travel(_Contract):
    type: Literal["travel"]
    between: list[Text] = Field(description="The two location ids.")
    minimum: Duration = Field(description="Shortest travel time between them (`3 days`).")

    @field_validator("between")
    @classmethod
    def _two(cls, value: list[str]) -> list[str]:
        if len(value) != 2 or value[0] == value[1]:
            raise ValueError("it should name two different locations: `[emberfall, ashgate]`")
        return value


Contract = Annotated[Union[Forbid, Prefer, Consistency, RequireWith, Pattern, Attribute, Lifecycle,
                           Knowledge, Order, Travel], Field(discriminator="type")]
MODELS: dict[str, type[_Contract]] = {
    "forbid": Forbid, "prefer": Prefer, "consistency": Consistency, "require-with": RequireWith,
    "pattern": Pattern, "attribute": Attribute, "lifecycle": Lifecycle, "knowledge": Knowledge,
    "order": Order, "travel": Travel,
}
