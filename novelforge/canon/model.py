"""The result of comparing two versions of the story world (:mod:`novelforge.canon.diff`):
changes as data, each with a sentence a novelist reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

LONG_TEXT = 60          # values longer than this are cut when shown in a sentence


@dataclass(frozen=True)
class Change:
    """One difference inside an entry, contract, promise or the settings.

    ``template`` is the sentence with ``{old}`` and ``{new}`` where the values go, so each
    output format can show values its own way (:meth:`describe`).
    """

    field: str            # dotted path: `attributes.eyes`, `aliases`, `status`, `relationships.bram`
    action: str           # added | removed | changed
    template: str
    old: Any = None
    new: Any = None

    def describe(self, value: Callable[[Any], str] | None = None) -> str:
        show = value or show_value
        return self.template.replace("{old}", show(self.old)).replace("{new}", show(self.new))

    @property
    def message(self) -> str:
        return self.describe()

    def to_json(self) -> dict:
        return {"field": self.field, "action": self.action, "old": self.old, "new": self.new,
                "message": self.message}


@dataclass
class EntityChange:
    kind: str
    id: str                       # the id now (for a removed entry: the id it had)
    status: str                   # added | removed | renamed | changed
    name: str | None = None
    path: str | None = None
    old_id: str | None = None     # renamed: the id before
    old_path: str | None = None
    changes: list[Change] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.id}"

    def to_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "key": self.key, "status": self.status,
                "name": self.name, "old_id": self.old_id, "path": self.path, "old_path": self.old_path,
                "changes": [c.to_json() for c in self.changes]}


@dataclass
class ItemChange:
    """A contract (full id, `world.no-gunpowder`) or a promise that changed."""

    id: str
    status: str                   # added | removed | changed
    type: str | None = None       # the contract type, or the promise kind
    name: str | None = None
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"id": self.id, "status": self.status, "type": self.type, "name": self.name,
                "changes": [c.to_json() for c in self.changes]}


@dataclass
class CanonDiff:
    entities: list[EntityChange] = field(default_factory=list)
    contracts: list[ItemChange] = field(default_factory=list)
    promises: list[ItemChange] = field(default_factory=list)
    settings: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # files that could not be read on either side
    old_label: str = "before"
    new_label: str = "after"
    old_commit: str | None = None
    new_commit: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.entities or self.contracts or self.promises or self.settings)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for section, items in (("entities", self.entities), ("contracts", self.contracts),
                               ("promises", self.promises)):
            tally = {"added": 0, "removed": 0, "renamed": 0, "changed": 0}
            for item in items:
                tally[item.status] = tally.get(item.status, 0) + 1
            out[section] = tally
        return out

    def summary(self) -> str:
        """`3 entities changed, 1 entity added, 1 contract added, settings changed`."""
        if self.empty:
            return "No canon changes."
        nouns = {"entities": ("entity", "entities"), "contracts": ("contract", "contracts"),
                 "promises": ("promise", "promises")}
        parts = []
        for section, tally in self.counts().items():
            for status in ("added", "removed", "renamed", "changed"):
                n = tally.get(status, 0)
                if n:
                    parts.append(f"{n} {nouns[section][n != 1]} {status}")
        if self.settings:
            parts.append("settings changed")
        return ", ".join(parts) + "."


# ----------------------------------------------------------------------------- values
def show_value(value: Any) -> str:
    """A value as a novelist reads it in a sentence: lists joined, long text cut."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(show_value(v) for v in value) if value else "nothing"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show_value(v)}" for k, v in value.items()) if value else "nothing"
    text = " ".join(str(value).split())
    if not text:
        return "(empty)"
    return text if len(text) <= LONG_TEXT else text[:LONG_TEXT - 1].rstrip() + "…"


def code(text: Any) -> str:
    """``text`` as a Markdown code span: fenced by one backtick more than the longest run of
    backticks inside it, with a space either side when it starts or ends with a backtick
    (or with a space at both ends, which Markdown would otherwise strip)."""
    import re

    text = str(text)
    runs = re.findall(r"`+", text)
    fence = "`" * (max((len(r) for r in runs), default=0) + 1)
    pad = " " if (text[:1] == "`" or text[-1:] == "`"
                  or (text[:1] == " " and text[-1:] == " " and text.strip())) else ""
    return f"{fence}{pad}{text}{pad}{fence}"
