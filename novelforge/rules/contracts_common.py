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


class Finder:
    """A compiled contract pattern with a cheap prefilter.

    Scanning a whole book with a regular expression costs ~0.05–0.1 s per pattern in
    Python, so each pattern also carries ``needles``: lower-case literals of which at
    least one must occur for the pattern to match. A scene whose lower-cased text holds
    none of them is skipped with ``str.find`` speed; None means "always scan".
    """

    __slots__ = ("regex", "needles", "anchored")

    def __init__(self, regex: re.Pattern[str], needles: tuple[str, ...] | None, anchored: bool = False) -> None:
        self.regex = regex
        self.needles = needles
        # every match starts with one of the needles: find them, then match there
        self.anchored = anchored and needles is not None

    def finditer(self, text: str, lower: str, start: int = 0, end: int | None = None):
        end = len(text) if end is None else end
        if self.needles is not None and not any(n in lower for n in self.needles):
            return iter(())
        if self.anchored and len(lower) == len(text):
            return self._anchored(text, lower, start, end)
        return self.regex.finditer(text, start, end)

    def _anchored(self, text: str, lower: str, start: int, end: int):
        hits = []
        for needle in self.needles:  # type: ignore[union-attr]
            at = lower.find(needle, start, end)
            while at != -1:
                hits.append(at)
                at = lower.find(needle, at + 1, end)
        last = -1
        for at in sorted(set(hits)):
            if at < last:
                continue  # inside the previous match, as finditer would skip it
            m = self.regex.match(text, at, end)
            if m and m.end() > m.start():
                last = m.end()
                yield m

    def search(self, text: str, lower: str, start: int = 0, end: int | None = None):
        if self.needles is not None and not any(n in lower[start:end] for n in self.needles):
            return None
        return self.regex.search(text, start, len(text) if end is None else end)


def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Literals (lower-cased) one of which every match of ``pattern`` contains, or None
    when no useful set (each at least 3 characters) can be proven."""
    try:
        try:
            import re._parser as sre_parse  # Python 3.11+
            from re._constants import BRANCH, LITERAL, SUBPATTERN
        except ImportError:  # pragma: no cover - older Pythons
            import sre_parse  # type: ignore[no-redef]
            from sre_constants import BRANCH, LITERAL, SUBPATTERN  # type: ignore[no-redef]
        parsed = sre_parse.parse(pattern, flags)
    except Exception:
        return None

    def alternatives(items) -> list[str] | None:
        candidates: list[list[str]] = []
        run: list[str] = []
        for op, av in items:
            if op is LITERAL:
                run.append(chr(av))
                continue
            if run:
                candidates.append(["".join(run)])
                run = []
            if op is SUBPATTERN:
                inner = alternatives(list(av[-1]))
                if inner:
                    candidates.append(inner)
            elif op is BRANCH:
                merged: list[str] | None = []
                for branch in av[1]:
                    alt = alternatives(list(branch))
                    if not alt:
                        merged = None
                        break
                    merged += alt
                if merged:
                    candidates.append(merged)
            # AT (\b, ^) and anything else only end the current literal run
        if run:
            candidates.append(["".join(run)])
        if not candidates:
            return None
        return max(candidates, key=lambda c: min(len(x) for x in c))

    try:
        found = alternatives(list(parsed))
    except Exception:
        return None
    if not found or min(len(x) for x in found) < 3:
        return None
    return tuple(sorted({x.lower() for x in found}))


def terms_regex(terms: list[str], ignore_case: bool) -> Finder:
    """Whole-word, longest-first alternation of literal terms; spaces match any whitespace."""
    terms = [t for t in terms if t and t.strip()]
    parts = [re.escape(t).replace(r"\ ", r"\s+") for t in sorted(set(terms), key=len, reverse=True)]
    regex = re.compile(WORD_EDGE_BEFORE + "(?:" + "|".join(parts) + ")" + WORD_EDGE_AFTER,
                       re.IGNORECASE if ignore_case else 0)
    needles = tuple(sorted({t.split()[0].lower() for t in terms}))
    return Finder(regex, needles or None, anchored=True)


def compiled(ctx, cid: str, pattern: str, ignore_case: bool) -> Finder:
    flags = re.IGNORECASE if ignore_case else 0
    return ctx.memo(("re", cid, pattern, ignore_case),
                    lambda: Finder(re.compile(pattern, flags), required_literals(pattern, flags)))


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


def matches(contract, finder: Finder, scene: Scene, index: TextIndex, ctx) -> Iterator[re.Match]:
    """Matches in the scene's prose that fall in the contract's scope."""
    for m in finder.finditer(ctx.masked(scene), ctx.lower(scene), scene.body_start):
        if m.end() > m.start() and span_in_scope(contract, index, m.start()):
            yield m


def because(contract, cid: str) -> str:
    return f": {contract.message}" if contract.message else f" (contract `{cid}`)"
