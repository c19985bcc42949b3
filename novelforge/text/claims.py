"""Claims made in quoted speech: whose feature or tie a phrase inside a quotation is.

A character's speech is their voice, not the narrator's truth, but when a speaker
describes themself (`“My eyes are grey,” said Bram`) or a character they name (`“Bram has
grey eyes, I tell you”`, `“You will know Bram: a short man”`) the book states something a
reader will hold against canon. The readers here say whose a phrase at an offset inside a
quotation is:

* after `my` (or `I have`/`I had`): the speaker's, from the speaker attribution of
  :mod:`novelforge.text.speakers` (said-tags before, after or inverted, beats, pronoun tags);
* after `your`, `our`, `their`, `its`: nobody's (an addressee or a thing, not a named claim);
* after `his`/`her`: the one character of that sex named earlier in the same sentence of
  the speech;
* otherwise the one character named earlier in the same sentence of the speech — not a
  name used to address someone (`“Holmes, a man with red hair…”`, `“…, Watson.”`).

The rules that use them report these claims at warning level: a character may be wrong or
lying, and a suppression comment says so.
"""

from __future__ import annotations

import re

from novelforge.text.reference import character_of

_MY = re.compile(r"(?i)(?<![\w’'])(?:my(?:\s+[a-z]+)?|I\s+(?:have|had|'ve|’ve)\s+(?:got\s+)?(?:a\s+|an\s+)?"
                 r"(?:[a-z]+\s+)?)\s*\Z")
_NOBODY = re.compile(r"(?i)(?<![\w’'])(?:your|our|their|its|you\s+(?:have|had))(?:\s+[a-z]+)?\s*\Z")
_THIRD = re.compile(r"(?i)(?<![\w’'])(his|her)(?:\s+[a-z]+)?\s*\Z")
_VOCATIVE_BEFORE = re.compile(r"(?:[\"“‘]|[,;!?]\s*|\A)\s*(?:[Oo]h,?\s+|[Mm]y\s+(?:dear|good)\s+)?\Z")
_VOCATIVE_AFTER = re.compile(r"\s*(?:[,!?]|\.(?!\w)|[\"”’])")


def named_in_speech(index, d, start: int, end: int) -> list:
    """Character mentions inside quote ``d`` between ``start`` and ``end``, without the
    names used to address someone."""
    out = []
    for m in index.mentions:
        if m.start >= end:
            break
        if m.start < max(start, d.start) or m.end > d.end or not m.in_dialogue or character_of(m) is None:
            continue
        out.append(m)
    return out


def _vocative(masked: str, m, d) -> bool:
    """`“Holmes, …`, `…, Watson.”`, `…, Watson, that…`: a name addressing the listener."""
    before = _VOCATIVE_BEFORE.search(masked, max(d.start, m.start - 12), m.start)
    return before is not None and _VOCATIVE_AFTER.match(masked, m.end) is not None


def speech_owner(masked: str, index, d, at: int, sentence: tuple[int, int], speaker: str | None,
                 genders) -> str | None:
    """Whose is the phrase at ``at`` inside quote ``d`` (``sentence``: the sentence it is in;
    ``speaker``: the quote's speaker, if known)."""
    lead = masked[max(d.start, at - 24):at]
    if _MY.search(lead):
        return speaker
    if _NOBODY.search(lead):
        return None
    named = [m for m in named_in_speech(index, d, max(sentence[0], d.start), at) if not _vocative(masked, m, d)]
    ids = list(dict.fromkeys(character_of(m) for m in named))
    third = _THIRD.search(lead)
    if third:
        gender = "he" if third.group(1).lower() == "his" else "she"
        ids = [i for i in ids if genders.get(i) == gender]
    if len(ids) == 1:
        return ids[0]
    return None


_MY_TIE = re.compile(r"(?i)(?<![\w’'])my\s+\Z")


def speaker_says_my(masked: str, d, at: int) -> bool:
    """Whether the word at ``at`` inside quote ``d`` follows `my` (`my niece Mary`)."""
    return _MY_TIE.search(masked, max(d.start, at - 6), at) is not None
