"""The loaded project (dataclasses), and the names of the models of its files.

The pydantic models that describe what authors write live in
:mod:`novelforge.project.schema`; a loaded project holds
:class:`~novelforge.project.record.Record` values built from them, so reading a project
whose documents are all in the cache imports no pydantic. ``from
novelforge.project.models import SceneMeta`` (any model of the schema, or the annotated
value types ``Text``, ``Fact``…) still works: it imports the schema on first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from novelforge.diagnostics import Diagnostic
from novelforge.project.record import Record
from novelforge.project.values import (  # noqa: F401  (re-exported: contracts and rules use them from here)
    WINDOW_HELP,
    SceneStatus,
    _as_list,
    _no_empty_facts,
    glob_problem,
    payoff_window,
    travel_time,
)

DRAFTED_STATUSES = frozenset({"draft", "revised", "final"})


# fields of a canon entry that only one kind of entry has (the rules read them there only):
# anywhere else they are reported (NF009) and left out
KIND_FIELDS: dict[str, str] = {"travel": "locations", "holder": "items", "when": "events",
                               "before": "events", "after": "events"}

# the schema's names, served from novelforge.project.schema on first use (PEP 562)
_SCHEMA_NAMES = frozenset({
    "CheckConfig", "LLMConfig", "MonthConfig", "CalendarConfig", "PromisesConfig", "GoalConfig", "VoicesConfig",
    "ProjectConfig", "Transfer", "SceneMeta", "ChapterMeta", "PartMeta", "Knowledge", "EntityModel",
    "PromiseModel", "ExportConfig", "Text", "Window", "Duration", "Fact", "Glob"})


def __getattr__(name: str) -> Any:
    if name in _SCHEMA_NAMES:
        from novelforge.project import schema

        return getattr(schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ----------------------------------------------------------------------------- runtime
@dataclass
class Chapter:
    path: str                  # relative folder, e.g. manuscript/01-ashes
    id: str                    # folder name
    title: str | None = None
    summary: str | None = None
    part: str | None = None    # the part folder below manuscript/ (`01-book-one`), if any
    part_title: str | None = None  # `title:` of that part's part.yaml, when it has a valid one
    number: int = 0            # 1-based in reading order
    scenes: list["Scene"] = field(default_factory=list)


@dataclass
class Scene:
    path: str                  # relative, forward slashes
    id: str
    text: str                  # the whole file, newlines normalised to \n
    body_start: int            # offset where the prose starts (after the front matter)
    meta: Record               # of schema.SceneMeta: the front matter as validated
    doc: Any = None            # YamlDoc of the front matter, or None
    chapter: Chapter | None = None
    index: int = 0             # 0-based position in reading order
    content_hash: str = ""
    readable: bool = True      # False when the front matter is broken: prose rules skip it
    _lines: Any = field(default=None, repr=False)

    @property
    def body(self) -> str:
        return self.text[self.body_start:]

    @property
    def line_index(self):
        if self._lines is None:
            from novelforge.positions import LineIndex

            self._lines = LineIndex(self.text)
        return self._lines

    def position(self, offset: int) -> tuple[int, int]:
        return self.line_index.position(offset)

    def meta_position(self, *keypath: Any, key: bool = False) -> tuple[int, int]:
        if self.doc is None:
            return 1, 1
        return self.doc.position(tuple(keypath), key=key)


@dataclass
class Entity:
    kind: str                  # folder name under canon/: characters, locations, ...
    id: str
    path: str
    model: Record              # of schema.EntityModel
    doc: Any = None

    @property
    def name(self) -> str:
        return self.model.name or self.id

    @property
    def names(self) -> list[str]:
        """The name and every alias, in declaration order, without duplicates."""
        seen: dict[str, None] = {}
        for n in [self.model.name, *self.model.aliases]:
            if n and n.strip():
                seen.setdefault(n.strip(), None)
        return list(seen)


@dataclass
class Promise:
    id: str
    path: str
    model: Record              # of schema.PromiseModel
    doc: Any = None


@dataclass
class Project:
    root: Path
    config: Record             # of schema.ProjectConfig: novelforge.yaml's settings
    config_doc: Any = None
    chapters: list[Chapter] = field(default_factory=list)
    scenes: list[Scene] = field(default_factory=list)
    canon: dict[str, dict[str, Entity]] = field(default_factory=dict)
    promises: dict[str, Promise] = field(default_factory=dict)
    contracts: dict[str, Any] = field(default_factory=dict)   # full id → contract model
    contract_docs: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fingerprint: str = ""      # hash of every file read and every load finding
    yaml_digests: dict[str, str] = field(default_factory=dict)  # path → hash of its YAML text (front matter for scenes)
    sources: dict[str, str] = field(default_factory=dict)       # path → text of every file the loader read
    # block of novelforge.yaml (`export`) → the findings about its keys and values
    setting_problems: dict[str, list[Diagnostic]] = field(default_factory=dict)
    files: Any = None          # what the project was read from (project.files.ProjectFiles, or one in memory)
    # kind → ids (file names) of canon files that exist but could not be read (NF001, NF008, ...)
    unread_canon: dict[str, set[str]] = field(default_factory=dict)

    def source(self, path: str) -> str | None:
        """The text of the project file ``path`` as the loader read it (newlines made ``\\n``),
        or None when it was not read (not a project file, unreadable, too large, a link out)."""
        return self.sources.get(path)

    def entities(self, kind: str | None = None) -> list[Entity]:
        if kind is not None:
            return list(self.canon.get(kind, {}).values())
        return [e for kind_map in self.canon.values() for e in kind_map.values()]

    @property
    def characters(self) -> dict[str, Entity]:
        return self.canon.get("characters", {})

    @property
    def locations(self) -> dict[str, Entity]:
        return self.canon.get("locations", {})

    def scene_by_id(self) -> dict[str, Scene]:
        return {s.id: s for s in self.scenes}
