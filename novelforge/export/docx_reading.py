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

from novelforge.export import docx_common as dc
from novelforge.export.book import Book

OPTIONS = [
    dc.Option("font", "Georgia", dc.text, "Typeface of the text."),
    dc.Option("heading_font", None, dc.text, "Typeface of the title and chapter headings (default: `font`)."),
    dc.Option("size", 11.0, dc.positive(float, 6, 24), "Font size of the text in points."),
    dc.Option("line_spacing", 1.2, dc.positive(float, 1, 3), "Line spacing as a multiple of single spacing."),
    dc.Option("indent", 0.25, dc.positive(float, 0, 2), "First-line indent of paragraphs, in inches."),
    dc.Option("margins", 0.75, dc.positive(float, 0.25, 2), "Page margins on all four sides, in inches."),
    dc.Option("paper", dc.PAPER["a5"], dc.paper, "`a5`, `a4`, `letter`, `6x9`, `5x8` or `WIDTHxHEIGHT` in inches."),
    dc.Option("justify", True, dc.flag, "Justified text (else ragged right)."),
    dc.Option("hyphenate", True, dc.flag, "Let Word and LibreOffice hyphenate automatically."),
    dc.Option("ornament", "* * *", dc.text, "The centred scene-break ornament, e.g. `⁂` or `~`."),
    dc.Option("chapter_page_break", True, dc.flag, "Start every chapter on a new page."),
    dc.Option("chapter_drop", 0.2, dc.positive(float, 0, 0.75),
              "With a page per chapter: how far down the page a chapter starts, as a fraction of the page height."),
    dc.Option("chapter_heading", "{heading}", dc.text,
              "Chapter heading: `{heading}` (title, else `Chapter N`), `{title}`, `{number}`; `\\n` breaks the line."),
    dc.Option("title_page", True, dc.flag, "Start with a title page (title, subtitle, author)."),
    dc.Option("page_numbers", True, dc.flag, "Page numbers centred in the footer (not on the title page)."),
]


def options_for(book: Book, overrides: Mapping | None = None) -> dict[str, Any]:
    opts = dc.read_options("reading", OPTIONS, book.settings, overrides)
    opts["heading_font"] = opts["heading_font"] or opts["font"]
    return opts


def _styles(document, opts: Mapping) -> None:
    font, hfont, size, line = opts["font"], opts["heading_font"], opts["size"], opts["line_spacing"]
    sink = (max(size * 3, (opts["paper"][1] * opts["chapter_drop"] - opts["margins"]) * 72)
            if opts["chapter_page_break"] else size * 3)
    align = "justify" if opts["justify"] else "left"
    dc.paragraph_style(document, "Normal", base=None, font=font, size=size, line=line)
    dc.paragraph_style(document, "Body Text", font=font, size=size, line=line,
                       first_indent=opts["indent"], align=align)
    dc.paragraph_style(document, "First Paragraph", base="Body Text", next_style="Body Text", font=font,
                       size=size, line=line, first_indent=0, align=align)
    dc.paragraph_style(document, "Title", next_style="Subtitle", font=hfont, size=size * 2.4, line=1.0,
                       first_indent=0, align="center", before=size * 10, after=size, keep_next=True)
    dc.paragraph_style(document, "Subtitle", next_style="Author", font=hfont, size=size * 1.4, line=1.0,
                       italic=True, first_indent=0, align="center", after=size, keep_next=True)
    dc.paragraph_style(document, "Author", font=hfont, size=size * 1.4, line=1.0, first_indent=0,
                       align="center", before=size * 2)
    dc.paragraph_style(document, "Heading 1", next_style="First Paragraph", font=hfont, size=size * 1.6,
                       line=1.0, first_indent=0, align="center", before=sink, after=size * 3,
                       keep_next=True, page_break_before=opts["chapter_page_break"], outline=0)
    dc.paragraph_style(document, "Heading 2", next_style="First Paragraph", font=hfont, size=size * 1.2,
                       line=1.0, italic=True, first_indent=0, align="center", before=size, after=size,
                       keep_next=True, outline=1)
    dc.paragraph_style(document, "Scene Break", next_style="First Paragraph", font=font, size=size,
                       line=line, first_indent=0, align="center", before=size * 0.6, after=size * 0.6,
                       keep_next=True)
    dc.paragraph_style(document, "Footer", font=font, size=size * 0.85, line=1.0, first_indent=0, align="center")


def _body(book: Book, opts: Mapping) -> str:
    out: list[str] = []
    if opts["title_page"]:
        out.append(dc.para_xml("Title", dc.run_xml(book.title or "")))
        if book.subtitle:
            out.append(dc.para_xml("Subtitle", dc.run_xml(book.subtitle)))
        if book.author:
            out.append(dc.para_xml("Author", dc.run_xml(book.author)))
    ornament = dc.para_xml("SceneBreak", dc.run_xml(opts["ornament"]))
    body_open = '<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr>'
    first_open = '<w:p><w:pPr><w:pStyle w:val="FirstParagraph"/></w:pPr>'
    # without a page break per chapter, the first chapter still needs one after the title page
    first_chapter_ppr = "<w:pageBreakBefore/>" if opts["title_page"] and not opts["chapter_page_break"] else ""
    for n, chapter in enumerate(book.chapters):
        heading = dc.fill(opts["chapter_heading"].replace("\\n", "\n"),
                          {"heading": chapter.heading, "title": chapter.title or "", "number": chapter.number})
        out.append(dc.para_xml("Heading1", dc.lines_xml(heading.split("\n")), first_chapter_ppr if n == 0 else ""))
        fresh = True                      # the next text paragraph has no indent
        for i, scene in enumerate(chapter.scenes):
            if i and scene.paragraphs:
                out.append(ornament)
                fresh = True
            for p in scene.paragraphs:
                if p.kind == "text":
                    out.append((first_open if fresh else body_open) + dc.runs_xml(p.runs) + "</w:p>")
                    fresh = False
                elif p.kind == "break":
                    out.append(ornament)
                    fresh = True
                else:
                    out.append(dc.para_xml("Heading2", dc.runs_xml(p.runs)))
                    fresh = True
    if not out:
        out.append(dc.para_xml("BodyText", ""))
    return "".join(out)


def render_reading_copy(book: Book, options: Mapping | None = None) -> bytes:
    """The reading copy as .docx bytes (the same book and options give the same bytes)."""
    from docx.oxml import OxmlElement, parse_xml

    opts = options_for(book, options)
    document = dc.new_document()
    dc.set_defaults(document, opts["font"], opts["size"], book.language)
    _styles(document, opts)
    if opts["hyphenate"]:
        settings = document.settings.element
        hyph = OxmlElement("w:autoHyphenation")
        # w:autoHyphenation comes right after w:defaultTabStop in CT_Settings
        anchor = settings.find(f"{{{dc.W_NS}}}defaultTabStop")
        if anchor is not None:
            anchor.addnext(hyph)
        else:
            settings.insert(0, hyph)
    section = document.sections[0]
    dc.setup_section(section, opts["paper"], opts["margins"], header_distance=min(0.5, opts["margins"] / 2))
    if opts["page_numbers"]:
        section.different_first_page_header_footer = opts["title_page"]
        if opts["title_page"]:
            section.first_page_footer.is_linked_to_previous = False
        footer = section.footer
        footer.is_linked_to_previous = False
        ftr = footer._element
        for p in list(ftr):
            ftr.remove(p)
        ftr.append(parse_xml(f'<w:p xmlns:w="{dc.W_NS}"><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
                             f'{dc.page_field_xml(placeholder="1")}</w:p>'))
    dc.set_core_properties(document, book, "Reading copy")
    return dc.package(document, _body(book, opts))


def write_reading_copy(book: Book, path: Path | str, options: Mapping | None = None) -> None:
    """Write the reading copy to ``path`` atomically. ``options`` override
    ``export.reading`` of novelforge.yaml (see docs/export-docx.md)."""
    from novelforge.util import atomic_write

    atomic_write(Path(path), render_reading_copy(book, options))
