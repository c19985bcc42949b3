"""The ``promises suggest`` detectors: each is ``(book) -> iterable of Candidate``.

One module per family: ``vows`` (vow), ``foreshadowing`` (prophecy, dream, warning),
``questions`` (question, mystery-question), ``plans`` (intent, appointment) and ``things``
(object, canon-once, secret, unexplained). See docs/promises-suggest.md for the table of
detectors, what each fires on, its confidence and its measured precision. An LLM-based detector
plugs in as one more entry of ``DETECTORS``.
"""

from __future__ import annotations

from typing import Callable, Iterable

from novelforge.ledger.book import Book, Candidate
from novelforge.ledger.detectors.foreshadowing import detect_dreams, detect_prophecy, detect_warnings
from novelforge.ledger.detectors.plans import detect_appointments, detect_intent
from novelforge.ledger.detectors.questions import detect_mystery_questions, detect_questions
from novelforge.ledger.detectors.things import detect_canon_once, detect_objects, detect_secrets, detect_unexplained
from novelforge.ledger.detectors.vows import detect_vows

Detector = Callable[[Book], Iterable[Candidate]]
DETECTORS: dict[str, Detector] = {
    "vow": detect_vows,
    "prophecy": detect_prophecy,
    "dream": detect_dreams,
    "question": detect_questions,
    "mystery-question": detect_mystery_questions,
    "object": detect_objects,
    "canon-once": detect_canon_once,
    "intent": detect_intent,
    "warning": detect_warnings,
    "secret": detect_secrets,
    "appointment": detect_appointments,
    "unexplained": detect_unexplained,
}
