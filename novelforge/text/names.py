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
    """Maps token tuples (``("Aria", "Vell")``) to the canon entities they name."""

    entries: dict[tuple[str, ...], tuple[EntityKey, ...]] = field(default_factory=dict)
    first_tokens: frozenset[str] = frozenset()
    max_len: int = 1
    fingerprint: str = ""

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
        frozen = {k: tuple(v) for k, v in sorted(entries.items())}
        digest = hashlib.blake2b(repr(sorted(frozen.items())).encode(), digest_size=12).hexdigest()
        return cls(
            entries=frozen,
            first_tokens=frozenset(k[0] for k in frozen),
            max_len=max((len(k) for k in frozen), default=1),
            fingerprint=digest,
        )
