"""What several detectors share: lower-case patterns and the rare words of a sentence."""

from __future__ import annotations

import re

from novelforge.ledger.book import Book


def lc(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern for ``Book.lower`` text: compiled in lower case, without
    ``re.IGNORECASE`` (which makes a scan of a long novel several times slower)."""
    assert not re.search(r"\\[A-Z]", pattern), "an upper-case escape would change meaning"
    return re.compile(pattern.lower().replace("(?p<", "(?P<"))


def rare_later(book: Book, words: list[str], order: int) -> tuple[list[str], int]:
    """The rare content words among ``words`` and how many of them recur in a later scene."""
    limit = max(8, len(book.scenes) // 4)
    rare = [w for w in words if book.scene_count.get(w, 0) <= limit]
    return rare, sum(1 for w in rare if book.recurs_after(w, order))
