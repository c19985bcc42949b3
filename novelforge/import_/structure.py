"""Parts, chapters and scenes from a flat list of blocks: shared by every importer.

A reader (:mod:`.text`, :mod:`.markdown`, :mod:`.docx`) turns a file into
:class:`Block` values — paragraphs already in Markdown, scene breaks, and headings the
file marks explicitly (Markdown ``#``, Word heading styles). :func:`build_book` finds
the structure:

* **Explicit headings**, when the file has any: the top level is chapters, or parts when
  its headings say ``Part``/``Book``/``Volume`` (or the next level says ``Chapter``); a
  single top heading before all others is the book's title; deeper levels start scenes.
* **Heading lines** otherwise (plain text, Word files without heading styles): a short
  block of its own that reads ``PART I.``, ``BOOK ONE: 1805``, ``CHAPTER IV``,
  ``Chapter 12: The Road``, ``ADVENTURE I.``, ``IV. THE RED-HEADED LEAGUE``, ``IV``,
  ``12``, ``Prologue``… Kinds rank part > chapter word > numeral with a title > bare
  numeral; the highest kind below parts that occurs at least twice is the chapter level,
  lower kinds start scenes. A heading with no prose before the next heading of its
  level or above is a table-of-contents entry and stays text.
* **Scene breaks** (``#``, ``***``, ``* * *``, ornaments) split a chapter into scenes.

Nothing is dropped: text before the first heading is *front matter* (kept in the
project, see :mod:`.write`), or the first chapter when it is long prose; text between a
part heading and its first chapter is a scene of its own at the start of that chapter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# ----------------------------------------------------------------------------- blocks


@dataclass(slots=True)
class Block:
    """One unit of the source: a paragraph (Markdown), a scene break or a heading."""

    kind: str                              # "para" | "break" | "heading"
    text: str = ""                         # Markdown of a paragraph; the text of a heading
    lines: tuple[str, ...] = ()            # plain source lines of a paragraph (heading patterns)
    level: int = 0                         # explicit heading level: 0 = the book's title, 1 = top
    starts_page: bool = False              # Word: the paragraph starts a new page


@dataclass
class Scene:
    paragraphs: list[str]
    title: str | None = None


@dataclass
class Chapter:
    title: str
    part: str | None = None
    scenes: list[Scene] = field(default_factory=list)
    slug_hint: str | None = None           # the heading's own title, for the folder name

    @property
    def words(self) -> int:
        return sum(len(p.split()) for s in self.scenes for p in s.paragraphs)


@dataclass
class Book:
    """What an importer found; :mod:`.write` turns it into a project."""

    title: str | None = None
    author: str | None = None
    language: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    front_matter: list[str] = field(default_factory=list)   # Markdown paragraphs before chapter 1
    notes: list[str] = field(default_factory=list)          # what the user should know

    @property
    def parts(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in self.chapters:
            if c.part:
                seen.setdefault(c.part, None)
        return list(seen)

    @property
    def scenes(self) -> list[Scene]:
        return [s for c in self.chapters for s in c.scenes]

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)


# ----------------------------------------------------------------------------- patterns
ROMAN = r"(?=[MDCLXVI])M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_UNITS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
          "fifteen|sixteen|seventeen|eighteen|nineteen")
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ORDINALS = ("first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
             "last|final")
WORD_NUMBER = rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_UNITS}|one hundred|hundred|(?:the )?(?:{_ORDINALS}))"
NUMBER = rf"(?:\d{{1,4}}|(?i:{ROMAN})|(?i:{WORD_NUMBER}))"
_SEP = r"(?P<sep>\s*[.:—–]\s*|\s+[-–—]\s+|\s+)"
_REST = r"(?P<rest>\S.*)"

PART, CHAPTER, NUMBERED, BARE, SPECIAL = "part", "chapter", "numbered", "bare", "special"
RANK = {PART: 0, CHAPTER: 1, SPECIAL: 1, NUMBERED: 2, BARE: 3}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (PART, re.compile(rf"(?P<label>(?i:part|book|volume|act)\s+{NUMBER})\.?(?:{_SEP}{_REST})?\Z")),
    (PART, re.compile(rf"(?P<label>(?i:(?:{_ORDINALS})\s+(?:epilogue|part|book)))\.?(?:{_SEP}{_REST})?\Z")),
    (CHAPTER, re.compile(rf"(?P<label>(?i:chapter|chap\.|adventure|stave|canto|episode)\s+{NUMBER})\.?"
                         rf"(?:{_SEP}{_REST})?\Z")),
    (SPECIAL, re.compile(r"(?P<label>(?i:prologue|epilogue|preface|foreword|introduction|afterword|interlude|"
                         r"coda|postscript|envoi))\.?(?:(?P<sep>\s*[.:—–]\s*|\s+[-–—]\s+)(?P<rest>\S.*))?\Z")),
    (NUMBERED, re.compile(rf"(?P<label>{ROMAN}|\d{{1,3}})(?P<sep>[.:]\s+|\s+[-–—]\s+)(?P<rest>\S.*)\Z")),
    (BARE, re.compile(rf"(?P<label>{ROMAN}|\d{{1,3}})\.?\Z")),
]
_BREAK_LINE = re.compile(r"[ \t]*(?:[*•·#~=_+§⁂❦❧✻✽✶☙◊◆♦-][ \t]*)+\Z")
_EMPH_EDGE = re.compile(r"^[*_]+|[*_]+$")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
                "or", "the", "to", "with", "upon", "over", "o'", "de", "la", "le", "von", "van", "du", "des"}


def is_break_line(line: str) -> bool:
    """``#``, ``***``, ``* * *``, ``-----``, ``•  •  •``, ``❦``: a line that marks a scene break."""
    s = line.strip()
    if not s or not _BREAK_LINE.match(s):
        return False
    if set(s) <= set("-_ \t") and len(s.replace(" ", "")) < 3:
        return False          # a lone dash is a dash
    return True


def clean_line(line: str) -> str:
    s = re.sub(r"\s+", " ", line).strip()
    while True:
        t = _EMPH_EDGE.sub("", s).strip()
        if t == s:
            return s
        s = t


@dataclass(slots=True)
class Heading:
    kind: str
    label: str          # "Chapter IV", "Part One"
    name: str | None    # its own title: "The Red-Headed League"
    sep: str = ". "

    @property
    def title(self) -> str:
        return f"{self.label}{self.sep}{self.name}" if self.name else self.label


def match_heading(line: str) -> Heading | None:
    """The heading a single line reads as, or None."""
    s = clean_line(line)
    if not s or len(s) > 90:
        return None
    for kind, rx in _PATTERNS:
        m = rx.match(s)
        if not m:
            continue
        rest = m.groupdict().get("rest")
        label = m.group("label")
        if rest is not None:
            rest = clean_line(rest).rstrip(".").strip() if not rest.rstrip().endswith("..") else clean_line(rest)
            if kind in (NUMBERED,) and not looks_like_title(rest):
                return None
            if kind in (PART, CHAPTER, SPECIAL) and (len(rest.split()) > 14 or rest[-1:] in ",;"):
                return None
        sep = m.groupdict().get("sep") or " "
        sep = sep.strip()
        sep = f"{sep} " if sep in (".", ":") else (f" {sep} " if sep else " ")
        return Heading(kind, case_label(label), case_title(rest) if rest else None, sep)
    return None


def looks_like_title(line: str) -> bool:
    """A short line in capitals or Title Case, not the start of a paragraph."""
    s = clean_line(line)
    if not s or len(s) > 80 or s[-1:] in ",;:" or s[:1] in "\"“‘'(—–-[":
        return False
    words = re.findall(r"[^\W\d_][\w’'\-]*", s)
    if not words or len(words) > 12:
        return False
    letters = [c for c in s if c.isalpha()]
    if letters and all(not c.islower() for c in letters):
        return True
    if s[-1:] in "?!" and len(words) > 6:
        return False
    big = [w for w in words if w.lower() not in _SMALL_WORDS or w is words[0]]
    caps = sum(1 for w in big if w[:1].isupper())
    return len(words) >= 2 and caps == len(big)


def case_label(label: str) -> str:
    """``CHAPTER IV`` → ``Chapter IV``; ``BOOK ONE`` → ``Book One``."""
    out = []
    for w in label.split():
        if re.fullmatch(ROMAN, w.upper()) and (w.isupper() or len(w) > 1 and w.upper() == w):
            out.append(w.upper())
        elif w.isupper() or w.islower():
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")) if w.lower() != "the" or not out else "the")
        else:
            out.append(w)
    return " ".join(out)


def case_title(text: str) -> str:
    """ALL-CAPS titles become Title Case (roman numerals and initials stay capitals); mixed
    case is kept as written."""
    letters = [c for c in text if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return text
    words = []
    for i, w in enumerate(text.split(" ")):
        core = w.strip("()[]\"“”‘’'.,:;!?_*")
        if not core:
            words.append(w)
            continue
        if re.fullmatch(ROMAN, core) or re.fullmatch(r"(?:[A-Z]\.){2,}|[A-Z]\.?", core):
            words.append(w)
            continue
        low = w.lower()
        if i and core.lower() in _SMALL_WORDS:
            words.append(low)
            continue
        words.append(re.sub(r"(^|[-(\[\"“‘'])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), low))
    return " ".join(words)


def slugify(text: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^A-Za-z0-9]+", "-", text.lower()).strip("-")
    if len(text) > limit:
        text = text[:limit].rsplit("-", 1)[0] or text[:limit]
    return text


# ----------------------------------------------------------------------------- markdown
_MD_LINE_START = re.compile(r"^([ \t]*)(#|>|[-+*](?=[ \t]|$)|(\d{1,9})([.)])(?=[ \t]|$)|={2,}[ \t]*$|-{2,}[ \t]*$)")
_MD_BACKSLASH = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!\"'])")


def md_escape(text: str) -> str:
    """Plain text → Markdown that renders (and exports) as the same text: a leading ``#``,
    list marker or ``>``, a ``<!--`` that would hide text as a comment, and backslashes
    are escaped. ``*`` and ``_`` are left alone: plain-text files use them for emphasis."""
    if "\\" in text:
        text = _MD_BACKSLASH.sub(r"\\\\", text)
    if "<!--" in text:
        text = text.replace("<!--", "<\\!--")
    if "\n" in text:
        return "\n".join(_escape_line_start(ln) for ln in text.split("\n"))
    return _escape_line_start(text)


def _escape_line_start(line: str) -> str:
    m = _MD_LINE_START.match(line)
    if not m:
        return line
    indent, marker = m.group(1), m.group(2)
    if m.group(3):
        return f"{indent}{m.group(3)}\\{m.group(4)}{line[m.end():]}"
    if marker == ">":
        return f"{indent}\\>{line[m.end():]}" if False else line  # `>` is not escapable in every reader
    return f"{indent}\\{line[len(indent):]}"


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
    else:
        cands = _pattern_candidates(blocks)
    if not any(c.real and c.level in ("part", "chapter") for c in cands):
        # no chapter headings at all: one chapter (sub-headings still start scenes)
        cands = [c for c in cands if c.level in ("sub", "title")]
        cands.append(_Cand(-1, Heading(CHAPTER, book.title or "Chapter 1", None), level="chapter"))
        cands.sort(key=lambda c: c.index)
    _assemble(blocks, cands, book)
    _guess_title_author(book)
    return book


def _explicit_levels(blocks: list[Block], idx: list[int], book: Book) -> list[_Cand]:
    cands = [_Cand(i, Heading(CHAPTER, blocks[i].text, None), explicit_level=blocks[i].level) for i in idx]
    for c in cands:
        h = match_heading(c.heading.label)
        if h is not None:
            c.heading = Heading(h.kind, h.label if not h.name else c.heading.label, None)
            c.heading.kind = h.kind
    # Word's "Title" style (level 0): the book's title
    for c in cands:
        if c.explicit_level == 0:
            c.level = "title"
    rest = [c for c in cands if c.level != "title"]
    levels = sorted({c.explicit_level for c in rest})
    if len(levels) > 1:
        top = [c for c in rest if c.explicit_level == levels[0]]
        if len(top) == 1 and top[0] is rest[0]:
            top[0].level = "title"          # `# The Book` above `## Chapter` headings
            rest = rest[1:]
            levels = levels[1:]
    if not levels:
        return cands
    top = [c for c in rest if c.explicit_level == levels[0]]
    second = [c for c in rest if len(levels) > 1 and c.explicit_level == levels[1]]
    parts = bool(second) and (
        sum(c.heading.kind == PART for c in top) * 2 > len(top)
        or sum(c.heading.kind in (CHAPTER, SPECIAL, NUMBERED, BARE) for c in second) * 2 > len(second))
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
                cands.append(_Cand(i, Heading(CHAPTER, case_title(clean_line(b.lines[0])), None)))
            continue
        extra = [clean_line(ln) for ln in b.lines[1:]]
        if extra:
            # "Chapter I" / "The Science of Deduction"; a list of headings is a table of contents
            if h.name or any(match_heading(x) for x in extra) or not all(looks_like_title(x) for x in extra):
                continue
            h = Heading(h.kind, h.label, case_title(" ".join(extra)), ". ")
        cands.append(_Cand(i, h))
    if not cands:
        return cands
    kinds: dict[str, int] = {}
    for c in cands:
        kinds[c.heading.kind] = kinds.get(c.heading.kind, 0) + 1
    below_parts = [k for k in (CHAPTER, NUMBERED, BARE) if kinds.get(k, 0) >= (1 if k == CHAPTER else 2)]
    if below_parts:
        chapter_rank = RANK[below_parts[0]]
        has_parts = PART in kinds
    else:
        chapter_rank = RANK[SPECIAL] if SPECIAL in kinds else 0
        has_parts = False
    for c in cands:
        r = RANK[c.heading.kind]
        if c.heading.kind == PART:
            c.level = "part" if has_parts else "chapter"
        elif c.heading.kind == SPECIAL or r <= chapter_rank:
            c.level = "chapter"
        else:
            c.level = "sub"
    _demote_empty(blocks, cands)
    # the numbered headings of a table of contents are not chapters: a numbered kind that
    # lost most of its members (or a bare numeral that heads no prose) goes back to text
    return [c for c in cands if c.real]


def _demote_empty(blocks: list[Block], cands: list[_Cand]) -> None:
    """A heading with no prose before the next heading of its level (or above) is an entry
    in a table of contents, not a heading."""
    is_cand = {c.index for c in cands}
    prose_before = [0] * (len(blocks) + 1)       # prefix count of prose blocks
    for i, b in enumerate(blocks):
        prose_before[i + 1] = prose_before[i] + (1 if b.kind == "para" and i not in is_cand else 0)

    def prose_between(a: int, b: int) -> bool:
        return prose_before[b] - prose_before[a + 1] > 0 if b > a + 1 else False

    n = len(blocks)
    order = {"part": 0, "chapter": 1, "sub": 2}
    # chapters first, then parts (which need a real chapter or prose), then sub-headings
    for c_i, c in enumerate(cands):
        if c.level != "chapter":
            continue
        nxt = next((d.index for d in cands[c_i + 1:] if order[d.level] <= 1), n)
        c.real = prose_between(c.index, nxt)
    for c_i, c in enumerate(cands):
        if c.level != "part":
            continue
        nxt = next((d.index for d in cands[c_i + 1:] if d.level == "part"), n)
        c.real = prose_between(c.index, nxt) or any(
            d.real and d.level == "chapter" and c.index < d.index < nxt for d in cands)
    for c_i, c in enumerate(cands):
        if c.level != "sub":
            continue
        nxt = next((d.index for d in cands[c_i + 1:]), n)
        c.real = prose_between(c.index, nxt)


def _assemble(blocks: list[Block], cands: list[_Cand], book: Book) -> None:
    by_index = {c.index: c for c in cands if c.real}
    front: list[str] = []
    part: str | None = None
    part_intro: list[str] = []             # text after a part heading, before its first chapter
    part_intro_title: str | None = None
    chapter: Chapter | None = None
    items: list[tuple[str, str | None]] = []  # ("p", text) | ("break", None) | ("sub", title)
    front_blocks_done = False
    pending_title = False                  # a bare chapter heading may take its title from the next line

    def flush() -> None:
        nonlocal items
        if chapter is not None:
            chapter.scenes = _scenes(items, chapter.title)
        items = []

    if -1 in by_index:                     # no headings: everything is one chapter
        c = by_index[-1]
        chapter = Chapter(title=c.heading.title)
        book.chapters.append(chapter)
        front_blocks_done = True

    for i, b in enumerate(blocks):
        c = by_index.get(i)
        if c is not None and c.level == "title":
            if book.title is None:
                book.title = clean_line(b.text or (b.lines[0] if b.lines else "")) or None
            if not front_blocks_done:
                front.append(md_escape(b.text) if b.kind == "heading" else b.text)
            else:
                items.append(("p", md_escape(b.text) if b.kind == "heading" else b.text))
            continue
        if c is not None and c.level == "part":
            flush()
            chapter = None
            if part_intro and part is not None:
                book.chapters.append(Chapter(title=part, part=part, scenes=_scenes(part_intro, part)))
            part = c.heading.title
            part_intro, part_intro_title = [], part
            front_blocks_done = True
            pending_title = False
            continue
        if c is not None and c.level == "chapter":
            flush()
            chapter = Chapter(title=c.heading.title, part=part, slug_hint=c.heading.name)
            if part_intro:
                items = [("sub", part_intro_title), *part_intro, ("break", None)]
                part_intro = []
            book.chapters.append(chapter)
            front_blocks_done = True
            pending_title = c.heading.name is None and c.explicit_level is None
            continue
        if c is not None and c.level == "sub":
            title = c.heading.title
            target = items if chapter is not None else part_intro
            target.append(("sub", title))
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
    if part_intro and part is not None:
        book.chapters.append(Chapter(title=part, part=part, scenes=_scenes(part_intro, part)))
    book.chapters = [c for c in book.chapters if c.scenes or True]
    # long prose before the first heading is the opening chapter, not front matter
    prose_words = sum(len(p.split()) for p in front if len(p.split()) >= 25)
    if prose_words >= OPENING_WORDS:
        first_part = book.chapters[0].part if book.chapters else None
        opening = Chapter(title="Opening", part=first_part, scenes=_scenes([("p", p) for p in front], "Opening"))
        book.chapters.insert(0, opening)
        book.notes.append(f"the {prose_words:,} words before the first heading became the chapter `Opening`")
        front = []
    book.front_matter = front


def _scenes(items: list[tuple[str, str | None]], chapter_title: str) -> list[Scene]:
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
            else:
                scenes[-1].title = value
    scenes = [s for s in scenes if s.paragraphs]
    return scenes


_BY = re.compile(r"(?i)^(?:by|written by)\s+(?P<author>\S.{0,80})$")


def _guess_title_author(book: Book) -> None:
    """``A STUDY IN SCARLET.`` / ``By A. Conan Doyle`` in the front matter."""
    if book.title and book.author:
        return
    lines = [clean_line(p) for p in book.front_matter[:40]]
    for i, ln in enumerate(lines):
        m = _BY.match(ln)
        if not m or "\n" in book.front_matter[i]:
            continue
        if book.author is None:
            book.author = m.group("author").rstrip(".").strip() or None
        if book.title is None:
            for prev in reversed(lines[max(0, i - 3):i]):
                if prev and looks_like_title(prev):
                    book.title = case_title(prev.rstrip(".").strip())
                    break
        break
