"""Where promises sit in the book and how far apart: positions in words, scenes and
chapters, and the payoff windows (`payoff_within`, `promises: {max-distance}`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from novelforge.ledger import LedgerEntry, Site
from novelforge.project.models import Project
from novelforge.text.index import TextIndex
from novelforge.wording import plural

_WINDOW = re.compile(r"^\s*(\d+)\s*(words?|scenes?|chapters?)?\s*$", re.I)


def parse_window(value: str | int | None) -> tuple[int, str] | None:
    """``"5 chapters"`` → ``(5, "chapters")``; a bare number counts chapters. None when
    unset or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    m = _WINDOW.match(str(value))
    if not m:
        return None
    unit = (m.group(2) or "chapters").lower()
    return int(m.group(1)), unit if unit.endswith("s") else unit + "s"


@dataclass
class BookMap:
    """Word offset of each scene's start (by scene index), and the book's totals."""

    starts: list[int]
    words: list[int]
    total_words: int
    scenes: int
    chapters: int
    chapter_starts: list[tuple[int, int, str]]   # (chapter number, word offset, title)
    line_words: dict[str, list[int]] = field(default_factory=dict)  # scene path → words before each line

    def at(self, site: Site) -> int:
        """A site's word position in the book: its scene's start plus the words of the prose
        above its line (a front-matter site counts as the scene's start)."""
        if site.order >= len(self.starts):
            return self.total_words
        before = self.line_words.get(site.path, [])
        within = before[site.line - 1] if 0 < site.line <= len(before) else 0
        return self.starts[site.order] + min(within, self.words[site.order])


def book_map(project: Project, indexes: dict[str, TextIndex]) -> BookMap:
    starts, words, chapters = [], [], []
    line_words: dict[str, list[int]] = {}
    total = 0
    seen: set[int] = set()
    for scene in project.scenes:
        idx = indexes.get(scene.path)
        n = idx.words if idx is not None else len(scene.body.split())
        starts.append(total)
        words.append(n)
        num = scene.chapter.number if scene.chapter else 0
        if num not in seen:
            seen.add(num)
            title = (scene.chapter.title or scene.chapter.id) if scene.chapter else ""
            chapters.append((num, total, title))
        total += n
        head = scene.text.count("\n", 0, scene.body_start)
        counts, running = [], 0
        for i, line in enumerate(scene.text.split("\n")):
            counts.append(running)
            if i >= head and not line.lstrip().startswith("<!--"):
                running += len(line.split())
        line_words[scene.path] = counts
    last_chapter = max((s.chapter.number for s in project.scenes if s.chapter), default=0)
    return BookMap(starts, words, total, len(project.scenes), last_chapter, chapters, line_words)


def first(sites: list[Site]) -> Site | None:
    return min(sites, key=lambda s: (s.order, s.line, s.column)) if sites else None


def distance(book: BookMap, a: Site, b: Site) -> dict[str, int]:
    """From site ``a`` to site ``b`` in words, scenes and chapters."""
    return {"words": book.at(b) - book.at(a), "scenes": b.order - a.order, "chapters": b.chapter - a.chapter}


def to_end(book: BookMap, a: Site) -> dict[str, int]:
    """From site ``a`` to the end of the book."""
    return {"words": book.total_words - book.at(a), "scenes": book.scenes - 1 - a.order,
            "chapters": book.chapters - a.chapter}


def window_for(project: Project, entry: LedgerEntry) -> tuple[int, str] | None:
    """The promise's own `payoff_within`, else the project's `promises: {max-distance}`."""
    promise = project.promises.get(entry.id)
    own = parse_window(promise.model.payoff_within) if promise is not None else None
    return own or parse_window(project.config.promises.max_distance)


def describe(window: tuple[int, str]) -> str:
    n, unit = window
    return plural(n, unit[:-1], unit)
