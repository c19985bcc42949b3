"""Exit codes and the exceptions the CLI turns into one-line messages.

Exit codes (documented in docs/exit-codes.md and ``novelforge check --help``):

* ``0`` – clean, or every finding is below ``--fail-on`` (or ``--exit-zero``)
* ``1`` – findings at or above ``--fail-on`` (or more warnings than ``--max-warnings``)
* ``2`` – usage or configuration error, or nothing to check
* ``3`` – internal error (a bug in NovelForge; rerun with ``--traceback``)
* ``4`` – an LLM command stopped at the monthly budget or ``--max-cost`` before sending more
"""

from __future__ import annotations

import enum
import re
from typing import Mapping


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3
    BUDGET = 4


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
        return f"{self._where()}{self.message}"

    def _where(self) -> str:
        if not self.path:
            return ""
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        return where + ": "

    def worded(self, flags: Mapping[str, str] | None = None) -> tuple[str, str | None]:
        """The message and the help as a front end shows them. ``flags`` maps the
        library's parameter names to the front end's spelling of them (``--status``); only
        an :class:`OptionError` names parameters, every other error reads the same
        everywhere."""
        return str(self), self.help


class ProjectNotFound(NovelForgeError):
    pass


class ConfigError(NovelForgeError):
    pass


class UsageError(NovelForgeError):
    pass


class PathNotFound(UsageError):
    """A path given to the library does not exist."""

    def __init__(self, path, **kw) -> None:
        super().__init__(f"`{path}` does not exist", **kw)
        self.missing = path


class NothingToCheck(UsageError):
    """The project has no scenes to check."""


class NothingStaged(NovelForgeError):
    """``check(staged=True)`` on a commit that does not hold the project: nothing to
    check, and nothing wrong (exit 0)."""

    exit_code = ExitCode.OK


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}")


def literal(text: object) -> str:
    """``text`` (a value the user gave, a file's words) safe inside an
    :class:`OptionError` template: its braces are doubled, so `{kill}` stays `{kill}`."""
    return str(text).replace("{", "{{").replace("}", "}}")


class OptionError(UsageError):
    """A value (or a combination) of the library's parameters it cannot use, said without
    naming a command-line flag: the message and the help are templates in which
    ``{value}`` stands for the offending value of the parameter ``option`` and
    ``{NAME}`` for the parameter ``NAME``. The library shows them as `` `done` `` and
    ``statuses``; the CLI words them with its flags (`` `--status done` ``, ``--status``)
    through :meth:`worded`. ``{{`` and ``}}`` are literal braces (:func:`literal` doubles
    them in a user's text); a brace that starts no ``{name}`` stays as it is."""

    def __init__(self, template: str, *, option: str | None = None, value: object = None,
                 help: str | None = None, **kw) -> None:
        self.template = template
        self.help_template = help
        self.option = option
        self.value = value
        super().__init__(self._fill(template, None), help=self._fill(help, None), **kw)

    def _fill(self, text: str | None, flags: Mapping[str, str] | None) -> str | None:
        if text is None:
            return None

        def name(param: str) -> str:
            if flags is None:
                return param
            return flags.get(param) or "--" + param.replace("_", "-")

        def sub(m: re.Match) -> str:
            key = m.group(1)
            if key is None:
                return m.group(0)[0]
            if key == "value":
                shown = self.value if self.option is None or flags is None else f"{name(self.option)} {self.value}"
                return f"`{shown}`"
            return name(key)

        return _PLACEHOLDER.sub(sub, text)

    def worded(self, flags: Mapping[str, str] | None = None) -> tuple[str, str | None]:
        return self._where() + (self._fill(self.template, flags) or ""), self._fill(self.help_template, flags)


class UnknownFormat(OptionError):
    """``fmt`` is not one of the formats of ``command`` (a :class:`~novelforge.formats.FormatTable`)."""

    def __init__(self, value: str, command: str, choices: list[str]) -> None:
        super().__init__(f"{{value}} is not a format of `{command}`; use one of: {', '.join(choices)}",
                         option="format", value=value)
        self.command = command
        self.choices = choices
