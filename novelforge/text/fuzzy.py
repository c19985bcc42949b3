"""Near-miss lookup of words against a fixed vocabulary (symmetric-delete, as in SymSpell):
each vocabulary word is indexed by itself and its one-letter deletions, so a query costs
``len(word)`` dictionary look-ups instead of a comparison with every word."""

from __future__ import annotations


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def damerau(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance, giving up (returning ``limit``) past ``limit``."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        best = cur[0]
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[lb], limit)


class NearMiss:
    def __init__(self, vocabulary: set[str]) -> None:
        self.vocabulary = vocabulary
        self._index: dict[str, set[str]] = {}
        for w in vocabulary:
            for key in _deletes(w) | {w}:
                self._index.setdefault(key, set()).add(w)

    def candidates(self, word: str, max_distance: int) -> list[tuple[int, str]]:
        """Vocabulary words within ``max_distance`` (1 or 2) of ``word``, closest first."""
        found: set[str] = set()
        for key in _deletes(word) | {word}:
            hit = self._index.get(key)
            if hit:
                found |= hit
        out = []
        for cand in found:
            if cand == word:
                continue
            d = damerau(word, cand, max_distance + 1)
            if d <= max_distance:
                out.append((d, cand))
        return sorted(out)
