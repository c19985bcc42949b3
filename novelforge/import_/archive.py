"""Checks a DOCX (zip) archive before anything in it is parsed: the hostile-file guard.

* the zip's own directory is at most :data:`MAX_DIRECTORY` bytes and lists at most
  :data:`MAX_ENTRIES` entries (read from the end record before the directory is loaded);
  no encrypted entry;
* no entry name that is absolute, has ``..``, a backslash, a NUL or a drive letter
  (path traversal — nothing is ever extracted, but such a file is not a Word document),
  and no entry that is a symbolic link or a special file (Unix modes in the zip);
* unpacked at most :data:`UNPACK_FACTOR` × ``--max-size`` in total, and no entry above
  :data:`RATIO_FLOOR` bytes that unpacks to more than :data:`MAX_RATIO` times its packed
  size (zip bombs), all from the zip's directory, before anything is unpacked;
* **every part that could be parsed as XML**, whatever its name — ``[Content_Types].xml``,
  every relationships part, every part whose content type (``[Content_Types].xml``, by
  part name or by extension) is XML, every part a relationship points to unless its
  content type says it is an image, a font or other binary data, and every part named
  ``.xml`` or ``.rels`` — is at most ``--max-size`` together (python-docx parses all of
  it into memory; sizes are checked before a byte is unpacked), is UTF-8 or UTF-16 (an
  encoding the check below can read; Word writes nothing else) and holds no
  ``<!DOCTYPE`` or ``<!ENTITY`` declaration (billion laughs, external entities).

The content types and relationships are read here with the standard library's parser,
only after their own declaration check, so nothing is parsed before it is checked.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from pathlib import PurePosixPath

from novelforge.import_ import ImportFileError, human_size

MAX_ENTRIES = 5000
MAX_DIRECTORY = 4_000_000          # bytes of zip directory (5,000 entries need a few hundred kB)
MAX_RATIO = 100
RATIO_FLOOR = 1_000_000            # entries smaller than this unpacked are not ratio-checked
UNPACK_FACTOR = 5                  # the unpacked archive may be this many times --max-size

CONTENT_TYPES = "[Content_Types].xml"
_DECL = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_KNOWN_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252",
                    "cp1252", "iso-8859-15", "utf-16", "utf-16le", "utf-16be", "ucs-2", "utf-32", "utf-32le",
                    "utf-32be"}
_PKG = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/octet-stream",
                 "application/vnd.openxmlformats-officedocument.obfuscatedfont",
                 "application/vnd.openxmlformats-officedocument.oleobject", "application/x-font",
                 "application/vnd.ms-opentype", "application/vnd.ms-package.obfuscated-opentype",
                 "application/x-fontdata")


def check_archive(data: bytes, name: str, max_size: int) -> zipfile.ZipFile:
    """Open the DOCX zip after checking it is not hostile; raise ImportFileError if it is."""
    if not data.startswith(b"PK"):
        raise ImportFileError(f"`{name}` is not a Word document (.docx files are zip archives)",
                              help="save it as .docx from your word processor, or pass --format txt or md")
    _check_directory_size(data, name)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError,
            struct.error, UnicodeDecodeError) as exc:
        raise ImportFileError(f"`{name}` is a damaged zip archive, not a readable Word document ({exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise _too_many(name, len(infos))
    limit = UNPACK_FACTOR * max_size
    total = 0
    guard = _Guard(zf, name, max_size, infos)
    named = []          # the parts python-docx finds by their names, and anything called .xml
    for info in infos:
        entry = info.filename
        if _unsafe(entry):
            raise ImportFileError(
                f"`{name}` holds an entry named `{entry}` that points outside the document "
                "(path traversal); the file was not opened")
        kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            what = "a symbolic link" if kind == stat.S_IFLNK else "a special file"
            raise ImportFileError(f"`{name}` holds {what}, `{entry}`, which a Word document never has; "
                                  "the file was not opened")
        if info.flag_bits & 0x1:
            raise ImportFileError(f"`{name}` is encrypted or password-protected",
                                  help="remove the password in Word and save it again")
        total += info.file_size
        if total > limit:
            raise ImportFileError(
                f"`{name}` unpacks to more than {human_size(limit)} (a zip bomb?); it was not opened",
                help="raise the limit with --max-size if the document is real")
        if info.filename.lower().endswith((".xml", ".rels")):
            named.append(info)
            guard.add_sizes([info])
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportFileError(
                f"`{name}` holds `{entry}`, which unpacks {info.file_size // max(info.compress_size, 1):,} times "
                f"larger than it is stored (a zip bomb?); it was not opened")
    by_name = {i.filename: i for i in infos}          # the last of duplicates wins, as in zipfile
    if CONTENT_TYPES not in by_name:
        raise ImportFileError(f"`{name}` is a zip archive but not a Word document (no [Content_Types].xml)")

    # the content types (checked, then read) say which other parts are XML, whatever their names
    types = _content_types(guard.read(by_name[CONTENT_TYPES]), name)
    typed = [i for i in infos if _is_xml_type(types(i.filename))]
    # and the relationships (checked, then read) say what python-docx walks to
    rels = [i for i in infos if i.filename.lower().endswith(".rels")]
    targets = []
    for info in rels:
        for target in _targets(guard.read(info), info.filename, name):
            found = by_name.get(target)
            if found is not None and not _is_binary_type(types(target)):
                targets.append(found)
    guard.add_sizes(typed + targets)
    for info in named + typed + targets:
        guard.read(info)
    return zf


class _Guard:
    """Checks parts once each: their sizes (before unpacking) and their declarations."""

    def __init__(self, zf: zipfile.ZipFile, name: str, max_size: int, infos: list[zipfile.ZipInfo]) -> None:
        self.zf, self.name, self.max_size = zf, name, max_size
        self.counted: set[int] = set()
        self.total = 0
        self.checked: dict[int, bytes] = {}
        self.index = {id(i): n for n, i in enumerate(infos)}

    def add_sizes(self, infos: list[zipfile.ZipInfo]) -> None:
        for info in infos:
            key = self.index[id(info)]
            if key in self.counted:
                continue
            self.counted.add(key)
            self.total += info.file_size
            if self.total > self.max_size:   # parsed into memory: about ten times its size
                raise ImportFileError(
                    f"`{self.name}` holds more than {human_size(self.max_size)} of XML, more than any novel needs; "
                    "it was not opened", help="raise the limit with --max-size if the document is real")

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The part's bytes (as text the checks can read), after its size and declaration checks."""
        key = self.index[id(info)]
        if key in self.checked:
            return self.checked[key]
        self.add_sizes([info])
        try:
            with self.zf.open(info) as fh:
                part = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError,
                RuntimeError) as exc:
            raise ImportFileError(f"`{self.name}` is damaged: `{info.filename}` cannot be unpacked ({exc})") from None
        if len(part) > info.file_size:
            raise ImportFileError(f"`{self.name}` is damaged: `{info.filename}` is larger than its header says")
        text = _as_ascii_compatible(part, self.name, info.filename)
        if _DECL.search(text):
            raise ImportFileError(
                f"`{self.name}` has a DOCTYPE or ENTITY declaration in `{info.filename}` (an XML entity attack?); "
                "Word never writes one, so the file was not opened")
        self.checked[key] = text
        return text


def _as_ascii_compatible(part: bytes, name: str, entry: str) -> bytes:
    """The part in an ASCII-compatible form, so that a declaration is visible to a byte
    search: UTF-16 and UTF-32 are re-encoded as UTF-8. A part whose XML declaration names
    another encoding, or that starts like EBCDIC (encodings an XML parser could decode into a
    DOCTYPE that a byte search would miss), is refused."""
    head = part[:4]
    codec = None
    if head.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        codec = "utf-32"
    elif head == b"\x00\x00\x00<":
        codec = "utf-32-be"
    elif head == b"<\x00\x00\x00":
        codec = "utf-32-le"
    elif head.startswith((b"\xfe\xff", b"\xff\xfe")):
        codec = "utf-16"
    elif head.startswith(b"\x00<"):
        codec = "utf-16-be"
    elif head.startswith(b"<\x00"):
        codec = "utf-16-le"
    text = part
    if codec is not None:
        try:
            text = part.decode(codec).encode("utf-8")
        except UnicodeDecodeError:
            text = part.replace(b"\x00", b"")
    elif head == b"\x4c\x6f\xa7\x94":          # `<?xm` in EBCDIC, which XML parsers detect
        raise _foreign_encoding(name, entry, "EBCDIC")
    body = text[3:] if text.startswith(b"\xef\xbb\xbf") else text
    m = _ENCODING.match(body[:400])
    if m and m.group(1).decode("ascii").lower() not in _KNOWN_ENCODINGS:
        raise _foreign_encoding(name, entry, m.group(1).decode("ascii"))
    return text


def _foreign_encoding(name: str, entry: str, encoding: str) -> ImportFileError:
    return ImportFileError(f"`{name}` holds `{entry}` in the `{encoding}` encoding; Word writes only UTF-8 and "
                           "UTF-16, so the file was not opened",
                           help="open it in Word or LibreOffice and save it again as .docx")


def _content_types(text: bytes, name: str):
    """A function from an entry name to its content type (lower case, or None), read from
    ``[Content_Types].xml``: an override by part name, else a default by extension, both
    compared without case, as OPC (and python-docx) do."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ImportFileError(f"`{name}` cannot be read as a Word document: `[Content_Types].xml` is not XML ({exc})",
                              help="open it in Word or LibreOffice and save it again as .docx") from None
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for el in root:
        if el.tag == f"{_PKG}Override":
            overrides[(el.get("PartName") or "").lstrip("/").lower()] = (el.get("ContentType") or "").lower()
        elif el.tag == f"{_PKG}Default":
            defaults[(el.get("Extension") or "").lower()] = (el.get("ContentType") or "").lower()

    def content_type(entry: str) -> str | None:
        key = entry.lower()
        if key in overrides:
            return overrides[key]
        base = key.rsplit("/", 1)[-1]
        return defaults.get(base.rsplit(".", 1)[-1]) if "." in base else None

    return content_type


def _is_xml_type(content_type: str | None) -> bool:
    if not content_type or _is_binary_type(content_type):
        return False
    return content_type.split(";")[0].strip().endswith("xml")


def _is_binary_type(content_type: str | None) -> bool:
    return bool(content_type) and content_type.startswith(_BINARY_TYPES)


def _targets(text: bytes, rels_name: str, name: str) -> list[str]:
    """Entry names of the internal targets of a relationships part."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return []       # python-docx reports a broken relationships part itself
    folder = rels_name.rpartition("/")[0]          # `word/_rels` (of word/document.xml), `_rels`
    if folder.rsplit("/", 1)[-1] != "_rels":
        return []                                  # not where python-docx looks for relationships
    source_dir = "/" + folder[: -len("_rels")].rstrip("/")
    out = []
    for el in root:
        if el.tag != f"{_RELS}Relationship" or (el.get("TargetMode") or "").lower() == "external":
            continue
        target = el.get("Target") or ""
        if not target:
            continue
        joined = posixpath.normpath(posixpath.join(source_dir, target))
        out.append(joined.lstrip("/"))
    return out


def _check_directory_size(data: bytes, name: str) -> None:
    """Refuse a zip whose directory is huge before :mod:`zipfile` loads it into memory."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return                    # zipfile says what is wrong
    _sig, _disk, _cd_disk, _here, count, size, _offset, _clen = struct.unpack("<4s4H2LH", data[end:end + 22])
    locator = end - 20
    if (count == 0xFFFF or size == 0xFFFFFFFF) and locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        (z64,) = struct.unpack("<Q", data[locator + 8:locator + 16])
        if z64 + 56 <= len(data) and data[z64:z64 + 4] == b"PK\x06\x06":
            count, size = struct.unpack("<QQ", data[z64 + 32:z64 + 48])
    if count > MAX_ENTRIES:
        raise _too_many(name, count)
    if size > MAX_DIRECTORY:
        raise ImportFileError(f"`{name}` has a {human_size(size)} list of files; a Word document's is far smaller "
                              "(a zip bomb?); it was not opened")


def _too_many(name: str, count: int) -> ImportFileError:
    return ImportFileError(f"`{name}` holds {count:,} files; a Word document has far fewer "
                           f"(the limit is {MAX_ENTRIES:,})")


def _unsafe(entry: str) -> bool:
    if not entry or "\x00" in entry or "\\" in entry or entry.startswith("/") or _DRIVE.match(entry):
        return True
    return ".." in PurePosixPath(entry).parts
