"""Back matter at the end of an imported book: what an edition prints after the story
(a transcriber's notes and errata, footnotes gathered at the end, a printer's line, the
publisher's advertisements) is split off the last chapter into
``manuscript/_back-matter.md``, as the text before the first chapter goes to
``_front-matter.md``: kept, never checked or exported as the book.

Where it starts, in the last chapter only:

* after a paragraph that is only ``THE END`` or ``FINIS`` (which stays in the book), when
  something follows it;
* else at the first paragraph of the chapter's last :data:`TAIL_SHARE` that opens as back
  matter does (:data:`_OPENING`: ``Transcriber's Notes``, ``Typographical errors corrected``,
  ``[Footnote 1: …]``, ``Errata``, ``Printed in Great Britain by``, ``Publishers``…).
"""

from __future__ import annotations

import re

from novelforge.import_.book import Book
from novelforge.import_.headings import clean_line

# how much of the last chapter (in words, from its end) back matter may take without an `THE END`
TAIL_SHARE = 0.3

_END = re.compile(r"(?i)^[\W_]*(?:the\s+end|finis|end\s+of\s+the\s+(?:book|story|novel))[\W_]*$")
_OPENING = re.compile(
    r"(?i)^[\W_]*(?:(?:original\s+)?transcriber[’']?s?\s+notes?\b|typographical\s+errors?\s+corrected"
    r"|\[?footnote\s+1\b|errata\b|printed\s+(?:in\s+great\s+britain|in\s+the\s+united\s+states|by)\b"
    r"|(?:other\s+)?books\s+by\s+the\s+same\s+author|also\s+by\s+the\s+same\s+author"
    r"|there[’']s\s+more\s+to\s+follow)")


def split_back_matter(book: Book) -> None:
    """Move the back matter at the end of ``book``'s last chapter to ``book.back_matter``."""
    if not book.chapters:
        return
    chapter = book.chapters[-1]
    flat = [(si, pi) for si, s in enumerate(chapter.scenes) for pi in range(len(s.paragraphs))]
    if len(flat) < 2:
        return
    texts = [clean_line(chapter.scenes[si].paragraphs[pi]) for si, pi in flat]
    start = None
    for k in range(len(flat) - 2, -1, -1):
        if _END.match(texts[k]):
            start = k + 1
            break
    if start is None:
        words = [len(t.split()) for t in texts]
        total, tail = sum(words), 0
        for k in range(len(flat) - 1, 0, -1):
            tail += words[k]
            if tail > TAIL_SHARE * total:
                break
            if _OPENING.match(texts[k]):
                start = k
    if start is None or start <= 0:
        return
    si, pi = flat[start]
    moved = chapter.scenes[si].paragraphs[pi:] + [p for s in chapter.scenes[si + 1:] for p in s.paragraphs]
    chapter.scenes[si].paragraphs = chapter.scenes[si].paragraphs[:pi]
    chapter.scenes = [s for s in chapter.scenes[:si + 1] if s.paragraphs]
    book.back_matter = moved
    book.notes.append(f"the back matter after the last chapter ({len(moved)} paragraphs: notes, errata, "
                      "advertisements) went to manuscript/_back-matter.md")
