"""Exit codes and the exceptions the CLI turns into one-line messages.

Exit codes (documented in docs/exit-codes.md and ``novelforge check --help``):

* ``0`` – clean, or every finding is below ``--fail-on`` (or ``--exit-zero``)
* ``1`` – findings at or above ``--fail-on`` (or more warnings than ``--max-warnings``)
* ``2`` – usage or configuration error, or nothing to check
* ``3`` – internal error (a bug in NovelForge; rerun with ``--traceback``)
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3


class NovelForgeError(Exception):
    """An expected failure: the message is one sentence for the user, no traceback."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.help = help

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}:{self.column or 1}"
            where += ": "
        return f"{where}{self.message}"


class ProjectNotFound(NovelForgeError):
    pass


class ConfigError(NovelForgeError):
    pass


class UsageError(NovelForgeError):
    pass
