"""Finding a reviewer's quote in the scene, verbatim.

A finding must quote the prose; the quote is looked up in the scene's prose (front
matter and comments blanked out) after normalising only what a model or a keyboard
changes without changing the words: runs of whitespace become one space, curly quotes
and apostrophes become straight ones, every dash (en, em, figure, minus, the horizontal
bar) becomes a hyphen, and the ellipsis character three full stops. Nothing else: a quote
with one word changed, added or left out is not in the scene, and the finding is dropped.
Case matters too ("He said" is not "he said").

A quote wrapped in quotation marks that the prose does not have around it (a model
quoting the quote) is tried once without them.
"""

from __future__ import annotations

from dataclasses import dataclass

_SAME = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
}
_ELLIPSIS = "\u2026"
MIN_QUOTE = 3          # characters (after normalising): shorter quotes locate nothing


@dataclass(frozen=True)
class Located:
    start: int          # offset in the scene file's text
    end: int


def normalise(text: str) -> tuple[str, list[int]]:
    """``text`` normalised, and for each character of the result the offset in ``text``
    it came from (one more entry at the end: ``len(text)``)."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        if ch == _ELLIPSIS:
            out.extend("...")
            where.extend((i, i, i))
            continue
        out.append(_SAME.get(ch, ch))
        where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    where.append(len(text))
    return "".join(out), where


def _wrapped(quote: str) -> str | None:
    q = quote.strip()
    if len(q) >= 2 and q[0] in "\"'" and q[-1] in "\"'":
        return q[1:-1].strip()
    return None


def locate(quote: str, text: str, start: int = 0) -> Located | None:
    """Where ``quote`` is in ``text[start:]`` (offsets in ``text``), or None. ``text`` is
    the scene's masked text (the same offsets as the file)."""
    if not quote or not quote.strip():
        return None
    haystack, where = normalise(text[start:])
    tries = [normalise(quote)[0]]
    unwrapped = _wrapped(tries[0])
    if unwrapped:
        tries.append(unwrapped)
    for needle in tries:
        if len(needle) < MIN_QUOTE:
            continue
        at = haystack.find(needle)
        if at >= 0:
            last = at + len(needle) - 1
            return Located(start + where[at], start + where[last] + 1)
    return None
