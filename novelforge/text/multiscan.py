"""Many regular expressions over one text in one pass, with the matches each would give alone.

``re`` has no literal-prefix search for a pattern that opens with ``\\b`` or with an
alternation of words: it enters its matcher at every character of the text, and tries
every branch of the alternation at every word. Eight such patterns over War and Peace
cost about 0.65 s, most of it at positions where no pattern can start.

:class:`MultiScan` finds first, in one scan, the positions where *some* pattern matches —
a zero-width lookahead of all the patterns, behind a gate of the literal prefixes every
match must start with (worked out from each pattern's parse tree: ``\\bwe\\s+shall`` can
only start with ``we`` then a space) — and then asks each pattern, at those positions
only and in order, whether it matches there, skipping the positions inside its own
previous match. That is exactly what ``pattern.finditer`` does, position by position,
so the matches are the same ``re.Match`` objects (same spans, same groups): the gate only
skips positions where no pattern can match.

A pattern the prefix reader cannot bound (one that may start with any character, uses
case-insensitive or scoped flags, back-references, or would need thousands of
prefixes) is scanned on its own with ``finditer``, as before. The parse tree comes from
``re._parser``; a Python whose parser this module does not understand scans every
pattern on its own (slower, never different).
"""

from __future__ import annotations

import re
from typing import Iterable

_LIMIT = 400          # prefixes a pattern may have before it is scanned alone
_SPACE = r"\s"        # the atom a run of white space contributes to a prefix
_BOUNDARY = r"\b"     # the atom of a word boundary (zero width)


class _Unbounded(Exception):
    """The pattern has no literal prefix the gate could use."""


def _walker():
    from re import _constants as c  # type: ignore[attr-defined]

    def space_run(op, av) -> bool:
        if op not in (c.MAX_REPEAT, c.MIN_REPEAT) or av[0] < 1:
            return False
        body = list(av[2])
        return (len(body) == 1 and body[0][0] is c.IN
                and list(body[0][1]) == [(c.CATEGORY, c.CATEGORY_SPACE)])

    def walk(items: list, i: int) -> set[tuple[tuple[str, ...], bool]]:
        """(prefix, whole) pairs for ``items[i:]``: every match of the sequence starts
        with one of the prefixes (tuples of regex atoms); ``whole`` when the prefix is all
        the sequence can match."""
        if i == len(items):
            return {((), True)}
        op, av = items[i]
        if op is c.LITERAL:
            return {((re.escape(chr(av)),) + p, whole) for p, whole in walk(items, i + 1)}
        if op is c.AT and av is c.AT_BOUNDARY:    # a word boundary is kept: the gate asks it too
            return {((_BOUNDARY,) + p, whole) for p, whole in walk(items, i + 1)}
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return walk(items, i + 1)            # zero width: the prefix is what follows
        if op is c.IN and 0 < len(av) <= 8 and all(kind is c.LITERAL for kind, _ch in av):
            # a small class of characters ("[Mm]ake"): one prefix per character
            return {((re.escape(chr(ch)),) + p, whole) for _kind, ch in av for p, whole in walk(items, i + 1)}
        if space_run(op, av):
            return {((_SPACE,), False)}
        if op is c.SUBPATTERN:
            _group, add, remove, sub = av
            if add or remove:
                return {((), False)}
            inner = walk(list(sub), 0)
        elif op is c.BRANCH:
            inner = set()
            for alternative in av[1]:
                inner |= walk(list(alternative), 0)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, body = av
            # one pass through the body (whole only when the body is all a single pass may
            # match), or none at all when the repeat may be skipped ("an?", "(?:\w+\s+)?")
            inner = {(p, whole and high == 1) for p, whole in walk(list(body), 0)}
            if low == 0:
                inner.add(((), True))
        else:
            return {((), False)}
        out: set[tuple[tuple[str, ...], bool]] = set()
        rest = None
        for prefix, whole in inner:
            if whole:
                rest = walk(items, i + 1) if rest is None else rest
                out.update((prefix + p, w) for p, w in rest)
            else:
                out.add((prefix, False))
            if len(out) > _LIMIT:
                raise _Unbounded
        return out

    return walk


def prefixes(pattern: re.Pattern[str]) -> list[tuple[str, ...]] | None:
    """The literal prefixes (as regex atoms) one of which every match of ``pattern``
    starts with, shortest first and none the extension of another; None when there is
    no such bound."""
    if pattern.flags & (re.IGNORECASE | re.LOCALE | re.VERBOSE) or not isinstance(pattern.pattern, str):
        return None
    try:
        from re import _parser  # type: ignore[attr-defined]

        tree = _parser.parse(pattern.pattern, pattern.flags)
        if tree.state.flags & (re.IGNORECASE | re.LOCALE) or tree.state.groupdict != dict(pattern.groupindex):
            return None
        found = {p for p, _whole in _walker()(list(tree), 0)}
    except (_Unbounded, ImportError, AttributeError, TypeError, ValueError, RecursionError):
        return None
    if not found or any(all(atom == _BOUNDARY for atom in p) for p in found):
        return None                      # a match may start with anything
    kept: list[tuple[str, ...]] = []
    for prefix in sorted(found, key=len):
        if not any(prefix[:len(k)] == k for k in kept):
            kept.append(prefix)
    return kept


def trie_pattern(words: Iterable[tuple[str, ...]]) -> str:
    """One alternation for the prefixes, shared atoms factored (``(?:a|b(?:e|y))``): ``re``
    tries an alternation's branches one by one, a trie's only along the first atom."""
    root: dict = {}
    for word in words:
        node = root
        for atom in word:
            node = node.setdefault(atom, {})
        node[None] = {}

    def emit(node: dict) -> str:
        if None in node:
            return ""                     # a prefix ends here: the gate is passed
        branches = [atom + emit(child) for atom, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root)


_CAPTURE = re.compile(r"\(\?P<\w+>")
_BACKREF = re.compile(r"\(\?P=|\(\?\(|\\[1-9]")


class MultiScan:
    """``{name: pattern}`` scanned together: :meth:`scan` gives each name the list of
    ``pattern.finditer(text, start)``'s matches."""

    def __init__(self, patterns: dict[str, re.Pattern[str]]) -> None:
        self.patterns = dict(patterns)
        gated: list[str] = []
        atoms: set[tuple[str, ...]] = set()
        for name, pattern in self.patterns.items():
            # the finder is one pattern without flags: one compiled with any (`re.S`, `re.M`,
            # an inline `(?s)`) would not be asked what it asks
            plain = pattern.flags & ~re.UNICODE == 0 and not _BACKREF.search(pattern.pattern)
            found = prefixes(pattern) if plain else None
            if found is not None:
                gated.append(name)
                atoms.update(found)
        self.alone = [name for name in self.patterns if name not in gated]
        self.gated = gated
        self.finder: re.Pattern[str] | None = None
        if gated:
            # named groups become plain ones: names may repeat across patterns, and the
            # lookahead only says where; each pattern's own match gives the groups
            try:
                plain = [re.compile(_CAPTURE.sub("(?:", self.patterns[n].pattern)) for n in gated]
                if any(q.groups != self.patterns[n].groups - len(self.patterns[n].groupindex)
                       for q, n in zip(plain, gated)):
                    raise re.error("a group name was not where it seemed")
                anyone = "|".join("(?:%s)" % q.pattern for q in plain)
                lead = ""
                if all(p[0] == _BOUNDARY for p in atoms):
                    # every match starts at a word boundary: asked first, outside the lookahead,
                    # it turns most positions away at once
                    lead, atoms = _BOUNDARY, {p[1:] for p in atoms}
                self.finder = re.compile("%s(?=%s)(?=%s)" % (lead, trie_pattern(atoms), anyone))
            except re.error:
                self.alone, self.gated = list(self.patterns), []

    def scan(self, text: str, start: int = 0, skip: Iterable[str] = ()) -> dict[str, list[re.Match[str]]]:
        """Each pattern's matches in ``text`` from ``start``, as ``finditer`` gives them;
        the patterns named in ``skip`` are not scanned (an empty list)."""
        skipped = set(skip)
        out: dict[str, list[re.Match[str]]] = {name: [] for name in self.patterns}
        for name in self.alone:
            if name not in skipped:
                out[name] = list(self.patterns[name].finditer(text, start))
        active = [(name, self.patterns[name].match, out[name]) for name in self.gated if name not in skipped]
        if not active or self.finder is None:
            return out
        free = dict.fromkeys((name for name, _m, _o in active), start)   # where each may match next
        for hit in self.finder.finditer(text, start):
            at = hit.start()
            for name, match, found in active:
                if at >= free[name]:
                    m = match(text, at)
                    if m is not None:
                        found.append(m)
                        free[name] = max(m.end(), at + 1)
        return out
