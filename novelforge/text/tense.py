"""When a sentence in the present inside a story told in the past is no slip.

Narration in the past is full of present tenses that belong where they are: a paragraph
told in the present on purpose (a daydream, a proclamation, the historic or the general
present), the narrator's own now in a diary, a letter or a memoir (`She is always an
early riser`, `Van Helsing has gone`), and what someone says or writes now of the past
(`Holmes declares that he overheard me`). :func:`narrators_present` tells them from a
slip (`Aria climbed the stair. She looks down at the city.`) by the text around the
sentence, never by its words alone, so it reads any author's phrasing.
"""

from __future__ import annotations

import re

from novelforge.text.grammar import past_action, verb_tense
from novelforge.text.lexicon import TENSE_PAST

# finite forms of `be` and `have` after any subject (`the army is`, `Quakers are`)
_AUX = re.compile(r"\b(is|are|am|has|was|were|had)\b")
# the narrating `I` or `we` and its verb (`I am`, `we have`, `I fear`, `I was`)
_NARRATOR = re.compile(r"\b(?:I|[Ww]e)\s+(?:[a-z]+ly\s+|not\s+|now\s+)?([a-z]+)\b")
_NARRATOR_NOW = frozenset("""
am are have do must shall will can cannot know think feel fear hope see hear write wonder suppose
believe trust go make find wish remember need mean want say confess admit recall imagine consider
examine repeat ask call
""".split())
# the narrator named in a sentence (`Harker has asked me to note this`)
_NARRATOR_WORD = re.compile(r"\b(?:I|me|my|we|us|our)\b")
# verbs of a state, true at the time of telling (`is`, `has`, `does not know`, `feels`)
_STATES = frozenset("""
is are has have does do knows feels seems appears lives means loves likes wants needs wishes hopes
fears believes remains belongs deserves understands owns
""".split())
# verbs of saying and writing that report, now, what someone told of the past
_REPORTING = frozenset("""
says declares writes tells insists admits maintains asserts explains relates assures states claims
confesses swears
""".split())
# `does not know`, `don't answer`: the verb after the auxiliary
_DO_NOT = re.compile(r"\s+(?:not|n[’']t)\s+(?:[a-z]+ly\s+)?([a-z]+)\b")
_THAT_PAST = re.compile(r"\bthat\s+(?:he|she|they|I|we|it)\s+([a-z]+)\b")
_REPORTED_PAST = re.compile(r"\s+(?:that\s+)?(?:he|she|they|I|we|it|the\s+[a-z]+|[A-Z][a-z]+)\s+([a-z]+)\b")


def narrators_present(index, masked: str, pairs, sentence: int, start: int, end: int,
                      first_person: bool | None = None) -> bool:
    """Whether the present-tense verb at ``start:end`` (in sentence number ``sentence``)
    of a scene told in the past belongs to the text around it (see the module's doc).
    ``pairs`` are the scene's (sentence, start, end, tense) subject–verb pairs;
    ``first_person`` as for :func:`reports_or_tells_now`."""
    if reports_or_tells_now(index, masked, sentence, start, end, states=False):
        return True
    para = index.unit_at(start, "paragraph")
    if para is None:
        return False
    present, past = paragraph_tenses(index, masked, pairs, para, index.sentences[sentence])
    if present >= 2 and present >= past:
        return True
    return reports_or_tells_now(index, masked, sentence, start, end, reports=False, first_person=first_person)


def reports_or_tells_now(index, masked: str, sentence: int, start: int, end: int, *, reports: bool = True,
                         states: bool = True, first_person: bool | None = None) -> bool:
    """The present verb at ``start:end`` reports now what was (`says that the count
    was`: ``reports``), or is a state at the narrator's time of telling in a story an `I`
    tells or a sentence naming its narrator (`She is always an early riser`: ``states``)
    — the presents of a past story that are not the story slipping into the present,
    whatever the paragraph around them. ``first_person``: whether an `I` tells the story
    (default: the scene's own narration reads as first person). `does not` and `do not`
    are the verb after them (`he does not know` is a state, `he does not answer` is not)."""
    verb = masked[start:end].split()[-1]
    s_start, s_end = index.sentences[sentence]
    if reports and verb in _REPORTING:
        # `says (that) the count was`, `declares to this day that he saw`
        m = _REPORTED_PAST.match(masked, end, s_end) or _THAT_PAST.search(masked, end, s_end)
        if m and _past(m.group(1)):
            return True
    if verb in ("does", "do") and (m := _DO_NOT.match(masked, end)) is not None:
        verb = m.group(1) if m.group(1) in _STATES else m.group(1) + "s"
    if not states or verb not in _STATES:
        return False
    told_by_i = index.first_person if first_person is None else first_person
    return told_by_i or _NARRATOR_WORD.search(masked, s_start, s_end) is not None


def _past(word: str) -> bool:
    """A verb in the past after any subject (`was`, `had`, `saw`, `overheard`, `turned`)."""
    return word in TENSE_PAST or verb_tense("they", word) == "past" or past_action(word) \
        or word.endswith("heard")


def paragraph_tenses(index, masked: str, pairs, para: tuple[int, int], skip: tuple[int, int]) -> tuple[int, int]:
    """The present and past verbs of a paragraph's narration, leaving out one sentence
    and the dialogue (each verb once, by where it ends)."""
    p0, p1 = para
    verbs: dict[int, str] = {}

    def add(at: int, verb_end: int, tense: str | None) -> None:
        if tense and not skip[0] <= at < skip[1] and not index.in_dialogue(at):
            verbs[verb_end] = tense

    for _si, at, verb_end, tense in pairs:
        if p0 <= at < p1:
            add(at, verb_end, tense)
    for m in _AUX.finditer(masked, p0, p1):
        add(m.start(), m.end(), "present" if m.group(1) in ("is", "are", "am", "has") else "past")
    for m in _NARRATOR.finditer(masked, p0, p1):
        word = m.group(1)
        add(m.start(), m.end(), "present" if word in _NARRATOR_NOW else verb_tense("they", word))
    present = sum(1 for t in verbs.values() if t == "present")
    return present, len(verbs) - present


def narrator_speaks_now(masked: str, start: int, end: int) -> bool:
    """Whether the text from ``start`` to ``end`` (a sentence up to a narrating `I` in the
    past) has its narrator speaking in the present (`If I examine an act I performed…`,
    `I remember that I…`): an author's or a memoir's own voice, not a slip into the first
    person."""
    return any(m.group(1) in _NARRATOR_NOW and m.group(0).startswith("I")
               for m in _NARRATOR.finditer(masked, start, end))
