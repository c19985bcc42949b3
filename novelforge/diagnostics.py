"""Diagnostics: the one currency every check, loader and reviewer pays in.

A :class:`Diagnostic` is a plain frozen dataclass (not a pydantic model) because a
large manuscript can produce thousands of them and they are created on the hot path.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any


class Severity(str, enum.Enum):
    """How serious a finding is. Ordered: ``info < warning < error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(
                f"`{value}` is not a severity; use one of: error, warning, info"
            ) from None


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding at one place in one file.

    Lines and columns are 1-based; columns count Unicode code points. ``end_*`` point
    one past the last character (exclusive), like LSP and SARIF ``endColumn``.
    ``path`` is relative to the project root and uses forward slashes.
    """

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    scene: str | None = None
    contract: str | None = None
    entity: str | None = None
    help: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line, self.column, self.code, self.message)

    def with_severity(self, severity: Severity) -> "Diagnostic":
        return replace(self, severity=severity)

    def at_most(self, severity: Severity) -> "Diagnostic":
        """This finding, no more severe than ``severity`` (a claim a character makes in
        speech is theirs: at most a warning, whatever the rule's severity)."""
        return self.with_severity(severity) if self.severity.rank > severity.rank else self

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape documented in docs/json-format.md (key order is stable)."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line if self.end_line is not None else self.line,
            "end_column": self.end_column if self.end_column is not None else self.column,
            "scene": self.scene,
            "contract": self.contract,
            "entity": self.entity,
            "help": self.help,
        }
