"""The text index of one scene: paragraphs, sentences, dialogue and its speakers,
mentions of canon names, capitalised words that are not canon names, inline markers
and suppression comments.

Every offset is an offset into the *whole file text* (front matter included): front
matter and HTML comments are masked with spaces, never removed, so positions stay true.
The index depends only on the file's text, the scene's POV and the canon name table,
which is what its cache key holds.

The work is done by the modules beside this one — :mod:`.masking` (front matter,
comments, directives, markers), :mod:`.blocks` (paragraphs, breaks, sentences),
:mod:`.dialogue` (speech and speakers), :mod:`.mentions` (canon names), :mod:`.inline`
(italics), with the word lists of :mod:`.lexicon` and the small questions of
:mod:`.grammar`; the values are the dataclasses of :mod:`.model`.
"""

from __future__ import annotations

import re

from novelforge.text.blocks import paragraphs, sentences
from novelforge.text.dialogue import attribute_speakers, dialogue, narration_spans
from novelforge.text.inline import italic_ranges
from novelforge.text.lexicon import FIRST_PERSON_VERBS
from novelforge.text.masking import mask
from novelforge.text.mentions import MIN_NAME_CANDIDATE, find_mentions
from novelforge.text.model import INDEX_VERSION, Capitalised, Dialogue, Directive, Marker, Mention, TextIndex
from novelforge.text.names import NameTable

__all__ = ["INDEX_VERSION", "MIN_NAME_CANDIDATE", "Capitalised", "Dialogue", "Directive", "Marker", "Mention",
           "TextIndex", "build_index", "first_person", "mask", "scene_first_person"]

# the narrating `I` of a first-person story: `I was`, `I saw`
_NARRATING_I = re.compile(r"I(?= (?:" + "|".join(FIRST_PERSON_VERBS) + r")\b)")
_FIRST_PERSON_MIN = 3            # so many in the narration make a scene first person
_FIRST_PERSON_SPAN = 40_000      # characters of narration read for it


def build_index(text: str, body_start: int, names: NameTable, pov: str | None = None,
                pov_mode: str | None = None, light: bool = False) -> TextIndex:
    """The analysis of one scene. ``light`` stops after the cheap part — word count,
    promise markers and suppression comments — which is all some book-wide rules read
    of the scenes ``check --changed`` does not check."""
    masked, directives, markers = mask(text, body_start)
    idx = TextIndex(directives=directives, markers=markers, light=light)
    idx.words = len(masked[body_start:].split())
    if light or not idx.words:
        return idx
    idx.paragraphs = paras = paragraphs(masked, body_start)
    idx.sentences = sentences(masked, paras)
    idx.dialogue = speech = dialogue(masked, paras)
    find_mentions(masked, body_start, names, idx)
    idx.first_person = first_person(masked, paras, speech, pov_mode)
    attribute_speakers(masked, idx, pov)
    return idx


def scene_first_person(text: str, body_start: int, pov_mode: str | None = None) -> bool:
    """``build_index(...).first_person`` without the rest of the analysis."""
    masked = mask(text, body_start)[0]
    if not masked[body_start:].split():
        return False
    paras = paragraphs(masked, body_start)
    return first_person(masked, paras, dialogue(masked, paras), pov_mode)


def first_person(masked: str, paras: list[tuple[int, int]], speech: list[Dialogue], pov_mode: str | None) -> bool:
    """Whether a scene is told in the first person: ``pov_mode`` says so, or (when it says
    nothing) an `I` narrates (`I was`, `I saw`) at least three times outside dialogue and
    italics — a letter or a thought in the first person does not make the scene so."""
    if pov_mode is not None:
        return pov_mode == "first"
    found, read = 0, 0
    italics: dict[int, list[tuple[int, int]]] = {}
    para_starts = [p[0] for p in paras]
    for start, end in narration_spans(paras, speech):
        if read >= _FIRST_PERSON_SPAN:
            break
        end = min(end, start + _FIRST_PERSON_SPAN - read)
        read += end - start + 1
        for m in _NARRATING_I.finditer(masked, start, end):
            at = m.start()
            if at > start and (masked[at - 1].isalnum() or masked[at - 1] in "_’'"):
                continue                    # `AI was`, `don’I`: not the pronoun
            if _italic(masked, paras, para_starts, italics, m.start()):
                continue
            found += 1
            if found >= _FIRST_PERSON_MIN:
                return True
    return False


def _italic(masked: str, paras, para_starts: list[int], cache: dict, offset: int) -> bool:
    from bisect import bisect_right

    i = bisect_right(para_starts, offset) - 1
    if i < 0 or offset >= paras[i][1]:
        return False
    ranges = cache.get(i)
    if ranges is None:
        ranges = cache[i] = italic_ranges(masked, *paras[i])
    return any(s <= offset < e for s, e in ranges)
