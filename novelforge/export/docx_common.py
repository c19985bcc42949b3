"""What the two DOCX writers share: options, the content they lay out, clean styles, and
the deterministic package (the body's XML is :mod:`.docx_body`).

python-docx builds the parts that are small and fiddly (styles, the section, headers,
core properties); the body — every paragraph of the book — is written here as
WordprocessingML text (:mod:`.docx_body`), because python-docx's paragraph and run objects take about 10 s for
the 11,000 paragraphs of *War and Peace* (this takes 0.1 s). :func:`package` saves the
document, puts the body into ``word/document.xml``
and rewrites the zip with fixed timestamps and a fixed entry order, so the same book gives
the same bytes.

python-docx is imported inside the functions that use it (see DESIGN.md, house habit 5).
"""

from __future__ import annotations

import difflib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from pydantic import BaseModel

from novelforge.errors import ConfigError
from novelforge.export.docx_body import BAD_XML, attr
from novelforge.project.export_settings import PAPER, Option, choice, flag, paper, positive, text  # noqa: F401
from novelforge.project.layout import CONFIG_FILE

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIPS_PER_PT = 20

# Nothing time-dependent: the same book must give the same bytes (DESIGN.md, house habit 8).
# `novelforge export` passes its own fixed time (export: {modified: …} or SOURCE_DATE_EPOCH).
FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)
ITALICS = {"italic": "<w:i/><w:iCs/>", "underline": '<w:u w:val="single"/>'}

_DROPPED_RELS = ("/thumbnail", "/stylesWithEffects")


# ----------------------------------------------------------------------------- options
def read_options(spec: Iterable[Option], layers: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Options from ``layers`` — ``(name, values)`` pairs such as ``("export.manuscript",
    {...})``, later ones winning. A typed block (what the loader made of
    ``novelforge.yaml``) is already checked; a plain mapping (a renderer's ``overrides``)
    is checked against ``spec`` here, and a bad key or value is a :class:`ConfigError`
    that names it."""
    spec = {o.key: o for o in spec}
    out = {key: o.default for key, o in spec.items()}
    for where, values in layers:
        if values is None:
            continue
        if isinstance(values, BaseModel) or hasattr(values, "to_model"):   # a model, or its record
            out.update((k, v) for k, v in values if k in spec and v is not None)
            continue
        if not isinstance(values, Mapping):
            raise ConfigError(f"`{where}` must be a mapping of options.", path=CONFIG_FILE,
                              help="See docs/export-docx.md.")
        for key, value in values.items():
            norm = str(key).replace("-", "_")
            if norm not in spec:
                close = difflib.get_close_matches(norm, list(spec), n=1)
                hint = f" (did you mean `{close[0]}`?)" if close else ""
                raise ConfigError(f"Unknown option `{key}` in `{where}`{hint}.", path=CONFIG_FILE,
                                  help="See docs/export-docx.md for every option.")
            if value is None:
                continue
            try:
                out[norm] = spec[norm].parse(value)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"Bad value `{value}` for `{key}` in `{where}`: {exc}.",
                                  path=CONFIG_FILE, help="See docs/export-docx.md.") from None
    return out


# ----------------------------------------------------------------------------- content
@dataclass
class Content:
    """What a DOCX writer lays out: the book, its chapters with their part titles, front
    and back matter, the fixed timestamp and this format's settings block."""

    book: Any
    chapters: Iterable[tuple[str | None, Any]]
    front: Sequence[Any] = ()
    back: Sequence[Any] = ()
    modified: datetime = FIXED_TIME
    settings: Any = None       # this format's block of novelforge.yaml (typed, or a mapping)


def content_of(book, front: Sequence = (), back: Sequence = (), parts: Sequence | None = None,
               modified: datetime | None = None) -> Content:
    parts = list(parts or [])
    chapters = [(parts[i] if i < len(parts) else None, c) for i, c in enumerate(book.chapters)]
    return Content(book, chapters, front, back, utc_naive(modified))


def content_of_job(job) -> Content:
    """From an :class:`~novelforge.export.writer.ExportJob` (``each_chapter`` reports progress)."""
    return Content(job.book, job.each_chapter(), job.front, job.back, utc_naive(job.modified), job.settings)


# ----------------------------------------------------------------------------- document
def new_document():
    """A python-docx Document from the default template, minus its thumbnail (a picture of
    an empty page), the Word 2010 ``stylesWithEffects`` copy of the styles (which would
    not carry ours) and the "spelling already checked" flag."""
    import docx

    document = docx.Document()
    for owner in (document.part.package, document.part):
        for rId, rel in list(owner.rels.items()):
            if rel.reltype.endswith(_DROPPED_RELS):
                del owner.rels[rId]
    settings = document.settings.element
    for el in settings.findall(f"{{{W_NS}}}proofState"):
        settings.remove(el)
    return document


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def set_fonts(rpr, font: str) -> None:
    """Put ``font`` on all four font slots and drop theme fonts (which win over names)."""
    from docx.oxml import OxmlElement

    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(_w(slot), clean(font))


def set_defaults(document, font: str, size: float, language: str) -> None:
    """Document defaults: font, size, language, no space after paragraphs, single lines."""
    from docx.oxml import parse_xml

    styles = document.styles.element
    old = styles.find(_w("docDefaults"))
    lang, face = attr(language or "en"), attr(font)
    half = int(round(size * 2))
    new = parse_xml(
        f'<w:docDefaults xmlns:w="{W_NS}"><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii={face} w:hAnsi={face} w:eastAsia={face} w:cs={face}/>'
        f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        f'<w:lang w:val={lang} w:eastAsia={lang} w:bidi={lang}/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        f'</w:pPrDefault></w:docDefaults>')
    if old is not None:
        styles.replace(old, new)
    else:
        styles.insert(0, new)
    lang_setting = document.settings.element.find(_w("themeFontLang"))
    if lang_setting is not None:
        lang_setting.set(_w("val"), language or "en")


def paragraph_style(document, name: str, *, base: str | None = "Normal", next_style: str | None = None,
                    font: str | None = None, size: float | None = None, bold: bool = False,
                    italic: bool = False, align: str | None = None,
                    before: float = 0, after: float = 0, line: float | None = None,
                    first_indent: float | None = None, keep_next: bool = False,
                    page_break_before: bool = False, outline: int | None = None,
                    widow_control: bool = True, tabs: Iterable[tuple[str, float]] = ()):
    """Create ``name`` or reset it to exactly these properties (the default template's
    styles carry theme fonts, colours and borders we do not want). Lengths in points,
    ``first_indent`` in inches, ``line`` as a multiple of single spacing."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.shared import Inches, Pt

    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    el = style.element
    for tag in ("pPr", "rPr", "basedOn", "next", "link", "rsid"):
        for child in el.findall(_w(tag)):
            el.remove(child)
    style.base_style = styles[base] if base else None
    if next_style:                 # by id: the next style may not be defined yet
        nxt = OxmlElement("w:next")
        nxt.set(_w("val"), next_style.replace(" ", ""))
        (el.find(_w("basedOn")) if el.find(_w("basedOn")) is not None else el.find(_w("name"))).addnext(nxt)
    style.quick_style = True
    style.hidden = False
    style.unhide_when_used = False
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    if first_indent is not None:
        pf.first_line_indent = Inches(first_indent)
        pf.left_indent = Inches(0)
    if align:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        pf.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                        "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    pf.keep_with_next = keep_next or None
    pf.page_break_before = page_break_before or None
    pf.widow_control = widow_control
    for kind, pos in tabs:
        from docx.enum.text import WD_TAB_ALIGNMENT

        pf.tab_stops.add_tab_stop(Inches(pos), {"right": WD_TAB_ALIGNMENT.RIGHT,
                                                 "center": WD_TAB_ALIGNMENT.CENTER}.get(kind, WD_TAB_ALIGNMENT.LEFT))
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(_w("val"), str(outline))
        style.element.get_or_add_pPr().append(lvl)
    f = style.font
    if font:
        set_fonts(style.element.get_or_add_rPr(), font)
    if size:
        f.size = Pt(size)
    f.bold = bold or None
    f.italic = italic or None
    return style


def setup_section(section, page: tuple[float, float], margins: float, header_distance: float) -> None:
    from docx.shared import Inches

    section.page_width = Inches(page[0])
    section.page_height = Inches(page[1])
    section.top_margin = section.bottom_margin = Inches(margins)
    section.left_margin = section.right_margin = Inches(margins)
    section.header_distance = Inches(header_distance)
    section.footer_distance = Inches(header_distance)
    section.gutter = Inches(0)


def utc_naive(when: datetime | None) -> datetime:
    """``when`` in UTC without tzinfo (python-docx writes naive datetimes with a ``Z``)."""
    if when is None:
        return FIXED_TIME
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when.replace(microsecond=0)


def clean(value: str | None, limit: int = 255) -> str:
    """Text python-docx accepts in core properties (XML characters only, ≤ 255 long)."""
    return BAD_XML.sub("", value or "")[:limit]


def set_core_properties(document, book, subject: str, when: datetime = FIXED_TIME) -> None:
    cp = document.core_properties
    cp.title = clean(book.title)
    cp.author = clean(book.author or book.author_legal)
    cp.last_modified_by = "NovelForge"
    cp.comments = ""
    cp.subject = subject
    cp.keywords = ""
    cp.category = ""
    cp.identifier = clean(book.identifier)
    cp.language = clean(book.language) or "en"
    cp.revision = 1
    cp.created = cp.modified = cp.last_printed = when


def package(document, body_xml: str, when: datetime = FIXED_TIME) -> bytes:
    """The .docx bytes: ``body_xml`` replaces the body before the final ``w:sectPr``; every
    zip entry gets the date ``when`` and the same attributes, in a fixed order."""
    date_time = max((when.year, when.month, when.day, when.hour, when.minute, when.second),
                    (1980, 1, 1, 0, 0, 0))
    raw = io.BytesIO()
    document.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
        for name in first + sorted(n for n in names if n not in first):
            data = src.read(name)
            if name == "word/document.xml":
                data = _inject_body(data, body_xml)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, data, compresslevel=6)
    return out.getvalue()


def _inject_body(document_xml: bytes, body_xml: str) -> bytes:
    start = document_xml.index(b"<w:body>") + len(b"<w:body>")
    sect = document_xml.rindex(b"<w:sectPr")
    return document_xml[:start] + body_xml.encode("utf-8") + document_xml[sect:]

