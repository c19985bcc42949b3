"""Blocks of prose: paragraphs (blank-line separated), scene breaks, headings and
sentences — in a scene file, and in the manuscripts ``novelforge import`` reads.

Spans are ``(start, end)`` offsets into the masked text (see :mod:`.masking`).
"""

from __future__ import annotations

import re

from novelforge.text.lexicon import ABBREVIATIONS

PARA_SPLIT = re.compile(r"\n[ \t]*\n\s*")
# A scene break in a scene file (docs/format: `#`, `***` or `* * *`; `---` and `~~~` too).
SCENE_BREAK = re.compile(r"^[ \t]*(?:#|\*\s*\*\s*\*|\*\*\*|-{3,}|~{3,})[ \t]*$")
HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.*?)[ \t#]*$")
# What manuscripts use for a scene break, wider than the project format: `-----`,
# `•  •  •`, `❦`, `§`, `⁂`… (``novelforge import`` writes each as `* * *`).
_MANUSCRIPT_BREAK = re.compile(r"[ \t]*(?:[*•·#~=_+§⁂❦❧✻✽✶☙◊◆♦-][ \t]*)+\Z")
BREAK_GLYPHS = frozenset("*•·#~=_+§⁂❦❧✻✽✶☙◊◆♦-")
# A sentence end: stops and closing quotes before a capital or the end, or one stop (and a
# quote) before a line break. Both branches share the first stop, written once, so the
# scan looks for one character class (three times quicker than two alternatives).
_SENT_END = re.compile(r"[.!?…](?:[.!?…]*[\"”’')\]]*(?=\s+[\"“‘'(\[]?[^\W\d_a-z0-9]|\s*$)"
                       r"|(?<=[.!?])[\"”’']?(?=\s*\n))")


def is_break_line(line: str) -> bool:
    """``#``, ``***``, ``* * *``, ``-----``, ``•  •  •``, ``❦``: a line of a manuscript that
    marks a scene break (a lone dash or ``--`` is a dash)."""
    s = line.strip()
    if not s or not _MANUSCRIPT_BREAK.match(s):
        return False
    if set(s) <= set("-_ \t") and len(s.replace(" ", "")) < 3:
        return False
    return True


def is_scene_break(block: str) -> bool:
    """Whether a block of a scene file is a scene break."""
    return SCENE_BREAK.match(block.strip()) is not None


def heading_text(block: str) -> str | None:
    """The text of a one-line ``# Heading`` block, or None."""
    if "\n" in block.strip():
        return None
    m = HEADING.match(block)
    return m.group(1) if m else None


def paragraphs(masked: str, body_start: int) -> list[tuple[int, int]]:
    """The paragraphs of the body, without scene breaks and one-line headings."""
    out: list[tuple[int, int]] = []
    pos = body_start
    n = len(masked)
    while pos < n and masked[pos] in " \t\n":
        pos += 1
    for m in PARA_SPLIT.finditer(masked, pos):
        _add_para(masked, pos, m.start(), out)
        pos = m.end()
    _add_para(masked, pos, len(masked.rstrip()), out)
    return out


def _add_para(masked: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    chunk = masked[start:end]
    if not chunk.strip():
        return
    stripped = chunk.lstrip()            # leading blanks left by masked comments
    start += len(chunk) - len(stripped)
    end = start + len(stripped.strip())
    block = masked[start:end]
    if SCENE_BREAK.match(block) or heading_text(block) is not None:
        return
    out.append((start, end))


def sentences(masked: str, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of the paragraphs: a full stop after a title, an abbreviation or an
    initial (`Mr.`, `etc.`, `J.`) does not end one."""
    out: list[tuple[int, int]] = []
    for pstart, pend in paras:
        s = pstart
        for m in _SENT_END.finditer(masked, pstart, pend):
            end = m.end()
            if masked[m.start()] == "." and m.end() - m.start() == 1:
                w = m.start()
                while w > s and not masked[w - 1].isspace():  # a line wrap also starts a word
                    w -= 1
                word = masked[w:m.start()].lstrip("\"“‘(").lower()
                if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
            out.append((s, end))
            s = end
            while s < pend and masked[s] in " \t\n":
                s += 1
        if s < pend:
            out.append((s, pend))
    return out
