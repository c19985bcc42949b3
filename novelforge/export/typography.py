"""Typography for export: curly quotes and apostrophes, dashes and ellipses, by language.

Runs on plain prose text (Markdown emphasis markers already removed, comments and
front matter already gone). Straight quotes are decided by context: an opening quote
follows a space, an opening bracket or a dash, or starts the text.
"""

from __future__ import annotations

import re

# (open double, close double, open single, close single/apostrophe)
QUOTES = {
    "en": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
    "fr": ("«\u202f", "\u202f»", "‹\u202f", "\u202f›"),
    "es": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "nl": ("“", "”", "‘", "’"),
    "sv": ("”", "”", "’", "’"),
    "pl": ("„", "”", "‚", "’"),
    "ru": ("«", "»", "„", "“"),
}

_EM = re.compile(r"(?<!-)---(?!-)")
_EN = re.compile(r"(?<!-)--(?!-)")
_ELLIPSIS = re.compile(r"\.\.\.(?!\.)")
_OPENERS = " \t\n([{—–-\u00a0/"


def quotes_for(language: str) -> tuple[str, str, str, str]:
    return QUOTES.get((language or "en").split("-")[0].lower(), QUOTES["en"])


def smarten(text: str, language: str = "en", state: list[bool] | None = None) -> str:
    """Curly quotes, apostrophes, em/en dashes and ellipses.

    ``state`` carries whether a double quote is open across calls (one paragraph split
    into emphasis runs is smartened run by run); pass a fresh ``[False]`` per paragraph.
    """
    if not text:
        return text
    if "-" in text:
        text = _EM.sub("—", text)
        text = _EN.sub("–", text)
    if "..." in text:
        text = _ELLIPSIS.sub("…", text)
    if '"' not in text and "'" not in text:
        return text
    od, cd, os_, cs = quotes_for(language)
    apostrophe = "’" if language.split("-")[0].lower() not in ("fr",) else "’"
    st = state if state is not None else [False]
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch == '"':
            prev = text[i - 1] if i else (" " if not st[0] else "x")
            if prev in _OPENERS or (i == 0 and not st[0]):
                out.append(od)
                st[0] = True
            else:
                out.append(cd)
                st[0] = False
        elif ch == "'":
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < n else " "
            if prev.isalnum() or (prev in ".,!?" and not nxt.isalnum()):
                out.append(apostrophe if prev.isalnum() and nxt.isalnum() else cs)
            elif prev in _OPENERS and nxt.isalnum():
                # 'Tis, 'em and '95 are apostrophes; otherwise an opening single quote
                word = re.match(r"[A-Za-z0-9]+", text[i + 1:])
                if word and word.group(0).lower() in ("tis", "twas", "em", "cause", "til", "n") or nxt.isdigit():
                    out.append(apostrophe)
                else:
                    out.append(os_)
            else:
                out.append(cs)
        else:
            out.append(ch)
    return "".join(out)
