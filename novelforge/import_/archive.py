"""Checks a DOCX (zip) archive before anything in it is parsed: the hostile-file guard.

* at most :data:`MAX_ENTRIES` entries; no encrypted entry;
* no entry name that is absolute, has ``..``, a backslash, a NUL or a drive letter
  (path traversal — nothing is ever extracted, but such a file is not a Word document);
* unpacked at most :data:`UNPACK_FACTOR` × ``--max-size`` in total and at most
  ``--max-size`` of XML (python-docx parses all of it into memory), and no entry above
  :data:`RATIO_FLOOR` bytes that unpacks to more than :data:`MAX_RATIO` times its packed
  size (zip bombs);
* no XML part with a ``<!DOCTYPE`` or ``<!ENTITY`` declaration (billion laughs, external
  entities), in UTF-8 or UTF-16.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import PurePosixPath

from novelforge.import_ import ImportFileError, human_size

MAX_ENTRIES = 5000
MAX_RATIO = 100
RATIO_FLOOR = 1_000_000            # entries smaller than this unpacked are not ratio-checked
UNPACK_FACTOR = 5                  # the unpacked archive may be this many times --max-size

_DECL = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_archive(data: bytes, name: str, max_size: int) -> zipfile.ZipFile:
    """Open the DOCX zip after checking it is not hostile; raise ImportFileError if it is."""
    if not data.startswith(b"PK"):
        raise ImportFileError(f"`{name}` is not a Word document (.docx files are zip archives)",
                              help="save it as .docx from your word processor, or pass --format txt or md")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise ImportFileError(f"`{name}` is a damaged zip archive, not a readable Word document ({exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise ImportFileError(f"`{name}` holds {len(infos):,} files; a Word document has far fewer "
                              f"(the limit is {MAX_ENTRIES:,})")
    limit = UNPACK_FACTOR * max_size
    total = xml_total = 0
    for info in infos:
        entry = info.filename
        if _unsafe(entry):
            raise ImportFileError(
                f"`{name}` holds an entry named `{entry}` that points outside the document "
                "(path traversal); the file was not opened")
        if info.flag_bits & 0x1:
            raise ImportFileError(f"`{name}` is encrypted or password-protected",
                                  help="remove the password in Word and save it again")
        total += info.file_size
        if total > limit:
            raise ImportFileError(
                f"`{name}` unpacks to more than {human_size(limit)} (a zip bomb?); it was not opened",
                help="raise the limit with --max-size if the document is real")
        if info.filename.lower().endswith((".xml", ".rels")):
            xml_total += info.file_size
            if xml_total > max_size:        # parsed into memory: about ten times its size
                raise ImportFileError(
                    f"`{name}` holds more than {human_size(max_size)} of XML, more than any novel needs; "
                    "it was not opened", help="raise the limit with --max-size if the document is real")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportFileError(
                f"`{name}` holds `{entry}`, which unpacks {info.file_size // max(info.compress_size, 1):,} times "
                f"larger than it is stored (a zip bomb?); it was not opened")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise ImportFileError(f"`{name}` is a zip archive but not a Word document (no [Content_Types].xml)")
    for info in infos:
        lower = info.filename.lower()
        if not (lower.endswith(".xml") or lower.endswith(".rels")):
            continue
        try:
            part = zf.read(info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError) as exc:
            raise ImportFileError(f"`{name}` is damaged: `{info.filename}` cannot be unpacked ({exc})") from None
        if len(part) > info.file_size:
            raise ImportFileError(f"`{name}` is damaged: `{info.filename}` is larger than its header says")
        head = part
        if part[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in part[:4]:
            try:
                head = part.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                head = part.replace(b"\x00", b"")
        if _DECL.search(head):
            raise ImportFileError(
                f"`{name}` has a DOCTYPE or ENTITY declaration in `{info.filename}` (an XML entity attack?); "
                "Word never writes one, so the file was not opened")
    return zf


def _unsafe(entry: str) -> bool:
    if not entry or "\x00" in entry or "\\" in entry or entry.startswith("/") or _DRIVE.match(entry):
        return True
    return ".." in PurePosixPath(entry).parts
