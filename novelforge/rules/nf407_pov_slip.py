import re
from bisect import bisect_right
from math import inf

from novelforge.rules.narration import book_narrator, scene_first_person
from novelforge.rules.registry import rule
from novelforge.text.grammar import verb_tense
from novelforge.text.lexicon import CLAUSE_CONJUNCTIONS, TENSE_PAST, TENSE_PRESENT
from novelforge.text.tense import narrator_speaks_now

# the narrating `I` of a story told in the past: `I turned`, `I slowly saw` (letters, poems
# and notes quoted in narration speak in the present: `I cannot live`, `I write to you`)
# (the `I` is matched before the look back at the character before it: one literal to find)
_FIRST = re.compile(r"(I)(?<![\w’']I)\s+(?:[a-z]+ly\s+)?([a-z]+)\b")


@rule("NF407", "pov-slip", "warning", "scene", reads=("prose", "front-matter", "book"))
def check(scene, index, ctx):
    """The narration slips between first and third person.

    ## What it does
    In a third-person scene (`pov_mode: third` in the scene or in `novelforge.yaml`, or, by
    default, narration that does not read as first person in a book that does not), reports
    narration outside dialogue and italics in which an `I` tells the story in the past tense
    (`I turned`, `I saw`); letters and poems quoted in the narration, which speak in the
    present, are left alone, and so are letters and diary entries set as plain paragraphs (a
    paragraph opening with a date, `December 4. Today…`; a date heading, `Moscow, 17th
    November`, and the first-person paragraphs under it; a salutation, `My dear Pierre,`, to
    its close, `Yours ever,`; a document the narration introduces, `This is what he noted in
    his diary:`, while it speaks in the first or second person:
    novelforge/text/documents.py) and a paragraph in which the narrator speaks in the
    present before the past (`If I examine an act I performed a moment ago…`, `Can I lift my
    arm? I lift it… the arm I lifted`: an author's own voice; `I watched him go, and I
    confess…` is still a slip). A narrating `me` or `my` in a sentence told in the past is a
    slip too (`It seemed to me that Bram had aged`, `Nobody told me…`, `To my mind, Bram was
    right`), except in idioms (`dear me`, `my dear`, `my lord`), a sentence with a present
    or a modal (`tells me`, `would be too painful to me`), verse (a paragraph that keeps its
    lines), the end of a speech whose opening quotation mark is paragraphs before, and a
    paragraph where the narrator speaks in the present. In a first-person scene (`pov_mode:
    first`, detected, or in a book told in the first person), reports narration in which the
    POV character (for a scene without `pov:`, the book's narrator: the `pov:` of two thirds
    of its first-person scenes) acts under their own name (`Aria walked to the
    door`, `Aria, who had said nothing, rose`) or is named with a possessive (`Aria's heart
    sank`: the narrator's own `my`), outside dialogue, italics, letters and diary entries.
    Not read yet: in a third-person scene, `I` with a verb in the present (`I confess
    that…`), which letters and essays in narration use.

    ## Why is this bad
    A POV slip breaks the contract with the reader about whose head we are in; it is
    common when a scene is rewritten from one point of view to another.

    ## Example
    ```markdown
    Aria crossed the yard. I could see the smoke from the forge.
    ```
    (a third-person scene)

    ## Use instead
    ```markdown
    Aria crossed the yard. She could see the smoke from the forge.
    ```
    """
    if not index.words:
        return
    masked = ctx.masked(scene)
    if not scene_first_person(scene, index, ctx):
        yield from _narrating_i(scene, index, ctx, masked)
        return
    narrator = scene.meta.pov or book_narrator(ctx)     # a scene without `pov:`: the book's narrator
    if narrator:
        for m in index.mentions:
            if m.in_dialogue or (("characters", narrator) not in m.entities):
                continue
            if m.acts:
                yield ctx.at(scene, m.start, m.end,
                             f"the narrator `{m.text}` acts under their own name in a first-person scene",
                             entity=narrator, help="use `I`, or set `pov_mode: third`")
                break
            if masked[m.end:m.end + 2] in ("'s", "’s") and not index.in_document(masked, m.start) \
                    and not (index.in_italics(masked, m.start) if "_" in masked or "*" in masked else False):
                # `Watson's heart sank`: the narrator's own things under their name
                yield ctx.at(scene, m.start, m.end + 2,
                             f"the narrator is named `{m.text}{masked[m.end:m.end + 2]}` in a first-person scene",
                             entity=narrator, help="use `my`, or set `pov_mode: third`")
                break


def _narrating_i(scene, index, ctx, masked: str):
    """The first narrating `I` of each sentence (one finding per sentence). One scan of the
    scene, each match placed in its sentence; a match that runs past its sentence's end
    (`I` ending a sentence without a stop) is matched again within the sentence, so this
    finds what matching each sentence alone finds."""
    sentences = index.sentences
    done = -1
    reported: set[int] = set()
    for m in _FIRST.finditer(masked, scene.body_start):
        at = m.start()
        i = bisect_right(sentences, (at, inf)) - 1
        if i < 0 or i == done or at >= sentences[i][1]:
            continue
        if m.end() > sentences[i][1]:
            m = _FIRST.match(masked, at, sentences[i][1])
            if m is None:
                continue
        if index.in_dialogue(at) or index.in_italics(masked, at):
            continue
        if _roman_numeral(masked, at) or verb_tense("I", m.group(2)) != "past":
            continue
        para = index.unit_at(at, "paragraph")
        if index.in_document(masked, at) or narrator_speaks_now(masked, para[0] if para else sentences[i][0], at):
            continue                  # a letter or diary quoted, or the author's own `If I examine`
        shown = " ".join(m.group(0).split())
        yield ctx.at(scene, at, m.end(), f"`{shown}` in the narration of a third-person scene",
                     help="use the third person, italicise a direct thought, or set `pov_mode: first`")
        done = i
        reported.add(i)
    yield from _narrating_me(scene, index, ctx, masked, reported)


def _narrating_me(scene, index, ctx, masked: str, reported: set[int]):
    """A narrating `me` or `my` in a sentence told in the past (`It seemed to me that…`,
    `Nobody told me…`, `To my mind, Bram was right`), one finding per sentence not
    reported for its `I`. Left alone: dialogue, italics, letters and diaries, idioms
    (`dear me`, `my dear`), and a paragraph in which the narrator speaks in the present
    (`My action seems to me free…`: the author's own voice)."""
    sentences = index.sentences
    done = -1
    for m in _ME.finditer(masked, scene.body_start):
        at = m.start()
        i = bisect_right(sentences, (at, inf)) - 1
        if i < 0 or i == done or i in reported or at >= sentences[i][1]:
            continue
        if index.in_dialogue(at) or index.in_italics(masked, at) or _IDIOM.search(masked, max(0, at - 6), m.end() + 6):
            continue
        s0, s1 = sentences[i]
        if not _told_in_past(masked, s0, s1, m) or index.in_document(masked, at):
            continue
        para = index.unit_at(at, "paragraph")
        if para is None or narrator_speaks_now(masked, para[0], para[1]) or _PRESENT_ME.search(masked, s0, s1):
            continue
        text = masked[para[0]:para[1]].rstrip()
        if "\n" in text or (text.endswith(("”", "’")) and "“" not in text):
            continue      # verse, or the end of a speech broken by verse or a quotation
        yield ctx.at(scene, at, m.end(), f"`{m.group(0)}` in the narration of a third-person scene",
                     help="use the third person, italicise a direct thought, or set `pov_mode: first`")
        done = i


_ME = re.compile(r"(?<![\w’'])(?:me|my|My|myself)(?![\w’'])")
_IDIOM = re.compile(r"(?i)\b(?:dear|ah|oh|woe\s+is)\s+me\b|\bmy\s+(?:dear|lord|lady|god|goodness|word)\b")
# `seems to me`, `my action seems`: the narrator's present
_PRESENT_ME = re.compile(r"(?i)\b(?:seems|appears|is|are|strikes)\s+(?:[a-z]+\s+)?(?:to\s+)?me\b")
_WORD = re.compile(r"[a-z]+")


def _told_in_past(masked: str, start: int, end: int, me) -> bool:
    """Whether a sentence is told in the past: a verb in the past, and none in the present
    or of a mood (`tells me`, `would be too painful to me`, `my heart is sick`)."""
    past = False
    for w in _WORD.finditer(masked, start, end):
        word = w.group(0)
        if word in TENSE_PRESENT or word in _MOODS:
            return False
        past = past or word in TENSE_PAST or (word.endswith("ed") and len(word) > 4)
    return past


_MOODS = frozenset("would should will shall can may must might tells seems appears".split())


def _roman_numeral(masked: str, at: int) -> bool:
    """`Charles I`, `Chapter I`: a capital word right before makes `I` a numeral."""
    before = masked[max(0, at - 30):at].rstrip()
    word = before.split()[-1] if before.split() else ""
    return word[:1].isupper() and word.isalpha() and word.lower() not in CLAUSE_CONJUNCTIONS and word != "Or"
