"""Heading lines, titles and Markdown escaping: the vocabulary :mod:`.structure` reads with.

:func:`match_heading` recognises one line as a part (``PART I.``, ``Part One``, ``BOOK ONE:
1805``, ``FIRST EPILOGUE``), a chapter (``CHAPTER IV``, ``Chapter 12: The Road``,
``ADVENTURE I.``, ``Chapter Twenty-One``), a special chapter (``Prologue``), a numeral with a
title (``IV. THE RED-HEADED LEAGUE``, ``12. The Road``) or a bare numeral (``IV``, ``7``),
and puts ALL-CAPS titles in title case. :func:`md_escape` makes plain text safe as Markdown.
Scene breaks (:func:`novelforge.text.blocks.is_break_line`) and slugs
(:func:`novelforge.text.slug.slug`) are the text package's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from novelforge.text.blocks import is_break_line
from novelforge.text.slug import slug as slugify

__all__ = ["is_break_line", "slugify"]   # at home in novelforge.text; named here for the readers

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

PART, CHAPTER, SPECIAL = "part", "chapter", "special"
NUM_ROMAN, NUM_ARABIC, BARE_ROMAN, BARE_ARABIC = "numbered-roman", "numbered-arabic", "bare-roman", "bare-arabic"
RANK = {PART: 0, CHAPTER: 1, SPECIAL: 1, NUM_ROMAN: 2, NUM_ARABIC: 2, BARE_ROMAN: 3, BARE_ARABIC: 3}
_NOT_LONE_LETTER = r"(?![LCDM]\.?(?:\s|\Z))"   # "D. Appleton", "M. Dupont": initials, not numerals

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (PART, re.compile(rf"(?P<label>(?i:part|book|volume|act)\s+{NUMBER})(?:{_SEP}{_REST}|\.)?\Z")),
    (PART, re.compile(rf"(?P<label>(?i:(?:{_ORDINALS})\s+(?:epilogue|part|book)))(?:{_SEP}{_REST}|\.)?\Z")),
    (CHAPTER, re.compile(rf"(?P<label>(?i:chapter|chap\.|adventure|stave|canto|episode)\s+{NUMBER})"
                         rf"(?:{_SEP}{_REST}|\.)?\Z")),
    (SPECIAL, re.compile(r"(?P<label>(?i:(?:the\s+)?(?:prologue|epilogue|preface|foreword|introduction|induction|"
                         r"afterword|interlude|coda|postscript|envoi)))(?:(?P<sep>\s*[.:—–]\s*|\s+[-–—]\s+|\s+(?=[\"“‘'(A-Z]))(?P<rest>\S.*)|\.)?\Z")),
    (NUM_ROMAN, re.compile(rf"{_NOT_LONE_LETTER}(?P<label>{ROMAN})(?P<sep>[.:]\s+|\s+[-–—]\s+)(?P<rest>\S.*)\Z")),
    (NUM_ARABIC, re.compile(r"(?P<label>\d{1,3})(?P<sep>[.:]\s+|\s+[-–—]\s+)(?P<rest>\S.*)\Z")),
    (BARE_ROMAN, re.compile(rf"{_NOT_LONE_LETTER}(?P<label>{ROMAN})\.?\Z")),
    (BARE_ARABIC, re.compile(r"(?P<label>\d{1,3})\.?\Z")),
]
_FOOTNOTE_MARK = re.compile(r"\s*\[\d{1,3}\]$")
_EMPH_EDGE = re.compile(r"^[*_]+|[*_]+$")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
                "or", "the", "to", "with", "upon", "over", "o'", "de", "la", "le", "von", "van", "du", "des"}


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
    if not s or len(s) > 120:
        return None
    for kind, rx in _PATTERNS:
        m = rx.match(s)
        if not m:
            continue
        rest = m.groupdict().get("rest")
        label = m.group("label")
        if rest is not None:
            rest = trim_title(rest)
            if kind in (NUM_ROMAN, NUM_ARABIC) and not looks_like_title(rest, 20):
                return None
            if kind in (PART, CHAPTER, SPECIAL) and (len(rest.split()) > 20 or rest[-1:] in ",;"):
                return None
            if not (m.group("sep") or "").strip() and rest[:1].islower():
                return None                   # "Book two of his memoirs…": prose
        sep = m.groupdict().get("sep") or " "
        sep = sep.strip()
        sep = f"{sep} " if sep in (".", ":") else (f" {sep} " if sep else " ")
        return Heading(kind, case_label(label), case_title(rest) if rest else None, sep)
    return None


def trim_title(text: str) -> str:
    """Whitespace, emphasis markers and a footnote mark (``[6]``) off; a final period off
    unless it ends an initial (M.D.)."""
    text = _FOOTNOTE_MARK.sub("", clean_line(text))
    if text.endswith(".") and not text.endswith("..") and not re.search(r"(?:^|[\s.])[A-Z]\.$", text):
        text = text[:-1].rstrip()
    return text


def looks_like_title(line: str, max_words: int = 12) -> bool:
    """A short line in capitals or Title Case, not the start of a paragraph."""
    s = clean_line(line)
    if not s or len(s) > 8 * max_words or s[-1:] in ",;:" or s[:1] in "\"“‘'(—–-[":
        return False
    words = re.findall(r"[^\W\d_][\w’'\-]*", s)
    if not words or len(words) > max_words:
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
    """``CHAPTER IV`` → ``Chapter IV``; ``BOOK ONE`` → ``Book One``; mixed case is kept."""
    out = []
    for i, w in enumerate(label.split()):
        if not w.isupper() or re.fullmatch(ROMAN, w):
            out.append(w)
        elif i and w == "THE":
            out.append("the")
        else:
            out.append("-".join(p[:1] + p[1:].lower() for p in w.split("-")))
    return " ".join(out)


def case_title(text: str) -> str:
    """ALL-CAPS titles become Title Case (roman numerals and initials stay capitals); mixed
    case is kept as written. Italics (``_continued_``) are kept as written and do not make
    the rest mixed case: ``JOURNAL--_continued_`` → ``Journal--_continued_``."""
    parts = _ITALIC.split(text)                # plain, italic, plain, …
    letters = [c for p in parts[::2] for c in p if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return text
    return "".join(p if i % 2 else _case_words(p, first=i == 0) for i, p in enumerate(parts))


_ITALIC = re.compile(r"(_[^_]*(?:_|$))")


def _case_words(text: str, first: bool = True) -> str:
    """Title Case of an all-capitals run of words (``first``: it opens the title)."""
    words = []
    for i, w in enumerate(text.split(" ")):
        core = w.strip("()[]\"“”‘’'.,:;!?_*")
        if not core:
            words.append(w)
            continue
        if re.fullmatch(ROMAN, core) or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?|[B-Z]", core):
            words.append(w)
            continue
        low = w.lower()
        if (i or not first) and (core.lower() in _SMALL_WORDS or core == "A"):   # "BRINGS A VISITOR": the article
            words.append(low)
            continue
        words.append(re.sub(r"(^|[-(\[\"“])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), low, count=0))
    return " ".join(words)


# ----------------------------------------------------------------------------- Markdown
_MD_LINE_START = re.compile(r"^([ \t]*)(#|[-+*](?=[ \t]|$)|(\d{1,9})([.)])(?=[ \t]|$)|={2,}[ \t]*$|-{2,}[ \t]*$)")
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
        return "\n".join(escape_line_start(ln) for ln in text.split("\n"))
    return escape_line_start(text)


def escape_line_start(line: str) -> str:
    m = _MD_LINE_START.match(line)
    if not m:
        return line
    indent = m.group(1)
    if m.group(3):
        return f"{indent}{m.group(3)}\\{m.group(4)}{line[m.end():]}"
    return f"{indent}\\{line[len(indent):]}"
