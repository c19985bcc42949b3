"""The promise/payoff ledger: where each declared promise is planted and paid."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novelforge.project.models import Project
from novelforge.text.index import TextIndex


@dataclass
class Site:
    scene: str
    path: str
    line: int
    column: int
    chapter: int
    order: int


@dataclass
class LedgerEntry:
    id: str
    declared: bool
    kind: str = "promise"
    description: str | None = None
    setups: list[Site] = field(default_factory=list)
    payoffs: list[Site] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.setups and self.payoffs:
            return "orphaned"
        if self.setups and self.payoffs:
            if min((p.order, p.line, p.column) for p in self.payoffs) < min(
                    (s.order, s.line, s.column) for s in self.setups):
                return "premature"
            return "paid"
        return "open"


def build_ledger(project: Project, indexes: dict[str, TextIndex]) -> dict[str, LedgerEntry]:
    """Every promise id, declared or only used, with its setup and payoff sites.

    A site comes from front matter (`setups:`/`payoffs:`) or an inline marker
    (`<!-- setup: id -->`); a marker pins the exact line and wins over the front matter.
    """
    entries: dict[str, LedgerEntry] = {
        pid: LedgerEntry(pid, True, p.model.kind, p.model.description) for pid, p in project.promises.items()
    }
    for scene in project.scenes:
        chapter = scene.chapter.number if scene.chapter else 0
        idx = indexes.get(scene.path)
        pinned: set[tuple[str, str]] = set()
        if idx is not None:
            for m in idx.markers:
                line, col = scene.position(m.start)
                entry = entries.setdefault(m.id, LedgerEntry(m.id, False))
                (entry.setups if m.kind == "setup" else entry.payoffs).append(
                    Site(scene.id, scene.path, line, col, chapter, scene.index))
                pinned.add((m.kind, m.id))
        for kind, ids in (("setup", scene.meta.setups), ("payoff", scene.meta.payoffs)):
            for i, pid in enumerate(ids):
                if (kind, pid) in pinned:
                    continue
                line, col = scene.meta_position("setups" if kind == "setup" else "payoffs", i)
                entry = entries.setdefault(pid, LedgerEntry(pid, False))
                (entry.setups if kind == "setup" else entry.payoffs).append(
                    Site(scene.id, scene.path, line, col, chapter, scene.index))
    return dict(sorted(entries.items()))


def summarize(project: Project, indexes: dict[str, TextIndex]) -> dict[str, Any]:
    ledger = build_ledger(project, indexes)
    statuses = [e.status for e in ledger.values()]
    return {
        "total": len(ledger),
        "declared": sum(1 for e in ledger.values() if e.declared),
        "paid": statuses.count("paid"),
        "open": statuses.count("open"),
        "orphaned": statuses.count("orphaned"),
        "premature": statuses.count("premature"),
        "open_ids": [e.id for e in ledger.values() if e.status == "open"],
    }
