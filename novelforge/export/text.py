"""Plain text (UTF-8): the title block, each chapter under its heading, a paragraph per
line with a blank line between paragraphs, ``* * *`` at scene breaks, and italics as
``_underscores_`` (the plain-text convention that ``novelforge import`` reads back).
"""

from __future__ import annotations

from typing import Iterable

from novelforge.export.book import Paragraph, Run
from novelforge.export.job import ExportJob
from novelforge.export.matter import MatterSection

BREAK = "* * *"
SEPARATOR = "\n\n"   # more space before a part or a chapter heading (three blank lines)


def runs_text(runs: Iterable[Run]) -> str:
    out = []
    for r in runs:
        if r.italic and r.text.strip():
            body = r.text.strip()
            lead = r.text[:len(r.text) - len(r.text.lstrip())]
            trail = r.text[len(r.text.rstrip()):]
            out.append(f"{lead}_{body}_{trail}")
        else:
            out.append(r.text)
    return "".join(out)


def _paragraph(p: Paragraph) -> str:
    return BREAK if p.kind == "break" else runs_text(p.runs)


def _matter(section: MatterSection, out: list[str]) -> None:
    block = [section.title] if section.title else []
    block += [_paragraph(p) for p in section.paragraphs]
    out.append(SEPARATOR + "\n\n".join(block))


def render(job: ExportJob) -> bytes:
    book = job.book
    head = [book.title]
    if book.subtitle:
        head.append(book.subtitle)
    if book.author:
        head += ["", book.author]
    out: list[str] = ["\n".join(head)]
    for s in job.front:
        _matter(s, out)
    current: str | None = None
    for part, chapter in job.each_chapter():
        if part != current and part is not None:
            out.append(SEPARATOR + part.upper())
        current = part
        block = [chapter.heading]
        first = True
        for scene in chapter.scenes:
            if not scene.paragraphs:
                continue
            if not first and scene.paragraphs[0].kind != "break":
                block.append(BREAK)
            first = False
            block.extend(_paragraph(p) for p in scene.paragraphs)
        out.append(SEPARATOR + "\n\n".join(block))
    for s in job.back:
        _matter(s, out)
    return ("\n\n".join(out) + "\n").encode("utf-8")
