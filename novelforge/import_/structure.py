"""Parts, chapters and scenes from a flat list of blocks: shared by every importer.

A reader (:mod:`.text`, :mod:`.markdown`, :mod:`.docx`) turns a file into
:class:`Block` values — paragraphs already in Markdown, scene breaks, and headings the
file marks explicitly (Markdown ``#``, Word heading styles). :func:`build_book` finds
the structure:

* **Explicit headings**, when the file has any: the top level is chapters, or parts when
  its headings say ``Part``/``Book``/``Volume``, the next level says ``Chapter``, or a
  few top headings each hold several headings and no text; a single top heading before
  all others is the book's title; deeper levels start scenes. A lone styled heading
  over ``Chapter 1`` lines is the title, and the lines are the chapters.
* **Heading lines** otherwise (plain text, Word files without heading styles): a short
  block of its own that reads ``PART I.``, ``BOOK ONE: 1805``, ``CHAPTER IV``,
  ``Chapter 12: The Road``, ``ADVENTURE I.``, ``IV. THE RED-HEADED LEAGUE``, ``IV``,
  ``12``, ``Prologue``… Kinds rank part > chapter word > numeral with a title > bare
  numeral; the highest kind below parts that occurs at least twice is the chapter level,
  lower kinds start scenes. A chapter heading with (almost) no prose before the next
  one is a table-of-contents entry and stays text (see :func:`_demote_thin`).
* **Scene breaks** (``#``, ``***``, ``* * *``, ornaments) split a chapter into scenes.

Nothing is dropped: text before the first heading is *front matter* (kept in the
project, see :mod:`.render`), or the first chapter when it is long prose; an edition's
notes, errata and advertisements after the end are *back matter* (:mod:`.backmatter`); text between a
part heading and its first chapter is a scene of its own at the start of that chapter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from novelforge.import_.backmatter import split_back_matter
from novelforge.import_.book import Block, Book, Chapter, Scene
from novelforge.import_.headings import (
    BARE_ARABIC,
    BARE_ROMAN,
    CHAPTER,
    NUM_ARABIC,
    NUM_ROMAN,
    PART,
    RANK,
    SPECIAL,
    Heading,
    case_title,
    clean_line,
    looks_like_title,
    match_heading,
    md_escape,
    trim_title,
)

# ----------------------------------------------------------------------------- structure
OPENING_WORDS = 400      # front matter with this much prose is the book's first chapter


@dataclass
class _Cand:
    index: int
    heading: Heading
    explicit_level: int | None = None
    level: str = ""       # part | chapter | sub | title
    real: bool = True


def build_book(blocks: list[Block], *, title: str | None = None, author: str | None = None) -> Book:
    """Find parts, chapters and scenes in ``blocks``."""
    book = Book(title=title, author=author)
    explicit = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    if explicit:
        cands = _explicit_levels(blocks, explicit, book)
        structural = [c for c in cands if c.level in ("part", "chapter")]
        if len(structural) <= 1:
            # one styled heading (the book's name) over "Chapter 1" lines: the lines win
            lines = _pattern_candidates(blocks)
            chapters = [c for c in lines if c.level == "chapter"]
            if len(chapters) >= 2:
                for c in structural:
                    c.level = "title" if c.index < chapters[0].index and book.title is None else "text"
                cands = sorted(lines + [c for c in cands if c.level == "title"], key=lambda c: c.index)
    else:
        cands = _pattern_candidates(blocks)
    if not any(c.real and c.level in ("part", "chapter") for c in cands):
        # no chapter headings at all: one chapter (sub-headings still start scenes)
        cands = [c for c in cands if c.level in ("sub", "title")]
        cands.append(_Cand(-1, Heading(CHAPTER, book.title or "Chapter 1", None), level="chapter"))
        cands.sort(key=lambda c: c.index)
    _assemble(blocks, cands, book)
    _guess_title_author(book)
    split_back_matter(book)
    return book


PLAIN = "plain"       # an explicit heading that reads as no pattern ("Ashes")


def _explicit_levels(blocks: list[Block], idx: list[int], book: Book) -> list[_Cand]:
    """Levels of explicit headings: the book's title, parts, chapters, scene headings."""
    cands = []
    for i in idx:
        h = match_heading(blocks[i].text)
        cands.append(_Cand(i, Heading(h.kind if h else PLAIN, blocks[i].text, None),
                           explicit_level=blocks[i].level))
    for c in cands:
        if c.explicit_level == 0:          # Word's "Title" style
            c.level = "title"
    rest = [c for c in cands if c.level != "title"]
    levels = sorted({c.explicit_level for c in rest})
    if len(levels) > 1:
        top = [c for c in rest if c.explicit_level == levels[0]]
        if len(top) == 1 and top[0] is rest[0] and top[0].heading.kind not in (PART, CHAPTER):
            top[0].level = "title"          # `# The Book` above `## Chapter` headings
            rest = rest[1:]
            levels = levels[1:]
    if not levels:
        return cands
    top = [c for c in rest if c.explicit_level == levels[0]]
    second = [c for c in rest if len(levels) > 1 and c.explicit_level == levels[1]]
    parts = False
    if second:
        # parts above chapters: the top headings say Part/Book, or the next ones say
        # Chapter, or a few top headings each hold several (not merely numbered) headings
        # with no prose of their own; otherwise the next level heads scenes in chapters
        prose_under_top = any(
            blocks[j].kind == "para"
            for c in top for j in range(c.index + 1, next((d.index for d in rest if d.index > c.index), len(blocks))))
        numerals = (NUM_ROMAN, NUM_ARABIC, BARE_ROMAN, BARE_ARABIC)
        parts = (sum(c.heading.kind == PART for c in top) * 2 > len(top)
                 or sum(c.heading.kind in (CHAPTER, SPECIAL) for c in second) * 2 > len(second)
                 or (len(top) <= 10 and len(second) >= 3 * len(top) and not prose_under_top
                     and sum(c.heading.kind in numerals for c in second) * 2 <= len(second)))
    for c in rest:
        if parts:
            c.level = "part" if c.explicit_level == levels[0] else "chapter" if c.explicit_level == levels[1] else "sub"
        else:
            c.level = "chapter" if c.explicit_level == levels[0] else "sub"
    return cands


def _pattern_candidates(blocks: list[Block]) -> list[_Cand]:
    cands: list[_Cand] = []
    for i, b in enumerate(blocks):
        if b.kind != "para" or not b.lines or len(b.lines) > 3:
            continue
        h = match_heading(b.lines[0])
        if h is None:
            if b.starts_page and len(b.lines) == 1 and looks_like_title(b.lines[0]) and len(blocks) > i + 1:
                cands.append(_Cand(i, Heading(CHAPTER, case_title(trim_title(b.lines[0])), None)))
            continue
        extra = [clean_line(ln) for ln in b.lines[1:]]
        if extra:
            if any(match_heading(x) for x in extra):
                continue                      # a list of headings: a table of contents
            if h.name:
                # a long title wrapped onto the next line(s)
                name = trim_title(" ".join([h.name, *extra]))
                if len(name.split()) > 24 or any(len(x) > 75 for x in extra):
                    continue
                h = Heading(h.kind, h.label, case_title(name), h.sep)
            elif all(looks_like_title(x) for x in extra):
                # "Chapter I" / "The Science of Deduction"
                h = Heading(h.kind, h.label, case_title(trim_title(" ".join(extra))), ". ")
            else:
                continue
        cands.append(_Cand(i, h))
    if not cands:
        return cands
    counts: dict[str, int] = {}
    for c in cands:
        counts[c.heading.kind] = counts.get(c.heading.kind, 0) + 1
    levels = [k for k in counts if k not in (PART, SPECIAL)]
    eligible = [k for k in levels if counts[k] >= 2] or levels
    chapter_kind = min(eligible, key=lambda k: (RANK[k], -counts[k], k)) if eligible else None
    has_parts = PART in counts and chapter_kind is not None
    for c in cands:
        kind = c.heading.kind
        if kind == PART:
            c.level = "part" if has_parts else "chapter"
        elif kind == SPECIAL or chapter_kind is None or kind == chapter_kind or RANK[kind] < RANK[chapter_kind]:
            c.level = "chapter"
        else:
            c.level = "sub"
    _demote_thin(blocks, cands)
    return [c for c in cands if c.real]


THIN_WORDS = 30   # a chapter heading followed by fewer words is an entry in a table of contents…
THIN_SHARE = 0.05  # …unless the book's chapters are that short (then: fewer than 5% of a long chapter)


def _demote_thin(blocks: list[Block], cands: list[_Cand]) -> None:
    """A chapter heading with (almost) no prose before the next chapter or part heading is an
    entry in a table of contents, and so is a part heading with neither prose nor a chapter
    before the next part; a sub-heading needs some prose before the next heading."""
    is_cand = {c.index for c in cands}
    words_before = [0] * (len(blocks) + 1)       # prefix sums of prose words
    for i, b in enumerate(blocks):
        w = len(b.text.split()) if b.kind == "para" and i not in is_cand else 0
        words_before[i + 1] = words_before[i] + w

    def words_between(a: int, b: int) -> int:
        return words_before[b] - words_before[a + 1] if b > a + 1 else 0

    n = len(blocks)
    sizes: dict[int, int] = {}
    for c_i, c in enumerate(cands):
        if c.level == "chapter":
            nxt = next((d.index for d in cands[c_i + 1:] if d.level in ("part", "chapter")), n)
            sizes[c_i] = words_between(c.index, nxt)
    ranked = sorted(sizes.values())
    long_chapter = ranked[(3 * len(ranked)) // 4] if ranked else 0
    thin = max(1, min(THIN_WORDS, THIN_SHARE * long_chapter))
    for c_i, size in sizes.items():
        cands[c_i].real = size >= thin
    # the last entry of a table of contents is followed by prose (a preface, the first
    # part's epigraph): it follows entries that were demoted and its heading comes again
    later: dict[str, int] = {}
    for c in cands:
        later[_norm(c.heading.label)] = later.get(_norm(c.heading.label), 0) + 1
    seen: dict[str, int] = {}
    for c_i, c in enumerate(cands):
        key = _norm(c.heading.label)
        seen[key] = seen.get(key, 0) + 1
        if c.level == "chapter" and c.real and c_i and not cands[c_i - 1].real \
                and cands[c_i - 1].level == "chapter" and later[key] > seen[key]:
            c.real = False
    for c_i, c in enumerate(cands):
        if c.level == "part":
            nxt = next((d.index for d in cands[c_i + 1:] if d.level == "part"), n)
            c.real = words_between(c.index, nxt) >= THIN_WORDS or any(
                d.real and d.level == "chapter" and c.index < d.index < nxt for d in cands)
    for c_i, c in enumerate(cands):
        if c.level == "sub":
            nxt = next((d.index for d in cands[c_i + 1:]), n)
            c.real = words_between(c.index, nxt) > 0


def _norm(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.lower()))


def _assemble(blocks: list[Block], cands: list[_Cand], book: Book) -> None:
    by_index = {c.index: c for c in cands if c.real}
    front: list[str] = []
    part: str | None = None
    part_intro: list[str] = []             # text after a part heading, before its first chapter
    part_intro_title: str | None = None
    chapter: Chapter | None = None
    items: list[tuple[str, str | None]] = []  # ("p", text) | ("break", None) | ("sub", title)
    pending_title = False                  # a bare chapter heading may take its title from the next line
    part_has_chapter = False

    def flush() -> None:
        nonlocal items
        if chapter is not None:
            chapter.scenes = _scenes(items)
        items = []

    if -1 in by_index:                     # no headings: everything is one chapter
        c = by_index[-1]
        chapter = Chapter(title=c.heading.title, implicit=True)
        book.chapters.append(chapter)

    for i, b in enumerate(blocks):
        c = by_index.get(i)
        if c is not None and c.level == "title":
            if book.title is None:
                book.title = " ".join((b.text or (b.lines[0] if b.lines else "")).split()) or None
            front.append(md_escape(b.text) if b.kind == "heading" else b.text)
            continue
        if c is not None and c.level == "part":
            flush()
            chapter = None
            if part is not None and (part_intro or not part_has_chapter):
                # a part without chapter headings is a chapter of its own
                book.chapters.append(Chapter(title=part, part=part, scenes=_scenes(part_intro)))
            part_has_chapter = False
            part = c.heading.title
            part_intro, part_intro_title = [], part
            pending_title = False
            continue
        if c is not None and c.level == "chapter":
            flush()
            chapter = Chapter(title=c.heading.title, part=part, slug_hint=c.heading.name)
            part_has_chapter = True
            if part_intro:
                items = [("sub", part_intro_title), *part_intro, ("break", None)]
                part_intro = []
            book.chapters.append(chapter)
            pending_title = c.heading.name is None and c.explicit_level is None
            continue
        if c is not None and c.level == "sub":
            title = c.heading.title
            if c.heading.kind in (BARE_ROMAN, BARE_ARABIC):       # "II" → "A Scandal in Bohemia (II)"
                title = f"{chapter.title if chapter is not None else part} ({title})"
            if chapter is not None:
                items.append(("sub", title))
            elif part is not None:
                part_intro.append(("sub", title))
            else:
                front.append(md_escape(b.text if b.kind == "heading" else title))
            pending_title = False
            continue
        # prose, a break, or a heading line that is an entry in a table of contents
        if b.kind == "break":
            if chapter is not None:
                items.append(("break", None))
            elif part is not None:
                part_intro.append(("break", None))
            pending_title = False
            continue
        text = b.text if b.kind == "para" else md_escape(b.text)
        if pending_title and chapter is not None and not items and b.lines and len(b.lines) == 1 \
                and looks_like_title(b.lines[0]) and i + 1 < len(blocks) and match_heading(b.lines[0]) is None:
            chapter.slug_hint = case_title(clean_line(b.lines[0]))
            chapter.title = f"{chapter.title}. {chapter.slug_hint}"
            pending_title = False
            continue
        pending_title = False
        if chapter is not None:
            items.append(("p", text))
        elif part is not None:
            part_intro.append(("p", text))
        else:
            front.append(text)
    flush()
    if part is not None and (part_intro or not part_has_chapter):
        book.chapters.append(Chapter(title=part, part=part, scenes=_scenes(part_intro)))
    # long prose before the first heading is the opening chapter, not front matter; the
    # title page and contents before its first paragraph stay front matter
    prose_words = sum(len(p.split()) for p in front if len(p.split()) >= 25)
    if prose_words >= OPENING_WORDS:
        first_part = book.chapters[0].part if book.chapters else None
        k = next(i for i, p in enumerate(front) if len(p.split()) >= 25)
        while k and _prose_like(front[k - 1]):
            k -= 1
        title = "Opening"
        if k and _lone_title(front, k - 1):
            k -= 1
            title = case_title(trim_title(front[k]))
            opening_items = [("p", p) for p in front[k + 1:]]
        else:
            opening_items = [("p", p) for p in front[k:]]
        book.chapters.insert(0, Chapter(title=title, part=first_part, scenes=_scenes(opening_items)))
        book.notes.append(f"the prose before the first heading became the chapter `{title}`")
        front = front[:k]
    book.front_matter = front


def _lone_title(front: list[str], k: int) -> bool:
    """``front[k]`` is a title line of its own (not a heading pattern), not the last entry
    of a list of such lines (two or more before it: a list of illustrations, a table of
    contents); a title page's name and byline before it are no list."""
    def title_line(p: str) -> bool:
        return "\n" not in p and looks_like_title(p) and not match_heading(p) and not _BY.match(clean_line(p))

    return title_line(front[k]) and not (k >= 2 and title_line(front[k - 1]) and title_line(front[k - 2]))


def _prose_like(paragraph: str) -> bool:
    words = paragraph.split()
    return len(words) >= 8 and paragraph.rstrip()[-1:] in '.!?"”’)' and any(c.islower() for c in paragraph)


def _scenes(items: list[tuple[str, str | None]]) -> list[Scene]:
    scenes: list[Scene] = [Scene([])]
    for kind, value in items:
        if kind == "p":
            scenes[-1].paragraphs.append(value or "")
        elif kind == "break":
            if scenes[-1].paragraphs:
                scenes.append(Scene([]))
        else:  # a sub-heading starts a scene with that title
            if scenes[-1].paragraphs:
                scenes.append(Scene([], value))
            elif scenes[-1].title:         # two headings in a row: the first one is text
                scenes[-1].paragraphs.append(md_escape(scenes[-1].title))
                scenes.append(Scene([], value))
            else:
                scenes[-1].title = value
    for s in scenes:
        if s.title and not s.paragraphs:   # a heading with nothing under it is kept as text
            s.paragraphs.append(md_escape(s.title))
    return [s for s in scenes if s.paragraphs]


_BY = re.compile(r"(?i)^(?:by|written by)(?:\s+(?P<author>\S.{0,80}))?$")
_NOT_TITLE = re.compile(r"(?i)\b(?:produced|transcribed|prepared|edited|e-?text|gutenberg|illustrat\w*|contents)\b")


def _guess_title_author(book: Book) -> None:
    """``A STUDY IN SCARLET.`` / ``By A. Conan Doyle`` (or ``by`` / ``Bram Stoker``) in the
    front matter."""
    if book.title and book.author:
        return
    lines = [clean_line(p) if "\n" not in p else "" for p in book.front_matter[:40]]
    for i, ln in enumerate(lines):
        m = _BY.match(ln)
        if not m:
            continue
        author = m.group("author") or (lines[i + 1] if i + 1 < len(lines) else "")
        if not author or len(author.split()) > 8:
            continue
        if book.author is None:
            book.author = trim_title(author) or None
        if book.title is None:
            for prev in reversed(lines[max(0, i - 3):i]):
                prev = prev.rstrip(".;:,").strip()
                if prev and looks_like_title(prev) and not _NOT_TITLE.search(prev):
                    book.title = case_title(prev)
                    break
        break
