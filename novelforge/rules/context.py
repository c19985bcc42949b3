"""What a rule sees: the project, the text index of each scene, and helpers that turn
offsets and key paths into diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from novelforge.diagnostics import Diagnostic
from novelforge.project.models import Entity, Project, Scene
from novelforge.rules.registry import RULES
from novelforge.text.index import TextIndex
from novelforge.text.names import NameTable


@dataclass
class Context:
    project: Project
    names: NameTable
    indexes: dict[str, TextIndex] = field(default_factory=dict)  # scene path → index

    def index(self, scene: Scene) -> TextIndex:
        return self.indexes.get(scene.path) or TextIndex()

    def masked(self, scene: Scene) -> str:
        """The scene's file text with front matter and comments blanked out (same offsets)."""
        cache = self.__dict__.setdefault("_masked", {})
        text = cache.get(scene.path)
        if text is None:
            from novelforge.text.index import mask

            text = cache[scene.path] = mask(scene.text, scene.body_start)[0]
        return text

    def lower(self, scene: Scene) -> str:
        """``masked(scene).lower()``, for prefilters (same length for almost all text)."""
        cache = self.__dict__.setdefault("_lower", {})
        text = cache.get(scene.path)
        if text is None:
            text = cache[scene.path] = self.masked(scene).lower()
        return text

    def memo(self, key: object, make):
        """A value computed once per run (compiled contract patterns and the like)."""
        store = self.__dict__.setdefault("_memo", {})
        if key not in store:
            store[key] = make()
        return store[key]

    @cached_property
    def entity_keys(self) -> dict[tuple[str, str], Entity]:
        return {(e.kind, e.id): e for e in self.project.entities()}

    def at(self, code: str, scene: Scene, start: int, end: int, message: str, *,
           help: str | None = None, entity: str | None = None, contract: str | None = None) -> Diagnostic:
        """A finding on prose offsets ``start:end`` of ``scene``."""
        rule = RULES[code]
        line, col = scene.position(start)
        eline, ecol = scene.position(end)
        return Diagnostic(code, rule.name, rule.severity, message, scene.path, line, col, eline, ecol,
                          scene=scene.id, entity=entity, contract=contract, help=help)

    def at_meta(self, code: str, scene: Scene, keypath: tuple[Any, ...], message: str, *,
                help: str | None = None, entity: str | None = None, key: bool = False) -> Diagnostic:
        """A finding on a front-matter value (``("characters", 2)``) of ``scene``."""
        rule = RULES[code]
        if scene.doc is not None and not key:
            line, col, eline, ecol = scene.doc.value_span(keypath)
        else:
            line, col = scene.meta_position(*keypath, key=key)
            eline, ecol = line, col
        return Diagnostic(code, rule.name, rule.severity, message, scene.path, line, col, eline, ecol,
                          scene=scene.id, entity=entity, help=help)

    def at_file(self, code: str, path: str, line: int, column: int, message: str, *,
                end: tuple[int, int] | None = None, help: str | None = None, scene: str | None = None,
                entity: str | None = None, contract: str | None = None) -> Diagnostic:
        rule = RULES[code]
        return Diagnostic(code, rule.name, rule.severity, message, path, line, column,
                          end[0] if end else line, end[1] if end else column,
                          scene=scene, entity=entity, contract=contract, help=help)
