"""The rows of the ledger report: what the report computes and its renderers
(:mod:`.report`'s text, JSON and Markdown, :mod:`.html`'s page) show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novelforge.formats import PROMISES
from novelforge.ledger import Site
from novelforge.ledger.measure import BookMap

KINDS = ("promise", "question", "clue", "mystery", "foreshadowing")
STATUSES = ("open", "paid", "orphaned", "premature", "overdue")


@dataclass
class Row:
    id: str
    kind: str
    declared: bool
    description: str | None
    importance: str | None
    status: str
    setups: list[Site]
    payoffs: list[Site]
    distance: dict[str, int] | None      # setup → first payoff (or → end of book when open)
    window: str | None                   # payoff_within / max-distance, as written back
    setup_words: int | None = None       # word position of the first setup
    payoff_words: int | None = None      # word position of the first payoff

    def to_dict(self) -> dict[str, Any]:
        def site(s: Site) -> dict[str, Any]:
            return {"scene": s.scene, "path": s.path, "line": s.line, "column": s.column, "chapter": s.chapter}

        return {"id": self.id, "kind": self.kind, "declared": self.declared, "description": self.description,
                "importance": self.importance, "status": self.status,
                "setups": [site(s) for s in self.setups], "payoffs": [site(s) for s in self.payoffs],
                "distance": self.distance, "window": self.window}


@dataclass
class LedgerReport:
    title: str
    book: BookMap
    rows: list[Row] = field(default_factory=list)
    filtered: bool = False     # `--open` or `--kind` left some promises out

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.rows if r.status == s) for s in STATUSES}

    def to_dict(self) -> dict[str, Any]:
        return {"version": PROMISES["json"].version, "title": self.title,
                "book": {"words": self.book.total_words, "scenes": self.book.scenes, "chapters": self.book.chapters},
                "summary": {"total": len(self.rows), **self.counts()},
                "promises": [r.to_dict() for r in self.rows]}


def where(sites: list[Site]) -> str:
    """The first site as `path:line`, and how many more there are."""
    if not sites:
        return "—"
    s = sites[0]
    more = f" (+{len(sites) - 1})" if len(sites) > 1 else ""
    return f"{s.path.removeprefix('manuscript/')}:{s.line}{more}"  # the path names the scene


def distance_text(row: Row) -> str:
    """`12,400 w / 9 sc / 3 ch`, and `(to end)` for a promise not paid yet."""
    if row.distance is None:
        return "—"
    d = row.distance
    text = f"{d['words']:,} w / {d['scenes']} sc / {d['chapters']} ch"
    return text + (" (to end)" if not row.payoffs else "")
