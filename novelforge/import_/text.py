"""Plain text: decoding (UTF-8, BOMs, an explicit codec) and hard-wrapped paragraphs.

Paragraphs are separated by blank lines; the lines of a paragraph are joined with spaces
(a paragraph whose every line is indented — verse, a letter's address — keeps its line
breaks). A line of its own made only of ``#``, ``*``, ``-``, ``•``, ``~`` or an ornament
is a scene break. An edition's ``[Illustration: …]`` mark, a paragraph of its own, becomes
an HTML comment: kept, but neither checked as prose nor exported. Headings are found by
:mod:`.structure`.
"""

from __future__ import annotations

import codecs
import re

from novelforge.import_ import ImportFileError, ImportOptions
from novelforge.import_.headings import md_escape
from novelforge.import_.structure import Block, Book, build_book
from novelforge.text.blocks import BREAK_GLYPHS, is_break_line

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),       # before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SPACES = re.compile(r"[ \t\u00a0]+")
_PLACEHOLDER = re.compile(r"\[Illustrations?(?:[:.,]\s[^\[\]]*)?\]\Z", re.I)


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Bytes → text: the named codec; else a UTF-8/16/32 byte-order mark; else UTF-8.
    Anything else is an error naming the first bad byte and where it is."""
    if encoding:
        from novelforge.import_ import check_encoding

        codec = check_encoding(encoding)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line, col = byte_position(data, exc.start)
            raise ImportFileError(
                f"`{name}` is not valid {codec} text: byte 0x{data[exc.start]:02x} at line {line}, column {col} "
                f"(byte {exc.start})", help="check the file's encoding") from None
        except (UnicodeError, LookupError, ValueError) as exc:   # a codec that fails in its own way
            raise ImportFileError(f"`{name}` cannot be decoded as {codec} text ({exc})",
                                  help="check the file's encoding") from None
        return _normalise(text.lstrip("\ufeff"), name)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data[len(bom):].decode(codec), name)
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"`{name}` starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                    f"(bad bytes at byte {exc.start + len(bom)})",
                    help="save it again as UTF-8 from your editor") from None
    if b"\x00" in data[:8192]:
        raise ImportFileError(
            f"`{name}` looks like a binary file, not text (it holds NUL bytes)",
            help="for UTF-16 text without a byte-order mark pass --encoding utf-16-le; "
                 "for Word files use a .docx file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = byte_position(data, exc.start)
        raise ImportFileError(
            f"`{name}` is not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line}, column {col} "
            f"(byte {exc.start} of the file) cannot be decoded",
            help="save the file as UTF-8, or name its encoding with --encoding (for example --encoding cp1252)",
        ) from None
    return _normalise(text, name)


def _normalise(text: str, name: str) -> str:
    if "\x00" in text:
        raise ImportFileError(f"`{name}` looks like a binary file, not text (it holds NUL characters)")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def byte_position(data: bytes, index: int) -> tuple[int, int]:
    """1-based (line, column) of byte ``index``; columns count characters of the valid text before it."""
    head = data[:index]
    line_start = max(head.rfind(b"\n"), head.rfind(b"\r")) + 1
    line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    return line, len(head[line_start:].decode("utf-8", errors="replace")) + 1


def text_blocks(text: str) -> list[Block]:
    """Blank-line separated blocks of hard-wrapped lines → paragraph and break blocks."""
    blocks: list[Block] = []
    cur: list[str] = []

    def close() -> None:
        if cur:
            blocks.append(paragraph_block(cur))
            cur.clear()

    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            close()
            continue
        s = line.lstrip()
        if s[0] in BREAK_GLYPHS and len(s) <= 40 and is_break_line(s):
            close()
            blocks.append(Block("break"))
            continue
        cur.append(line)
    close()
    return blocks


def paragraph_block(lines: list[str]) -> Block:
    stripped = [_SPACES.sub(" ", ln).strip() for ln in lines]
    if len(lines) > 1 and all(ln[:1] in " \t" for ln in lines):
        body = "\n".join(stripped)                     # verse, letters, addresses
    else:
        body = " ".join(stripped)
    if _PLACEHOLDER.match(body) and "-->" not in body:
        # an edition's "[Illustration: …]" mark: kept as a comment, so it is neither
        # checked as prose nor printed in an export
        return Block("para", f"<!-- {body} -->", tuple(stripped))
    return Block("para", md_escape(body), tuple(stripped))


def read_text(text: str, options: ImportOptions | None = None) -> Book:
    return build_book(text_blocks(text))
