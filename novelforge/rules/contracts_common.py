"""What every contract rule shares: which scenes and which spans of prose a contract
applies to, and turning matches into findings."""

from __future__ import annotations

import re
from typing import Iterator

from novelforge.project.models import Scene
from novelforge.text.index import TextIndex

WORD_EDGE_BEFORE = r"(?<![^\W_]|[’'])"
WORD_EDGE_AFTER = r"(?![^\W_]|[’'])"


def contracts_of(ctx, *types: str) -> list[tuple[str, object]]:
    return [(cid, c) for cid, c in sorted(ctx.project.contracts.items()) if c.type in types]


def terms_regex(terms: list[str], ignore_case: bool) -> re.Pattern[str]:
    """Whole-word, longest-first alternation of literal terms; spaces match any whitespace."""
    parts = [re.escape(t).replace(r"\ ", r"\s+") for t in sorted(set(terms), key=len, reverse=True) if t]
    return re.compile(WORD_EDGE_BEFORE + "(?:" + "|".join(parts) + ")" + WORD_EDGE_AFTER,
                      re.IGNORECASE if ignore_case else 0)


def compiled(ctx, cid: str, pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return ctx.memo(("re", cid, pattern, ignore_case),
                    lambda: re.compile(pattern, re.IGNORECASE if ignore_case else 0))


def scene_in_scope(contract, scene: Scene, ctx) -> bool:
    """The contract's `pov`, `scenes` and `chapters` filters."""
    if contract.pov and scene.meta.pov not in contract.pov:
        return False
    if contract.chapters:
        chap = scene.chapter
        names = {str(chap.number), chap.id, chap.path.split("/", 1)[-1]} if chap else set()
        if not names & set(contract.chapters):
            return False
    if contract.scenes is not None:
        order = ctx.memo("scene-order", lambda: {s.id: s.index for s in ctx.project.scenes})
        lo = order.get(contract.scenes.from_, None) if contract.scenes.from_ else None
        hi = order.get(contract.scenes.to, None) if contract.scenes.to else None
        if (lo is not None and scene.index < lo) or (hi is not None and scene.index > hi):
            return False
    return True


def span_in_scope(contract, index: TextIndex, start: int) -> bool:
    """The contract's `scope` (all | narration | dialogue) and `speakers` at one offset."""
    if contract.scope == "all" and not contract.speakers:
        return True
    d = index.dialogue_at(start)
    if contract.speakers:
        return d is not None and d.speaker in contract.speakers
    if contract.scope == "dialogue":
        return d is not None
    return d is None  # narration


def matches(contract, regex: re.Pattern[str], scene: Scene, index: TextIndex, masked: str) -> Iterator[re.Match]:
    """Matches of ``regex`` in the scene's prose that fall in the contract's scope."""
    for m in regex.finditer(masked, scene.body_start):
        if m.end() > m.start() and span_in_scope(contract, index, m.start()):
            yield m


def because(contract, cid: str) -> str:
    return f": {contract.message}" if contract.message else f" (contract `{cid}`)"
