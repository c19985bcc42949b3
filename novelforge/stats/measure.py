"""The numbers of the dashboard that come from the manuscript as it is now: words per scene
and chapter against ``target_words``, scene status as progress, POV share, who appears in
which chapter, and the pacing of each chapter (dialogue share, mean sentence length).

Everything about the prose is read from the analysis session's text indexes (its words,
sentences, quoted speech and canon-name mentions), never from a scan of its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import get_args

from novelforge.project.models import SceneStatus

STATUSES: tuple[str, ...] = get_args(SceneStatus)       # idea, outline, draft, revised, final
# how far along a scene of each status is: a final scene is done, an idea is a fifth of the way
STATUS_WEIGHT = {status: (i + 1) / len(STATUSES) for i, status in enumerate(STATUSES)}


@dataclass
class Pacing:
    words: int = 0                 # words of the prose
    dialogue_words: int = 0        # of them inside quoted speech
    sentences: int = 0
    sentence_words: int = 0        # words of those sentences

    @property
    def dialogue_share(self) -> float:
        return self.dialogue_words / self.words if self.words else 0.0

    @property
    def mean_sentence(self) -> float:
        return self.sentence_words / self.sentences if self.sentences else 0.0

    def add(self, other: "Pacing") -> None:
        self.words += other.words
        self.dialogue_words += other.dialogue_words
        self.sentences += other.sentences
        self.sentence_words += other.sentence_words


@dataclass
class SceneStats:
    id: str
    path: str
    title: str | None
    chapter: int                   # the chapter's number (1-based)
    status: str
    pov: str | None
    target: int | None
    pacing: Pacing
    present: tuple[str, ...] = ()  # the scene's cast (front matter `characters`)

    @property
    def words(self) -> int:
        return self.pacing.words


@dataclass
class ChapterStats:
    number: int
    id: str
    title: str | None
    scenes: list[SceneStats] = field(default_factory=list)
    pacing: Pacing = field(default_factory=Pacing)

    @property
    def words(self) -> int:
        return self.pacing.words

    @property
    def target(self) -> int | None:
        """The sum of its scenes' targets, when at least one scene has one."""
        targets = [s.target for s in self.scenes if s.target is not None]
        return sum(targets) if targets else None


@dataclass
class Presence:
    """Mentions of each character per chapter (by canon name or alias, in the prose), and
    the chapters where it is in a scene's cast."""

    characters: list[tuple[str, str]]           # (id, name), most mentioned first
    mentions: dict[str, list[int]]              # id → mentions per chapter, in chapter order
    present: dict[str, list[bool]]              # id → in some scene's cast of that chapter


@dataclass
class Manuscript:
    scenes: list[SceneStats]
    chapters: list[ChapterStats]
    statuses: dict[str, dict[str, int]]         # status → {"scenes": n, "words": n}, in STATUSES order
    progress: float                             # 0..1: scenes weighted by words and status
    pov: list[tuple[str, str, int, int]]        # (id, name, scenes, words), most words first; id "" = none
    presence: Presence

    @property
    def words(self) -> int:
        return sum(s.words for s in self.scenes)

    @property
    def target(self) -> int | None:
        targets = [s.target for s in self.scenes if s.target is not None]
        return sum(targets) if targets else None


def pacing(session, scene) -> Pacing:
    """Words, words in quoted speech and sentence lengths of one scene, from its index."""
    idx = session.index(scene)
    if idx is None:
        return Pacing()
    masked = session.masked(scene)
    speech = sum(len(masked[d.start:d.end].split()) for d in idx.dialogue)
    in_sentences = sum(len(masked[a:b].split()) for a, b in idx.sentences)
    return Pacing(idx.words, min(speech, idx.words), len(idx.sentences), in_sentences)


def measure(session) -> Manuscript:
    """The manuscript's dashboard numbers (every readable scene analysed once)."""
    project = session.project
    session.analyse()
    characters = project.canon.get("characters", {})
    chapters: list[ChapterStats] = []
    by_path: dict[str, ChapterStats] = {}
    for chap in project.chapters:
        stats = ChapterStats(chap.number, chap.id, chap.title)
        chapters.append(stats)
        by_path[chap.path] = stats
    scenes: list[SceneStats] = []
    counts: dict[str, list[int]] = {cid: [0] * len(chapters) for cid in characters}
    cast: dict[str, list[bool]] = {cid: [False] * len(chapters) for cid in characters}
    position = {c.path: i for i, c in enumerate(project.chapters)}
    for scene in project.scenes:
        chap = by_path.get(scene.chapter.path) if scene.chapter is not None else None
        meta = scene.meta
        stats = SceneStats(scene.id, scene.path, meta.title, chap.number if chap else 0, meta.status, meta.pov,
                           meta.target_words, pacing(session, scene), tuple(meta.characters))
        scenes.append(stats)
        if chap is None:
            continue
        chap.scenes.append(stats)
        chap.pacing.add(stats.pacing)
        col = position[scene.chapter.path]
        for cid in meta.characters:
            if cid in cast:
                cast[cid][col] = True
        idx = session.index(scene)
        for mention in idx.mentions if idx is not None else ():
            for kind, cid in set(mention.entities):
                if kind == "characters" and cid in counts:
                    counts[cid][col] += 1
    return Manuscript(scenes, chapters, _statuses(scenes), _progress(scenes), _pov(scenes, characters),
                      _presence(characters, counts, cast))


def _statuses(scenes: list[SceneStats]) -> dict[str, dict[str, int]]:
    out = {s: {"scenes": 0, "words": 0} for s in STATUSES}
    for s in scenes:
        row = out.setdefault(s.status, {"scenes": 0, "words": 0})
        row["scenes"] += 1
        row["words"] += s.words
    return out


def _progress(scenes: list[SceneStats]) -> float:
    """Each scene counts for its target (else its words, at least one) times how far its
    status is along idea → final."""
    weights = [(max(1, s.target or s.words), STATUS_WEIGHT.get(s.status, 0.0)) for s in scenes]
    total = sum(w for w, _ in weights)
    return sum(w * done for w, done in weights) / total if total else 0.0


def _pov(scenes: list[SceneStats], characters) -> list[tuple[str, str, int, int]]:
    n: Counter = Counter()
    words: Counter = Counter()
    for s in scenes:
        key = s.pov or ""
        n[key] += 1
        words[key] += s.words
    rows = []
    for key in n:
        entity = characters.get(key)
        name = entity.name if entity is not None else (key or "(no POV)")
        rows.append((key, name, n[key], words[key]))
    return sorted(rows, key=lambda r: (-r[3], -r[2], r[0] == "", r[0]))


def _presence(characters, counts: dict[str, list[int]], cast: dict[str, list[bool]]) -> Presence:
    seen = [cid for cid in characters if sum(counts[cid]) or any(cast[cid])]
    seen.sort(key=lambda cid: (-sum(counts[cid]), cid))
    return Presence([(cid, characters[cid].name) for cid in seen], {cid: counts[cid] for cid in seen},
                    {cid: cast[cid] for cid in seen})
