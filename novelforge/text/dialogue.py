"""Quoted speech in a scene, and who speaks it.

Double quotes, unless the scene opens more speeches with single quotes (British style;
nested quotes are then double). An unclosed quote runs to the paragraph end (speech
continued in the next paragraph re-opens with a quote, by convention).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from novelforge.text.lexicon import ELISIONS, SPEECH_VERBS, TAG_PRONOUNS
from novelforge.text.model import Dialogue, Mention, TextIndex

_QUOTE = re.compile(r"[\"“”]")
# Single-quote (British) dialogue: an opening ‘, or a straight ' at a word start before a capital
# or a dash (`'Come here,'` — not `'tis`); a closing ’ or ' after the speech's own punctuation
# (`‘Come here,’ he said`), or a curly ’ after a word and before punctuation (`the ‘Crown’,`),
# which a contraction (`don’t`) or an elision before a space (`goin’ home`) never is.
# A ‘ inside open speech opens a nested quote (`‘the ‘Crown’, then’`); an elision (`‘tis`,
# `‘em`) opens nothing.
_ELISION = r"(?!(?i:" + "|".join(ELISIONS) + r")\b)"
_SINGLE = re.compile(
    r"(?P<open>‘" + _ELISION + r"|(?<![\w’'])'" + _ELISION + r"(?=[^\W\d_a-z]|[…—–]))"
    r"|(?P<close>(?<=[.,!?…—–-])[’'](?![^\W_])|(?<=[^\W_])’(?=[,.;:!?]))")
# the opening quotes of a scene, double and single, counted where a speech starts (after a
# space or at a line start, before a capital or a dash): the more frequent kind is the scene's
_DOUBLE_OPENER = re.compile(r"(?:^|(?<=\s))[\"“]", re.M)
_SINGLE_OPENER = re.compile(r"(?:^|(?<=\s))[‘']" + _ELISION + r"(?=[^\W\d_a-z]|[…—–])", re.M)

_FIRST_WORD = re.compile(r"[\s,]*(?:[a-z]+ly\s+)?([a-z]+)")
_TAG_BEFORE = re.compile(r"\s*(?:[a-z]+ly\s+)?([a-z]+)[^.!?]*[,:]\s*\Z")
_FIRST_PERSON_BEFORE = re.compile(r"(?<![\w’'])I\s+(?:\w+ly\s+)?\w+[^.!?\"“]*[,:]?\s*\Z")
_WORDS = re.compile(r"[a-z]+")
_PRONOUN_TAG = re.compile(r"[\s,—–-]*(" + "|".join(TAG_PRONOUNS) + r")\s+(\w+)", re.I)
# the inverted tag: `said I`, `says he`, `cried she`
_INVERTED_TAG = re.compile(r"[\s,—–-]*([a-z]+)\s+(" + "|".join(TAG_PRONOUNS) + r")(?![\w’'])", re.I)
_LOWER_WORD = re.compile(r"[a-z]+")
_LETTER = re.compile(r"[^\W\d_]")


def dialogue(masked: str, paras: list[tuple[int, int]]) -> list[Dialogue]:
    """The quoted speech of the paragraphs, in order."""
    if _single_quote_scene(masked, paras):
        return _single_quoted(masked, paras)
    out: list[Dialogue] = []
    for pi, (pstart, pend) in enumerate(paras):
        open_at = -1
        for m in _QUOTE.finditer(masked, pstart, pend):
            ch = m.group(0)
            if open_at < 0:
                if ch == "”":
                    continue
                open_at = m.start()
            else:
                if ch == "“":  # a new opening quote: the previous one was never closed
                    out.append(Dialogue(open_at, m.start(), pi))
                    open_at = m.start()
                    continue
                out.append(Dialogue(open_at, m.end(), pi))
                open_at = -1
        if open_at >= 0:
            out.append(Dialogue(open_at, pend, pi))
    return out


def _single_quote_scene(masked: str, paras: list[tuple[int, int]]) -> bool:
    """Whether the scene's speech is in single quotes: more paragraphs open with a single
    quote than with a double one (a long speech in double quotes may quote others in single
    quotes many times over); with no paragraph opening on a quote, more speeches open with
    single quotes than with double ones."""
    single = sum(1 for start, _end in paras if _SINGLE_OPENER.match(masked, start))
    double = sum(1 for start, _end in paras if masked.startswith(("\"", "“"), start))
    if single or double:
        return single > double
    if not paras:
        return False
    start, end = paras[0][0], paras[-1][1]
    return len(_SINGLE_OPENER.findall(masked, start, end)) > len(_DOUBLE_OPENER.findall(masked, start, end))


def _single_quoted(masked: str, paras: list[tuple[int, int]]) -> list[Dialogue]:
    out: list[Dialogue] = []
    for pi, (pstart, pend) in enumerate(paras):
        open_at, depth = -1, 0
        for m in _SINGLE.finditer(masked, pstart, pend):
            if m.group("open") is not None:
                if depth == 0:
                    open_at = m.start()
                depth += 1
            elif depth:
                depth -= 1
                if depth == 0:
                    out.append(Dialogue(open_at, m.end(), pi))
        if depth:
            out.append(Dialogue(open_at, pend, pi))
    return out


def narration_spans(paras: list[tuple[int, int]], speech: list[Dialogue]) -> list[tuple[int, int]]:
    """The stretches of the body between the quoted speeches."""
    if not paras:
        return []
    out: list[tuple[int, int]] = []
    pos = paras[0][0]
    for d in speech:
        out.append((pos, d.start))
        pos = d.end
    out.append((pos, paras[-1][1]))
    return out


def _only_character(m: Mention) -> str | None:
    chars = [i for k, i in m.entities if k == "characters"]
    return chars[0] if len(chars) == 1 else None


def _tag_after(masked: str, d: Dialogue, nxt: int, chars: list[Mention]) -> tuple[str | None, str | None]:
    """`"…," Bram said` / `"…," said Bram` / `"…," Bram whispered hoarsely`."""
    if not chars:
        return None, None
    m0 = chars[0]
    if masked[m0.end:m0.end + 1] in ("'", "’"):
        return None, None  # `said Aria's sister`: the possessor does not speak
    gap_words = _LOWER_WORD.findall(masked, d.end, m0.start)
    if len(gap_words) > 2:
        return None, None
    fw = _FIRST_WORD.match(masked, m0.end, min(nxt, m0.end + 40))
    if any(w in SPEECH_VERBS for w in gap_words) or (fw and fw.group(1) in SPEECH_VERBS):
        return _only_character(m0), "tag"
    return None, None


def _tag_before(masked: str, d: Dialogue, chars: list[Mention]) -> tuple[str | None, str | None]:
    """`Bram said, "…"`, or an action beat by the one character named before the quote:
    `Bram turned to her. "…"`."""
    if not chars:
        return None, None
    m0 = chars[-1]
    tm = _TAG_BEFORE.match(masked, m0.end, d.start)
    if tm and tm.group(1) in SPEECH_VERBS:
        return _only_character(m0), "tag"
    if m0.acts and len({_only_character(m) for m in chars}) == 1:
        return _only_character(m0), "beat"
    return None, None


def _left_open(masked: str, d: Dialogue) -> bool:
    """Whether a quote runs to its paragraph's end without a closing mark (nor a closing
    mark followed only by spaces)."""
    tail = masked[d.start + 1:d.end].rstrip()
    return not tail.endswith(("\"", "”", "’", "'"))


def attribute_speakers(masked: str, idx: TextIndex, pov: str | None) -> None:
    """Who speaks each quote: said-tags after or before the quote, an action beat by one
    named character in the same paragraph, "I said" for a first-person POV, a speech
    continued from the paragraph before (left open there, re-opened here), and
    alternation in a two-person exchange."""
    if not idx.dialogue:
        return
    mention_starts = [m.start for m in idx.mentions]
    by_para: dict[int, list[Dialogue]] = {}
    for d in idx.dialogue:
        by_para.setdefault(d.paragraph, []).append(d)

    def char_mentions(start: int, end: int) -> list[Mention]:
        i = bisect_left(mention_starts, start)
        out = []
        while i < len(idx.mentions) and idx.mentions[i].start < end:
            m = idx.mentions[i]
            if not m.in_dialogue and _only_character(m):
                out.append(m)
            i += 1
        return out

    last_two: list[str] = []
    prev_para_had_dialogue = False
    continues: str | None = None     # the speaker of a speech left open at the end of the paragraph before
    for pi, (pstart, pend) in enumerate(idx.paragraphs):
        quotes = by_para.get(pi)
        if not quotes:
            prev_para_had_dialogue = False
            continues = None
            continue
        para_speaker: str | None = None
        # a speech over several paragraphs: each opens with a quote, none but the last closes
        cont = continues if quotes[0].start == pstart else None
        for qi, d in enumerate(quotes):
            nxt = quotes[qi + 1].start if qi + 1 < len(quotes) else pend
            prev_end = quotes[qi - 1].end if qi else pstart
            # the narrator's `I said` / `said I` right after the quote: the POV's, or with no
            # `pov:` the narrator's (how = "narrator", no speaker: the rules may ask the book
            # who tells it, novelforge/rules/narration.py); it comes before a beat later in
            # the paragraph (`“…,” said I. Bram shook his head`), and no other speaker is
            # guessed for it
            narrator = (pov, "pov") if pov else (None, "narrator")
            speaker, how = None, None
            if idx.first_person:
                pm = _PRONOUN_TAG.match(masked, d.end, nxt)
                im = _INVERTED_TAG.match(masked, d.end, nxt)
                if (pm and pm.group(1).lower() in ("i", "we") and pm.group(2).lower() in SPEECH_VERBS) or \
                        (im and im.group(2) in ("I", "we") and im.group(1).lower() in SPEECH_VERBS):
                    speaker, how = narrator
            if speaker is None and how != "narrator":
                speaker, how = _tag_after(masked, d, nxt, char_mentions(d.end, nxt))
            if speaker is None and how != "narrator":
                speaker, how = _tag_before(masked, d, char_mentions(prev_end, d.start))
            if speaker is None and how != "narrator" and qi == 0 and cont is not None:
                speaker, how = cont, "continued"
            if speaker is None and how != "narrator" and para_speaker is not None:
                speaker, how = para_speaker, "paragraph"
            if speaker is None and how != "narrator" and idx.first_person:
                fp = _FIRST_PERSON_BEFORE.search(masked, prev_end, d.start)
                # `I said, "…"`, `I turned and asked: "…"` — not `I saw a large "E"`
                if fp and any(w in SPEECH_VERBS for w in _WORDS.findall(fp.group(0))):
                    speaker, how = narrator
            d.speaker, d.how = speaker, how
            if speaker and para_speaker is None:
                para_speaker = speaker
        # a quote-only paragraph in a two-person exchange alternates speakers
        if para_speaker is None and prev_para_had_dialogue and len(last_two) == 2 and last_two[0] != last_two[1]:
            narration = masked[pstart:pend]
            for d in quotes:
                narration = narration.replace(masked[d.start:d.end], "")
            if not _LETTER.search(narration):
                speaker = last_two[0]
                for d in quotes:
                    d.speaker, d.how = speaker, "alternation"
                para_speaker = speaker
        if para_speaker:
            last_two = (last_two + [para_speaker])[-2:]
        else:
            last_two = []
        prev_para_had_dialogue = True
        last = quotes[-1]
        continues = last.speaker if last.end == pend and _left_open(masked, last) else None
