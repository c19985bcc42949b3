"""Front matter and HTML comments blanked out of a scene's text, and what the comments
say: suppression directives (``<!-- novelforge-disable-next-line NF205 -->``) and promise
markers (``<!-- setup: the-sword -->``).

Masking replaces every character but a newline with a space, so an offset into the
masked text is an offset into the file and positions stay true.
"""

from __future__ import annotations

import re

from novelforge.text.model import Directive, Marker

COMMENT = re.compile(r"<!--(.*?)(?:-->|\Z)", re.S)
_NOT_NEWLINE = re.compile(r"[^\n]")
_MARKER = re.compile(r"^\s*(setup|payoff|promise)\s*:\s*([\w.\-]+)\s*$", re.I)
_SUPPRESS = re.compile(r"^\s*novelforge-(disable-next-line|disable-line|disable|enable)\b(.*)$", re.S)
_CODES = re.compile(r"[A-Za-z][\w\-]*")
_RULE_CODE = re.compile(r"(?i)nf\d")


def blank(text: str) -> str:
    """``text`` with every character but a newline turned into a space."""
    return _NOT_NEWLINE.sub(" ", text)


def without_comments(text: str) -> str:
    """``text`` with its HTML comments removed (an unclosed one runs to the end)."""
    return COMMENT.sub("", text) if "<!--" in text else text


def line_of(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def mask(text: str, body_start: int) -> tuple[str, list[Directive], list[Marker]]:
    """Blank out the front matter and comments (keeping newlines); read the comments."""
    directives: list[Directive] = []
    markers: list[Marker] = []
    pieces: list[str] = []
    if body_start:
        pieces.append(blank(text[:body_start]))
    pos = body_start
    if "<!--" in text[body_start:]:
        for m in COMMENT.finditer(text, body_start):
            pieces.append(text[pos:m.start()])
            pieces.append(blank(m.group(0)))
            pos = m.end()
            inner = m.group(1)
            sm = _SUPPRESS.match(inner)
            if sm:
                line, col = line_of(text, m.start())
                end_line = line + m.group(0).count("\n")
                codes = tuple(c.upper() if _RULE_CODE.match(c) else c for c in _CODES.findall(sm.group(2)))
                directives.append(Directive(sm.group(1), codes, line, col, end_line))
                continue
            mm = _MARKER.match(inner)
            if mm:
                kind = mm.group(1).lower()
                markers.append(Marker("setup" if kind == "promise" else kind, mm.group(2), m.start(), m.end()))
    pieces.append(text[pos:])
    return "".join(pieces), directives, markers
