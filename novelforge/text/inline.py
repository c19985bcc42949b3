"""Inline Markdown in prose: which text is in italics, as CommonMark (and so ``novelforge
export``) reads ``*…*`` and ``_…_``.

:func:`emphasis` follows CommonMark's delimiter-run rules: a run of ``*`` or ``_`` opens
or closes emphasis by what stands on either side of it (``2 * 3`` and ``snake_case``
open nothing, ``_`` never emphasises inside a word), one delimiter on each side makes
italics and two make bold, an unclosed marker is text, and a backslash escapes. It reads
one paragraph at a time, as emphasis never crosses a blank line. No Markdown library is
loaded: the checker reads every scene and stays fast.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@dataclass(frozen=True, slots=True)
class Emphasis:
    start: int           # the first delimiter
    end: int             # after the last delimiter
    inner_start: int     # the emphasised text
    inner_end: int
    strong: bool         # ``**bold**`` (False: ``*italic*``)


def _punct(c: str) -> bool:
    return c in _ASCII_PUNCT or unicodedata.category(c)[0] in "PS"


def _space(c: str) -> bool:
    return c.isspace()


class _Run:
    __slots__ = ("char", "pos", "count", "orig", "can_open", "can_close")

    def __init__(self, char: str, pos: int, count: int, can_open: bool, can_close: bool) -> None:
        self.char, self.pos, self.count, self.orig = char, pos, count, count
        self.can_open, self.can_close = can_open, can_close


def _runs(text: str, start: int, end: int) -> list[_Run]:
    runs: list[_Run] = []
    i = start
    while i < end:
        c = text[i]
        if c == "\\":
            i += 2          # an escaped character is text
            continue
        if c not in "*_":
            i += 1
            continue
        j = i
        while j < end and text[j] == c:
            j += 1
        before = text[i - 1] if i > start else " "
        after = text[j] if j < end else " "
        left = not _space(after) and (not _punct(after) or _space(before) or _punct(before))
        right = not _space(before) and (not _punct(before) or _space(after) or _punct(after))
        if c == "*":
            can_open, can_close = left, right
        else:
            can_open = left and (not right or _punct(before))
            can_close = right and (not left or _punct(after))
        if can_open or can_close:
            runs.append(_Run(c, i, j - i, can_open, can_close))
        i = j
    return runs


def emphasis(text: str, start: int = 0, end: int | None = None) -> list[Emphasis]:
    """The emphasis spans of the paragraph ``text[start:end]``, in order of their closing."""
    end = len(text) if end is None else end
    if "*" not in text[start:end] and "_" not in text[start:end]:
        return []
    runs = _runs(text, start, end)
    out: list[Emphasis] = []
    i = 0
    while i < len(runs):
        closer = runs[i]
        if not closer.can_close or not closer.count:
            i += 1
            continue
        j = i - 1
        while j >= 0:
            o = runs[j]
            if o.char == closer.char and o.can_open and o.count:
                odd = (o.can_close or closer.can_open) and (o.orig + closer.orig) % 3 == 0 \
                    and not (o.orig % 3 == 0 and closer.orig % 3 == 0)
                if not odd:
                    break
            j -= 1
        if j < 0:
            if not closer.can_open:
                closer.count = 0
            i += 1
            continue
        o = runs[j]
        use = 2 if o.count >= 2 and closer.count >= 2 else 1
        inner_start, inner_end = o.pos + o.count, closer.pos
        out.append(Emphasis(inner_start - use, inner_end + use, inner_start, inner_end, use == 2))
        o.count -= use
        closer.count -= use
        closer.pos += use
        for k in range(j + 1, i):
            runs[k].count = 0
        if not closer.count:
            i += 1
    return out


def italic_ranges(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The text in italics in the paragraph ``text[start:end]`` (bold alone is not)."""
    return sorted((e.inner_start, e.inner_end) for e in emphasis(text, start, end) if not e.strong)


def without_markup(text: str) -> str:
    """The words of Markdown prose without emphasis markers and escapes, for counting them."""
    return text.replace("*", "").replace("_", "").replace("\\", "")
