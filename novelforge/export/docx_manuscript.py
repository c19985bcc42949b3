"""DOCX in standard manuscript format (after William Shunn's "Proper Manuscript Format").

12 pt Times New Roman or Courier, double-spaced, 1-inch margins, half-inch first-line
indents, no space between paragraphs; a title page with the legal name and contact block
top left, "about N words" top right and the title and byline halfway down; a running
header ``Surname / KEYWORD / page`` (a real PAGE field) from page 2; each chapter on a new
page a third of the way down; ``#`` for scene breaks; ``END`` after the last chapter.
Every choice is an option under ``export: {manuscript: …}`` in novelforge.yaml
(docs/export-docx.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from novelforge.export import docx_body as xb
from novelforge.export import docx_common as dc
from novelforge.export.book import Book
from novelforge.export.job import settings_block
from novelforge.project.export_settings import MANUSCRIPT_OPTIONS

BLOCK = "manuscript"          # export: {manuscript: {...}}; export: {docx: {...}} is read too

_TYPEWRITER = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'",
                             "—": "--", "–": "-", "…": "...", "\u00a0": " "})
_ARTICLES = {"a", "an", "the", "of", "and", "le", "la", "les", "l", "der", "die", "das", "el", "los", "las"}


# the options, their defaults and parsers: one table, also the typed `export: {manuscript: …}` block
OPTIONS = MANUSCRIPT_OPTIONS


def round_words(words: int, rounding: str | int = "shunn") -> int:
    """Shunn's rule: nearest 100 up to 1,500 words, 500 up to 10,000, 1,000 up to
    25,000, 5,000 beyond; or the nearest multiple of ``rounding``; ``none`` is exact."""
    if rounding == "none" or words <= 0:
        return max(words, 0)
    if rounding == "shunn":
        step = 100 if words < 1500 else 500 if words < 10_000 else 1000 if words < 25_000 else 5000
    else:
        step = int(rounding)
    return max(step, (words + step // 2) // step * step)


def default_keyword(title: str) -> str:
    words = re.findall(r"[^\W_]+", title or "")
    for w in words:
        if w.lower() not in _ARTICLES:
            return w.upper()
    return (words[0] if words else "").upper()


def default_surname(book: Book) -> str:
    """``Mara Quill`` → Quill, ``Quill, Mara`` → Quill, ``Leo Tolstoy (tr. …)`` → Tolstoy."""
    name = re.sub(r"\([^)]*\)?|\[[^]]*\]?", " ", book.author or book.author_legal or "")
    if "," in name:
        name = name.split(",")[0]
    words = re.findall(r"[^\W\d_][\w.'’-]*", name)
    return words[-1].strip(".") if words else ""


def options_for(book: Book, overrides: Mapping | None = None, format_block: Mapping | None = None) -> dict[str, Any]:
    """``export.manuscript``, then ``export.docx`` (the format's own block), then ``overrides``."""
    opts = dc.read_options(OPTIONS, [("export.manuscript", settings_block(book.settings, BLOCK)),
                                     ("export.docx", format_block), ("options", overrides)])
    if opts["surname"] is None:
        opts["surname"] = default_surname(book)
    if opts["keyword"] is None:
        opts["keyword"] = default_keyword(book.title)
    return opts


def _header_parts(opts: Mapping, book: Book) -> tuple[str, str]:
    """The header's text before and after the page field, empty segments dropped."""
    before, _, after = opts["header"].partition("{page}")
    values = {"surname": opts["surname"], "keyword": opts["keyword"], "title": book.title}
    before = re.sub(r"(?:\s*/\s*){2,}", " / ", xb.fill(before, values))   # an empty segment
    return re.sub(r"^\s*/\s*", "", before), xb.fill(after, values)


def _styles(document, opts: Mapping, page: tuple[float, float], contact_lines: int) -> None:
    font, size, line = opts["font"], opts["size"], opts["line_spacing"]
    text_width = page[0] - 2 * opts["margins"]
    halfway = (page[1] / 2 - opts["margins"]) * 72
    blank_line = size * line
    common = dict(font=font, size=size, line=line, first_indent=0)
    centred = dict(common, align="center")
    dc.paragraph_style(document, "Normal", base=None, font=font, size=size, line=1.0)
    dc.paragraph_style(document, "Body Text", **dict(common, first_indent=opts["indent"]), align="left")
    dc.paragraph_style(document, "Contact", **dict(common, line=1.0), tabs=[("right", text_width)])
    dc.paragraph_style(document, "Byline", **centred)
    # the title sits halfway down: the space above it is what the contact block leaves;
    # single-spaced lines of Times New Roman and Courier New are about 1.15 em high
    title_before = halfway - contact_lines * size * 1.15 - blank_line / 2
    dc.paragraph_style(document, "Title", next_style="Byline", **centred, before=max(0.0, title_before),
                       keep_next=True)
    dc.paragraph_style(document, "Heading 1", next_style="Body Text", **centred, before=_drop(opts, page),
                       after=blank_line, keep_next=True, page_break_before=True, outline=0)
    dc.paragraph_style(document, "Heading 2", next_style="Body Text", **centred, keep_next=True, outline=1)
    dc.paragraph_style(document, "Part", next_style="Heading 1", **centred, before=_drop(opts, page),
                       page_break_before=True, outline=0)
    dc.paragraph_style(document, "Scene Break", next_style="Body Text", **centred)
    dc.paragraph_style(document, "Dedication", **centred)
    dc.paragraph_style(document, "End", **centred, before=blank_line)
    dc.paragraph_style(document, "Header", **dict(common, line=1.0), align="right")


def _drop(opts: Mapping, page: tuple[float, float]) -> float:
    """Points from the top margin to where a chapter starts."""
    return max(0.0, (page[1] * opts["chapter_drop"] - opts["margins"]) * 72)


def _contact_lines(book: Book) -> list[str]:
    name = (book.author_legal or book.author or "").strip()
    lines = [name] if name else []
    for i, line in enumerate(book.contact):
        line = str(line).strip()
        if line and not (i == 0 and lines and line == lines[0]):
            lines.append(line)
    return lines or [""]


def _title_page(book: Book, opts: Mapping, fix) -> list[str]:
    words = round_words(book.words, opts["rounding"])
    count = xb.fill(opts["word_count"], {"words": f"{words:,}", "exact": f"{book.words:,}"})
    lines = [fix(line) for line in _contact_lines(book)]
    out = [xb.para_xml("Contact", xb.run_xml(lines[0]) + "<w:r><w:tab/></w:r>" + xb.run_xml(count))]
    out += [xb.para_xml("Contact", xb.run_xml(line)) for line in lines[1:]]
    out.append(xb.para_xml("Title", xb.run_xml(fix(book.title or ""))))
    if book.subtitle:
        out.append(xb.para_xml("Byline", xb.run_xml(fix(book.subtitle))))
    author = (book.author or book.author_legal or "").strip()
    if author and opts["byline"]:
        out.append(xb.para_xml("Byline", xb.run_xml(fix(xb.fill(opts["byline"], {"author": author})))))
    return out


def _typewriter(s: str) -> str:
    return s.translate(_TYPEWRITER)


def _body(content: dc.Content, opts: Mapping, page: tuple[float, float]) -> str:
    book = content.book
    fix = _typewriter if opts["typewriter"] else None
    same = fix or (lambda s: s)
    italic = dc.ITALICS[opts["italics"]]
    out: list[str] = _title_page(book, opts, same) if opts["title_page"] else []
    scene_break = xb.para_xml("SceneBreak", xb.run_xml(opts["scene_break"]))
    flow = dict(scene_break=scene_break, italic=italic, fix=fix)
    opening = f'<w:pageBreakBefore/><w:spacing w:before="{round(_drop(opts, page) * dc.TWIPS_PER_PT)}"/>'
    if opts["matter"]:
        for section in content.front:
            xb.matter_xml(section, out, opening=opening, **flow)
    current_part = None
    for part, chapter in content.chapters:
        if part != current_part:
            current_part = part
            if part:
                out.append(xb.para_xml("Part", xb.run_xml(same(part))))
        heading = xb.chapter_heading(opts["chapter_heading"], chapter)
        out.append(xb.para_xml("Heading1", xb.lines_xml([same(line) for line in heading])))
        for i, scene in enumerate(chapter.scenes):
            if i and scene.paragraphs:
                out.append(scene_break)
            xb.flow_xml(scene.paragraphs, out, **flow)
    if opts["end"]:
        out.append(xb.para_xml("End", xb.run_xml(opts["end"])))
    if opts["matter"]:
        for section in content.back:
            xb.matter_xml(section, out, opening=opening, **flow)
    return "".join(out)


def _render(content: dc.Content, options: Mapping | None = None) -> bytes:
    from docx.oxml import parse_xml

    book = content.book
    opts = options_for(book, options, content.settings)
    page = opts["paper"]
    document = dc.new_document()
    dc.set_defaults(document, opts["font"], opts["size"], book.language)
    _styles(document, opts, page, len(_contact_lines(book)) if opts["title_page"] else 0)
    section = document.sections[0]
    dc.setup_section(section, page, opts["margins"], header_distance=0.5)
    section.different_first_page_header_footer = True       # the title page has no header
    section.first_page_header.is_linked_to_previous = False  # an explicit, empty first-page header
    header = section.header
    header.is_linked_to_previous = False
    before, after = _header_parts(opts, book)
    hdr = header._element
    for p in list(hdr):
        hdr.remove(p)
    hdr.append(parse_xml(f'<w:p xmlns:w="{dc.W_NS}"><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
                         f'{xb.run_xml(before)}{xb.page_field_xml()}{xb.run_xml(after)}</w:p>'))
    dc.set_core_properties(document, book, "Manuscript", content.modified)
    return dc.package(document, _body(content, opts, page), content.modified)


def render(job) -> bytes:
    """The renderer of ``novelforge export --format docx`` (see novelforge.export.writer)."""
    return _render(dc.content_of_job(job))


def render_manuscript(book: Book, options: Mapping | None = None, *, front=(), back=(), parts=None,
                      modified=None) -> bytes:
    """The manuscript as .docx bytes; the same input gives the same bytes. ``options``
    override ``export.manuscript`` of novelforge.yaml (docs/export-docx.md)."""
    return _render(dc.content_of(book, front, back, parts, modified), options)


def write_manuscript(book: Book, path: Path | str, options: Mapping | None = None) -> None:
    """Write the manuscript to ``path`` atomically."""
    from novelforge.util import atomic_write

    atomic_write(Path(path), render_manuscript(book, options))
