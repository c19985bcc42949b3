"""A paragraph's runs, as ``(text, italic, bold)``, turned into Markdown that reads back
as written: ``*italic*``, ``**bold**`` and ``***both***``, checked by reading them back as
NovelForge reads prose (CommonMark, :func:`novelforge.export.book.parse_inline`);
punctuation at the edge of an emphasised run moves outside the markers when CommonMark
needs it (``word“*quote*”``), and emphasis that cannot be written so is dropped (and
said). Used by the Word reader (:mod:`.docx`); nothing here knows about Word."""

from __future__ import annotations

import re

from novelforge.import_.headings import escape_line_start

_MD_INLINE = re.compile(r"([\\`*]|(?<!\w)_|_(?!\w))")


def _md_text(text: str) -> str:
    return _MD_INLINE.sub(r"\\\1", text)


def _is_punct(c: str) -> bool:
    import unicodedata

    return unicodedata.category(c)[0] in "PS"


def _emphasis(merged: list[list], careful: bool) -> str:
    """Runs → Markdown with ``*``, ``**`` and ``***``; whitespace at the edges of an
    emphasised run goes outside the markers, and with ``careful`` punctuation too (so that
    ``word*“quote”*``, which CommonMark does not read as emphasis, becomes ``word“*quote*”``)."""
    out: list[str] = []
    for text, italic, bold in merged:
        if not (italic or bold) or not text.strip():
            out.append(_md_text(text))
            continue
        core = text.strip()
        lead = text[:len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        if careful:
            i, j = 0, len(core)
            while i < j and _is_punct(core[i]):
                i += 1
            while j > i and _is_punct(core[j - 1]):
                j -= 1
            lead, trail = lead + core[:i], core[j:] + trail
            core = core[i:j]
            if not core.strip():
                out.append(_md_text(text))
                continue
        marker = "***" if bold and italic else "**" if bold else "*"
        out.append(f"{_md_text(lead)}{marker}{_md_text(core)}{marker}{_md_text(trail)}")
    return "".join(out)


def _shape(runs, lenient: bool = False) -> tuple[str, list[tuple[str, bool, bool]]]:
    """Text and emphasised stretches, whitespace normalised: what must survive (with
    ``lenient``, punctuation at the edges of a stretch may have lost its emphasis)."""
    segs: list[list] = []
    for text, italic, bold in runs:
        if not text.strip():
            italic = bold = False
        if segs and segs[-1][1] == italic and segs[-1][2] == bold:
            segs[-1][0] += text
        else:
            segs.append([text, italic, bold])
    stretches = [(" ".join(t.split()), i, b) for t, i, b in segs if t.strip() and (i or b)]
    if lenient:
        stretches = [(core, i, b) for t, i, b in stretches if (core := _strip_punct(t))]
    return " ".join("".join(t for t, _i, _b in segs).split()), stretches


def _strip_punct(text: str) -> str:
    i, j = 0, len(text)
    while i < j and (_is_punct(text[i]) or text[i].isspace()):
        i += 1
    while j > i and (_is_punct(text[j - 1]) or text[j - 1].isspace()):
        j -= 1
    return text[i:j]


def _reads_back(md: str, merged: list[list], lenient: bool = False) -> bool:
    from novelforge.export.book import parse_inline

    got = parse_inline(md, "en", typography=False)
    return _shape(((r.text, r.italic, r.bold) for r in got), lenient) == _shape(merged, lenient)


def runs_to_markdown(runs: list[tuple[str, bool, bool]]) -> tuple[str, str, bool]:
    """(plain text, Markdown, emphasis dropped) of a paragraph's runs. The Markdown is read
    back the way NovelForge reads prose (CommonMark); emphasis that cannot be written so
    that it reads back — even with punctuation moved outside the markers — is dropped."""
    merged: list[list] = []
    for text, italic, bold in runs:
        text = text.replace("\t", " ").replace("\u00a0", " ").replace("\u00ad", "")
        if not text:
            continue
        if not text.strip() and text != "\n":
            italic = bold = False
        if merged and merged[-1][1] == italic and merged[-1][2] == bold:
            merged[-1][0] += text
        else:
            merged.append([text, italic, bold])
    plain = "\n".join(re.sub(r"\s+", " ", ln).strip() for ln in "".join(m[0] for m in merged).split("\n"))

    def finish(md: str) -> str:
        md = "\n".join(re.sub(r" {2,}", " ", ln).strip() for ln in md.split("\n"))
        return _escape_starts(md.strip("\n"))

    md = finish(_emphasis(merged, careful=False))
    dropped = False
    if any(i or b for _t, i, b in merged) and not _reads_back(md, merged):
        md = finish(_emphasis(merged, careful=True))
        if not _reads_back(md, merged, lenient=True):
            md = finish(_md_text("".join(m[0] for m in merged)))
            dropped = True
    return plain.strip("\n"), md, dropped


def _escape_starts(md: str) -> str:
    """Line-start and comment escapes for Markdown that already has backslash escapes."""
    if "<!--" in md:
        md = md.replace("<!--", "<\\!--")
    return "\n".join(escape_line_start(ln) for ln in md.split("\n"))
