"""One person under several first names in suggested canon: `Elizabeth`, `Eliza` and `Lizzy`.

The importer groups name words into characters by the runs they share (`Sherlock Holmes`);
a short or pet form of a first name shares none with the full one and became a character
of its own. A candidate joins the group of a more frequent one when the evidence is there:

* it is a pet form of that first name (lexicon.DIMINUTIVES: `Lizzy`, `Kitty`) or a
  shortening of it of four letters or more (`Eliza` of `Elizabeth`) that the text also
  gives the same surname (`Eliza Bennet`, `Elizabeth Bennet`);
* the full name is mostly used bare, as first names are (`Lady Catherine` is not the
  `Catherine` a `Kitty` is short for: a pet form belongs to a name used familiarly);
* the text never names the two side by side as two people (`Jane and Jenny`, `Lizzy or
  Elizabeth`).
"""

from __future__ import annotations

import re

from novelforge.text.lexicon import DIMINUTIVES


def variant_of(short: str, groups: list[dict], counts: dict[str, int], titled: dict, pair,
               text: str) -> int | None:
    """The index in ``groups`` of the character whose first name ``short`` is a variant of,
    or None. ``counts``: how often each candidate word is named; ``titled``: per word, its
    titles and how often; ``pair``: how often two words share a run of names; ``text``:
    the book, to look for the two named side by side."""
    best = None
    for i, g in enumerate(groups):
        full = g["primary"]
        if g["title"] or g["full"] is not None or full == short or counts.get(full, 0) <= counts.get(short, 0):
            continue
        pet = full.lower() in DIMINUTIVES.get(short.lower(), ())
        shortened = (len(short) >= 4 and len(full) - len(short) >= 2 and full.startswith(short)
                     and _share_a_surname(short, full, pair, counts))
        if not (pet or shortened):
            continue
        if sum(titled[full].values()) > 0.5 * counts[full]:
            continue                      # `Lady Catherine`: not a name used familiarly
        if _side_by_side(short, full, text):
            continue
        if best is None or counts[full] > counts[groups[best]["primary"]]:
            best = i
    return best


def _share_a_surname(a: str, b: str, pair, counts: dict[str, int]) -> bool:
    return any(pair[(a, w)] and pair[(b, w)] for w in counts if w not in (a, b))


def _side_by_side(a: str, b: str, text: str) -> bool:
    x, y = re.escape(a), re.escape(b)
    joined = r",? (?:and|or|nor|with) "
    return re.search(rf"\b{x}\b{joined}{y}\b|\b{y}\b{joined}{x}\b", text) is not None
