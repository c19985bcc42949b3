"""Checked values of the project files: what a rule reads later is checked when the file
is loaded, so that a value the rule could not use is a finding at its line (NF004) and is
dropped, never silently ignored by the rule. Used by :mod:`novelforge.project.models` and
:mod:`novelforge.contracts.models`."""

from __future__ import annotations

import re
from typing import Any, Literal

SceneStatus = Literal["idea", "outline", "draft", "revised", "final"]
"""Where a scene stands (`status:` in its front matter)."""


def _as_list(value: Any) -> Any:
    """Let authors write ``characters: aria`` for a one-item list."""
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [str(value)]
    return value


_WINDOW = re.compile(r"\s*(\d+)\s*(words?|scenes?|chapters?)?\s*", re.I)
WINDOW_HELP = "write a number and a unit: `5 chapters`, `20 scenes` or `20000 words`"


def payoff_window(value: Any) -> Any:
    """A payoff window (`payoff_within`, `promises: {max-distance}`): a whole number, 0 or
    more, and an optional unit (chapters when none). ``ledger.measure.parse_window`` reads it."""
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not _WINDOW.fullmatch(str(value)):
        shown = f"`{value}` is" if isinstance(value, (str, int, float)) and not isinstance(value, bool) else "it is"
        raise ValueError(f"{shown} not a payoff window; {WINDOW_HELP}")
    return value


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(minute|min|hour|hr|day|week|month)s?\s*$", re.I)


def travel_time(value: Any) -> Any:
    """A travel time, as NF411 reads it: `3 days`, `6 hours`, `2 weeks`, a bare number of days."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ok = value > 0
    else:
        m = _DURATION.match(value) if isinstance(value, str) else None
        ok = m is not None and float(m.group(1)) > 0
    if not ok:
        shown = f"`{value}` is" if isinstance(value, (str, int, float)) and not isinstance(value, bool) else "it is"
        raise ValueError(f"{shown} not a travel time; write a number and a unit: `3 days`, `6 hours`, `2 weeks`")
    return value



def _fact(value: Any, at: str = "") -> Any:
    """One fact, or a group of facts (`appearance: {height: tall}`); never a list."""
    if isinstance(value, list):
        where = f" (`{at}`)" if at else ""
        raise ValueError(f"a fact is one word, phrase or number, not a list{where}")
    if isinstance(value, dict):
        return {k: _fact(v, f"{at}.{k}" if at else str(k)) for k, v in value.items() if v is not None}
    return value



def _no_empty_facts(value: Any) -> Any:
    """`eyes:` with nothing after it is an attribute not filled in yet: left out."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    return value


def glob_problem(pattern: str) -> str | None:
    """Why a `per-file-ignores` pattern can match no file, or None when it is a pattern
    :func:`novelforge.util.glob_match` reads."""
    p = pattern.strip()
    if p.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", p):
        return "patterns are relative to the project folder (`manuscript/01-*`)"
    if ".." in re.split(r"[\\/]", p):
        return "a pattern cannot leave the project folder with `..`"
    i = 0
    while i < len(p):      # the classes as glob_match reads them: `[` to the next `]`
        if p[i] == "[":
            end = p.find("]", i + 1)
            if end == -1:
                return "`[` opens a set of characters that is never closed with `]`"
            if p[i + 1:end] in ("", "!"):
                return f"`{p[i:end + 1]}` is an empty set of characters; it matches nothing"
            i = end
        i += 1
    from novelforge.util import glob_match

    try:
        glob_match("", p)
    except re.error as exc:
        return f"it cannot be read as a pattern ({exc.msg})"
    return None


def _glob(value: str) -> str:
    problem = glob_problem(value)
    if problem:
        raise ValueError(problem)
    return value

