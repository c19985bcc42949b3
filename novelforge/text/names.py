"""The table of canon names and aliases that prose mentions are matched against."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from novelforge.text.lexicon import ARTICLES

_TOKEN = re.compile(r"[^\W\d_][\w’'\-]*")

EntityKey = tuple[str, str]  # (kind, id)


def name_tokens(name: str) -> tuple[str, ...]:
    """Tokens of a name as matched in prose: ``the Ember Queen`` → ("Ember", "Queen")."""
    toks = [t.rstrip("-") for t in _TOKEN.findall(name)]
    while toks and toks[0].lower() in ARTICLES:
        toks = toks[1:]
    return tuple(toks)


@dataclass
class NameTable:
    """Maps token tuples (``("Aria", "Vell")``) to the canon entities they name.

    A name that opens with lower-case words (`old Mr. Darcy`, `the late Mr. Darcy`) is
    found by its capitalised rest with the words before it: ``lead_in`` maps the rest
    (``("Mr", "Darcy")``) to (lower-case words, entities), longest first. A name with no
    capital at all (`my wife`) is in ``lower`` and found by :func:`lower_case_mentions`."""

    entries: dict[tuple[str, ...], tuple[EntityKey, ...]] = field(default_factory=dict)
    first_tokens: frozenset[str] = frozenset()
    max_len: int = 1
    fingerprint: str = ""
    lead_in: dict[tuple[str, ...], tuple[tuple[tuple[str, ...], tuple[EntityKey, ...]], ...]] = field(
        default_factory=dict)
    lower: dict[tuple[str, ...], tuple[EntityKey, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, named: list[tuple[EntityKey, list[str]]]) -> "NameTable":
        entries: dict[tuple[str, ...], list[EntityKey]] = {}
        for key, names in named:
            for name in names:
                toks = name_tokens(name)
                if not toks:
                    continue
                bucket = entries.setdefault(toks, [])
                if key not in bucket:
                    bucket.append(key)
        frozen = {k: tuple(v) for k, v in sorted(entries.items()) if k[0][:1].isupper() or not k[0][:1].isalpha()}
        lead: dict[tuple[str, ...], list] = {}
        lower: dict[tuple[str, ...], tuple[EntityKey, ...]] = {}
        for toks, keys in sorted(entries.items()):
            if toks in frozen:
                continue
            cut = next((i for i, t in enumerate(toks) if t[:1].isupper()), len(toks))
            if cut == len(toks):
                lower[tuple(t.lower() for t in toks)] = tuple(keys)
            else:
                lead.setdefault(toks[cut:], []).append((tuple(t.lower() for t in toks[:cut]), tuple(keys)))
        lead_in = {k: tuple(sorted(v, key=lambda x: -len(x[0]))) for k, v in sorted(lead.items())}
        digest = hashlib.blake2b(repr((sorted(frozen.items()), sorted(lead_in.items()), sorted(lower.items())))
                                 .encode(), digest_size=12).hexdigest()
        return cls(
            entries=frozen,
            first_tokens=frozenset(k[0] for k in [*frozen, *lead_in]),
            max_len=max((len(k) for k in [*frozen, *lead_in]), default=1),
            fingerprint=digest,
            lead_in=lead_in,
            lower=lower,
        )


def lead_in_start(masked: str, start: int, options) -> tuple[int, tuple[EntityKey, ...]] | None:
    """Where a name with lower-case words before its capitals begins (`old Mr. Darcy`:
    ``start`` is at `Mr.`), and whom it names: the longest of ``options`` (lower-case words,
    entities) whose words stand right before ``start``, in any case (`Old Mr. Darcy`)."""
    at = start
    words: list[tuple[str, int]] = []
    longest = max(len(head) for head, _ in options)
    while len(words) < longest:
        m = _WORD_BEFORE.search(masked, max(0, at - 40), at)
        if not m:
            break
        words.append((m.group(1).lower(), m.start(1)))
        at = m.start(1)
    for head, keys in options:
        n = len(head)
        if len(words) >= n and tuple(w for w, _ in reversed(words[:n])) == head:
            return words[n - 1][1], keys
    return None


_WORD_BEFORE = re.compile(r"(?<![\w’'])([^\W\d_][\w’'\-]*)(?:[ \t]+|[ \t]*\n[ \t]*)\Z")


def lower_case_mentions(masked: str, start: int, names: NameTable) -> list[tuple[int, int, tuple[EntityKey, ...]]]:
    """(start, end, entities) of each name written without a capital (`my wife`), as
    whole words in any case, longest first."""
    if not names.lower:
        return []
    parts = sorted((r"\s+".join(re.escape(t) for t in toks) for toks in names.lower), key=len, reverse=True)
    rx = re.compile(r"(?i)(?<![\w’'])(?:" + "|".join(parts) + r")(?![\w’'])")
    by_text = {" ".join(toks): keys for toks, keys in names.lower.items()}
    return [(m.start(), m.end(), by_text[" ".join(m.group().lower().split())]) for m in rx.finditer(masked, start)]
