"""``intent`` and ``appointment``: plans, meetings and deadlines."""

from __future__ import annotations

import re
from typing import Iterable

from novelforge.ledger.book import Book, Candidate, _excerpt, _make, content_words, scanned
from novelforge.ledger.detectors.common import lc, rare_later

# a plan or resolve in the first person: "I mean to find him", "to-morrow we shall start"
_INTENT = lc(
    r"\b(?:I|we)\s+(?:mean|intend|am\s+determined|are\s+determined|have\s+(?:quite\s+)?(?:resolved|determined|decided|made\s+up\s+(?:my|our)\s+minds?)|resolved|determined)"
    r"\s+to\s+(?P<r1>[^.!?;\"”]{3,140})"
    r"|\b(?:to-?morrow|to-?night|to-?day)\s*,?\s*(?:I|we)\s+(?:shall|will|must)\s+(?P<r2>[^.!?;\"”]{3,140})"
    r"|\b(?:I|we)\s+(?:shall|will|must)\s+(?:\w+\s+){0,6}?(?:to-?morrow|to-?night)\b(?P<r3>[^.!?;\"”]{0,120})"
    r"|\b(?:I|we)\s+(?:shall|will|must)\s+(?:find\s+out|discover|get\s+to\s+the\s+bottom|learn\s+the\s+truth|unravel|track\s+down|hunt\s+down|lay\s+(?:him|her|them)\s+by\s+the\s+heels)\b(?P<r4>[^.!?;\"”]{0,140})"
    r"|\bour\s+plan\b(?P<r5>[^.!?;\"”]{0,140})"
    r"|\b(?:I|we)\s+(?:shall|will|must|['’]ll)\s+(?:(?:have\s+to|try\s+to|soon|certainly|not\s+fail\s+to)\s+)?(?P<verb>go|see|find|call|write|ask|return|come|wait|watch|set\s+out|start|leave|question|examine|send|meet|follow|visit|speak)\b(?P<r6>[^.!?;\"”]{3,140})"
    r"|\blet\s+us\s+(?:go|see|find|wait|watch|ask|examine|follow)\b(?P<r7>[^.!?;\"”]{3,140})")
INTENT = scanned("intent", _INTENT)
_INTENT_WEAK = re.compile(r"^\s*(?:be|say|do\s+(?:so|it|nothing)|go\s+to\s+bed|sleep|rest|dine"
                          r"|have\s+(?:some|a)\s+)", re.I)


def detect_intent(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        for m in book.scan(INTENT, order):
            rest = next((g for g in m.groups() if g is not None), "")
            if _INTENT_WEAK.match(rest):
                continue
            words = content_words(rest)
            rare, later = rare_later(book, words, order)
            if not rare or not later:
                continue   # a plan whose object never comes up again is talk, not a setup
            conf = 0.5 + min(0.12, 0.04 * later)
            if m.group("verb") or m.group("r7") is not None:
                conf -= 0.08   # an everyday plan ("I shall go and see") is weaker than a resolve
            if idx.in_dialogue(m.start()):
                conf -= 0.06   # said aloud, a plan is mostly talk; written in a diary or thought, it is carried out
            yield _make(book, order, m.start(), m.end(), kind="promise", detector="intent",
                        confidence=conf, keywords=rare[:4],
                        description=f"Plan: {_excerpt(text, m.start(), m.end(), 120)}")


# an appointment or a deadline: "at midnight", "in a week", "by Friday", "at eleven to-morrow"
_WHEN = (r"(?:at\s+midnight"
         r"|at\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)(?:\s+o['’]clock)?"
         r"|in\s+a\s+(?:week|fortnight|month)|within\s+(?:a|the|three|two|twenty-four|forty-eight|\w+)\s+(?:days?|hours?|weeks?)"
         r"|by\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|to-?morrow|to-?night)"
         r"|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|next\s+(?:week|monday|tuesday|wednesday|thursday|friday|saturday|sunday))")
_APPOINT = lc(
    r"\b(?:I|we|you|he|she|they)\s+(?:shall|will|must|are\s+to|is\s+to|am\s+to)\s+(?:\w+\s+){0,8}?" + _WHEN + r"\b"
    r"|\b" + _WHEN + r"\s*,?\s+(?:I|we|you|he|she|they)\s+(?:shall|will|must|are\s+to|is\s+to)\b"
    r"|\b(?:an\s+appointment|a\s+rendezvous|an\s+assignation)\b"
    # a deadline given: "she shall have a month to choose", "twenty-nine days are given you"
    r"|\b(?:shall|will|must)\s+have\s+(?:a|one|two|three|four|five|six|seven|ten|\w+-\w+)\s+(?:clear\s+)?(?:days?|weeks?|months?|years?)\s+(?:to|in\s+which)\b"
    r"|\b(?:days?|weeks?|months?|hours?)\s+(?:are|is)\s+given\b")
APPOINT = scanned("appointment", _APPOINT)

# "appointment" as a post or office
_POST = re.compile(r"(?i)\b(?:obtained|received|procured|got|given|offered|secured|accepted"
                   r"|made)\s+(?:\w+\s+){0,3}?an\s+appointment\b(?!\s+(?:with|to\s+see"
                   r"|for\s+(?:to-?morrow|the\s+next)))"
                   r"|\ban\s+appointment\s+(?:as|in\s+the|on\s+the\s+(?:staff|headquarters))\b")


def detect_appointments(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        if order == len(book.scenes) - 1:
            continue
        text = scene.text
        for m in book.scan(APPOINT, order):
            if _POST.search(text, max(0, m.start() - 40), m.end() + 12):
                continue   # "obtained an appointment as Gentleman of the Bedchamber": a post, not a meeting
            s, e = book.sentence(scene, idx, m.start())
            words = content_words(text[s:e])
            rare, later = rare_later(book, words, order)
            if not rare or not later:
                continue
            conf = 0.5 + min(0.1, 0.03 * later) + (0.03 if idx.in_dialogue(m.start()) else 0)
            yield _make(book, order, m.start(), m.end(), kind="promise", detector="appointment",
                        confidence=conf, keywords=rare[:4], span=(s, e),
                        description=f"Appointment: {_excerpt(text, s, e, 120)}")
