"""What every ``promises suggest`` detector works on: candidates, content words, and the book
(scenes in reading order, where each word occurs, and the story units scenes belong to)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Mapping

from novelforge.project.models import Project, Scene
from novelforge.text.index import TextIndex
from novelforge.text.lexicon import STOPWORDS
from novelforge.text.slug import slug

KINDS = ("promise", "question", "clue", "mystery", "foreshadowing")


@dataclass
class Candidate:
    id: str
    kind: str              # promise | question | clue | mystery | foreshadowing
    confidence: float      # 0–1
    detector: str
    scene: str
    path: str
    line: int
    column: int
    excerpt: str
    description: str
    keywords: list[str] = field(default_factory=list)
    order: int = 0         # scene index in reading order

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class PayoffSuggestion:
    promise: str
    scene: str
    path: str
    line: int
    column: int
    excerpt: str
    score: float           # share of the promise's keywords found in the scene

    def to_dict(self) -> dict:
        return asdict(self)


# ----------------------------------------------------------------------------- words

_WORD = re.compile(r"[A-Za-z][a-z’'\-]*[a-z]|[A-Za-z]")


def _norm(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("es") and w[-3] in "sxz":
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def scene_words(scene: Scene, memo: dict[str, str] | None = None) -> tuple[str, ...]:
    """The distinct normalised words of a scene's prose (:func:`_norm` of every word, stopwords
    and short words included), in no particular order: what :class:`Book` indexes for each
    scene (it only lists, per word, the scenes that have it, in reading order). A pure
    function of the scene's text, so the session keeps it in the analysis cache
    (:meth:`novelforge.analysis.Session.summaries`). ``memo`` (raw word → normalised) is
    shared between the scenes of one book: each distinct word is normalised once."""
    memo = {} if memo is None else memo
    raw = set(_WORD.findall(scene.text, scene.body_start))
    for w in raw.difference(memo):
        memo[w] = _norm(w)
    return tuple({memo[w] for w in raw})


def is_scene_words(value) -> bool:
    """The shape of a cached :func:`scene_words`."""
    return isinstance(value, tuple) and all(isinstance(w, str) for w in value)


def content_words(text: str) -> list[str]:
    """Lower-case, singular content words of ``text`` (no stopwords, at least 4 letters)."""
    out: list[str] = []
    for m in _WORD.finditer(text):
        w = _norm(m.group(0))
        if len(w) >= 4 and w not in STOPWORDS:
            out.append(w)
    return out


# ----------------------------------------------------------------------------- scans
# the patterns detectors scan over every scene's prose: name → (pattern, over the lower-case
# text?, words one of which the text must hold for the pattern to match at all). Their
# matches are a function of the scene's text alone, kept per scene in the analysis cache
# (:func:`scene_hits`), so a listing after an edit scans the edited scene only
SCANS: dict[str, tuple[re.Pattern[str], bool, tuple[str, ...]]] = {}


def scanned(name: str, pattern: re.Pattern[str], *, lower: bool = True, needs: tuple[str, ...] = ()) -> str:
    """Register ``pattern`` to be scanned over each scene's prose (``Book.lower``'s text, or
    with ``lower=False`` the scene's own), from where the prose starts; the name to give
    :meth:`Book.scan`. ``needs``: plain words the pattern cannot match without."""
    SCANS[name] = (pattern, lower, needs)
    return name


def _lowered(text: str) -> str:
    """``text`` in lower case, offset for offset (a character whose lower case is longer,
    "İ", is kept as it is)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    return low


def scene_hits(scene: Scene, lower: str | None = None) -> dict[str, tuple[tuple[int, ...], ...]]:
    """Every :data:`SCANS` pattern's matches in the scene's prose: per match, the start and
    end of the match and of each group (-1 for a group that took no part), as ``re`` gives them."""
    found: dict[str, list[re.Match[str]]] = {}
    for low, names, scanner in _scanners():
        if low and lower is None:
            lower = _lowered(scene.text)
        target = lower if low else scene.text
        skip = [n for n in names if SCANS[n][2] and not any(w in target for w in SCANS[n][2])]
        found.update(scanner.scan(target, scene.body_start, skip))   # type: ignore[arg-type]
    out: dict[str, tuple[tuple[int, ...], ...]] = {}
    for name in sorted(SCANS):
        groups = range(SCANS[name][0].groups + 1)
        out[name] = tuple(tuple(x for g in groups for x in m.span(g)) for m in found[name])
    return out


_SCANNERS: tuple[tuple, list] | None = None    # (the SCANS they were built for, the scanners)


def _scanners() -> list:
    """(lower case?, names, :class:`~novelforge.text.multiscan.MultiScan`) for the
    :data:`SCANS` patterns over the lower-case text and over the scene's own, built once
    (again when a pattern is registered)."""
    global _SCANNERS
    key = tuple((name, pattern, low) for name, (pattern, low, _needs) in sorted(SCANS.items()))
    if _SCANNERS is None or _SCANNERS[0] != key:
        from novelforge.text.multiscan import MultiScan

        groups = []
        for low in (True, False):
            names = [name for name, _pattern, lw in key if lw is low]
            if names:
                groups.append((low, names, MultiScan({n: SCANS[n][0] for n in names})))
        _SCANNERS = (key, groups)
    return _SCANNERS[1]


def prepare_scans() -> None:
    """Build the scanners of :data:`SCANS` now (some 40 ms): before a second process is
    forked, so that it inherits them instead of building its own."""
    _scanners()


def is_scene_hits(value) -> bool:
    """The shape of a cached :func:`scene_hits`: the same pattern names, spans of integers."""
    return (isinstance(value, dict) and set(value) == set(SCANS)
            and all(isinstance(v, tuple) and all(isinstance(h, tuple) and all(isinstance(x, int) for x in h)
                                                 for h in v) for v in value.values()))


class Hit:
    """One match of a :data:`SCANS` pattern, from its spans: what detectors ask of an
    ``re.Match`` (``start``, ``end``, ``span``, ``group``, ``groups``, ``[]``), answered alike."""

    __slots__ = ("string", "_spans", "_names")

    def __init__(self, string: str, spans: tuple[int, ...], names: dict[str, int]) -> None:
        self.string, self._spans, self._names = string, spans, names

    def _index(self, g: int | str) -> int:
        i = self._names[g] if isinstance(g, str) else g
        if not 0 <= i < len(self._spans) // 2:
            raise IndexError("no such group")
        return i

    def span(self, g: int | str = 0) -> tuple[int, int]:
        i = self._index(g)
        return self._spans[2 * i], self._spans[2 * i + 1]

    def start(self, g: int | str = 0) -> int:
        return self.span(g)[0]

    def end(self, g: int | str = 0) -> int:
        return self.span(g)[1]

    def _one(self, g: int | str) -> str | None:
        s, e = self.span(g)
        return None if s < 0 else self.string[s:e]

    def group(self, *gs: int | str):
        if len(gs) <= 1:
            return self._one(gs[0] if gs else 0)
        return tuple(self._one(g) for g in gs)

    def __getitem__(self, g: int | str) -> str | None:
        return self._one(g)

    def groups(self, default=None) -> tuple:
        return tuple(default if (v := self._one(i)) is None else v for i in range(1, len(self._spans) // 2))


# ----------------------------------------------------------------------------- the book
class Book:
    """What every detector needs: scenes in reading order with their indexes, and for each
    content word the scenes it occurs in (first and last)."""

    def __init__(self, project: Project, indexes: dict[str, TextIndex],
                 words: Mapping[str, tuple[str, ...]] | None = None,
                 hits: Mapping[str, dict] | None = None) -> None:
        """``words`` and ``hits``: each scene's :func:`scene_words` and :func:`scene_hits` by
        path, from wherever they are kept (the session's cache); a scene missing there has
        them worked out here."""
        self._hits_in = hits
        self._hits: dict[int, dict] = {}
        self.project = project
        self.scenes: list[tuple[Scene, TextIndex]] = [
            (s, indexes[s.path]) for s in project.scenes if s.readable and s.path in indexes]
        # a word's scenes are listed once: first, last and count are read off that list
        scenes_of: defaultdict[str, list[int]] = defaultdict(list)
        memo: dict[str, str] = {}
        for order, (scene, _idx) in enumerate(self.scenes):
            found = words.get(scene.path) if words is not None else None
            for w in (found if found is not None else scene_words(scene, memo)):
                scenes_of[w].append(order)
        self._scenes_of = dict(scenes_of)
        self.first_seen: dict[str, int] = {w: seen[0] for w, seen in scenes_of.items()}
        self.last_seen: dict[str, int] = {w: seen[-1] for w, seen in scenes_of.items()}
        self.scene_count: dict[str, int] = {w: len(seen) for w, seen in scenes_of.items()}

        self._lower: list[str | None] | None = None
        self.unit_kind, self.unit = _units(self.scenes)
        self._unit_start: list[int] = []     # characters of the unit before each scene
        self._unit_len: dict[object, int] = {}
        for order, ((scene, _idx), key) in enumerate(zip(self.scenes, self.unit)):
            self._unit_start.append(self._unit_len.get(key, 0))
            self._unit_len[key] = self._unit_len.get(key, 0) + len(scene.text) - scene.body_start

    def position(self, order: int, offset: int) -> float:
        """Where ``offset`` of scene ``order`` falls in its story unit: 0 at the start, 1 at the end."""
        scene = self.scenes[order][0]
        key = self.unit[order]
        return (self._unit_start[order] + offset - scene.body_start) / max(1, self._unit_len[key])

    def lower(self, order: int) -> str:
        """Scene ``order``'s text in lower case, offset for offset: detectors match lower-case
        patterns against it (several times faster than ``re.IGNORECASE``)."""
        if self._lower is None:
            self._lower = [None] * len(self.scenes)
        low = self._lower[order]
        if low is None:
            low = self._lower[order] = _lowered(self.scenes[order][0].text)
        return low

    def scan(self, name: str, order: int) -> list[Hit]:
        """The matches of the :data:`SCANS` pattern ``name`` in scene ``order``'s prose, in
        order: ``pattern.finditer`` over its text from the body start, from the cache when
        the scene is unchanged."""
        found = self._hits.get(order)
        if found is None:
            scene = self.scenes[order][0]
            found = self._hits_in.get(scene.path) if self._hits_in is not None else None
            if found is None:
                found = scene_hits(scene, self.lower(order))
            self._hits[order] = found
        spans = found[name]
        if not spans:
            return []
        pattern, low, _needs = SCANS[name]
        string = self.lower(order) if low else self.scenes[order][0].text
        names = pattern.groupindex
        return [Hit(string, h, names) for h in spans]   # type: ignore[arg-type]

    def scenes_of(self, word: str) -> list[int]:
        return self._scenes_of.get(word, [])

    def recurs_after(self, word: str, order: int) -> bool:
        return self.last_seen.get(word, -1) > order

    def sentence(self, scene: Scene, idx: TextIndex, offset: int) -> tuple[int, int]:
        span = idx.unit_at(offset, "sentence")
        if span is None:
            return offset, min(len(scene.text), offset + 120)
        return span


def _units(scenes: list[tuple[Scene, TextIndex]]) -> tuple[str, list[object]]:
    """The story unit of each scene, and what units are: ``story`` (chapters that are separate
    stories, as in a collection of adventures), ``part`` (the parts of a novel) or ``book``.

    Chapters are separate stories when at least half of the characters named in two scenes or
    more are named in one chapter only (in a novel, characters cross chapters)."""
    chapters = [s.chapter.path if s.chapter else "" for s, _ in scenes]
    parts = [s.chapter.part if s.chapter else None for s, _ in scenes]
    seen: dict[tuple[str, str], set[int]] = {}
    for order, (_scene, idx) in enumerate(scenes):
        for mention in idx.mentions:
            for key in mention.entities:
                if key[0] == "characters":
                    seen.setdefault(key, set()).add(order)
    recurring = [orders for orders in seen.values() if len(orders) >= 2]
    local = sum(1 for orders in recurring if len({chapters[o] for o in orders}) == 1)
    if len(set(chapters)) > 1 and recurring and local >= len(recurring) / 2:
        return "story", list(chapters)
    if len(set(parts)) > 1:
        return "part", list(parts)
    return "book", [None] * len(scenes)


def _excerpt(text: str, start: int, end: int, limit: int = 200) -> str:
    s = re.sub(r"\s+", " ", text[start:end]).strip()
    s = s.replace("_", "")
    return s if len(s) <= limit else s[:limit - 1].rstrip() + "…"


def candidate_slug(*parts: str) -> str:
    """The parts of a promise candidate's id (or keyword) as one slug, cut at 60 characters."""
    return slug("-".join(p for p in parts if p), 60, fallback="candidate", whole_words=False)


def _make(book: Book, order: int, offset: int, end: int, *, kind: str, detector: str, confidence: float,
          keywords: list[str], description: str, span: tuple[int, int] | None = None) -> Candidate:
    scene, idx = book.scenes[order]
    s, e = span or book.sentence(scene, idx, offset)
    line, col = scene.position(offset)
    c = Candidate(
        id=candidate_slug(detector, scene.id, *keywords[:3]), kind=kind, confidence=round(confidence, 2),
        detector=detector, scene=scene.id, path=scene.path, line=line, column=col,
        excerpt=_excerpt(scene.text, s, e), description=description, keywords=keywords, order=order)
    # the sentence the candidate sits in (not a dataclass field: not serialised); ``suggest``
    # keeps one candidate per sentence
    c._sentence = (order, s)
    c._offset = offset
    c._text = scene.text[s:e]
    return c

