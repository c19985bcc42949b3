"""DOCX reading copy: the book as a book, with real styles.

A title page (Title, Subtitle, Author), Heading 1 for each chapter (so Word's and
LibreOffice's navigation panes list the chapters), justified body text with a first-line
indent except after a heading or a scene break ("First Paragraph"), scene breaks as a
centred ornament, page numbers in the footer, optionally each chapter on a new page.
Options live under ``export: {reading: …}`` in novelforge.yaml (docs/export-docx.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from novelforge.export import docx_body as xb
from novelforge.export import docx_common as dc
from novelforge.export.book import Book
from novelforge.export.job import settings_block
from novelforge.project.export_settings import READING_OPTIONS

BLOCK = "reading"             # export: {reading: {...}}; export: {docx-reading: {...}} is read too

# the options, their defaults and parsers: one table, also the typed `export: {reading: …}` block
OPTIONS = READING_OPTIONS


def options_for(book: Book, overrides: Mapping | None = None, format_block: Mapping | None = None) -> dict[str, Any]:
    """``export.reading``, then ``export.docx-reading`` (the format's own block), then ``overrides``."""
    opts = dc.read_options(OPTIONS, [("export.reading", settings_block(book.settings, BLOCK)),
                                     ("export.docx-reading", format_block), ("options", overrides)])
    opts["heading_font"] = opts["heading_font"] or opts["font"]
    return opts


def _sink(opts: Mapping) -> float:
    """Points above a heading that opens a page."""
    return max(opts["size"] * 3, (opts["paper"][1] * opts["chapter_drop"] - opts["margins"]) * 72)


def _styles(document, opts: Mapping) -> None:
    font, hfont, size, line = opts["font"], opts["heading_font"], opts["size"], opts["line_spacing"]
    align = "justify" if opts["justify"] else "left"
    text_ = dict(font=font, size=size, line=line, align=align)
    display = dict(font=hfont, line=1.0, first_indent=0, align="center")
    dc.paragraph_style(document, "Normal", base=None, font=font, size=size, line=line)
    dc.paragraph_style(document, "Body Text", **text_, first_indent=opts["indent"])
    dc.paragraph_style(document, "First Paragraph", base="Body Text", next_style="Body Text", **text_,
                       first_indent=0)
    dc.paragraph_style(document, "Title", next_style="Subtitle", **display, size=size * 2.4,
                       before=_sink(opts), after=size, keep_next=True)
    dc.paragraph_style(document, "Subtitle", next_style="Author", **display, size=size * 1.4, italic=True,
                       after=size, keep_next=True)
    dc.paragraph_style(document, "Author", **display, size=size * 1.4, before=size * 2)
    dc.paragraph_style(document, "Part", next_style="Heading 1", **display, size=size * 2,
                       before=_sink(opts), page_break_before=True, outline=0)
    dc.paragraph_style(document, "Heading 1", next_style="First Paragraph", **display, size=size * 1.6,
                       before=_sink(opts) if opts["chapter_page_break"] else size * 3, after=size * 3,
                       keep_next=True, page_break_before=opts["chapter_page_break"], outline=0)
    dc.paragraph_style(document, "Heading 2", next_style="First Paragraph", **display, size=size * 1.2,
                       italic=True, before=size, after=size, keep_next=True, outline=1)
    dc.paragraph_style(document, "Scene Break", next_style="First Paragraph", font=font, size=size, line=line,
                       first_indent=0, align="center", before=size * 0.6, after=size * 0.6, keep_next=True)
    dc.paragraph_style(document, "Dedication", font=font, size=size, line=line, italic=True, first_indent=0,
                       align="center")
    dc.paragraph_style(document, "Footer", font=font, size=size * 0.85, line=1.0, first_indent=0, align="center")


def _body(content: dc.Content, opts: Mapping) -> str:
    book = content.book
    out: list[str] = []
    if opts["title_page"]:
        out.append(xb.para_xml("Title", xb.run_xml(book.title or "")))
        if book.subtitle:
            out.append(xb.para_xml("Subtitle", xb.run_xml(book.subtitle)))
        if book.author:
            out.append(xb.para_xml("Author", xb.run_xml(book.author)))
    ornament = xb.para_xml("SceneBreak", xb.run_xml(opts["ornament"]))
    flow = dict(scene_break=ornament, body="BodyText", first="FirstParagraph")
    opening = f'<w:pageBreakBefore/><w:spacing w:before="{round(_sink(opts) * dc.TWIPS_PER_PT)}"/>'
    new_page = "" if opts["chapter_page_break"] else "<w:pageBreakBefore/>"
    for section in content.front:
        xb.matter_xml(section, out, opening=opening, **flow)
    current_part = None
    first = bool(out)             # something before the first chapter: it starts a new page
    for part, chapter in content.chapters:
        if part != current_part:
            current_part = part
            if part:
                out.append(xb.para_xml("Part", xb.run_xml(part)))
                first = False
        heading = xb.lines_xml(xb.chapter_heading(opts["chapter_heading"], chapter))
        out.append(xb.para_xml("Heading1", heading, new_page if first else ""))
        first = False
        fresh = True                       # no indent after a heading or a scene break
        for i, scene in enumerate(chapter.scenes):
            if i and scene.paragraphs:
                out.append(ornament)
                fresh = True
            fresh = xb.flow_xml(scene.paragraphs, out, fresh=fresh, **flow)
    for section in content.back:
        xb.matter_xml(section, out, opening=opening, **flow)
    return "".join(out) or xb.para_xml("BodyText", "")


def _render(content: dc.Content, options: Mapping | None = None) -> bytes:
    from docx.oxml import OxmlElement, parse_xml

    book = content.book
    opts = options_for(book, options, content.settings)
    document = dc.new_document()
    dc.set_defaults(document, opts["font"], opts["size"], book.language)
    _styles(document, opts)
    if opts["hyphenate"]:
        settings = document.settings.element
        anchor = settings.find(f"{{{dc.W_NS}}}defaultTabStop")  # w:autoHyphenation follows it
        hyphenation = OxmlElement("w:autoHyphenation")
        if anchor is not None:
            anchor.addnext(hyphenation)
        else:
            settings.insert(0, hyphenation)
    section = document.sections[0]
    dc.setup_section(section, opts["paper"], opts["margins"], header_distance=min(0.5, opts["margins"] / 2))
    if opts["page_numbers"]:
        if opts["title_page"]:             # no number on the title page
            section.different_first_page_header_footer = True
            section.first_page_footer.is_linked_to_previous = False
        footer = section.footer
        footer.is_linked_to_previous = False
        ftr = footer._element
        for p in list(ftr):
            ftr.remove(p)
        ftr.append(parse_xml(f'<w:p xmlns:w="{dc.W_NS}"><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
                             f'{xb.page_field_xml(placeholder="1")}</w:p>'))
    dc.set_core_properties(document, book, "Reading copy", content.modified)
    return dc.package(document, _body(content, opts), content.modified)


def render(job) -> bytes:
    """The renderer of ``novelforge export --format docx-reading`` (see novelforge.export.writer)."""
    return _render(dc.content_of_job(job))


def render_reading_copy(book: Book, options: Mapping | None = None, *, front=(), back=(), parts=None,
                        modified=None) -> bytes:
    """The reading copy as .docx bytes; the same input gives the same bytes. ``options``
    override ``export.reading`` of novelforge.yaml (docs/export-docx.md)."""
    return _render(dc.content_of(book, front, back, parts, modified), options)


def write_reading_copy(book: Book, path: Path | str, options: Mapping | None = None) -> None:
    """Write the reading copy to ``path`` atomically."""
    from novelforge.util import atomic_write

    atomic_write(Path(path), render_reading_copy(book, options))
