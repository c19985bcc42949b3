"""Helpers shared by the promise rules (NF5xx): the ledger of the run, and findings that
point at a setup or payoff site (an inline marker's line, or the front-matter list item)."""

from __future__ import annotations

from novelforge.diagnostics import Diagnostic
from novelforge.ledger import LedgerEntry, Site


def ledger(ctx) -> dict[str, LedgerEntry]:
    return ctx.session.ledger()


def book(ctx):
    return ctx.session.book_map()


def at_site(ctx, site: Site, pid: str, message: str, *, help: str | None = None) -> Diagnostic:
    """A finding on the promise id at ``site`` (its span covers the id)."""
    end = None
    scene = next((s for s in ctx.project.scenes if s.path == site.path), None)
    if scene is not None:
        lines = scene.text.split("\n")
        if 0 < site.line <= len(lines):
            at = lines[site.line - 1].find(pid, site.column - 1)
            if at >= 0:
                end = (site.line, at + len(pid) + 1)
    return ctx.at_file(site.path, site.line, site.column, message, end=end, help=help,
                       scene=site.scene, entity=pid)


def where(site: Site) -> str:
    return f"`{site.scene}`"
