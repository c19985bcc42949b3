"""``question`` and ``mystery-question``: questions characters ask that the book answers late or never."""

from __future__ import annotations

import re
from typing import Iterable

from novelforge.ledger.book import Book, Candidate, _make, content_words
from novelforge.text.index import TextIndex

_QWORD = re.compile(r"^\W*(?:but\s+|and\s+|then\s+)?(who|why|what|where|how|whose|which)\b", re.I)
_QTRIVIAL = re.compile(r"\b(?:do\s+you\s+(?:mean|think|say)|is\s+the\s+matter|are\s+you\s+doing|time\s+is\s+it|"
                       r"can\s+I\s+do|shall\s+I\s+do|have\s+you\s+done|is\s+it\s+to\s+you|do\s+you\s+want|"
                       r"is\s+that|are\s+you\s+talking|why\s+don['’]t\s+you|why\s+not|how\s+do\s+you\s+do"
                       r"|how\s+are\s+you)\b", re.I)


def _dialogue_questions(book: Book, opener: re.Pattern[str]) -> Iterable[tuple[int, int, str]]:
    """(scene order, offset, question) for each non-trivial question in dialogue that
    ``opener`` accepts, in every scene but the last (nothing can answer a question there)."""
    last = len(book.scenes) - 1
    for order, (scene, idx) in enumerate(book.scenes):
        if order == last:
            continue
        text = scene.text
        for d in idx.dialogue:
            chunk = text[d.start:d.end]
            if "?" not in chunk:
                continue
            for q in re.finditer(r"[^.!?\"“”]*\?", chunk):
                question = q.group(0).strip()
                if opener.match(question) and not _QTRIVIAL.search(question):
                    yield order, d.start + q.start() + (len(q.group(0)) - len(q.group(0).lstrip())), question


# a question that expects no answer: "who shall turn back the tide?", "who would have thought…",
# "what care I…", "what are young men to rocks and mountains?"
_RHETORICAL = re.compile(
    r"^\W*(?:but\s+|and\s+|then\s+)?(?:who\s+(?:shall|would|could|can)\s+(?:ever\s+)?(?:have\s+)?"
    r"(?:turn|think|thought|believe|believed|dream|dreamt|dreamed|say|tell|associate|suppose|supposed|imagine|imagined|guess|deny|doubt|blame|help)\b"
    r"|what\s+care\s+(?:I|we)\b|what\s+(?:\w+\s+)?shall\s+(?:we|I)\s+have\b"
    r"|what\s+(?:is|are)\s+[^?]{2,40}\s+to\s+(?:me|us|him|her|them|rocks)\b)", re.I)
# a question about the listener's own doings ("how dost thou interpret…", "hast thou enjoyed…")
# is answered by the listener at once, or is a reproach
_TO_LISTENER = re.compile(r"\b(?:dost|didst|hast|hadst|wilt|wouldst|canst|art|wast)\s+thou\b"
                          r"|\b(?:do|did|have|had|will|would|are|were|can"
                          r"|could)\s+you\b(?!\s+(?:think|suppose|know|imagine))", re.I)
def _answered_by_speaker(scene_text: str, idx: TextIndex, off: int) -> bool:
    """Whether the speaker goes on, in the same paragraph, with a statement after the question
    at ``off``: their own answer, or the point of a figure of speech ("Where in the tropics…?
    Clearly in Afghanistan."). More questions keep it open ("What has become of the cabman? How
    could one man compel another to take poison?")."""
    end = scene_text.find("?", off)
    para = idx.unit_at(off, "paragraph")
    if end < 0 or para is None:
        return False
    for d in idx.dialogue:
        if d.end <= end or d.start >= para[1]:
            continue
        rest = scene_text[max(d.start, end + 1):d.end].strip(" \n\"“”‘’—–-")
        if not rest:
            continue
        first = re.match(r"[^.!?]*[.!?]", rest)
        sentence = first.group(0) if first else rest
        return not sentence.endswith("?") and len(sentence.split()) >= 3
    return False


def detect_questions(book: Book) -> Iterable[Candidate]:
    for order, off, question in _dialogue_questions(book, _QWORD):
        if _RHETORICAL.match(question) or _TO_LISTENER.search(question):
            continue
        scene, idx = book.scenes[order]
        if _answered_by_speaker(scene.text, idx, off):
            continue
        words = [w for w in content_words(question) if book.scene_count.get(w, 0) <= max(3, len(book.scenes) // 20)]
        if len(words) < 2 or any(book.recurs_after(w, order) for w in words):
            continue
        yield _make(book, order, off, off + len(question), kind="question", detector="question",
                    confidence=0.35 + min(0.1, 0.03 * len(words)), keywords=words[:4],
                    description=f"Unanswered question: {question[:120]}",
                    span=(off, off + len(question)))


_MYSTERY_Q = re.compile(r"^\W*(?:but\s+|and\s+|then\s+)?(?:who|why|what|how|where)\b[^?]{0,120}\b(?:did|could|can|was"
                        r"|were|is|has|had|have|does|do|should|would|happened|became)\b", re.I)


def detect_mystery_questions(book: Book) -> Iterable[Candidate]:
    """A who/why/what-happened question in dialogue whose rare key words come back only much
    later (at least a quarter of the book on): the book raises it now and answers it then."""
    n = len(book.scenes)
    gap = max(3, n // 4)
    for order, off, question in _dialogue_questions(book, _MYSTERY_Q):
        words = [w for w in content_words(question) if book.scene_count.get(w, 0) <= max(6, n // 6)]
        if len(words) < 2:
            continue
        later = [next((o for o in book.scenes_of(w) if o > order), None) for w in words]
        if all(x is None for x in later):
            continue   # never answered: the `question` detector's case
        if min(x for x in later if x is not None) - order < gap:
            continue
        yield _make(book, order, off, off + len(question), kind="question", detector="mystery-question",
                    confidence=0.46 + min(0.1, 0.03 * len(words)), keywords=words[:4],
                    description=f"Question answered much later: {question[:120]}",
                    span=(off, off + len(question)))
