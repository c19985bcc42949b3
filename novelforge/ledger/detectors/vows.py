"""``vow``: a vow or promise made in dialogue, or reported by the narrator."""

from __future__ import annotations

import re
from typing import Iterable

from novelforge.ledger.book import Book, Candidate, _excerpt, _make, content_words
from novelforge.ledger.detectors.common import lc

_VOW = re.compile(
    r"\b(?:I|we)\s+(?:do\s+|solemnly\s+|hereby\s+|will\s+|shall\s+|(?:may|can|must)\s+(?:safely\s+|solemnly\s+|faithfully\s+)?)?"
    r"(?:swear|vow|promise|pledge)\b(?P<rest>[^.!?\"”]{0,160})"
    # a promise asked for: "promise me that you will let me know", "you must promise me you will
    # never take it off" (a setup when it is asked; "didst thou not promise me…" recalls one)
    r"|\bpromise\s+me\b(?P<rest13>[^.!?\"”]{0,160})"
    r"|\bgive\s+me\s+your\s+(?:word|oath)\b(?:\s+of\s+hono(?:u)?r)?(?P<rest14>[^.!?\"”]{0,160})"
    # an oath bound on both sides: "we will bind ourselves by mighty oaths to these conditions"
    r"|\b(?:bind|bound)\s+(?:ourselves|myself|themselves|yourselves)\s+by\s+(?:\w+\s+)?oaths?\b(?P<rest16>[^.!?\"”]{0,160})"
    r"|\bone\s+day\s+(?:I|we)\s+(?:will|shall|'ll)\b(?P<rest2>[^.!?\"”]{0,160})"
    r"|\bmark\s+my\s+words?\b(?P<rest3>[^.!?\"”]{0,160})"
    r"|\bI\s+give\s+you\s+my\s+(?:word|oath)\b(?P<rest4>[^.!?\"”]{0,160})"
    r"|\bI\s+will\s+(?:never\s+rest|not\s+rest|have\s+my\s+revenge|be\s+avenged)\b(?P<rest5>[^.!?\"”]{0,160})"
    # archaic forms: "never will I rest", "nor shall I sleep till…", and an oath reported as sworn:
    # "having sworn a strong oath that I would…", "I have sworn to…"
    r"|\b(?:never|nor)\s+(?:will|shall)\s+I\s+(?:rest|sleep|cease|stay|turn\s+back|return|stint)\b(?P<rest6>[^.!?\"”]{0,160})"
    r"|\b(?:(?:I|we)\s+(?:have|had)|having)\s+sworn\s+(?:(?:a|an|mine|my|our|\w+)\s+){0,2}?(?:oath\s+)?(?:that|to)\b(?P<rest7>[^.!?\"”]{0,160})"
    # a resolve past turning back: "nought but my death shall stay me from going thither", "no rest
    # remaineth unto us till…", "I am now resolved never to put up my sword until…"
    r"|\b(?:nought|nothing)\s+but\s+(?:my\s+|our\s+)?death\s+(?:shall|will|can)\b(?P<rest10>[^.!?\"”]{0,160})"
    r"|\bno\s+rest\b(?P<rest11>[^.!?\"”]{0,40}\b(?:till|until)\b[^.!?\"”]{0,120})"
    r"|\bI\s+am\s+(?:now\s+)?(?:resolved|determined)\s+never\s+to\b(?P<rest12>[^.!?\"”]{0,160})",
    re.I)
# forms that commit by themselves, whatever follows ("never will I rest", "I have sworn to…",
# "promise me…"), and forms that ask for a promise rather than make one
_COMMITTING = ("rest6", "rest7", "rest10", "rest11", "rest12", "rest13", "rest14", "rest16")
_ASKING = ("rest13", "rest14")
# "promise me" recalls a promise when it follows "did", "have", "made you"…; it asks for one
# when what follows says what is to be promised
_RECALLED_ASK = re.compile(r"(?i)\b(?:did|didst|had|have|hast|made\s+(?:you|him|her|me|them|us))\s+(?:\w+\s+){0,2}$")
_ASKED = re.compile(r"(?i)\s*,?\s*(?:therefore\s*,?\s*)?(?:to|that|never|not|you|something|this|one\s+thing)\b")
_IT = re.compile(r"\s*it\b", re.I)
# a vow commits to something still to come; "I swear he's honest" only asserts
_FUTURE = re.compile(r"(?:\b(?:will|shall|never|one\s+day|some\s+day"
                     r"|to\s+(?:kill|find|return|avenge|come|bring|protect|keep|save|tell|be))\b|['’]ll\b)", re.I)
# "I promise you, it is nothing" asserts rather than commits: no future in what follows
_WEAK_VOW = re.compile(r"^\s*(?:you\s*)?[,!—–-]*\s*(?:you\s+)?"
                       r"(?:it\s+(?:is|was)|I\s+(?:am|was|did|do|have|had))\b", re.I)


# a vow the narrator reports: "he swore in his heart that he would not fail". In narration the
# past tense is the story's present, so this is where the vow is made; in dialogue "I swore…"
# recalls a vow made earlier (measured: a repeat of an earlier setup)
_NARRATED_VOW = lc(
    r"\b(?:he|she|they)\s+(?:had\s+)?(?:swore|sworn|vowed)\s+(?:in\s+(?:his|her|their)\s+hearts?\s+|to\s+(?:himself|herself|themselves)\s+"
    r"|(?:a|an)\s+(?:\w+\s+)?(?:oath|vow)\s+)?(?:that|to)\s+(?P<rest>[^.!?;\"”]{3,160})")


def detect_vows(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        low = book.lower(order)
        narrated = _NARRATED_VOW.finditer(low, scene.body_start) if ("swor" in low or "vowed" in low) else ()
        for m in narrated:
            if idx.in_dialogue(m.start()):
                continue
            words = content_words(text[m.start("rest"):m.end("rest")])
            if not words:
                continue
            yield _make(book, order, m.start(), m.end(), kind="promise", detector="vow", confidence=0.72,
                        keywords=words[:4], description=f"Vow: {_excerpt(text, m.start(), m.end(), 120)}")
        for d in idx.dialogue:
            chunk = text[d.start:d.end]
            if len(chunk) < 12:
                continue
            for m in _VOW.finditer(chunk):
                rest = next((g for g in m.groups() if g is not None), "")
                asking = any(m.group(g) is not None for g in _ASKING)
                if asking and (
                        _RECALLED_ASK.search(chunk, max(0, m.start() - 30), m.start())
                        or not _ASKED.match(rest)):
                    continue
                if _WEAK_VOW.match(rest):
                    continue
                # "I swear it!": an oath on what was just asked, which the words before say
                sworn_it = m.group("rest") is not None and _IT.match(rest) is not None
                words = [] if sworn_it else content_words(rest)
                off = d.start + m.start()
                span = None
                if not words and (asking or sworn_it or m.group("rest6") is not None):
                    # "till that be done never will I rest": the object comes before the vow, in
                    # its sentence; "I swear it!" answers what the sentence before asked. The
                    # keywords come from the sentence the excerpt quotes (so from the one before
                    # only when the excerpt starts there)
                    start, end = book.sentence(scene, idx, off)
                    words = [] if sworn_it else content_words(text[start:off])
                    if not words:
                        prev = _sentence_before(book, scene, idx, start)
                        if prev is not None:
                            words = content_words(text[prev:start])
                            span = (prev, end)
                if not words:
                    continue
                future = (bool(_FUTURE.search(rest)) or m.group(0).lower().startswith(("one day", "mark my"))
                          or sworn_it or any(m.group(g) is not None for g in _COMMITTING))
                if not future:
                    continue
                conf = 0.72
                if len(words) >= 2:
                    conf += 0.06
                yield _make(book, order, off, off + len(m.group(0)), kind="promise", detector="vow",
                            confidence=conf, keywords=words[:4], span=span,
                            description=f"Vow: {_excerpt(chunk, m.start(), m.end(), 120)}")


def _sentence_before(book: Book, scene, idx, start: int) -> int | None:
    """The start of the sentence before the one at ``start`` (in the scene's body), or None."""
    at = start - 1
    text = scene.text
    while at > scene.body_start and (text[at].isspace() or text[at] in "\"“”'‘’"):
        at -= 1
    if at <= scene.body_start:
        return None
    prev, _end = book.sentence(scene, idx, at)
    return prev if prev < start else None
