"""Letters and diary entries set in the narration: text a character wrote, in its own
person and tense, which the tense and point-of-view rules leave alone.

* **A diary entry** is a paragraph that opens with a date, as journals head their
  entries (`December 4. Today…`, `_3 October._--As I must do something…`, `Monday, 12th
  May.`). A date alone on its line, after a place or not (`Moscow, 17th November`,
  `24th November`), heads an entry that runs over the paragraphs after it.
* **A letter** runs from a salutation (`My dear Pierre,`, `Dear Sir,`, `Madam,`,
  `Monsieur mon frère,`) to its close (`Yours ever,`, `Your affectionate…`, `Believe
  me…`, `Adieu…`, `(signed) …`) and the signature after it, within 40 paragraphs.
* **A document introduced by the narration**: a paragraph whose last sentence tells of
  writing (`This is what he noted in his diary:`, `the following letter was sent`, `she
  wrote to her friend Julie`), followed by one in the first or second person, which opens
  the document (after a colon, it may open with two paragraphs in no person before it).

A letter without a close in reach, an entry under a date heading and an introduced
document run while their paragraphs speak in the first or second person (`I`, `my`,
`we`, `you`) and end at the first that does not (the narration resumes), taking a short
signature after them (`MARY`). A paragraph that opens with a quotation mark is speech,
never a document. Set in italics, either is already left alone; this reads the ones set
as plain paragraphs.
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
# a heading that is only a date, after a place or two (`Moscow, 17th November`)
_DATE_HEADING = re.compile(rf"[_*]*(?:[A-Z][\w’'-]+,?\s+){{0,2}}?{_DATE}\.?[_*]*\s*\Z")
_SALUTATION = re.compile(r"[_*]*(?:(?:My\s+)?(?:[Dd]ear(?:est)?|[Hh]onou?red|[Bb]eloved)\b(?!\s+me\b)[^.!?\n]{0,60}?"
                         r"|(?:Sir|Madam|Madame|Gentlemen|Monsieur|Mademoiselle)(?:\s+[^\s.!?,:]+){0,2})[,:!—]")
_CLOSE = re.compile(r"[_*]*(?:Yours\b|Your\s+(?:[a-z]+\s+){0,3}(?:friend|servant|son|daughter|brother|sister|"
                    r"father|mother|wife|husband|cousin|niece|nephew|lover)\b|Ever\s+yours|Believe\s+me\b|"
                    r"(?:Very\s+)?(?:Affectionately|Sincerely|Faithfully|Truly)\b|With\s+(?:all\s+)?(?:my\s+)?love\b|"
                    r"Adieu\b|Farewell\b|Good-?bye\b|\(?[Ss]igned\)?\b)")
_SIGNED = re.compile(r"[_*]*\(?[Ss]igned\b")
_CLOSE_AT_END = re.compile(r"\b(?:[Yy]ours(?:\s+(?:ever|truly|sincerely|faithfully|affectionately))?|"
                           r"[Bb]elieve\s+me)\b[^.!?]{0,60}$")
# the last sentence of a paragraph that tells of writing: what follows may be what was written
_WRITING = re.compile(r"(?i)\b(?:wrote|writes|written|penned|noted|jotted|scrawled|the\s+following|as\s+follows|"
                      r"(?:this|these|that)\s+(?:is|was|were)\s+what)\b")
_PERSON = re.compile(r"(?<![\w’'])(?:I|me|my|mine|myself|we|us|our|ours|you|your|yours)(?![\w’'])", re.I)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_OPENS_SPEECH = re.compile(r"[\s_*]*[\"“]")
LETTER_REACH = 40


def document_paragraphs(masked: str, paragraphs: list[tuple[int, int]]) -> set[int]:
    """The numbers of the paragraphs that are a diary entry or part of a letter."""
    out: set[int] = set()
    n = len(paragraphs)
    i = 0
    while i < n:
        start, end = paragraphs[i]
        if _DATE_HEADING.match(masked, start, end):
            out.add(i)
            i = _run(masked, paragraphs, i + 1, out)
            continue
        if _DATED.match(masked, start):
            out.add(i)
        elif _SALUTATION.match(masked, start):
            close = next((j for j in range(i, min(n, i + LETTER_REACH))
                          if _CLOSE.match(masked, paragraphs[j][0]) or _closes(masked, paragraphs[j])), None)
            if close is None:
                out.add(i)
                i = _run(masked, paragraphs, i + 1, out)
                continue
            # the signature after the close (`(signed) Alexander.` is both)
            last = close
            if not _SIGNED.match(masked, paragraphs[close][0]) and close + 1 < n \
                    and len(masked[paragraphs[close + 1][0]:paragraphs[close + 1][1]].split()) <= 6:
                last = close + 1
            out.update(range(i, last + 1))
            i = last
        elif i + 1 < n and _tells_of_writing(masked, paragraphs[i]) and (first := _opening(masked, paragraphs, i)):
            out.update(range(i + 1, first))
            i = _run(masked, paragraphs, first, out)
            continue
        i += 1
    return out


def _run(masked: str, paragraphs: list[tuple[int, int]], i: int, out: set[int]) -> int:
    """Paragraphs from ``i`` on that speak in the first or second person (a close ends
    them; a short signature after them joins them); the number of the first one after."""
    n = len(paragraphs)
    stop = min(n, i + LETTER_REACH)
    while i < stop and _in_person(masked, paragraphs[i]):
        out.add(i)
        i += 1
        if _CLOSE.match(masked, paragraphs[i - 1][0]) or _closes(masked, paragraphs[i - 1]):
            break
    if i < n and len(masked[paragraphs[i][0]:paragraphs[i][1]].split()) <= 4 \
            and not _OPENS_SPEECH.match(masked, paragraphs[i][0]) and i - 1 in out \
            and not _DATE_HEADING.match(masked, *paragraphs[i]):
        out.add(i)          # the signature
        i += 1
    return i


def _opening(masked: str, paragraphs: list[tuple[int, int]], i: int) -> int | None:
    """The first paragraph in the first or second person of a document that paragraph ``i``
    introduces: the next one, or after a colon one of the three next (`he wrote:` and two
    paragraphs of what he wrote before its `I`)."""
    colon = masked[paragraphs[i][0]:paragraphs[i][1]].rstrip()[-1:] == ":"
    for j in range(i + 1, min(len(paragraphs), i + (4 if colon else 2))):
        if _OPENS_SPEECH.match(masked, paragraphs[j][0]):
            return None
        if _in_person(masked, paragraphs[j]):
            return j
    return None


def _in_person(masked: str, para: tuple[int, int]) -> bool:
    """A paragraph of narration (not speech) with a first- or second-person pronoun
    outside quotation marks."""
    if _OPENS_SPEECH.match(masked, para[0]):
        return False
    text = masked[para[0]:para[1]]
    if "“" in text or '"' in text:
        text = _QUOTED.sub(" ", text)
    return _PERSON.search(text) is not None


def _tells_of_writing(masked: str, para: tuple[int, int]) -> bool:
    """A narration paragraph whose last sentence tells of something written."""
    if _OPENS_SPEECH.match(masked, para[0]):
        return False
    tail = masked[max(para[0], para[1] - 300):para[1]].rstrip()
    cut = max(tail.rfind(stop, 0, len(tail) - 1) for stop in (". ", "! ", "? "))
    return _WRITING.search(tail, cut + 1 if cut >= 0 else 0) is not None


def _closes(masked: str, para: tuple[int, int]) -> bool:
    """A paragraph that ends with a letter's close (`… I remain, yours ever, Anna`)."""
    tail = masked[max(para[0], para[1] - 120):para[1]]
    return _CLOSE_AT_END.search(tail.rstrip()) is not None
