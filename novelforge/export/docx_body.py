"""The body of a DOCX book as WordprocessingML text: runs, paragraphs, scenes, front and
back matter, chapter headings and the PAGE field, written as strings because
python-docx's paragraph and run objects take about 10 s for the 11,000 paragraphs of
*War and Peace* (this takes 0.1 s). :func:`novelforge.export.docx_common.package` puts
it into ``word/document.xml``. Every text is escaped here (:func:`esc`, :func:`attr`),
and the characters XML 1.0 cannot carry are dropped."""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

# Characters XML 1.0 cannot carry; tabs and line feeds become spaces (runs are one line).
BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile("[\t\n\r]")


# ----------------------------------------------------------------------------- templates
def fill(template: str, values: Mapping[str, Any]) -> str:
    """``{name}`` placeholders; an unknown one is left as written."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


# ----------------------------------------------------------------------------- XML text
def esc(value: str) -> str:
    if BAD_XML.search(value):
        value = BAD_XML.sub("", value)
    return _escape(_SPACE.sub(" ", value))


def attr(value: str) -> str:
    """An attribute value, quotes included."""
    return quoteattr(BAD_XML.sub("", value))


def run_xml(text_: str, props: str = "") -> str:
    if not text_:
        return ""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text_)}</w:t></w:r>'


def runs_xml(runs, italic_props: str = "<w:i/><w:iCs/>", fix: Callable[[str], str] | None = None) -> str:
    """Book runs → ``<w:r>`` elements; ``italic_props`` is how italics are shown, ``fix``
    rewrites the text (e.g. typewriter quotes)."""
    parts = []
    for r in runs:
        if not r.text:
            continue
        props = ("<w:b/><w:bCs/>" if r.bold else "") + (italic_props if r.italic else "")
        parts.append(run_xml(fix(r.text) if fix else r.text, props))
    return "".join(parts)


def flow_xml(paragraphs, out: list[str], *, scene_break: str, italic: str = "<w:i/><w:iCs/>",
             fix: Callable[[str], str] | None = None, body: str = "BodyText", first: str = "BodyText",
             fresh: bool = True) -> bool:
    """Append a scene's (or a front-matter section's) paragraphs to ``out``: text in style
    ``body`` (``first`` after a heading or a break, and when ``fresh``), breaks as the
    ``scene_break`` paragraph, in-scene headings as Heading 2. Returns ``fresh`` for what
    follows."""
    body_open = f'<w:p><w:pPr><w:pStyle w:val="{body}"/></w:pPr>'
    first_open = f'<w:p><w:pPr><w:pStyle w:val="{first}"/></w:pPr>'
    for p in paragraphs:
        if p.kind == "text":
            out.append((first_open if fresh else body_open) + runs_xml(p.runs, italic, fix) + "</w:p>")
            fresh = False
        elif p.kind == "break":
            out.append(scene_break)
            fresh = True
        else:
            out.append(para_xml("Heading2", runs_xml(p.runs, italic, fix)))
            fresh = True
    return fresh


def matter_xml(section, out: list[str], *, scene_break: str, opening: str, italic: str = "<w:i/><w:iCs/>",
               fix: Callable[[str], str] | None = None, body: str = "BodyText", first: str = "BodyText") -> None:
    """A front- or back-matter section on a page of its own: a titled one gets a Heading 1
    (so it is in the navigation pane), an untitled one (a dedication) is centred text in
    style ``Dedication``. ``opening`` is the extra ``w:pPr`` of the page's first paragraph."""
    if section.title:
        out.append(para_xml("Heading1", run_xml(fix(section.title) if fix else section.title), opening))
        flow_xml(section.paragraphs, out, scene_break=scene_break, italic=italic, fix=fix, body=body, first=first)
        return
    opened = False
    for p in section.paragraphs:
        if p.kind == "break":
            out.append(scene_break)
            continue
        out.append(para_xml("Dedication", runs_xml(p.runs, italic, fix), "" if opened else opening))
        opened = True
    if not opened:
        out.append(para_xml("Dedication", "", opening))


def chapter_heading(template: str, chapter) -> list[str]:
    """The lines of a chapter heading from the ``chapter_heading`` option."""
    text_ = fill(template.replace("\\n", "\n"),
                 {"heading": chapter.heading, "title": chapter.title or "", "number": chapter.number})
    lines = [line.strip() for line in text_.split("\n") if line.strip()]
    return lines or [chapter.heading]


def lines_xml(lines: list[str], props: str = "") -> str:
    """Runs with ``<w:br/>`` between lines."""
    return '<w:r><w:br/></w:r>'.join(run_xml(line, props) for line in lines)


def para_xml(style: str, content: str, ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{content}</w:p>'


def page_field_xml(props: str = "", placeholder: str = "2") -> str:
    """A real PAGE field (complex field: begin, instruction, separate, result, end)."""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{rpr}<w:t>{placeholder}</w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')
