"""One Markdown file: a review copy that pandoc, GitHub and ``novelforge import`` read.

A YAML title block (title, subtitle, author, lang — what pandoc uses), ``#`` per chapter
(``#`` per part and ``##`` per chapter when the manuscript has parts), a paragraph per
line, ``*italic*`` and ``**bold**``, ``* * *`` between scenes and at scene breaks.
Characters Markdown would read as syntax are escaped, so the text reads back unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Iterable

from novelforge.export.book import Paragraph, Run
from novelforge.export.job import ExportJob
from novelforge.export.matter import MatterSection

BREAK = "* * *"
_INLINE_SPECIAL = re.compile(r"([\\`*\[\]]|(?<!\w)_|_(?!\w))")   # `_` inside a word is text
_HTML_LIKE = re.compile(r"([<&])(?=[A-Za-z/!?]|#?\w+;)")   # `<b`, `</`, `<!--`, `&amp;`
_LINE_START = re.compile(r"^(?:[#>]|[-+](?=\s|$)|-{3,}|~{3,}|\d{1,9}(?=[.)](?:\s|$)))")


def escape(text: str) -> str:
    """Backslash-escape what Markdown would read as syntax (emphasis, code, links, HTML)."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    if "<" in text or "&" in text:
        text = _HTML_LIKE.sub(r"\\\1", text)
    return text


def runs_markdown(runs: Iterable[Run]) -> str:
    """Runs → Markdown: ``*italic*``, ``**bold**``, ``**_both_**``. Whitespace at the edges
    of an emphasised run moves outside the markers (``* word*`` would not be emphasis)."""
    out: list[str] = []
    for r in runs:
        body = escape(r.text)
        if not (r.italic or r.bold) or not body.strip():
            out.append(body)
            continue
        stripped = body.strip()
        lead = body[:len(body) - len(body.lstrip())]
        trail = body[len(body.rstrip()):]
        marker = "**_" if r.bold and r.italic else "**" if r.bold else "*"
        out.append(f"{lead}{marker}{stripped}{marker[::-1]}{trail}")
    return "".join(out)


def paragraph_markdown(p: Paragraph, heading: str) -> str:
    if p.kind == "break":
        return BREAK
    line = runs_markdown(p.runs)
    if p.kind == "heading":
        return f"{heading} {line}"
    m = _LINE_START.match(line)
    if m:  # a line Markdown would read as a heading, quote, list, rule or code fence
        at = m.end() if line[0].isdigit() else 0
        line = line[:at] + "\\" + line[at:]
    return line


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _matter(section: MatterSection, level: str, out: list[str]) -> None:
    if section.title:
        out.append(f"{level} {escape(section.title)}")
    for p in section.paragraphs:
        out.append(paragraph_markdown(p, level + "#"))


def render(job: ExportJob) -> bytes:
    book = job.book
    header = ["---", f"title: {_yaml(book.title)}"]
    if book.subtitle:
        header.append(f"subtitle: {_yaml(book.subtitle)}")
    if book.author:
        header.append(f"author: {_yaml(book.author)}")
    header += [f"lang: {_yaml(book.language)}", "---"]
    out: list[str] = ["\n".join(header)]   # blocks, separated by blank lines
    chapter_level = "##" if job.has_parts else "#"
    for s in job.front:
        _matter(s, "#", out)
    current: str | None = None
    for part, chapter in job.each_chapter():
        if part != current and part is not None:
            out.append(f"# {escape(part)}")
        current = part
        out.append(f"{chapter_level} {escape(chapter.heading)}")
        first = True
        for scene in chapter.scenes:
            if not scene.paragraphs:
                continue
            if not first and scene.paragraphs[0].kind != "break":
                out.append(BREAK)
            first = False
            out.extend(paragraph_markdown(p, chapter_level + "#") for p in scene.paragraphs)
    for s in job.back:
        _matter(s, "#", out)
    return ("\n\n".join(out) + "\n").encode("utf-8")
