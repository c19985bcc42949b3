"""What the two DOCX writers share: options, clean styles, XML for runs, and the
deterministic package.

python-docx builds the parts that are small and fiddly (styles, the section, headers,
core properties); the body — every paragraph of the book — is written here as WordprocessingML
text, because python-docx's paragraph and run objects cost about a second per 10,000
paragraphs. :func:`package` saves the document, puts the body into ``word/document.xml``
and rewrites the zip with fixed timestamps and a fixed entry order, so the same book gives
the same bytes.

python-docx is imported inside the functions that use it (see DESIGN.md, house habit 5).
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping
from xml.sax.saxutils import escape as _escape

from novelforge.errors import ConfigError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIPS_PER_INCH = 1440
TWIPS_PER_PT = 20

# Nothing time-dependent: the same book must give the same bytes (DESIGN.md, house habit 8).
FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

PAPER = {"letter": (8.5, 11.0), "a4": (8.27, 11.69), "a5": (5.83, 8.27), "6x9": (6.0, 9.0),
         "5x8": (5.0, 8.0), "5.5x8.5": (5.5, 8.5)}

_DROPPED_RELS = ("/thumbnail", "/stylesWithEffects")
# Characters XML 1.0 cannot carry; tabs and line feeds become spaces (runs are one line).
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile("[\t\n\r]")


# ----------------------------------------------------------------------------- options
@dataclass(frozen=True)
class Option:
    key: str
    default: Any
    parse: Callable[[Any], Any]
    doc: str


def read_options(block: str, spec: Iterable[Option], settings: Mapping | None,
                 overrides: Mapping | None) -> dict[str, Any]:
    """``export: {block: …}`` from novelforge.yaml, then ``overrides`` on top, checked
    against ``spec``. A bad key or value is a :class:`ConfigError` naming the key."""
    spec = {o.key: o for o in spec}
    raw: dict[str, Any] = {}
    configured = (settings or {}).get(block) or {}
    if not isinstance(configured, Mapping):
        raise ConfigError(f"`export.{block}` in novelforge.yaml must be a mapping of options.",
                          path="novelforge.yaml")
    raw.update(configured)
    raw.update({k: v for k, v in (overrides or {}).items() if v is not None})
    out = {key: o.default for key, o in spec.items()}
    for key, value in raw.items():
        norm = str(key).replace("-", "_")
        if norm not in spec:
            close = difflib.get_close_matches(norm, list(spec), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ConfigError(f"Unknown option `{key}` in `export.{block}`{hint}.", path="novelforge.yaml",
                              help="See docs/export-docx.md for every option.")
        try:
            out[norm] = spec[norm].parse(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"Bad value `{value}` for `export.{block}.{key}`: {exc}.",
                              path="novelforge.yaml", help="See docs/export-docx.md.") from None
    return out


def positive(kind: type = float, low: float = 0.0, high: float = 1e9) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a number")
        number = kind(value)
        if not low <= number <= high:
            raise ValueError(f"expected a number from {low:g} to {high:g}")
        return number
    return parse


def choice(*values: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in values:
            raise ValueError("expected one of " + ", ".join(values))
        return text
    return parse


def text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        raise ValueError("expected text")
    return str(value)


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("yes", "true", "on", "1"):
        return True
    if str(value).lower() in ("no", "false", "off", "0"):
        return False
    raise ValueError("expected true or false")


def paper(value: Any) -> tuple[float, float]:
    """``letter``, ``a4``, ``a5``, ``6x9`` … or ``WxH`` in inches."""
    key = str(value).strip().lower().replace(" ", "")
    if key in PAPER:
        return PAPER[key]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(?:in)?", key)
    if not m or not (3 <= float(m.group(1)) <= 22 and 3 <= float(m.group(2)) <= 22):
        raise ValueError("expected letter, a4, a5, 6x9, 5x8 or WIDTHxHEIGHT in inches")
    return float(m.group(1)), float(m.group(2))


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``{name}`` placeholders; an unknown one is left as written."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


# ----------------------------------------------------------------------------- XML text
def esc(value: str) -> str:
    if _BAD_XML.search(value):
        value = _BAD_XML.sub("", value)
    return _escape(_SPACE.sub(" ", value))


def run_xml(text_: str, props: str = "") -> str:
    if not text_:
        return ""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text_)}</w:t></w:r>'


def runs_xml(runs, italic_props: str = "<w:i/><w:iCs/>") -> str:
    """Book runs → ``<w:r>`` elements; ``italic_props`` is how italics are shown."""
    parts = []
    for r in runs:
        if not r.text:
            continue
        props = ("<w:b/><w:bCs/>" if r.bold else "") + (italic_props if r.italic else "")
        parts.append(run_xml(r.text, props))
    return "".join(parts)


def lines_xml(lines: list[str], props: str = "") -> str:
    """Runs with ``<w:br/>`` between lines."""
    return '<w:r><w:br/></w:r>'.join(run_xml(line, props) for line in lines)


def para_xml(style: str, content: str, ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{content}</w:p>'


PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'


def page_field_xml(props: str = "", placeholder: str = "2") -> str:
    """A real PAGE field (complex field: begin, instruction, separate, result, end)."""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{rpr}<w:t>{placeholder}</w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


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
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(_w(slot), font)


def set_defaults(document, font: str, size: float, language: str) -> None:
    """Document defaults: font, size, language, no space after paragraphs, single lines."""
    from docx.oxml import parse_xml

    styles = document.styles.element
    old = styles.find(_w("docDefaults"))
    lang = esc(language or "en")
    half = int(round(size * 2))
    new = parse_xml(
        f'<w:docDefaults xmlns:w="{W_NS}"><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{esc(font)}" w:hAnsi="{esc(font)}" w:eastAsia="{esc(font)}" w:cs="{esc(font)}"/>'
        f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        f'<w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="{lang}"/></w:rPr></w:rPrDefault>'
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
                    italic: bool = False, caps: bool = False, align: str | None = None,
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
    f.all_caps = caps or None
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


def set_core_properties(document, book, subject: str) -> None:
    cp = document.core_properties
    cp.title = book.title or ""
    cp.author = book.author or book.author_legal or ""
    cp.last_modified_by = "NovelForge"
    cp.comments = ""
    cp.subject = subject
    cp.keywords = ""
    cp.category = ""
    cp.identifier = book.identifier or ""
    cp.language = book.language or "en"
    cp.revision = 1
    cp.created = cp.modified = cp.last_printed = FIXED_TIME


def package(document, body_xml: str) -> bytes:
    """The .docx bytes: ``body_xml`` replaces the body before the final ``w:sectPr``; every
    zip entry gets the same date and attributes, in a fixed order."""
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
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, data, compresslevel=6)
    return out.getvalue()


def _inject_body(document_xml: bytes, body_xml: str) -> bytes:
    start = document_xml.index(b"<w:body>") + len(b"<w:body>")
    sect = document_xml.rindex(b"<w:sectPr")
    return document_xml[:start] + body_xml.encode("utf-8") + document_xml[sect:]
