"""What ``main()`` does to the command line and the streams before the app runs."""

from __future__ import annotations

import sys


def hoist_globals(args: list[str]) -> list[str]:
    """Accept the global options after the command too (`novelforge check --color never`)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest.extend(args[i:])
            break
        if a == "--traceback" or a.startswith("--color="):
            front.append(a)
        elif a == "--color" and i + 1 < len(args):
            front.extend(args[i:i + 2])
            i += 1
        else:
            rest.append(a)
        i += 1
    return front + rest


def _after_globals(args: list[str]) -> int:
    """Where the command starts in ``args`` whose global options are at the front."""
    i = 0
    while i < len(args) and (args[i] == "--traceback" or args[i].startswith("--color")):
        i += 2 if args[i] == "--color" else 1
    return i


def command_args(args: list[str]) -> list[str]:
    """The command and what follows it, the global options taken out wherever they stand
    (``novelforge --color never check`` and ``novelforge check --color never`` are both
    ``["check"]``)."""
    hoisted = hoist_globals(args)
    return hoisted[_after_globals(hoisted):]


def utf8_streams() -> None:
    """Reports are UTF-8 (JSON, SARIF and JUnit by definition; prose has dashes and curly
    quotes): where the locale gives a stream that cannot hold them (``LC_ALL=C`` without
    Python's UTF-8 mode, a legacy Windows console), the stream is switched to UTF-8
    instead of failing on the first `—`."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "—’é".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            try:
                stream.reconfigure(encoding="utf-8")   # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                pass


def expand_help(args: list[str]) -> list[str]:
    """`novelforge help X Y` is `novelforge X Y --help` (`help --help` is help's own); the
    global options, hoisted to the front, stay in front."""
    i = _after_globals(args)
    if i < len(args) and args[i] == "help" and not {"--help", "-h"} & set(args[i + 1:]):
        return args[:i] + args[i + 1:] + ["--help"]
    return args


# the command modules a command needs, for a run of it from the ``novelforge`` command
# (``cli.app.main`` with ``only_needed``): the commands run most often, whose runs should not
# pay for building every other command's options (issue #17)
NEEDS = {"check": ("check",), "promises": ("promises", "promises_suggest")}


def needed_modules(args: list[str]) -> tuple[str, ...] | None:
    """The modules of :data:`NEEDS` the command line ``args`` (global options hoisted) runs,
    or None for every command: another command, a help or version request, or a typo."""
    i = _after_globals(args)
    if i >= len(args) or {"--help", "-h", "--version", "-V"} & set(args):
        return None
    return NEEDS.get(args[i])
