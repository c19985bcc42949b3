"""More hostile input to `novelforge import` (issue #11): DOCX parts that hide behind other
names, codecs that are not character sets, and what a killed import leaves behind."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import zipfile

import pytest

from novelforge.import_ import ImportFileError, ImportOptions, import_file
from tests.test_import_hostile import call, docx_bytes, refused, rezip

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAIN_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def renamed_docx(body: bytes | None = None, *, by_default: bool = False, extra: dict[str, bytes] | None = None,
                 rels_extra: bytes = b"", types_extra: bytes = b"") -> bytes:
    """A Word file whose main document is `word/document.dat`, found through
    `[Content_Types].xml` (an override, or with ``by_default`` a default for `.dat`) and
    the package relationships, as python-docx finds it."""
    data = docx_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw, name = src.read(info), info.filename
            if name == "word/document.xml":
                name, raw = "word/document.dat", raw if body is None else body
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/document.dat.rels"
                raw = raw.replace(b"</Relationships>", rels_extra + b"</Relationships>")
            elif name == "[Content_Types].xml":
                if by_default:
                    override = b'<Override PartName="/word/document.xml" ContentType="' + MAIN_TYPE + b'"/>'
                    raw = raw.replace(override, b"")
                    default = b'<Default Extension="dat" ContentType="' + MAIN_TYPE + b'"/>'
                    raw = raw.replace(b"<Default ", default + b"<Default ", 1)
                else:
                    raw = raw.replace(b"/word/document.xml", b"/word/document.dat")
                raw = raw.replace(b"</Types>", types_extra + b"</Types>")
            elif name == "_rels/.rels":
                raw = raw.replace(b"word/document.xml", b"word/document.dat")
            dst.writestr(name, raw)
        for name, raw in (extra or {}).items():
            dst.writestr(name, raw)
    return out.getvalue()


def main_document() -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as z:
        return z.read("word/document.xml")


def with_doctype(xml: bytes) -> bytes:
    return xml.replace(b"<w:document", b'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<w:document', 1
                       ).replace(b"Some text.", b"&xxe;")


def test_a_renamed_main_document_is_still_read(tmp_path):
    source = tmp_path / "renamed.docx"
    source.write_bytes(renamed_docx())
    result = import_file(source, tmp_path / "p", ImportOptions(title="T"))
    assert result.words == 2


@pytest.mark.parametrize("by_default", [False, True], ids=["override", "default-extension"])
def test_doctype_in_a_renamed_part(tmp_path, capsys, by_default):
    source = tmp_path / "renamed.docx"
    source.write_bytes(renamed_docx(with_doctype(main_document()), by_default=by_default))
    message = refused(capsys, tmp_path, source)
    assert "DOCTYPE" in message and "word/document.dat" in message


def test_a_large_renamed_part_is_refused_before_it_is_parsed(tmp_path, capsys):
    # 2.9 MB of hard-to-compress paragraphs under --max-size 2MB: no ratio alarm, but more XML
    # than the limit; it must be refused from the zip's directory, before python-docx sees it
    rng = random.Random(1)
    words = " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
                     for _ in range(450_000))
    xml = main_document()
    big = xml.replace(b"<w:p>", b"<w:p><w:r><w:t>" + words.encode() + b"</w:t></w:r></w:p><w:p>", 1)
    assert len(big) > 2_500_000
    source = tmp_path / "big.docx"
    source.write_bytes(renamed_docx(big))
    assert "of XML" in refused(capsys, tmp_path, source, "--max-size", "2MB")


def test_doctype_in_any_part_a_relationship_points_to(tmp_path, capsys):
    rel = (b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'relationships/customXml" Target="notes.txt"/>')
    source = tmp_path / "rel.docx"
    source.write_bytes(renamed_docx(rels_extra=rel, types_extra=b'<Default Extension="txt" ContentType="text/plain"/>',
                                    extra={"word/notes.txt": b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'}))
    message = refused(capsys, tmp_path, source)
    assert "DOCTYPE" in message and "word/notes.txt" in message


def test_an_svg_image_with_a_doctype_is_not_a_false_alarm(tmp_path):
    svg = (b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg"/>')
    rel = (b'<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'relationships/image" Target="media/image1.svg"/>')
    source = tmp_path / "svg.docx"
    source.write_bytes(renamed_docx(rels_extra=rel,
                                    types_extra=b'<Default Extension="svg" ContentType="image/svg+xml"/>',
                                    extra={"word/media/image1.svg": svg}))
    assert import_file(source, tmp_path / "p", ImportOptions(title="T")).words == 2


@pytest.mark.parametrize("encoding,payload", [
    ("UTF-7", b'<?xml version="1.0" encoding="UTF-7"?>+ADwAIQ-DOCTYPE x +AFs-+AF0APg-<x/>'),
    ("EBCDIC", "<?xml version='1.0' encoding='cp037'?><!DOCTYPE x><x/>".encode("cp037")),
])
def test_parts_in_encodings_the_check_cannot_read_are_refused(tmp_path, capsys, encoding, payload):
    source = tmp_path / "enc.docx"
    source.write_bytes(rezip(docx_bytes(), replace={"word/styles.xml": payload}))
    message = refused(capsys, tmp_path, source)
    assert encoding in message and "word/styles.xml" in message


def test_a_zip_listing_too_many_files_is_refused_before_its_directory_is_loaded(tmp_path, capsys, monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for i in range(6000):
            z.writestr(f"f{i}", b"")
    source = tmp_path / "many.docx"
    source.write_bytes(buf.getvalue())

    def no_zipfile(*_a, **_k):
        raise AssertionError("the zip directory was loaded")

    monkeypatch.setattr(zipfile, "ZipFile", no_zipfile)
    assert "6,000 files" in refused(capsys, tmp_path, source)


def test_a_huge_zip_directory_is_refused(tmp_path, capsys):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for i in range(2000):
            z.writestr(f"word/{i:04d}" + "x" * 2100, b"")
    source = tmp_path / "names.docx"
    source.write_bytes(buf.getvalue())
    assert "list of files" in refused(capsys, tmp_path, source)


# ----------------------------------------------------------------------------- --encoding
@pytest.mark.parametrize("codec", ["rot13", "hex", "base64", "zlib", "uu", "bz2", "quopri", "idna", "punycode",
                                   "undefined", "unicode_escape", "klingon-8", "", "utf-8\x00", "x" * 5000])
def test_an_encoding_that_is_not_a_character_set(tmp_path, capsys, codec):
    source = tmp_path / "x.txt"
    source.write_text("Chapter 1\n\nHello there.\n", "utf-8")
    message = refused(capsys, tmp_path, source, "--encoding", codec)
    assert "--encoding" in message and len(message) < 300
    _code, _out, err = call(capsys, "import", str(source), "--into", str(tmp_path / "o"), "--encoding", codec)
    assert "utf-8, utf-16" in err and "cp1252" in err          # the help names encodings that work


def test_an_encoding_is_checked_before_the_file_is_read(tmp_path):
    with pytest.raises(ImportFileError, match="rot13"):
        import_file(tmp_path / "missing.txt", tmp_path / "p", ImportOptions(encoding="rot13"))


def test_a_codec_that_fails_its_own_way_is_one_line(tmp_path, capsys):
    source = tmp_path / "x.txt"
    source.write_bytes(b"Chapter 1\n\nHello +AGE there +ZZZZ- .\n")
    code, _out, err = call(capsys, "import", str(source), "--into", str(tmp_path / "o"), "--encoding", "utf-7")
    assert code in (0, 2) and "Traceback" not in err and "internal error" not in err


# ----------------------------------------------------------------------------- a stopped import
NOVEL = "Chapter 1\n\nSome text that is long enough to be a scene.\n\nChapter 2\n\nMore text, and then some.\n"


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_import_removes_what_a_killed_one_left(tmp_path, capsys):
    source = tmp_path / "n.txt"
    source.write_text(NOVEL, "utf-8")
    stale = tmp_path / f".novelforge-import-{_dead_pid()}-abc123"
    (stale / "tree/manuscript").mkdir(parents=True)
    (stale / "owner").write_text("1\n")                  # unlocked: its process is gone
    (stale / "tree/novelforge.yaml").write_text("title: half\n")
    early = tmp_path / f".novelforge-import-{_dead_pid()}-def456"
    early.mkdir()                                         # killed before it made its owner file
    code, out, err = call(capsys, "import", str(source), "--into", str(tmp_path / "book"))
    assert code == 0, err
    assert not stale.exists() and not early.exists()
    assert "left by an import that was stopped" in out
    assert (tmp_path / "book/novelforge.yaml").is_file()


def test_a_running_import_and_folders_not_ours_are_left_alone(tmp_path):
    source = tmp_path / "n.txt"
    source.write_text(NOVEL, "utf-8")
    live = tmp_path / ".novelforge-import-1-live00"
    live.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,os,sys,time\n"
         f"fd=os.open({str(live / 'owner')!r}, os.O_CREAT|os.O_WRONLY)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        alive = tmp_path / f".novelforge-import-{os.getpid()}-nolock"   # no owner file, live pid
        alive.mkdir()
        foreign = [tmp_path / ".novelforge-import-notes", tmp_path / ".novelforge-import-x7f3k2lq"]
        for f in foreign:
            f.mkdir()
            (f / "keep.txt").write_text("mine")
        import_file(source, tmp_path / "book", ImportOptions(title="T"))
        assert live.is_dir() and alive.is_dir() and all((f / "keep.txt").exists() for f in foreign)
    finally:
        holder.kill()
        holder.wait()
    import_file(source, tmp_path / "book2", ImportOptions(title="T"))
    assert not live.exists()                              # its holder is gone now


def test_a_merge_killed_half_way_is_taken_back_by_the_next_import(tmp_path):
    source = tmp_path / "n.txt"
    source.write_text(NOVEL, "utf-8")
    target = tmp_path / "clone"
    target.mkdir()
    (target / "README.md").write_text("my notes\n", "utf-8")
    (target / "manuscript").mkdir()
    (target / "manuscript/ideas.txt").write_text("an idea\n", "utf-8")
    # a real import that dies (os._exit: no cleanup at all) after moving two files
    script = (
        "import os, sys\n"
        "import novelforge.import_.write as w\n"
        "n = [0]\n"
        "def dying(real):\n"
        "    def move(src, dst, **kw):\n"
        "        if '/tree/' in str(src):\n"
        "            n[0] += 1\n"
        "            if n[0] > 2: os._exit(9)\n"
        "        return real(src, dst, **kw)\n"
        "    return move\n"
        "w.os.link, w.os.rename = dying(os.link), dying(os.rename)\n"
        "from novelforge.import_ import ImportOptions, import_file\n"
        f"import_file({str(source)!r}, {str(target)!r}, ImportOptions(title='T'))\n")
    died = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert died.returncode == 9, died.stderr
    left = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    assert any(p.startswith(".novelforge-import-") for p in left)            # what the kill left
    assert len([p for p in left if p.endswith((".md", ".yaml", ".gitignore")) and "import-" not in p]) >= 2
    result = import_file(source, target, ImportOptions(title="T"))
    assert any("took back" in n for n in result.notes)
    assert (target / "README.md").read_text("utf-8") == "my notes\n"
    assert (target / "manuscript/ideas.txt").read_text("utf-8") == "an idea\n"
    assert not list(target.glob(".novelforge-import-*"))
    fresh = tmp_path / "fresh"
    import_file(source, fresh, ImportOptions(title="T"))
    ours = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    got = {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert got == {**ours, "README.md": b"my notes\n", "manuscript/ideas.txt": b"an idea\n"}


def test_a_symbolic_link_entry_is_refused(tmp_path, capsys):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        link = zipfile.ZipInfo("word/media/image1.png")
        link.create_system = 3
        link.external_attr = 0o120777 << 16                  # a symbolic link, as `zip -y` stores one
        dst.writestr(link, "/etc/passwd")
    source = tmp_path / "link.docx"
    source.write_bytes(out.getvalue())
    message = refused(capsys, tmp_path, source)
    assert "symbolic link" in message and "word/media/image1.png" in message


# ----------------------------------------------------------------------------- the harness
def test_the_hostile_import_harness():
    from bench.reliability import hostile_import

    outcome = hostile_import.run(count=8, seed=2)
    assert outcome.ok, outcome.failures
    assert ("bytes written outside the target", "0") in outcome.figures


def test_a_target_name_over_255_bytes_is_a_one_line_error(tmp_path, capsys):
    source = tmp_path / "n.txt"
    source.write_text(NOVEL, "utf-8")
    code, _out, err = call(capsys, "import", str(source), "--into", str(tmp_path / ("q" * 300)))
    assert code == 2 and "more than the 255" in err and "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.txt"]
