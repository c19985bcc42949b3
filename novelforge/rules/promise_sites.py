"""Helpers shared by the promise rules (NF5xx): the ledger of the run, and findings that
point at a setup or payoff site (an inline marker's line, or the front-matter list item)."""

from __future__ import annotations

from novelforge.diagnostics import Diagnostic
from novelforge.ledger import LedgerEntry, Site, build_ledger


class _Light:
    """The promise rules read markers and word counts only: no need to analyse a scene
    further for them (``check --changed``)."""

    def __init__(self, indexes) -> None:
        self.indexes = indexes

    def get(self, path, default=None):
        from novelforge.rules.indexing import light_index

        found = light_index(self.indexes, path)
        return default if found is None else found


def ledger(ctx) -> dict[str, LedgerEntry]:
    return ctx.memo("promise-ledger", lambda: build_ledger(ctx.project, _Light(ctx.indexes)))


def book(ctx):
    from novelforge.ledger.measure import book_map

    return ctx.memo("promise-book-map", lambda: book_map(ctx.project, _Light(ctx.indexes)))


def at_site(ctx, code: str, site: Site, pid: str, message: str, *, help: str | None = None) -> Diagnostic:
    """A finding on the promise id at ``site`` (its span covers the id)."""
    end = None
    scene = next((s for s in ctx.project.scenes if s.path == site.path), None)
    if scene is not None:
        lines = scene.text.split("\n")
        if 0 < site.line <= len(lines):
            at = lines[site.line - 1].find(pid, site.column - 1)
            if at >= 0:
                end = (site.line, at + len(pid) + 1)
    return ctx.at_file(code, site.path, site.line, site.column, message, end=end, help=help,
                       scene=site.scene, entity=pid)


def where(site: Site) -> str:
    return f"`{site.scene}`"
