"""What a rule sees: a view of the analysis session, and helpers that turn offsets and key
paths into findings reported as that rule.

The engine gives each rule its own view (:meth:`Context.for_rule`), so a finding carries
the code, name and default severity of the rule that raised it without the rule typing
its code again: ``ctx.at(scene, start, end, "message")``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from novelforge.diagnostics import Diagnostic
from novelforge.project.models import Entity, Project, Scene
from novelforge.rules.registry import RULES
from novelforge.text.index import TextIndex
from novelforge.text.names import NameTable


class Context:
    def __init__(self, session, code: str | None = None) -> None:
        self.session = session
        self.code = code

    def for_rule(self, code: str) -> "Context":
        """The view of one rule: its findings carry its code."""
        return Context(self.session, code)

    # ------------------------------------------------------------------ what the session knows
    @property
    def project(self) -> Project:
        return self.session.project

    @property
    def names(self) -> NameTable:
        return self.session.names

    def index(self, scene: Scene) -> TextIndex:
        """The scene's full text index (an empty one for a scene that cannot be read)."""
        return self.session.index(scene) or TextIndex()

    def masked(self, scene: Scene) -> str:
        """The scene's file text with front matter and comments blanked out (same offsets)."""
        return self.session.masked(scene)

    def lower(self, scene: Scene) -> str:
        """``masked(scene).lower()``, for prefilters (same length for almost all text)."""
        return self.session.lower(scene)

    def memo(self, key: object, make):
        """A value computed once per run (compiled contract patterns and the like)."""
        return self.session.memo(key, make)

    def timeline(self):
        return self.session.timeline()

    @cached_property
    def entity_keys(self) -> dict[tuple[str, str], Entity]:
        return self.session.memo("entity-keys", lambda: {(e.kind, e.id): e for e in self.project.entities()})

    # ------------------------------------------------------------------ findings
    def _rule(self):
        if self.code is None:
            raise RuntimeError("a finding needs the view of the rule that raises it (Context.for_rule)")
        return RULES[self.code]

    def at(self, scene: Scene, start: int, end: int, message: str, *,
           help: str | None = None, entity: str | None = None, contract: str | None = None) -> Diagnostic:
        """A finding on prose offsets ``start:end`` of ``scene``."""
        rule = self._rule()
        line, col = scene.position(start)
        eline, ecol = scene.position(end)
        return Diagnostic(rule.code, rule.name, rule.severity, message, scene.path, line, col, eline, ecol,
                          scene=scene.id, entity=entity, contract=contract, help=help)

    def at_meta(self, scene: Scene, keypath: tuple[Any, ...], message: str, *,
                help: str | None = None, entity: str | None = None, key: bool = False) -> Diagnostic:
        """A finding on a front-matter value (``("characters", 2)``) of ``scene``."""
        rule = self._rule()
        if scene.doc is not None and not key:
            line, col, eline, ecol = scene.doc.value_span(keypath)
        else:
            line, col = scene.meta_position(*keypath, key=key)
            eline, ecol = line, col
        return Diagnostic(rule.code, rule.name, rule.severity, message, scene.path, line, col, eline, ecol,
                          scene=scene.id, entity=entity, help=help)

    def at_file(self, path: str, line: int, column: int, message: str, *,
                end: tuple[int, int] | None = None, help: str | None = None, scene: str | None = None,
                entity: str | None = None, contract: str | None = None) -> Diagnostic:
        """A finding at a line and column of any project file."""
        rule = self._rule()
        return Diagnostic(rule.code, rule.name, rule.severity, message, path, line, column,
                          end[0] if end else line, end[1] if end else column,
                          scene=scene, entity=entity, contract=contract, help=help)
