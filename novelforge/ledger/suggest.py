"""Candidate setups found in the prose, without an LLM (``novelforge promises suggest``).

Each detector is a small function ``(book) -> iterable of Candidate`` (the ``detectors``
package; the ``Book`` they read is in ``book.py``); ``suggest`` runs them all, drops what is
already declared or rejected and maxims, lowers candidates that sit in the last quarter of a
story (where a collection's story explains itself), and sorts by confidence. An LLM-based detector plugs in by
being one more function of the same shape (see ``DETECTORS``).

Detectors (see docs/promises-suggest.md):

* ``vow`` – a vow or promise in dialogue: "I swear…", "I promise…", "I vow", "one day I will…",
  "mark my words", "I give you my word".
* ``prophecy`` – prophecy and foreshadowing language: "it is foretold", "prophecy", "would come
  to regret", "little did", "had she known", "was never to see … again".
* ``dream`` – a dream told as such ("she dreamed that…", "a dream of the night stood by my bed"),
  the first of each chapter.
* ``question`` – a question a character asks whose key words never recur in a later scene
  (rhetorical, self-answered and listener-directed questions skipped).
* ``object`` – a concrete thing introduced with emphasis ("a locked box", "the hidden key",
  an italic word) whose noun never recurs in a later scene (a Chekhov object).
* ``canon-once`` – a canon item (not a character) that appears in only one scene.
* ``character-once`` – a canon character named in one scene only.
* ``intent``, ``warning``, ``secret``, ``appointment``, ``unexplained``, ``mystery-question`` –
  plans, warnings, secrets, appointments, unexplained things and questions answered only much
  later (see the docs for the patterns).
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Mapping

from novelforge.ledger.book import _WORD, Book, Candidate, PayoffSuggestion, _excerpt, _norm, content_words
from novelforge.ledger.detectors import DETECTORS, Detector
from novelforge.project.models import Project
from novelforge.text.index import TextIndex

# in a collection of stories, the last quarter of each story is its solution: what is named
# there is mostly paid off, not set up
LATE_IN_STORY = 0.75
LATE_PENALTY = 0.25


# a maxim states what is generally true ("as a rule", "the more … the less", "is often",
# "almost invariably"): it promises nothing about this story
_MAXIM = re.compile(
    r"\bas\s+a\s+rule\b|\bthe\s+more\s+[\w\s,]{1,40}?\bthe\s+(?:more|less)\b"
    r"|\b(?:is|are)\s+(?:often|always|usually|generally|invariably|almost\s+(?:always|invariably)|seldom|commonly)\b"
    r"|\bit\s+is\s+the\s+easiest\s+thing\b|\bwhere\s+there\s+is\s+no\b", re.I)


def _is_maxim(c: Candidate) -> bool:
    """A maxim, unless a vow or an appointment (which commit to something whatever else the
    sentence says: "since where there is affection… I will not be in a hurry")."""
    return c.detector not in ("vow", "appointment") and bool(_MAXIM.search(getattr(c, "_text", "")))


def _rank(book: Book, c: Candidate) -> None:
    """Adjust a detector's confidence for where the candidate sits in its story."""
    offset = getattr(c, "_offset", None)
    if offset is None:
        return
    if book.unit_kind == "story" and book.position(c.order, offset) >= LATE_IN_STORY:
        c.confidence = round(max(0.0, c.confidence - LATE_PENALTY), 2)


def suggest(project: Project, indexes: dict[str, TextIndex], *, rejected: Iterable[str] = (),
            detectors: dict[str, Detector] | None = None,
            words: Mapping[str, tuple[str, ...]] | None = None,
            hits: Mapping[str, dict] | None = None) -> list[Candidate]:
    """Every candidate setup in the prose, most confident first.

    Candidates whose id is declared in the ledger or listed in ``rejected`` are left out,
    and so are candidates a declared promise already tracks (:func:`tracked`); ids are
    stable slugs of the detector, scene and key words (``vow-03-the-oath-kill-count``).
    ``words`` and ``hits``: each scene's :func:`~novelforge.ledger.book.scene_words` and
    :func:`~novelforge.ledger.book.scene_hits` by path, when the caller keeps them (the
    analysis cache); else they are worked out.
    """
    book = Book(project, indexes, words, hits)
    skip = set(rejected) | set(project.promises)
    is_tracked = tracked(project, book)
    out: list[Candidate] = []
    ids: dict[str, int] = {}
    for found in _detect(book, detectors or DETECTORS):
        for c in found:
            n = ids.get(c.id, 0) + 1
            ids[c.id] = n
            if n > 1:
                c.id = f"{c.id}-{n}"
            if c.id not in skip and not _is_maxim(c) and not is_tracked(c):
                _rank(book, c)
                out.append(c)
    out.sort(key=lambda c: (-c.confidence, c.order, c.line, c.id))
    # one candidate per sentence across all detectors: the most confident (first after the sort)
    taken: set = set()
    kept: list[Candidate] = []
    for c in out:
        key = getattr(c, "_sentence", None) or (c.order, c.line)
        if key in taken:
            continue
        taken.add(key)
        kept.append(c)
    return kept


# the detectors a forked worker runs while this process runs the others: the vow detector
# (some 45% of the detectors' time on War and Peace) and the light ones, against the
# questions, warnings and objects (a balance measured there, not a rule: any split gives the
# same candidates)
_WORKER_SHARE = frozenset({"vow", "canon-once", "intent", "secret", "appointment", "prophecy"})


def _detect(book: Book, detectors: dict[str, Detector]) -> list[list[Candidate]]:
    """Each detector's candidates, in the order of ``detectors``; for a long book, some of
    the detectors run in a second process (:func:`~novelforge.analysis.parallel.beside`)."""
    from novelforge.analysis.parallel import PARALLEL_MIN_SCENES, beside

    theirs = [n for n in detectors if n in _WORKER_SHARE]
    if len(book.scenes) < PARALLEL_MIN_SCENES or not theirs or len(theirs) == len(detectors):
        return [list(detector(book)) for detector in detectors.values()]
    mine = [n for n in detectors if n not in _WORKER_SHARE]
    other, ours = beside(lambda: [list(detectors[n](book)) for n in theirs],
                         lambda: [list(detectors[n](book)) for n in mine])
    found = dict(zip(theirs, other)) | dict(zip(mine, ours))  # type: ignore[arg-type]
    return [found[n] for n in detectors]


# a candidate whose paragraph shares this many content words with a promise set up in its scene: the same promise
TRACKED_OVERLAP = 3


def tracked(project: Project, book: Book):
    """A test ``(candidate) -> bool``: does a declared promise already track it? One does
    when it is set up in the candidate's scene and the candidate sits in the paragraph its
    ``<!-- setup -->`` marker stands above, or the candidate's paragraph shares
    :data:`TRACKED_OVERLAP` content words with the promise's keywords, name, description
    and id (the vow two paragraphs below the marker of the promise that describes it)."""
    promises = project.promises
    if not promises:
        return lambda c: False
    terms = {pid: set(content_words(" ".join(filter(None, [" ".join(p.model.keywords), p.model.name,
                                                            p.model.description, pid.replace("-", " ")]))))
             for pid, p in promises.items()}
    by_scene: dict[int, tuple[list[tuple[int, int]], list[str]]] = {}
    for order, (scene, idx) in enumerate(book.scenes):
        marked, ids = [], []
        for m in idx.markers:
            if m.kind == "setup" and m.id in promises:
                ids.append(m.id)
                para = next((p for p in idx.paragraphs if p[1] > m.start), None)
                if para is not None:
                    marked.append(para)
        ids += [pid for pid in scene.meta.setups if pid in promises]
        if ids:
            by_scene[order] = (marked, list(dict.fromkeys(ids)))

    def is_tracked(c: Candidate) -> bool:
        found = by_scene.get(c.order)
        offset = getattr(c, "_offset", None)
        if found is None or offset is None:
            return False
        marked, ids = found
        if any(s <= offset < e for s, e in marked):
            return True
        scene, idx = book.scenes[c.order]
        para = next(((s, e) for s, e in idx.paragraphs if s <= offset < e), None)
        words = set(content_words(scene.text[para[0]:para[1]] if para else getattr(c, "_text", "")))
        return any(len(words & terms[pid]) >= TRACKED_OVERLAP for pid in ids)
    return is_tracked


# a payoff scene must cover this share of the promise's terms, weighted by rarity
PAYOFF_MIN_SCORE = 0.4


def suggest_payoffs(project: Project, indexes: dict[str, TextIndex], promise_id: str,
                    limit: int = 10) -> list[PayoffSuggestion]:
    """Later scenes that mention the declared promise's key terms, best first.

    The terms are the promise's ``keywords``, else the content words of its description, name
    and id; words the book never uses are left out. Each term weighs more the fewer scenes name
    it (a heroine's name, in every scene, says little about which one pays her promise); a
    scene's score is the weighted share of the terms it names, and it needs at least two of them
    (one, when there is one). The excerpt is the sentence that names the most terms.
    """
    from novelforge.ledger import build_ledger

    promise = project.promises.get(promise_id)
    if promise is None:
        from novelforge.errors import UsageError

        raise UsageError(f"`{promise_id}` is not a declared promise")
    model = promise.model
    book = Book(project, indexes)
    n = len(book.scenes)
    terms = [_norm(k) for k in model.keywords] or content_words(
        " ".join(filter(None, [model.description, model.name, promise_id.replace("-", " ")])))
    # a word the book never uses ("parentage" in the id) can find nothing and would only dilute
    terms = [t for t in dict.fromkeys(terms) if book.scene_count.get(t, 0)]
    if not terms:
        return []
    weight = {t: 1.0 + math.log((n + 1) / (book.scene_count.get(t, 0) + 1)) for t in terms}
    total = sum(weight.values())
    needed = min(2, len(terms))
    entry = build_ledger(project, indexes).get(promise_id)
    after = min((s.order for s in entry.setups), default=-1) if entry else -1
    out: list[tuple[PayoffSuggestion, int]] = []
    for order, (scene, idx) in enumerate(book.scenes):
        if scene.index <= after:
            continue
        body = scene.text
        hits: dict[str, list[int]] = {}
        for m in _WORD.finditer(body, scene.body_start):
            w = _norm(m.group(0))
            if w in weight:
                hits.setdefault(w, []).append(m.start())
        score = sum(weight[t] for t in hits) / total
        if len(hits) < needed or score < PAYOFF_MIN_SCORE:
            continue
        per_sentence: dict[tuple[int, int], set[str]] = {}
        for term, offsets in hits.items():
            for off in offsets:
                per_sentence.setdefault(book.sentence(scene, idx, off), set()).add(term)
        (s, e), _terms = max(per_sentence.items(), key=lambda kv: (len(kv[1]), -kv[0][0]))
        first = min(off for offsets in hits.values() for off in offsets if s <= off < e)
        line, col = scene.position(first)
        out.append((PayoffSuggestion(promise_id, scene.id, scene.path, line, col, _excerpt(body, s, e),
                                     round(score, 2)), order))
    out.sort(key=lambda po: (-po[0].score, po[1]))
    return [p for p, _order in out[:limit]]
