"""Titles and names as file names and ids: ``The Ember Queen`` → ``the-ember-queen``.

One rule for every slug NovelForge makes — the importer's folders and scene ids, the
canon ids it suggests, promise-candidate ids, the exporter's default file name: lower
case, a dash for every run of other characters, at most ``limit`` characters.

* ``ascii=True`` (ids and folders) spells accented letters without their accents
  (``Natásha`` → ``natasha``) and drops what has no Latin spelling; ``ascii=False`` (a
  file name for people to read) keeps every letter and digit and ``_``, and also keeps
  the name within twice ``limit`` bytes, which any file system accepts.
* A slug over the limit is cut at its last dash when that keeps at least half of it
  (``whole_words``); promise-candidate ids are cut at the limit itself, as they always
  were, because rejected suggestions and the benchmark's hand labels are stored by id.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_NOT_WORD = re.compile(r"[^\w]+")


def without_accents(text: str) -> str:
    """`Natásha Rostóva` → `Natasha Rostova` (letters without their accents and stress marks)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one (``Natásha`` → ``natasha``,
    so an offset into the folded text is an offset into ``text``): what search compares."""
    return "".join((unicodedata.normalize("NFKD", c)[:1] or c).casefold()[:1] or c for c in text)


def slug(text: str, limit: int = 40, *, ascii: bool = True, fallback: str = "", whole_words: bool = True) -> str:
    """``text`` as a slug (``fallback`` when nothing of it is left)."""
    if ascii:
        out = _NOT_ASCII_WORD.sub("-", without_accents(text).lower()).strip("-")
    else:
        out = _NOT_WORD.sub("-", text.lower()).strip("-_")
    if len(out) > limit or (not ascii and len(out.encode("utf-8")) > 2 * limit):
        cut = out[:limit]
        while len(cut.encode("utf-8")) > 2 * limit:      # letters of 3 or 4 bytes
            cut = cut[:-1]
        dash = cut.rfind("-")
        if whole_words and dash >= len(cut) // 2:
            cut = cut[:dash]
        out = cut.strip("-_")
    return out or fallback
