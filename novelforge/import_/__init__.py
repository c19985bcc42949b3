"""Import a novel from plain text, Markdown or Word (DOCX) into a NovelForge project.

    from novelforge.import_ import ImportOptions, import_file
    result = import_file(Path("novel.docx"), Path("my-novel"), ImportOptions(suggest_canon=True))

Readers (:mod:`.text`, :mod:`.markdown`, :mod:`.docx`) turn a file into blocks,
:mod:`.structure` finds parts, chapters and scenes, :mod:`.canon` suggests characters and
places, and :mod:`.write` writes the project without ever overwriting a file. Every
expected failure (a hostile or unreadable file, a target that holds a project) is an
:class:`ImportFileError`: one sentence, no traceback. Heavy modules (python-docx) are
imported only when a Word file is read.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from novelforge.errors import NovelForgeError

FORMATS = ("auto", "txt", "md", "docx")
DEFAULT_MAX_SIZE = 50_000_000          # bytes; `--max-size`
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".mdown": "md",
               ".docx": "docx"}
_UNSUPPORTED = {
    ".doc": "an old binary Word file (.doc); save it as .docx in Word or LibreOffice first",
    ".odt": "an OpenDocument file; save it as .docx first",
    ".rtf": "an RTF file; save it as .docx first",
    ".pdf": "a PDF; export the text from the program that made it",
    ".epub": "an EPUB; convert it to .docx or Markdown first (for example with pandoc)",
    ".pages": "a Pages file; export it as .docx first",
}


class ImportFileError(NovelForgeError):
    """The file cannot be imported (unreadable, hostile, too large) or the target is not safe."""


@dataclass
class ImportOptions:
    format: str = "auto"                 # auto | txt | md | docx
    title: str | None = None
    author: str | None = None
    suggest_canon: bool = False
    encoding: str | None = None          # text and Markdown: decode with this codec
    max_size: int = DEFAULT_MAX_SIZE     # refuse larger files (and DOCX that unpack larger than 5×)


@dataclass
class ImportResult:
    target: Path
    source: Path
    format: str
    title: str
    author: str | None
    parts: int
    chapters: int
    scenes: int
    words: int
    files: list[str] = field(default_factory=list)      # written, relative to the target
    characters: int = 0
    locations: int = 0
    notes: list[str] = field(default_factory=list)


def detect_format(path: Path, head: bytes = b"") -> str:
    suffix = path.suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix in _UNSUPPORTED:
        raise ImportFileError(f"`{path.name}` is {_UNSUPPORTED[suffix]}",
                              help="NovelForge imports .docx, .md and .txt files")
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(f"`{path.name}` is {_UNSUPPORTED['.doc']}")
    if head.startswith(b"%PDF"):
        raise ImportFileError(f"`{path.name}` is {_UNSUPPORTED['.pdf']}")
    return "txt"


def parse_size(text: str) -> int:
    """``50MB``, ``200 kB``, ``1.5GB``, ``1000000`` → bytes (decimal units, as `ls -h --si`)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]i?[bB]?|[bB])?\s*", text or "")
    if not m:
        raise ImportFileError(f"`{text}` is not a size; write it like 50MB, 500kB or 2GB")
    unit = (m.group(2) or "b").lower().rstrip("b").rstrip("i")
    scale = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}[unit]
    value = int(float(m.group(1)) * scale)
    if value <= 0:
        raise ImportFileError("the size limit must be larger than zero")
    return value


def human_size(n: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


ENCODING_EXAMPLES = "utf-8, utf-16, utf-16-le, cp1252, latin-1, mac-roman, iso-8859-15, cp1251, shift_jis, gb18030"
# text codecs that are not character sets for a file of prose (they decode escapes, domain
# names or nothing at all)
_NOT_CHARSETS = {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "escape-codec",
                 "unicode-internal"}


def check_encoding(name: str) -> str:
    """The canonical name of the character set ``--encoding`` names; an
    :class:`ImportFileError` (exit 2) for a codec that is not one (``rot13``, ``hex``,
    ``base64``, ``zlib``, an unknown name)."""
    import codecs

    shown = name if len(name) <= 40 and name.isprintable() else repr(name[:40])[1:-1] + ("…" if len(name) > 40 else "")
    help_ = f"name the file's character set, for example one of: {ENCODING_EXAMPLES} (any of Python's text encodings)"
    try:
        info = codecs.lookup(name) if name.strip() and name.isprintable() else None
    except (LookupError, ValueError, TypeError):
        info = None
    if info is None:
        raise ImportFileError(f"`--encoding {shown}` is not a text encoding NovelForge knows", help=help_)
    canonical = info.name.replace("_", "-")
    if not getattr(info, "_is_text_encoding", True):
        raise ImportFileError(f"`--encoding {shown}` is not a character set: `{info.name}` transforms data, "
                              "it does not decode a text file", help=help_)
    if canonical in _NOT_CHARSETS:
        raise ImportFileError(f"`--encoding {shown}` is not a character set for a text file", help=help_)
    return info.name


def read_source(path: Path, max_size: int) -> bytes:
    """The file's bytes, refusing what is not a regular file or is larger than ``max_size``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ImportFileError(f"`{path}` does not exist") from None
    except OSError as exc:
        raise ImportFileError(f"cannot read `{path}`: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ImportFileError(f"`{path}` is a folder; import one file (.docx, .md or .txt)")
    if not stat.S_ISREG(st.st_mode):
        raise ImportFileError(f"`{path}` is not a regular file")
    too_big = ImportFileError(
        f"`{path.name}` is {human_size(st.st_size)}, larger than the {human_size(max_size)} import limit",
        help="a novel is rarely more than a few MB; if this one is real, raise the limit with --max-size")
    if st.st_size > max_size:
        raise too_big
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_size + 1)
    except OSError as exc:
        raise ImportFileError(f"cannot read `{path}`: {exc.strerror or exc}") from None
    if len(data) > max_size:           # it grew while we looked
        raise too_big
    return data


def read_book(path: Path, options: ImportOptions):
    """Read ``path`` into a :class:`~novelforge.import_.structure.Book` (no writing)."""
    path = Path(path)
    if options.format not in FORMATS:
        raise ImportFileError(f"`--format {options.format}` is not an import format; use one of: {', '.join(FORMATS)}")
    if options.encoding is not None:
        check_encoding(options.encoding)
    data = read_source(path, options.max_size)
    fmt = options.format if options.format != "auto" else detect_format(path, data[:8])
    if fmt == "docx":
        from novelforge.import_.docx import read_docx

        book = read_docx(data, path.name, options)
    elif fmt == "md":
        from novelforge.import_.markdown import read_markdown
        from novelforge.import_.text import decode

        book = read_markdown(decode(data, path.name, options.encoding), options)
    else:
        from novelforge.import_.text import decode, read_text

        book = read_text(decode(data, path.name, options.encoding), options)
    if options.title:
        book.title = options.title
    if options.author:
        book.author = options.author
    if not book.title:
        from novelforge.import_.headings import case_title

        book.title = case_title(re.sub(r"[_\-]+", " ", path.stem).strip().upper()) or "Untitled"
    for chapter in book.chapters:
        if chapter.implicit:            # a file without headings: one chapter, named after the book
            chapter.title = book.title
    if not book.chapters:
        raise ImportFileError(f"`{path.name}` holds no text to import")
    return book, fmt


def import_file(path: Path, target: Path, options: ImportOptions | None = None) -> ImportResult:
    """Import ``path`` into a new project at ``target`` (a missing or empty folder, or one
    without files the import would overwrite)."""
    from novelforge.import_.write import check_target, recover_stopped_imports, write_project

    options = options or ImportOptions()
    path, target = Path(path), Path(target)
    notes = recover_stopped_imports(target)   # a stopped import's leftovers first: they may hold the target
    check_target(target)
    book, fmt = read_book(path, options)
    canon = None
    if options.suggest_canon:
        from novelforge.import_.canon import suggest_canon

        canon = suggest_canon(book)
    files = write_project(book, target, canon=canon, source_name=path.name, notes=notes)
    return ImportResult(
        target=target, source=path, format=fmt, title=book.title or "", author=book.author,
        parts=len(book.parts), chapters=len(book.chapters), scenes=len(book.scenes), words=book.words,
        files=files, characters=len(canon.characters) if canon else 0,
        locations=len(canon.locations) if canon else 0, notes=notes + list(book.notes))


__all__ = ["DEFAULT_MAX_SIZE", "FORMATS", "ImportFileError", "ImportOptions", "ImportResult", "import_file",
           "parse_size", "read_book"]
