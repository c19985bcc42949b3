"""One self-contained HTML page (CSS inline, a table of contents) for review copies.

The markup helpers here are shared with the EPUB writer: the same paragraphs, ``<em>``
and ``<strong>``, and ``<hr class="scene-break"/>`` ornaments (valid as HTML and XHTML).
"""

from __future__ import annotations

from html import escape
from typing import Iterable

from novelforge.export.book import Paragraph, Run
from novelforge.export.job import ExportJob, setting
from novelforge.export.matter import MatterSection

ORNAMENT = "❧"
RTL = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}   # right-to-left scripts

# DPUB-ARIA roles for EPUB structural semantics (epub:type) that have one
ROLES = {
    "dedication": "doc-dedication", "epigraph": "doc-epigraph", "foreword": "doc-foreword",
    "preface": "doc-preface", "introduction": "doc-introduction", "prologue": "doc-prologue",
    "epilogue": "doc-epilogue", "afterword": "doc-afterword", "acknowledgments": "doc-acknowledgments",
    "colophon": "doc-colophon", "appendix": "doc-appendix", "glossary": "doc-glossary",
    "bibliography": "doc-bibliography", "notice": "doc-notice", "other-credits": "doc-credits",
    "conclusion": "doc-conclusion", "chapter": "doc-chapter", "part": "doc-part",
}

BOOK_CSS = """\
body { margin: 0 auto; line-height: 1.5; font-family: Georgia, "Times New Roman", serif; }
h1, h2, h3, h4 { font-weight: normal; text-align: center; line-height: 1.2; hyphens: none; -webkit-hyphens: none; }
p { margin: 0; text-indent: 1.5em; text-align: justify; hyphens: auto; -webkit-hyphens: auto; }
h1 + p, h2 + p, h3 + p, h4 + p, hr + p, .scene-heading + p, .noindent { text-indent: 0; }
hr.scene-break { border: 0; margin: 1em 0; height: 1.5em; text-align: center; overflow: visible; }
hr.scene-break::after { content: "%(ornament)s"; display: inline-block; font-size: 1.2em; line-height: 1.5em; }
.titlepage { text-align: center; }
.titlepage .title { font-size: 2em; margin: 2em 0 0.25em; }
.titlepage .subtitle { font-size: 1.2em; font-style: italic; text-indent: 0; text-align: center; }
.titlepage .author { font-size: 1.2em; margin-top: 2em; text-indent: 0; text-align: center; }
.dedication p, .epigraph p { text-indent: 0; text-align: center; font-style: italic; }
.dedication em, .epigraph em { font-style: normal; }
.part { text-align: center; }
"""


def css(job: ExportJob) -> str:
    ornament = str(setting(job.settings, "scene_break", ORNAMENT) or ORNAMENT)[:40]
    # a CSS string: quotes, backslashes, line breaks and other ASCII symbols as \HHHHHH escapes
    safe = "".join(c if c.isalnum() or c in " *~·•❧⁂" else f"\\{ord(c):06x}" for c in ornament)
    return BOOK_CSS % {"ornament": safe}


def text(value: str) -> str:
    return escape(value, quote=False)


def attr(value: str) -> str:
    return escape(value, quote=True)


def runs_html(runs: Iterable[Run]) -> str:
    out = []
    for r in runs:
        t = escape(r.text, quote=False)
        if r.italic:
            t = f"<em>{t}</em>"
        if r.bold:
            t = f"<strong>{t}</strong>"
        out.append(t)
    return "".join(out)


def paragraphs_html(paragraphs: Iterable[Paragraph], heading_level: int, out: list[str]) -> None:
    """Append the markup of ``paragraphs`` to ``out``; headings inside a scene get
    ``<h{heading_level}>``."""
    level = min(heading_level, 6)
    for p in paragraphs:
        if p.kind == "break":
            out.append('<hr class="scene-break"/>\n')
        elif p.kind == "heading":
            out.append(f'<h{level} class="scene-heading">{runs_html(p.runs)}</h{level}>\n')
        else:
            out.append(f"<p>{runs_html(p.runs)}</p>\n")


def chapter_body(chapter, heading_level: int, out: list[str]) -> None:
    """The scenes of a chapter, with an ornament between scenes."""
    first = True
    for scene in chapter.scenes:
        if not scene.paragraphs:
            continue
        if not first and scene.paragraphs[0].kind != "break":
            out.append('<hr class="scene-break"/>\n')
        first = False
        paragraphs_html(scene.paragraphs, heading_level, out)


def matter_html(section: MatterSection, heading_tag: str, out: list[str], epub: bool = False,
                anchor: str | None = None) -> None:
    kind = section.kind
    classes = f"matter {kind}" if kind else "matter"
    attrs = f' class="{attr(classes)}"'
    if anchor:
        attrs += f' id="{anchor}"'
    if epub and kind:
        attrs += f' epub:type="{kind}"'
    if kind in ROLES:
        attrs += f' role="{ROLES[kind]}"'
    if section.title:
        out.append(f"<section{attrs}>\n<{heading_tag}>{text(section.title)}</{heading_tag}>\n")
    else:
        out.append(f'<section{attrs} aria-label="{attr(section.label)}">\n')
    level = int(heading_tag[1]) + 1 if heading_tag[1:].isdigit() else 3
    paragraphs_html(section.paragraphs, level, out)
    out.append("</section>\n")


# ----------------------------------------------------------------------------- the page
def render(job: ExportJob) -> bytes:
    book = job.book
    lang = attr(book.language)
    direction = ' dir="rtl"' if book.language.split("-")[0].lower() in RTL else ""
    out: list[str] = [
        "<!DOCTYPE html>\n",
        f'<html lang="{lang}"{direction}>\n<head>\n<meta charset="utf-8"/>\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n',
        f"<title>{text(book.title)}</title>\n",
    ]
    if book.author:
        out.append(f'<meta name="author" content="{attr(book.author)}"/>\n')
    out.append("<style>\n" + css(job) + PAGE_CSS + "</style>\n</head>\n<body>\n")
    out.append('<header class="titlepage">\n')
    out.append(f'<h1 class="title">{text(book.title)}</h1>\n')
    if book.subtitle:
        out.append(f'<p class="subtitle">{text(book.subtitle)}</p>\n')
    if book.author:
        out.append(f'<p class="author">{text(book.author)}</p>\n')
    out.append("</header>\n")

    # table of contents
    chapter_level = 3 if job.has_parts else 2
    out.append('<nav class="toc" aria-labelledby="toc-title">\n<h2 id="toc-title">Contents</h2>\n<ol>\n')
    for s in job.front:
        out.append(f'<li><a href="#front-{s.number}">{text(s.label)}</a></li>\n')
    current: str | None = None
    part_number = 0
    for part, chapter in zip(job.parts, book.chapters):
        if part != current:
            if current is not None:
                out.append("</ol></li>\n")
            current = part
            if part is not None:
                part_number += 1
                out.append(f'<li><a href="#part-{part_number}">{text(part)}</a><ol>\n')
        out.append(f'<li><a href="#chapter-{chapter.number}">{text(chapter.heading)}</a></li>\n')
    if current is not None:
        out.append("</ol></li>\n")
    for s in job.back:
        out.append(f'<li><a href="#back-{s.number}">{text(s.label)}</a></li>\n')
    out.append("</ol>\n</nav>\n<main>\n")

    for s in job.front:
        matter_html(s, "h2", out, anchor=f"front-{s.number}")
    current = None
    part_number = 0
    for part, chapter in job.each_chapter():
        if part != current and part is not None:
            part_number += 1
            out.append(f'<h2 class="part" id="part-{part_number}">{text(part)}</h2>\n')
        current = part
        out.append(f'<section class="chapter" id="chapter-{chapter.number}">\n'
                   f"<h{chapter_level}>{text(chapter.heading)}</h{chapter_level}>\n")
        chapter_body(chapter, chapter_level + 1, out)
        out.append("</section>\n")
    for s in job.back:
        matter_html(s, "h2", out, anchor=f"back-{s.number}")
    out.append("</main>\n</body>\n</html>\n")
    return "".join(out).encode("utf-8")


PAGE_CSS = """\
body { max-width: 36em; padding: 1em 1.5em 4em; color: #222; background: #fffdf8; }
nav.toc { margin: 2em 0 3em; }
nav.toc h2 { font-size: 1.3em; }
nav.toc ol { list-style: none; padding-left: 1.2em; }
nav.toc a { text-decoration: none; }
section.chapter, section.matter { margin-top: 4em; }
h2.part { font-size: 1.6em; margin-top: 5em; }
@media print { body { max-width: none; background: none; } section.chapter { break-before: page; } \
nav.toc a { color: inherit; } }
"""
