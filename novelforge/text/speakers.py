"""Who speaks each quotation of a scene, for every rule and command that asks (NF404,
``novelforge voices``): the text index's speaker (said-tags with a name, beats, the POV's
`I said`, a continued speech), pronoun tags resolved from the book's genders
(:mod:`novelforge.text.reference`), a paragraph's one speaker for its other quotes, and
the turns of an exchange (:mod:`novelforge.text.exchange`)."""

from __future__ import annotations

import re

from novelforge.text.exchange import fill_turns, stands_as_speech
from novelforge.text.lexicon import SPEECH_VERBS
from novelforge.text.reference import antecedent, character_of, narration_characters

_TAG_AFTER = re.compile(r"[\s,—–-]*(he|she)\s+(?:[a-z]+ly\s+)?([a-z]+)", re.I)
_TAG_INVERTED = re.compile(r"[\s,—–-]*([a-z]+)\s+(he|she)(?![\w’'])")
_TAG_BEFORE = re.compile(r"(?<![\w’'])(he|she)\s+(?:[a-z]+ly\s+)?([a-z]+)[^.!?\"“”]*[,:]\s*\Z", re.I)


def speaker_of(masked: str, index, d, book_genders, narrator: str | None = None) -> str | None:
    """Who speaks a quote: :func:`scene_speakers`' answer for it; a quote the narrator of a
    scene without `pov:` speaks (`“…,” said I`) is ``narrator``'s (the book's narrator,
    novelforge/rules/narration.py), else nobody's."""
    global _last
    if d.how == "narrator":
        return narrator
    if _last is None or _last[0] is not index or _last[1] is not book_genders or _last[2] != len(index.dialogue):
        found = scene_speakers(masked, index, book_genders)
        _last = (index, book_genders, len(index.dialogue), {id(q): s for q, s in zip(index.dialogue, found)})
    return _last[3].get(id(d), d.speaker)


_last: tuple | None = None     # the last scene's answers (the rules ask quote by quote)


def scene_speakers(masked: str, index, book_genders) -> list[str | None]:
    """Who speaks each quote of a scene (in the order of ``index.dialogue``): the index's
    speaker (said-tags with a name, beats, the POV's `I said`, a continued speech, its
    alternation), else the owner of a pronoun tag (`"…?" she asked`, `returned he`): the
    character the pronoun resolver finds before it, else the one speaker of that gender in
    the exchange; a paragraph's other quotes are its one speaker's; and in an exchange of
    two known speakers, the paragraphs nobody tags alternate between them."""
    quotes = index.dialogue
    found: list[str | None] = [q.speaker for q in quotes]
    for _round in range(2):
        for i, q in enumerate(quotes):
            if found[i] is None:
                found[i] = _pronoun_speaker(masked, index, q, book_genders, quotes, found)
        _paragraph_speakers(masked, index, quotes, found)
        fill_turns(masked, index, quotes, found, book_genders, lambda q: _tag_gender(masked, index, q))
        for i, q in enumerate(quotes):
            if q.how == "narrator":     # the narrator's own, whoever tells the book: not guessed
                found[i] = None
    return found


def _tag_gender(masked: str, index, d) -> str | None:
    """The pronoun of a quote's said-tag (`"…," she said`, `returned he`), if it has one."""
    para = index.paragraphs[d.paragraph] if d.paragraph < len(index.paragraphs) else None
    if para is None:
        return None
    later = [q.start for q in index.dialogue if d.end <= q.start < para[1]]
    nxt = later[0] if later else para[1]
    inverted = _TAG_INVERTED.match(masked, d.end, nxt)
    if inverted and inverted.group(1).lower() in SPEECH_VERBS:
        return inverted.group(2).lower()
    tag = _TAG_AFTER.match(masked, d.end, nxt)
    if tag and tag.group(2).lower() in SPEECH_VERBS:
        return tag.group(1).lower()
    return None


def _paragraph_speakers(masked: str, index, quotes, found) -> None:
    """A paragraph whose quotes name one speaker: its other quotes that stand as speech are
    that speaker's (not a word quoted in narration: `a large "E"`)."""
    by_para: dict[int, list[int]] = {}
    for i, q in enumerate(quotes):
        by_para.setdefault(q.paragraph, []).append(i)
    for idxs in by_para.values():
        known = {found[i] for i in idxs if found[i]}
        if len(known) == 1:
            (who,) = known
            for i in idxs:
                if found[i] is None and stands_as_speech(masked, index, quotes[i]):
                    found[i] = who


def _pronoun_speaker(masked: str, index, d, book_genders, quotes, found) -> str | None:
    """The owner of a pronoun tag after or before a quote, or None."""
    para = index.paragraphs[d.paragraph] if d.paragraph < len(index.paragraphs) else None
    if para is None:
        return None
    later = [q.start for q in index.dialogue if d.end <= q.start < para[1]]
    nxt = later[0] if later else para[1]
    tag = _TAG_AFTER.match(masked, d.end, nxt)
    inverted = _TAG_INVERTED.match(masked, d.end, nxt)
    if inverted and inverted.group(1).lower() in SPEECH_VERBS:     # `said he`
        gender = inverted.group(2).lower()
        owner = antecedent(masked, index, inverted.start(2), gender, book_genders) or \
            _exchange_speaker(d, gender, book_genders, quotes, found)
        return None if owner in _spoken_to(masked, index, inverted.end(), nxt) else owner
    if not (tag and tag.group(2).lower() in SPEECH_VERBS):
        tag = _TAG_BEFORE.search(masked, max(para[0], d.start - 80), d.start)
        if not (tag and tag.group(2).lower() in SPEECH_VERBS):
            return None
    gender = tag.group(1).lower()
    owner = antecedent(masked, index, tag.start(1), gender, book_genders) or \
        _exchange_speaker(d, gender, book_genders, quotes, found)
    return None if owner in _spoken_to(masked, index, tag.end(), nxt if tag.start() >= d.end else d.start) else owner


_TO = re.compile(r"[\s,]*(?:[a-z]+ly\s+)?to\s+\Z")


def _spoken_to(masked: str, index, start: int, end: int) -> set[str]:
    """Whom a tag addresses (`said she to Charlotte`): not the one speaking."""
    out = set()
    for m in narration_characters(index, start, min(end, start + 40)):
        if _TO.match(masked, start, m.start):
            out.add(character_of(m))
    return out


def _exchange_speaker(d, gender: str, book_genders, quotes, found) -> str | None:
    """The one speaker of ``gender`` in the two speeches before a quote (within four
    paragraphs), bar the speaker of the last one: the turns of an exchange alternate."""
    before = sorted({q.paragraph for q in quotes if d.paragraph - 4 <= q.paragraph < d.paragraph})[-2:]
    near = {s for q, s in zip(quotes, found) if q.paragraph in before and s}
    if before:
        near -= {s for q, s in zip(quotes, found) if q.paragraph == before[-1] and s}
    fits = {c for c in near if book_genders.get(c) == gender}
    return fits.pop() if len(fits) == 1 else None
