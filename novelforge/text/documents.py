"""Letters and diary entries set in the narration: text a character wrote, in its own
person and tense, which the tense and point-of-view rules leave alone.

* **A diary entry** is a paragraph that opens with a date, as journals head their
  entries (`December 4. Today…`, `_3 October._--As I must do something…`, `Monday, 12th
  May.`).
* **A letter** runs from a salutation (`My dear Pierre,`, `Dear Sir,`, `Madam,`) to its
  close (`Yours ever,`, `Your affectionate…`, `Believe me…`) and the signature after it,
  within 40 paragraphs; a salutation with no close in reach is a letter of one paragraph.

Set in italics, either is already left alone; this reads the ones set as plain paragraphs.
"""

from __future__ import annotations

import re

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DATE = (rf"(?:{_WEEKDAY},?\s+(?:the\s+)?)?(?:{_DAY}\s+(?:of\s+)?{_MONTH}|{_MONTH}\s+{_DAY}|{_WEEKDAY})"
         rf"(?:,?\s+\d{{4}})?(?:,?\s+(?:[A-Z][a-z]+\.?\s*){{0,2}})?")
_DATED = re.compile(rf"[_*]*{_DATE}[_*]*(?:\.|:|--|—|–|\n)")
_SALUTATION = re.compile(r"[_*]*(?:(?:My\s+)?(?:[Dd]ear(?:est)?|[Hh]onou?red|[Bb]eloved)\b(?!\s+me\b)[^.!?\n]{0,60}?"
                         r"|Sir|Madam|Madame|Gentlemen|Monsieur)[,:!—]")
_CLOSE = re.compile(r"[_*]*(?:Yours\b|Your\s+(?:[a-z]+\s+){0,3}(?:friend|servant|son|daughter|brother|sister|"
                    r"father|mother|wife|husband|cousin|niece|nephew|lover)\b|Ever\s+yours|Believe\s+me\b|"
                    r"(?:Very\s+)?(?:Affectionately|Sincerely|Faithfully|Truly)\b|With\s+(?:all\s+)?(?:my\s+)?love\b)")
_CLOSE_AT_END = re.compile(r"\b(?:[Yy]ours(?:\s+(?:ever|truly|sincerely|faithfully|affectionately))?|"
                           r"[Bb]elieve\s+me)\b[^.!?]{0,60}$")
LETTER_REACH = 40


def document_paragraphs(masked: str, paragraphs: list[tuple[int, int]]) -> set[int]:
    """The numbers of the paragraphs that are a diary entry or part of a letter."""
    out: set[int] = set()
    i = 0
    while i < len(paragraphs):
        start, _end = paragraphs[i]
        if _DATED.match(masked, start):
            out.add(i)
        elif _SALUTATION.match(masked, start):
            close = next((j for j in range(i, min(len(paragraphs), i + LETTER_REACH))
                          if _CLOSE.match(masked, paragraphs[j][0]) or _closes(masked, paragraphs[j])), None)
            if close is None:
                out.add(i)
            else:
                last = min(close + 1, len(paragraphs) - 1)      # the signature after the close
                out.update(range(i, last + 1))
                i = last
        i += 1
    return out


def _closes(masked: str, para: tuple[int, int]) -> bool:
    """A paragraph that ends with a letter's close (`… I remain, yours ever, Anna`)."""
    tail = masked[max(para[0], para[1] - 120):para[1]]
    return _CLOSE_AT_END.search(tail.rstrip()) is not None
