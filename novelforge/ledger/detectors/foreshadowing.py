"""``prophecy``, ``dream`` and ``warning``: what the book says is to come."""

from __future__ import annotations

import re
from typing import Iterable

from novelforge.ledger.book import Book, Candidate, _excerpt, _make, candidate_slug, content_words, scanned
from novelforge.ledger.detectors.common import lc, rare_later

_PROPHECY = lc(
    r"\b(?:it\s+(?:is|has\s+been)\s+(?:foretold|written|prophesied)|(?:was|were|be)\s+foretold|foretell|prophec(?:y|ies)|prophesied"
    r"|(?:would|was\s+to|were\s+to)\s+(?:come\s+to\s+|live\s+to\s+|soon\s+)?(?:regret|rue)"
    r"|little\s+did\s+(?:he|she|they|I|we)|(?:he|she|they)\s+little\s+(?:knew|thought|guessed|suspected|foresaw)"
    r"|had\s+(?:he|she|they|I|we)\s+(?:but\s+|only\s+)?known"
    r"|(?:was|were)\s+never\s+to\s+(?:see|meet|return|come\s+back)"
    r"|(?:was|were)\s+(?:destined|doomed|fated)\s+to"
    r"|one\s+day\s+(?:he|she|they|it|this|that)\s+(?:\w+\s+){0,3}?would"
    r"|(?:an?|the)\s+(?:evil\s+|dark\s+|ill\s+)?(?:omen|portent|presentiment|foreboding)s?"
    r"|in\s+after\s+(?:days|years)|long\s+afterwards?\s+(?:he|she|I|they)\s+(?:remembered|recalled)"
    # archaic: a soothsayer's word, what is foreordained, a weird (fate) laid upon someone
    r"|soothsayers?|(?:fore|pre)ordain(?:ed|ment)"
    r"|(?:lay|lays|laid|laying|put|set)\s+(?:a|the|this|that|his|her|my|thy)\s+weird\s+(?:on|upon)|(?:the|a|this|that)\s+weird\s+(?:laid|lay|set|put)\s+(?:on|upon)"
    # a parting that the speaker feels is the last: "my heart tells me I shall never see thee more"
    r"|(?:I|we)\s+(?:shall|will)\s+never\s+see\s+(?:you|thee|him|her|them|it)\s+(?:again|more)|(?:see|behold)\s+(?:my|his|her|thy|your)\s+face\s+no\s+more"
    r"|my\s+heart\s+(?:tells|telleth|misgives|forebodes)\s+me"
    # doom foretold: "vengeance shall overtake him at the last", "shall bring sorrow and death to thee"
    r"|(?:vengeance|ruin|death|doom|destruction|sorrow|misery|retribution)\s+(?:shall|will)\s+(?:surely\s+)?(?:overtake|come\s+(?:upon|on)|fall\s+(?:upon|on)|light\s+(?:upon|on))"
    r"|(?:shall|will)\s+bring\s+(?:\w+\s+){0,3}?(?:sorrow|death|ruin|destruction|doom|misery)\s+(?:to|upon|on)"
    # a curse laid on a person or a place: "there lieth a curse on any that shall attempt it"
    r"|(?:a|my|thy|his|her|the\s+gods['’])\s+curse\s+(?:be\s+|lieth\s+|lies\s+|is\s+|was\s+)?(?:on|upon)"
    r")\b")
PROPHECY = scanned("prophecy", _PROPHECY)
_PROPHECY_STRONG = re.compile(r"foretold|prophe|destined|doomed|fated|never\s+to"
                              r"|little\s+(?:did|knew|thought|guessed|suspected|foresaw)"
                              r"|had\s+\w+\s+(?:but\s+|only\s+)?known|regret|rue"
                              r"|omen|portent|presentiment|foreboding|soothsay|ordain|weird|curse|never\s+see|no\s+more|heart"
                              r"|overtake|come\s+(?:upon|on)|fall\s+(?:upon|on)|light\s+(?:upon|on)|bring", re.I)


_NARRATOR_ONLY = re.compile(r"(?i)little|had\s|(?:he|she|they)\s+little")


def detect_prophecy(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        for m in book.scan(PROPHECY, order):
            if _NARRATOR_ONLY.match(m.group(0)) and idx.in_dialogue(m.start()):
                continue   # "had I known!" said aloud is regret, not a narrator's foreshadowing
            s, e = book.sentence(scene, idx, m.start())
            sentence = text[s:e]
            if m.group(0).lower().startswith("had") and (
                    sentence.rstrip("\"”’' ").endswith("?") or re.match(r"\s+nothing\b", text[m.end():m.end() + 9])):
                continue   # a counterfactual question or "had she known nothing of": not a hint of what is to come
            words = [w for w in content_words(sentence) if w not in content_words(m.group(0))]
            conf = 0.66 if _PROPHECY_STRONG.search(m.group(0)) else 0.5
            if not words:
                conf -= 0.2
            yield _make(book, order, m.start(), m.end(), kind="foreshadowing", detector="prophecy",
                        confidence=conf, keywords=[candidate_slug(m.group(0))] + words[:3],
                        description=f"Foreshadowing: {_excerpt(text, s, e, 120)}", span=(s, e))


# a dream or a vision told as such: "I dreamed that…", "a dream of the night stood by my bed",
# "these three nights I have dreamed a dream", "about cock-crow came a dream unto him", "my dream
# was very peculiar". In fantasy and the gothic a dream is the book's foreshadowing. Figures are
# skipped ("as in a dream", "like a dream", "never dreamed of…", "might have been an evil dream"),
# and so is a dream told again ("he told her his dream", "the dream sent me", "which in a dream I
# saw"): the setup is where the book first tells it.
_DREAM = lc(
    r"\b(?:(?:dreamed|dreamt|dreamedst)\s+(?:that|a\s+dream|last\s+night|again)\b"
    r"|\b(?:I|he|she|we|they|you|thou)\s+(?:have\s+|had\s+|hast\s+)?(?:dreamed|dreamt|dreamedst)\s+(?:a|of\s+(?:a|the|my|his|her))\b"
    r"|(?:a|my|his|her|this|that|the|thy|your|our|strange|terrible|dreadful|horrid|frightful|peculiar)\s+(?:\w+\s+)?dream\s+"
    r"(?:of\s+the\s+night|came|was\s+(?:a\s+)?(?:true|very|strange)|is\s+true|stood|in\s+which|last\s+night|about)\b"
    r"|\b(?:a|the|this|that)\s+(?:true|prophetic)\s+dream\b"
    r"|\b(?:came|comes|cometh)\s+a\s+(?:\w+\s+)?(?:dream|vision)\s+(?:unto|to|upon)\b)")
DREAM = scanned("dream", _DREAM, needs=("dream", "vision"))
_DREAM_FIGURE = re.compile(r"(?:\b(?:as|like|than|if)\s+(?:in\s+|one\s+in\s+|if\s+in\s+|talking\s+in\s+)?(?:a\s+)?"
                           r"|\b(?:never|not|little|scarce(?:ly)?|hardly)\s+(?:have\s+|had\s+)?(?:\w+\s+)?"
                           r"|\b(?:would|could|might)\s+have\s+(?:\w+\s+)?(?:an?\s+)?"
                           r"|\bfrom\s+(?:an?\s+)?(?:\w+\s+)?)$", re.I)


def detect_dreams(book: Book) -> Iterable[Candidate]:
    last = len(book.scenes) - 1
    told: set[object] = set()   # chapters that have told a dream already
    for order, (scene, idx) in enumerate(book.scenes):
        if order == last:
            continue   # nothing after it can fulfil a dream
        chapter = scene.chapter.path if scene.chapter else order
        if chapter in told:
            continue   # the rest of the chapter retells or discusses its dream
        low = book.lower(order)
        if "dream" not in low and "vision" not in low:
            continue   # every form names one or the other: a plain search is far faster than the pattern
        text = scene.text
        m = next((m for m in book.scan(DREAM, order)
                  if not _DREAM_FIGURE.search(text, max(scene.body_start, m.start() - 24), m.start())), None)
        if m is None:
            continue
        told.add(chapter)
        s, e = book.sentence(scene, idx, m.start())
        rare, later = rare_later(book, content_words(text[s:e]), order)
        conf = 0.56 + (0.04 if later else 0) + (0.04 if idx.in_dialogue(m.start()) else 0)
        yield _make(book, order, m.start(), m.end(), kind="foreshadowing", detector="dream",
                    confidence=conf, keywords=["dream"] + [w for w in rare if w != "dream"][:3], span=(s, e),
                    description=f"Dream: {_excerpt(text, s, e, 120)}")


# a warning or threat addressed to someone: "you will regret", "beware", "if you ever"
_WARNING = re.compile(
    r"\byou(?:['’]ll|\s+will|\s+shall)\s+(?:\w+\s+)?(?:regret|repent|rue|pay\s+for|suffer\s+for|be\s+sorry)"
    r"|\bbeware\b|\bI\s+warn\s+you\b|\bbe\s+on\s+your\s+guard\b|\bif\s+(?:ever\s+)?you\s+(?:ever\s+)?(?:dare|again|breathe|tell|betray|cross)\b"
    r"|\bbefore\s+it\s+is\s+too\s+late\b|\bif\s+you\s+ever\b|\b(?:take|have)\s+a\s+care\b|\byou\s+(?:shall|will)\s+(?:die|hang|pay)\b|\bmark\s+me\b"
    # distrust voiced: "I mistrust these quiet moods of his", "I do misdoubt me of the Goblins",
    # "I don't trust him"; doom told to someone's face: "to thy certain undoing"
    r"|\bI\s+(?:do\s+)?(?:misdoubt|mistrust|distrust)\b|\bI\s+(?:do\s+not|don['’]t)\s+trust\s+(?:him|her|them|that|this|it)\b"
    r"|\b(?:to|unto)\s+(?:thy|your)\s+(?:certain\s+|utter\s+|own\s+)?(?:undoing|destruction|bane|ruin)\b"
    # a challenge to a duel
    r"|\bI\s+challenge\s+(?:you|thee|him)\b",
    re.I)


def detect_warnings(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        done: set[int] = set()
        for d in idx.dialogue:
            chunk = text[d.start:d.end]
            for m in _WARNING.finditer(chunk):
                if re.match(r"(?i)beware\s+of\s+\w+ing\b", chunk[m.start():m.start() + 40]):
                    continue   # "beware of making distinctions": a maxim, not a threat
                if re.search(r"(?i)\b(?:did|if|should|would|could|might)\s+$", chunk[max(0, m.start() - 12):m.start()]):
                    continue   # "scarce might ye blame me did I misdoubt you": a supposition, not distrust
                off = d.start + m.start()
                s, e = book.sentence(scene, idx, off)
                if s in done:
                    continue   # one sentence, one warning
                done.add(s)
                words = content_words(text[s:e])
                rare, later = rare_later(book, words, order)
                if not rare:
                    continue
                said = m.group(0).lower()
                conf = 0.5 + (0.1 if later else 0) + (0.05 if "regret" in said or "beware" in said else 0)
                yield _make(book, order, off, off + len(m.group(0)), kind="foreshadowing", detector="warning",
                            confidence=conf, keywords=rare[:4], span=(s, e),
                            description=f"Warning: {_excerpt(text, s, e, 120)}")
