"""Hostile and broken input to `novelforge import`: a one-line error with exit code 2, no
traceback, and nothing written — neither in the target nor anywhere outside it."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from novelforge.cli import app as cli_app
from novelforge.errors import ExitCode
from novelforge.import_ import ImportFileError, ImportOptions, import_file


def call(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli_app.main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def refused(capsys, tmp_path: Path, source: Path, *extra: str) -> str:
    """Run the import; assert a one-line error, exit 2 and no project; return the message."""
    before = _snapshot(tmp_path)
    target = tmp_path / "out"
    code, out, err = call(capsys, "import", str(source), "--into", str(target), *extra)
    assert code == ExitCode.USAGE, (code, out, err)
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines[0].startswith("error: ") and all(ln.startswith("  = help:") for ln in lines[1:]), err
    assert not target.exists()
    assert _snapshot(tmp_path) == before, "the import wrote something"
    return lines[0]


def _snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def docx_bytes() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("One", level=1)
    document.add_paragraph("Some text.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
          compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


# ----------------------------------------------------------------------------- archives
def test_zip_bomb_by_ratio(tmp_path, capsys):
    bomb = rezip(docx_bytes(), add={"word/media/image1.png": b"\0" * 20_000_000})
    assert len(bomb) < 200_000
    source = tmp_path / "bomb.docx"
    source.write_bytes(bomb)
    assert "zip bomb" in refused(capsys, tmp_path, source)


def test_zip_bomb_by_total_size(tmp_path, capsys):
    # many entries just under the per-entry ratio check, together far above the limit
    many = {f"word/media/pad{i}.bin": b"\0" * 999_999 for i in range(30)}
    source = tmp_path / "many.docx"
    source.write_bytes(rezip(docx_bytes(), add=many))
    assert "unpacks to more than 10 MB" in refused(capsys, tmp_path, source, "--max-size", "2MB")


def test_too_much_xml(tmp_path, capsys):
    padding = b"<w:p/>" * 400_000                                # 2.4 MB of XML
    source = tmp_path / "xml.docx"
    source.write_bytes(rezip(docx_bytes(), add={"word/extra.xml": padding}))
    assert "of XML" in refused(capsys, tmp_path, source, "--max-size", "2MB")


def test_path_traversal_entry(tmp_path, capsys):
    for name in ("../../evil.txt", "/etc/evil", "word/../../evil.txt", "C:/evil.txt", "word\\..\\evil.txt"):
        source = tmp_path / "traversal.docx"
        source.write_bytes(rezip(docx_bytes(), add={name: b"pwned"}))
        message = refused(capsys, tmp_path, source)
        assert "path traversal" in message and name.split("/")[-1].split("\\")[-1] in message
    assert not (tmp_path.parent / "evil.txt").exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol4;</w:t></w:r></w:p></w:body></w:document>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE doc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>
"""


@pytest.mark.parametrize("payload,part", [(BILLION_LAUGHS, "word/document.xml"),
                                          (EXTERNAL_ENTITY, "word/document.xml"),
                                          (EXTERNAL_ENTITY, "[Content_Types].xml"),
                                          (BILLION_LAUGHS.decode().encode("utf-16"), "word/styles.xml")])
def test_xml_entities(tmp_path, capsys, payload, part):
    source = tmp_path / "entities.docx"
    source.write_bytes(rezip(docx_bytes(), replace={part: payload}))
    message = refused(capsys, tmp_path, source)
    assert "DOCTYPE" in message and part in message


@pytest.mark.parametrize("data,words", [
    (b"this is not a zip at all", "not a Word document"),
    (b"PK\x03\x04" + b"\0" * 100, "damaged"),
    (b"", "not a Word document"),
])
def test_broken_docx(tmp_path, capsys, data, words):
    source = tmp_path / "broken.docx"
    source.write_bytes(data)
    assert words in refused(capsys, tmp_path, source)


def test_truncated_and_foreign_archives(tmp_path, capsys):
    good = docx_bytes()
    source = tmp_path / "cut.docx"
    source.write_bytes(good[: len(good) // 2])
    assert "damaged" in refused(capsys, tmp_path, source)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:                       # a zip, but not a Word document
        z.writestr("hello.txt", "hi")
    source.write_bytes(buf.getvalue())
    assert "not a Word document" in refused(capsys, tmp_path, source)
    # a zip with the parts but a broken main document: python-docx's error, in one line
    source.write_bytes(rezip(good, replace={"word/document.xml": b"<w:document><unclosed"}))
    assert "cannot be read as a Word document" in refused(capsys, tmp_path, source)


# ----------------------------------------------------------------------------- text
def test_non_utf8_text_names_the_byte(tmp_path, capsys):
    source = tmp_path / "latin.txt"
    source.write_bytes("Chapter 1\n\nA caf".encode() + b"\xe9 au lait.\n")
    message = refused(capsys, tmp_path, source)
    assert "not UTF-8" in message and "0xe9" in message and "line 3, column 6" in message and "byte 16" in message
    code, _out, err = call(capsys, "import", str(source), "--into", str(tmp_path / "ok"), "--encoding", "cp1252")
    assert code == 0, err
    assert "café au lait" in next((tmp_path / "ok/manuscript").rglob("*.md")).read_text("utf-8").lower()


def test_unknown_encoding_name(tmp_path, capsys):
    source = tmp_path / "x.txt"
    source.write_text("Hello.", "utf-8")
    assert "not a text encoding" in refused(capsys, tmp_path, source, "--encoding", "klingon-8")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks_are_read(tmp_path, encoding):
    text = "Chapter 1\n\nNaïve “quotes”.\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    source = tmp_path / "bom.txt"
    source.write_bytes(data)
    import_file(source, tmp_path / "p", ImportOptions(title="T"))
    scene = next((tmp_path / "p/manuscript").rglob("*.md")).read_text("utf-8")
    assert "Naïve “quotes”." in scene and "\ufeff" not in scene


def test_binary_file_as_text(tmp_path, capsys):
    source = tmp_path / "image.txt"
    source.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert "binary" in refused(capsys, tmp_path, source)


def test_a_100_mb_file_is_refused_without_reading_it(tmp_path, capsys):
    source = tmp_path / "huge.txt"
    with open(source, "wb") as fh:                  # sparse: no 100 MB written to disk
        fh.truncate(100_000_000)
    message = refused(capsys, tmp_path, source)
    assert "100 MB" in message and "50 MB import limit" in message
    message = refused(capsys, tmp_path, source, "--max-size", "1kB")
    assert "1 kB import limit" in message
    assert "is not a size" in refused(capsys, tmp_path, source, "--max-size", "lots")


def test_not_a_file(tmp_path, capsys):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "is a folder" in refused(capsys, tmp_path, folder)
    assert "does not exist" in refused(capsys, tmp_path, tmp_path / "missing.txt")
    if os.path.exists("/dev/zero"):
        code, _out, err = call(capsys, "import", "/dev/zero", "--into", str(tmp_path / "z"))
        assert code == 2 and "not a regular file" in err


def test_unsupported_formats_say_what_to_do(tmp_path, capsys):
    for name, words in (("old.doc", ".docx"), ("book.epub", "pandoc"), ("scan.pdf", "PDF")):
        source = tmp_path / name
        source.write_bytes(b"\xd0\xcf\x11\xe0 whatever")
        assert words in refused(capsys, tmp_path, source)
    source = tmp_path / "x.txt"
    source.write_text("Hello.", "utf-8")
    message = refused(capsys, tmp_path, source, "--format", "odt")
    assert "`--format odt` is not a format of `novelforge import`" in message


# ----------------------------------------------------------------------------- the target
def test_refuses_a_folder_that_holds_a_project(tmp_path, capsys):
    source = tmp_path / "n.txt"
    source.write_text("Some text.\n", "utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "novelforge.yaml").write_text("title: Mine\n", "utf-8")
    code, _out, err = call(capsys, "import", str(source), "--into", str(project))
    assert code == 2 and "already holds a NovelForge project" in err
    assert sorted(p.name for p in project.iterdir()) == ["novelforge.yaml"]
    assert (project / "novelforge.yaml").read_text("utf-8") == "title: Mine\n"


def test_never_overwrites_a_file(tmp_path):
    source = tmp_path / "n.txt"
    source.write_text("Chapter 1\n\nSome text that is long enough.\n", "utf-8")
    target = tmp_path / "t"
    (target / "manuscript/01-chapter-1").mkdir(parents=True)
    mine = target / "manuscript/01-chapter-1/chapter.yaml"
    mine.write_text("title: Mine\n", "utf-8")
    with pytest.raises(ImportFileError, match="already exists"):
        import_file(source, target, ImportOptions(title="T"))
    assert mine.read_text("utf-8") == "title: Mine\n"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        "manuscript", "manuscript/01-chapter-1", "manuscript/01-chapter-1/chapter.yaml"]
    (target / "manuscript").rename(target / "elsewhere")
    (target / "manuscript").write_text("a file where a folder goes", "utf-8")
    with pytest.raises(ImportFileError, match="not a folder"):
        import_file(source, target, ImportOptions(title="T"))


def test_never_writes_through_a_link(tmp_path):
    source = tmp_path / "n.txt"
    source.write_text("Some text.\n", "utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "t"
    target.mkdir()
    (target / "manuscript").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ImportFileError, match="is a link"):
        import_file(source, target, ImportOptions(title="T"))
    assert list(outside.iterdir()) == []


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    source = tmp_path / "n.txt"
    source.write_text("Chapter 1\n\nText.\n\nChapter 2\n\nMore text.\n", "utf-8")
    before = _snapshot(tmp_path)
    real_rename = os.rename

    def failing_rename(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(ImportFileError, match="No space left"):
        import_file(source, tmp_path / "new", ImportOptions(title="T"))
    assert _snapshot(tmp_path) == before
    # into an existing folder: files moved before the failure are taken back
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine", "utf-8")
    calls = {"n": 0}

    def flaky_link(src, dst):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(5, "Input/output error")
        return real_link(src, dst)

    real_link = os.link
    monkeypatch.setattr(os, "rename", real_rename)
    monkeypatch.setattr(os, "link", flaky_link)
    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(ImportFileError, match="Input/output error|No space left"):
        import_file(source, existing, ImportOptions(title="T"))
    assert sorted(p.name for p in existing.iterdir()) == ["notes.txt"]
    assert not [p for p in tmp_path.rglob(".novelforge-import-*")]
