r"""Markdown: ``#`` headings, scene breaks, and paragraphs kept exactly as written.

* A YAML title block at the top (``title``, ``author``, ``lang``/``language`` — what
  pandoc and ``novelforge export --format md`` write) gives the book's title and author.
* ATX (``# Title``) and setext (``Title`` over ``===`` or ``---``) headings are explicit
  headings for :mod:`.structure`. A line with only ``#``, ``***``, ``* * *``, ``---`` or
  ``___`` is a scene break. Fenced code blocks are text.
* With no headings at all, the heading lines of plain text (``Chapter 1``,
  ``**CHAPTER IV**``) are found as in a ``.txt`` file.
* Paragraph text is not rewritten — escapes, emphasis and HTML comments stay as they are —
  except ``\<``, ``\>`` and ``\&``, which lose their backslash (NovelForge reads ``<`` and
  ``&`` in prose as text; ``<\!--`` stays escaped so it does not open a comment).
"""

from __future__ import annotations

import re

from novelforge.import_ import ImportOptions
from novelforge.import_.headings import clean_line
from novelforge.import_.structure import Block, Book, build_book
from novelforge.text.blocks import is_break_line

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```+|~~~+)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FM_KEY = re.compile(r"^(title|author|lang|language)[ \t]*:[ \t]*(.*?)[ \t]*$")
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>&\"'])")
# `\<`, `\>` and `\&` (pandoc and `novelforge export` write them so that HTML readers see
# text): NovelForge reads a scene's `<` and `&` as text, so the backslash would show
_HTML_ESCAPE = re.compile(r"(?<!\\)\\([<>&])(?!!--)")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        if value[0] == '"':
            import json

            try:
                return str(json.loads(value))
            except ValueError:
                return inner
        return inner.replace("''", "'")
    return value


_YAML_LINE = re.compile(r"^(?:[A-Za-z_][\w -]*:(?:[ \t].*)?|[ \t]+\S.*|-(?:[ \t].*)?|#.*)$")


def split_title_block(text: str) -> tuple[dict[str, str], list[str], list[str]]:
    """(title/author/language from a leading YAML block, its other lines, the remaining
    lines). A block that does not read as YAML (``---`` / ``Chapter 1`` / ``---``) is text."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        for end in range(1, min(len(lines), 200)):
            if lines[end].strip() in ("---", "..."):
                body = lines[1:end]
                if not all(not ln.strip() or _YAML_LINE.match(ln) for ln in body):
                    break
                other = []
                for ln in body:
                    m = _FM_KEY.match(ln)
                    if m and m.group(2):
                        key = "language" if m.group(1) == "lang" else m.group(1)
                        meta[key] = _unquote(m.group(2))
                    elif ln.strip():
                        other.append(ln)
                return meta, other, lines[end + 1:]
    return meta, [], lines


def heading_text(markdown: str) -> str:
    """A heading's Markdown → plain text (escapes undone, emphasis markers dropped)."""
    text = _UNESCAPE.sub(r"\1", markdown)
    return clean_line(text)


def markdown_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    cur: list[str] = []
    fence: str | None = None

    def close() -> None:
        if cur:
            text = "\n".join(cur)
            if "\\" in text and fence is None:
                text = _HTML_ESCAPE.sub(r"\1", text)
            blocks.append(Block("para", text, tuple(clean_line(_UNESCAPE.sub(r"\1", x)) for x in cur)))
            cur.clear()

    for raw in lines:
        line = raw.rstrip()
        if fence is not None:
            cur.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        m = _FENCE.match(line)
        if m:
            fence = m.group(1)[:3]
            cur.append(line)
            continue
        if not line.strip():
            close()
            continue
        m = _SETEXT.match(line)
        if m and len(cur) == 1 and len(cur[0]) <= 100 and not is_break_line(cur[0]):
            text = heading_text(cur[0])
            cur.clear()
            blocks.append(Block("heading", text, level=1 if m.group(1)[0] == "=" else 2))
            continue
        if is_break_line(line):
            close()
            blocks.append(Block("break"))
            continue
        m = _ATX.match(line)
        if m:
            close()
            text = heading_text(m.group(2))
            if text:
                blocks.append(Block("heading", text, level=len(m.group(1))))
            else:
                blocks.append(Block("break"))
            continue
        cur.append(line)
    close()
    return blocks


def read_markdown(text: str, options: ImportOptions | None = None) -> Book:
    meta, other, lines = split_title_block(text)
    blocks = markdown_blocks(lines)
    book = build_book(blocks, title=meta.get("title"), author=meta.get("author"))
    if other:   # metadata NovelForge does not use (date, rights…): kept with the front matter
        book.front_matter.insert(0, "```yaml\n" + "\n".join(other) + "\n```")
    if meta.get("language"):
        book.language = meta["language"]
    return book
