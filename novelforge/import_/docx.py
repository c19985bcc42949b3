"""Word (DOCX): checked as a hostile archive first (:mod:`.archive`: entry names, sizes
and ratios, DOCTYPE/ENTITY declarations), then read with python-docx, whose parser also
has ``resolve_entities=False``. The file is read once into memory and never extracted.

What is read:

* **Headings**: ``Title`` (the book's title), a ``Part`` style, ``Heading 1…9`` and any
  style with an outline level. Without heading styles, heading lines are found as in
  plain text (``Chapter 4``, ``CHAPTER IV``, ``Part One``…), plus short lines that open
  a page.
* **Emphasis**: italic, bold and underlined runs (direct or through a character style)
  become ``*italic*``, ``**bold**`` and ``***both***``, checked by reading them back as
  NovelForge reads prose (CommonMark); punctuation at the edge of an emphasised run moves
  outside the markers when CommonMark needs it (``word“*quote*”``).
* **Scene breaks**: a ``Scene Break`` style, a paragraph of only ``#``, ``***``, ``* * *``
  or an ornament (centred or not), and runs of empty paragraphs (two or more; in a
  document that puts an empty paragraph between all paragraphs, one more than usual).
* The ``END`` line of a standard manuscript is dropped; everything else is kept.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from novelforge.import_ import ImportFileError, ImportOptions
from novelforge.import_.archive import check_archive
from novelforge.import_.emphasis import runs_to_markdown
from novelforge.import_.headings import clean_line
from novelforge.import_.structure import Block, Book, build_book
from novelforge.text.blocks import is_break_line
from novelforge.wording import plural

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ----------------------------------------------------------------------------- styles
@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    outline: int | None = None
    centred: bool | None = None
    page_break: bool | None = None
    italic: bool | None = None
    bold: bool | None = None
    underline: bool | None = None


def _on(el) -> bool | None:
    """A toggle property (``<w:i/>``, ``<w:i w:val="0"/>``); None when absent."""
    if el is None:
        return None
    val = el.get(f"{W}val")
    return val not in ("0", "false", "off", "none")


def _read_styles(document) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    try:
        root = document.styles.element
    except Exception:
        return styles
    for st in root.iter(f"{W}style"):
        sid = st.get(f"{W}styleId")
        if not sid:
            continue
        s = _Style()
        n = st.find(f"{W}name")
        s.name = (n.get(f"{W}val") or sid) if n is not None else sid
        b = st.find(f"{W}basedOn")
        s.based_on = b.get(f"{W}val") if b is not None else None
        ppr = st.find(f"{W}pPr")
        if ppr is not None:
            o = ppr.find(f"{W}outlineLvl")
            if o is not None and (o.get(f"{W}val") or "").isdigit():
                s.outline = int(o.get(f"{W}val"))
            jc = ppr.find(f"{W}jc")
            if jc is not None:
                s.centred = jc.get(f"{W}val") == "center"
            s.page_break = _on(ppr.find(f"{W}pageBreakBefore"))
        rpr = st.find(f"{W}rPr")
        if rpr is not None:
            s.italic = _on(rpr.find(f"{W}i"))
            s.bold = _on(rpr.find(f"{W}b"))
            u = rpr.find(f"{W}u")
            s.underline = None if u is None else u.get(f"{W}val") != "none"
        styles[sid] = s
    return styles


def _inherited(styles: dict[str, _Style], sid: str | None, attr: str):
    seen = set()
    while sid and sid in styles and sid not in seen:
        seen.add(sid)
        value = getattr(styles[sid], attr)
        if value is not None:
            return value
        sid = styles[sid].based_on
    return None


# ----------------------------------------------------------------------------- paragraphs
@dataclass
class _Para:
    text: str                 # plain
    markdown: str
    style: str                # style name, lower case
    level: int | None         # explicit heading level
    centred: bool
    starts_page: bool
    page_break_after: bool
    emphasis_dropped: bool = False


_SKIP_IN = {f"{W}del", f"{W}moveFrom", f"{W}txbxContent"}


def _runs(p, styles: dict[str, _Style]) -> tuple[list[tuple[str, bool, bool]], bool, bool]:
    """(runs as (text, italic, bold), a page break before any text, a page break after the text)."""
    out: list[tuple[str, bool, bool]] = []
    break_before = False
    break_after = False
    for r in p.iter(f"{W}r"):
        parent = r.getparent()
        skip = False
        while parent is not None and parent is not p:
            if parent.tag in _SKIP_IN:
                skip = True
                break
            parent = parent.getparent()
        if skip:
            continue
        rpr = r.find(f"{W}rPr")
        italic = bold = False
        if rpr is not None:
            rs = rpr.find(f"{W}rStyle")
            sid = rs.get(f"{W}val") if rs is not None else None
            i = _on(rpr.find(f"{W}i"))
            b = _on(rpr.find(f"{W}b"))
            u_el = rpr.find(f"{W}u")
            u = None if u_el is None else u_el.get(f"{W}val") != "none"
            italic = bool(i if i is not None else _inherited(styles, sid, "italic"))
            italic = italic or bool(u if u is not None else _inherited(styles, sid, "underline"))
            bold = bool(b if b is not None else _inherited(styles, sid, "bold"))
        for child in r:
            tag = child.tag
            if tag == f"{W}t":
                if child.text:
                    out.append((child.text, italic, bold))
            elif tag == f"{W}tab":
                out.append(("\t", False, False))
            elif tag in (f"{W}br", f"{W}cr"):
                if child.get(f"{W}type") == "page":
                    if any(t.strip() for t, _i, _b in out):
                        break_after = True
                    else:
                        break_before = True
                else:
                    out.append(("\n", False, False))
            elif tag == f"{W}noBreakHyphen":
                out.append(("-", italic, bold))
    return out, break_before, break_after


def _paragraphs(document, styles: dict[str, _Style]) -> list[_Para]:
    body = document.element.body
    paras: list[_Para] = []
    pending_page = False
    for p in body.iter(f"{W}p"):
        # paragraphs inside text boxes, comments and footnotes are not part of the flow
        anc = p.getparent()
        inside_box = False
        while anc is not None and anc is not body:
            if anc.tag in (f"{W}txbxContent", f"{W}del"):
                inside_box = True
                break
            anc = anc.getparent()
        if inside_box:
            continue
        ppr = p.find(f"{W}pPr")
        sid = None
        level = None
        centred = False
        page_before = False
        section_end = False
        if ppr is not None:
            ps = ppr.find(f"{W}pStyle")
            sid = ps.get(f"{W}val") if ps is not None else None
            o = ppr.find(f"{W}outlineLvl")
            if o is not None and (o.get(f"{W}val") or "").isdigit() and int(o.get(f"{W}val")) < 9:
                level = int(o.get(f"{W}val")) + 2
            jc = ppr.find(f"{W}jc")
            if jc is not None:
                centred = jc.get(f"{W}val") == "center"
            page_before = bool(_on(ppr.find(f"{W}pageBreakBefore")))
            section_end = ppr.find(f"{W}sectPr") is not None
        name = (styles[sid].name if sid in styles else (sid or "normal")).lower()
        if jc_none(ppr):
            centred = bool(_inherited(styles, sid, "centred"))
        page_before = page_before or bool(_inherited(styles, sid, "page_break"))
        if name == "title":
            level = 0
        elif name == "part" or name.startswith("part "):
            level = 1
        else:
            m = re.fullmatch(r"heading ?(\d)", name)
            if m:
                level = int(m.group(1)) + 1
            elif level is None:
                outline = _inherited(styles, sid, "outline")
                if outline is not None and outline < 9:
                    level = outline + 2
        runs, br_before, br_after = _runs(p, styles)
        plain, md, dropped = runs_to_markdown(runs)
        paras.append(_Para(plain, md, name, level, centred, pending_page or page_before or br_before,
                           br_after or section_end, dropped))
        pending_page = br_after or section_end
    return paras


def jc_none(ppr) -> bool:
    return ppr is None or ppr.find(f"{W}jc") is None


_END = re.compile(r"(?i)(?:the\s+)?end\.?")


def paragraphs_to_blocks(paras: list[_Para]) -> tuple[list[Block], dict[str, str]]:
    """Paragraphs → blocks; also (author, subtitle) from the title page's styles."""
    meta: dict[str, str] = {}
    explicit = any(p.level is not None and p.level > 0 and p.text for p in paras)
    # how many empty paragraphs usually separate two paragraphs (block-style documents)
    gaps: list[int] = []
    run = 0
    for p in paras:
        if p.text:
            gaps.append(run)
            run = 0
        else:
            run += 1
    inner = [g for g in gaps[1:] if g >= 1]
    break_run = 2
    if len(gaps) > 4 and len(inner) > 0.5 * (len(gaps) - 1):
        from collections import Counter

        break_run = Counter(inner).most_common(1)[0][0] + 1   # one more than the usual spacing
    blocks: list[Block] = []
    empties = 0
    for i, p in enumerate(paras):
        if not p.text:
            empties += 1
            continue
        if empties >= break_run and blocks:
            blocks.append(Block("break"))
        empties = 0
        if p.style in ("end",) and _END.fullmatch(p.text) and all(not q.text for q in paras[i + 1:]):
            continue                                      # the END of a standard manuscript
        if p.style == "author" and "author" not in meta:
            meta["author"] = p.text
        if p.level is not None:
            text = ": ".join(" ".join(x.split()) for x in p.text.split("\n") if x.strip())
            blocks.append(Block("heading", text, level=p.level))
            continue
        if "scene break" in p.style or p.style == "scenebreak" or is_break_line(p.text) or (
                p.centred and len(p.text) <= 20 and not any(c.isalnum() for c in p.text)):
            blocks.append(Block("break"))
            continue
        lines = tuple(clean_line(x) for x in p.text.split("\n") if x.strip())
        blocks.append(Block("para", p.markdown, lines if len(lines) <= 3 else (" ".join(lines),),
                            starts_page=p.starts_page and not explicit))
    return blocks, meta


def read_docx(data: bytes, name: str, options: ImportOptions) -> Book:
    check_archive(data, name, options.max_size)
    try:
        import docx  # python-docx: only when a Word file is imported
    except ImportError:  # pragma: no cover - a dependency
        raise ImportFileError("python-docx is not installed; it is needed to import .docx files",
                              help="pip install python-docx") from None
    try:
        document = docx.Document(io.BytesIO(data))
        styles = _read_styles(document)
        paras = _paragraphs(document, styles)
        core = document.core_properties
        core_title, core_author, core_lang = core.title, core.author, core.language
    except ImportFileError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds for a broken package
        detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise ImportFileError(f"`{name}` cannot be read as a Word document: {detail}",
                              help="open it in Word or LibreOffice and save it again as .docx") from None
    blocks, meta = paragraphs_to_blocks(paras)
    book = build_book(blocks)
    dropped = sum(1 for p in paras if p.emphasis_dropped)
    if dropped:
        book.notes.append(f"italics or bold in {plural(dropped, 'paragraph')} could not be "
                          "written as Markdown and were left out")
    if not book.title and core_title and core_title.strip():
        book.title = core_title.strip()
    if not book.author:
        book.author = meta.get("author") or (core_author.strip() if core_author and core_author.strip() else None)
    if core_lang and re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", core_lang.strip()):
        book.language = core_lang.strip()
    return book
