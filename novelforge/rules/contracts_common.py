"""What every contract rule shares: which scenes and which spans of prose a contract
applies to, and turning matches into findings."""

from __future__ import annotations

import re
from os.path import commonprefix
from typing import Iterator

from novelforge.diagnostics import Severity
from novelforge.project.models import Scene
from novelforge.text.index import TextIndex
from novelforge.text.lexicon import inflections

# A pattern an author writes can take exponential time on some text (`(a|aa)+$`): each
# search of one scene is stopped after this many seconds, and the contract is reported.
PATTERN_SECONDS = 1.0

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

    __slots__ = ("regex", "needles", "anchored", "source", "runaway")

    def __init__(self, regex, needles: tuple[str, ...] | None, anchored: bool = False,
                 source: tuple[str, tuple] | None = None) -> None:
        self.regex = regex
        self.needles = needles
        # every match starts with one of the needles: find them, then match there
        self.anchored = anchored and needles is not None
        # an author's pattern: (contract id, key path of the pattern in its file); its
        # searches are time-limited (the `regex` module's timeout) and raise RunawayPattern
        self.source = source
        self.runaway: str | None = None   # the scene where it ran out of time

    def _scan(self, method: str, *args):
        if self.source is None:
            return getattr(self.regex, method)(*args)
        if self.runaway is not None:
            raise RunawayPattern(self, None)
        try:
            found = getattr(self.regex, method)(*args, timeout=PATTERN_SECONDS)
            return list(found) if method == "finditer" else found
        except TimeoutError:
            raise RunawayPattern(self, True) from None

    def finditer(self, text: str, lower: str, start: int = 0, end: int | None = None):
        end = len(text) if end is None else end
        if self.needles is not None and not any(n in lower for n in self.needles):
            return iter(())
        if self.anchored and len(lower) == len(text):
            return self._anchored(text, lower, start, end)
        return iter(self._scan("finditer", text, start, end))

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
            m = self._scan("match", text, at, end)
            if m and m.end() > m.start():
                last = m.end()
                yield m

    def search(self, text: str, lower: str, start: int = 0, end: int | None = None):
        if self.needles is not None and not any(n in lower[start:end] for n in self.needles):
            return None
        return self._scan("search", text, start, len(text) if end is None else end)


class RunawayPattern(Exception):
    """An author's pattern ran out of time on a scene. ``first`` is True on the scene where
    it happened (which reports it); later scenes skip the contract without a word."""

    def __init__(self, finder: Finder, first: bool | None) -> None:
        super().__init__(finder.source)
        self.finder, self.first = finder, first

    def finding(self, ctx, scene: Scene):
        """The one finding about the pattern, at its place in the contracts file."""
        if not self.first:
            return None
        cid, keypath = self.finder.source  # type: ignore[misc]
        self.finder.runaway = scene.path
        doc = ctx.project.contract_docs.get(cid)
        path, (line, col) = (doc.path, doc.position(keypath)) if doc is not None else (scene.path, (1, 1))
        return ctx.at_file(path, line, col,
                           f"the pattern of contract `{cid}` took more than {PATTERN_SECONDS:g} s on `{scene.path}`, "
                           "so the contract was not checked there or in later scenes",
                           contract=cid,
                           help="simplify the pattern: a repeat inside a repeat, like `(a|aa)+` or `(\\w+\\s?)+`, "
                                "can take forever on some sentences").with_severity(Severity.ERROR)


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


def terms_regex(terms: list[str], ignore_case: bool, inflect: bool = False, possessive: bool = False) -> Finder:
    """Whole-word, longest-first alternation of literal terms; spaces match any whitespace.
    With ``inflect``, each term's regular forms match too (`motor` finds `motored`; see
    :func:`novelforge.text.lexicon.inflections`); with ``possessive``, a term followed by
    `'s` (`Mrs. Norton's`) matches, without the `'s`."""
    terms = [t for t in terms if t and t.strip()]
    if inflect:
        forms = {f for t in terms for f in inflections(t)}
    else:
        forms = set(terms)
    parts = [re.escape(t).replace(r"\ ", r"\s+") for t in sorted(forms, key=len, reverse=True)]
    after = r"(?=[’']s(?![^\W_])|" + WORD_EDGE_AFTER + ")" if possessive else WORD_EDGE_AFTER
    regex = re.compile(WORD_EDGE_BEFORE + "(?:" + "|".join(parts) + ")" + after, re.IGNORECASE if ignore_case else 0)
    needles = tuple(sorted({_stem_needle(t, inflect) for t in terms}))
    return Finder(regex, needles or None, anchored=True)


def _stem_needle(term: str, inflect: bool) -> str:
    """What every match of a term starts with, lower-cased: its first word, or with
    inflections of a one-word term the letters all its forms share (`telephon`)."""
    first = term.split()[0].lower()
    if inflect and " " not in term:
        return commonprefix([f.lower() for f in inflections(term)]) or first
    return first


def term_of(terms: list[str], found: str, ignore_case: bool) -> str | None:
    """The term a match is a form of, when it is not the term as written (`motored` →
    `motor`); None for a match of the term itself."""
    norm = (lambda s: " ".join(s.split()).lower()) if ignore_case else (lambda s: " ".join(s.split()))
    text = norm(found)
    if any(norm(t) == text for t in terms):
        return None
    return next((t for t in terms if any(norm(f) == text for f in inflections(t))), None)


def compiled(ctx, cid: str, pattern: str, ignore_case: bool, field: tuple = ("pattern",)) -> Finder:
    """An author's pattern (``field``: where it is in the contract), compiled with the
    `regex` module, whose searches can be stopped: see :class:`RunawayPattern`."""
    def make() -> Finder:
        import regex

        rx = regex.compile(pattern, (regex.IGNORECASE if ignore_case else 0) | regex.VERSION0)
        local = cid.split(".", 1)[1] if "." in cid else cid
        return Finder(rx, required_literals(pattern, re.IGNORECASE if ignore_case else 0),
                      source=(cid, (local, *field)))

    return ctx.memo(("re", cid, field, pattern, ignore_case), make)


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
