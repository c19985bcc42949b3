"""EPUB 3 export: epubcheck (0 errors, 0 warnings) on the example novel, the structure
read back from the zip (metadata, nav, NCX, spine, one file per chapter), nothing of the
source format leaking into the XHTML, and byte-identical output."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from conftest import EXAMPLES
from novelforge.errors import UsageError
from novelforge.export.book import stable_identifier
from novelforge.export.writer import ExportOptions, prepare, render
from novelforge.project.loader import load_project

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "ncx": "http://www.daisy.org/z3986/2005/ncx/",
      "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

RICH_CONFIG = """\
  modified: 2025-06-01T09:30:00Z
  epub: {cover: art/cover.png, scene_break: '* "*" \\'}
  front_matter:
    - "For *Wren*, who lit the first fire."
    - title: Epigraph
      text: "*The crown remembers every hand that held it.*"
  back_matter:
    - title: Acknowledgements
      text: |
        Thanks to the first readers -- all of them.

        And to "you".
    - {title: About the Author, file: back/about.md}
"""


def png(width: int = 6, height: int = 9) -> bytes:
    raw = b"".join(b"\x00" + b"\x80\x20\x10" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def rich_project(root: Path) -> Path:
    """The example novel in two parts, with a cover, front and back matter, a scene
    break inside a scene and bold text."""
    shutil.copytree(EXAMPLES / "ember-crown", root)
    manuscript = root / "manuscript"
    chapters = sorted(p for p in manuscript.iterdir() if p.is_dir())
    for i, chapter in enumerate(chapters):
        part = manuscript / ("01-the-ashes" if i < 3 else "02-the-crown")
        part.mkdir(exist_ok=True)
        chapter.rename(part / chapter.name)
    (manuscript / "02-the-crown" / "part.yaml").write_text("title: The Crown Remembers\n", "utf-8")
    scene = manuscript / "01-the-ashes" / "01-ashes" / "01-the-summons.md"
    text = scene.read_text("utf-8")
    scene.write_text(text.replace("\nThe rider pulled up", "\n* * *\n\nThe **rider** pulled up", 1), "utf-8")
    (root / "art").mkdir()
    (root / "art" / "cover.png").write_bytes(png())
    (root / "back").mkdir()
    (root / "back" / "about.md").write_text("---\ntitle: x\n---\nMara Quill lives in *Dunmere*.\n", "utf-8")
    with (root / "novelforge.yaml").open("a", encoding="utf-8") as fh:
        fh.write(RICH_CONFIG)
    return root


def build(root: Path, **options) -> bytes:
    return render(prepare(load_project(root), "epub", ExportOptions(**options)))


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, bytes]:
    rich = rich_project(tmp_path_factory.mktemp("rich") / "ember-crown")
    return {"example": build(EXAMPLES / "ember-crown"), "rich": build(rich)}


@pytest.fixture(scope="module")
def epubcheck(books, tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """epubcheck on both books, started together (the JVM start dominates)."""
    java = shutil.which("java")
    if not java or not EPUBCHECK.is_file():
        pytest.skip("epubcheck is not installed (apt-get install epubcheck default-jre-headless)")
    folder = tmp_path_factory.mktemp("epubcheck")
    running = {}
    for name, data in books.items():
        path = folder / f"{name}.epub"
        path.write_bytes(data)
        running[name] = subprocess.Popen([java, "-XX:TieredStopAtLevel=1", "-jar", str(EPUBCHECK), str(path)],
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results = {}
    for name, proc in running.items():
        out, _ = proc.communicate(timeout=300)
        results[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, "")
    return results


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def opf(data: bytes) -> ET.Element:
    return ET.fromstring(entries(data)["EPUB/content.opf"])


def spine(data: bytes) -> list[str]:
    root = opf(data)
    hrefs = {i.get("id"): i.get("href") for i in root.iterfind("opf:manifest/opf:item", NS)}
    return [hrefs[r.get("idref")] for r in root.iterfind("opf:spine/opf:itemref", NS)]


# ----------------------------------------------------------------------------- epubcheck
@pytest.mark.parametrize("name", ["example", "rich"])
def test_epubcheck_has_no_errors_and_no_warnings(epubcheck, name):
    result = epubcheck[name]
    assert result.returncode == 0, result.stdout
    assert re.search(r"Messages: 0 fatals / 0 errors / 0 warnings", result.stdout), result.stdout
    assert "No errors or warnings detected" in result.stdout, result.stdout


# ----------------------------------------------------------------------------- package
def test_zip_layout_is_valid_and_timestamps_are_fixed(books):
    with zipfile.ZipFile(BytesIO(books["example"])) as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b""
    assert books["example"][30:38] == b"mimetype"          # byte 30: the first local file name
    assert {i.date_time for i in infos} == {(2000, 1, 1, 0, 0, 0)}
    with zipfile.ZipFile(BytesIO(books["rich"])) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 6, 1, 9, 30, 0)}   # export: modified


def test_metadata(books):
    project = load_project(EXAMPLES / "ember-crown")
    meta = opf(books["example"]).find("opf:metadata", NS)
    assert meta.findtext("dc:title", namespaces=NS) == "The Ember Crown"
    assert meta.findtext("dc:creator", namespaces=NS) == "Mara Quill"
    assert meta.findtext("dc:language", namespaces=NS) == "en"
    assert meta.findtext("dc:identifier", namespaces=NS) == stable_identifier(project)
    props: dict[str, list[str]] = {}
    for m in meta.iterfind("opf:meta", NS):
        if m.get("property"):
            props.setdefault(m.get("property"), []).append(m.text)
    assert props["dcterms:modified"] == ["2000-01-01T00:00:00Z"]
    assert props["schema:accessMode"] == ["textual"]
    assert props["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "readingOrder", "tableOfContents"} <= set(props["schema:accessibilityFeature"])
    assert props["schema:accessibilityHazard"] == ["none"]
    assert props["schema:accessibilitySummary"][0].startswith("A novel")
    rich = {m.get("property"): m.text for m in opf(books["rich"]).iterfind("opf:metadata/opf:meta", NS)}
    assert rich["dcterms:modified"] == "2025-06-01T09:30:00Z"


def test_spine_is_reading_order_with_a_file_per_chapter(books):
    assert spine(books["example"]) == ["titlepage.xhtml", "nav.xhtml"] + [f"chapter-{n:03d}.xhtml" for n in range(1, 8)]
    assert spine(books["rich"]) == (
        ["cover.xhtml", "titlepage.xhtml", "front-1.xhtml", "front-2.xhtml", "nav.xhtml", "part-01.xhtml"]
        + [f"chapter-{n:03d}.xhtml" for n in (1, 2, 3)] + ["part-02.xhtml"]
        + [f"chapter-{n:03d}.xhtml" for n in (4, 5, 6, 7)] + ["back-1.xhtml", "back-2.xhtml"])


def test_nav_document_and_ncx(books):
    files = entries(books["example"])
    nav = ET.fromstring(files["EPUB/nav.xhtml"])
    toc = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "toc")
    links = [(a.get("href"), a.text) for a in toc.iter(f"{{{NS['x']}}}a")]
    assert links[0] == ("chapter-001.xhtml", "Ashes") and len(links) == 7
    landmarks = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "landmarks")
    assert {a.get(EPUB_TYPE) for a in landmarks.iter(f"{{{NS['x']}}}a")} == {"toc", "bodymatter"}
    ncx = ET.fromstring(files["EPUB/toc.ncx"])
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content") == opf(books["example"]).findtext(
        "opf:metadata/dc:identifier", namespaces=NS)
    points = [p.find("ncx:content", NS).get("src") for p in ncx.iter(f"{{{NS['ncx']}}}navPoint")]
    assert points == [f"chapter-{n:03d}.xhtml" for n in range(1, 8)]
    assert opf(books["example"]).find("opf:spine", NS).get("toc") == "ncx"


def test_parts_nest_in_the_nav_and_ncx(books):
    files = entries(books["rich"])
    nav = ET.fromstring(files["EPUB/nav.xhtml"])
    toc = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "toc")
    top = [li.find("x:a", NS).text for li in toc.find("x:ol", NS).findall("x:li", NS)]
    assert top == ["Dedication", "Epigraph", "The Ashes", "The Crown Remembers", "Acknowledgements", "About the Author"]
    ncx = ET.fromstring(files["EPUB/toc.ncx"])
    second = ncx.find("ncx:navMap", NS).findall("ncx:navPoint", NS)[3]
    assert second.find("ncx:navLabel/ncx:text", NS).text == "The Crown Remembers"
    assert [p.find("ncx:content", NS).get("src") for p in second.findall("ncx:navPoint", NS)] == [
        f"chapter-{n:03d}.xhtml" for n in (4, 5, 6, 7)]


def test_cover_front_and_back_matter(books):
    files = entries(books["rich"])
    manifest = {i.get("href"): i for i in opf(books["rich"]).iterfind("opf:manifest/opf:item", NS)}
    assert manifest["images/cover.png"].get("properties") == "cover-image"
    assert manifest["images/cover.png"].get("media-type") == "image/png"
    assert files["EPUB/images/cover.png"] == png()
    cover = files["EPUB/cover.xhtml"].decode()
    assert 'alt="Cover of The Ember Crown by Mara Quill"' in cover
    dedication = files["EPUB/front-1.xhtml"].decode()
    assert 'epub:type="dedication"' in dedication and "<em>Wren</em>" in dedication
    assert 'epub:type="acknowledgments"' in files["EPUB/back-1.xhtml"].decode()
    assert "“you”" in files["EPUB/back-1.xhtml"].decode()            # typography applies
    about = files["EPUB/back-2.xhtml"].decode()
    assert "<em>Dunmere</em>" in about and "title: x" not in about   # the file's front matter is dropped
    # export: {epub: {scene_break}}, quotes and backslashes escaped for CSS
    assert 'content: "* \\000022*\\000022 \\00005c";' in files["EPUB/style.css"].decode()


# ----------------------------------------------------------------------------- content
def test_every_page_is_well_formed_xhtml(books):
    for data in books.values():
        for name, content in entries(data).items():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                ET.fromstring(content)  # raises on malformed XML


def test_nothing_of_the_source_format_leaks(books):
    files = entries(books["rich"])
    chapters = [v.decode() for k, v in sorted(files.items()) if k.startswith("EPUB/chapter-")]
    assert len(chapters) == 7
    for page in chapters:
        body = page.split("<body>", 1)[1]
        text = re.sub(r"<[^>]+>", "", body)
        for leak in ("<!--", "-->", "setup:", "payoff:", "status:", "pov:", "---", "*", "**", "_"):
            assert leak not in text, leak
        assert "<!--" not in page
    first = chapters[0]
    assert "<em>When the crown goes dark and the hearths go cold, a queen of ash shall wake the gold.</em>" in first
    assert "<strong>rider</strong>" in first
    assert "“You’re still working,” he said." in first


def test_scene_breaks_are_ornaments(books):
    files = entries(books["example"])
    first = files["EPUB/chapter-001.xhtml"].decode()
    project = load_project(EXAMPLES / "ember-crown")
    scenes = len(project.chapters[0].scenes)
    assert first.count('<hr class="scene-break"/>') == scenes - 1
    css = files["EPUB/style.css"].decode()
    assert "hr.scene-break::after" in css and "❧" in css
    rich_first = entries(books["rich"])["EPUB/chapter-001.xhtml"].decode()
    assert rich_first.count('<hr class="scene-break"/>') == scenes   # plus the break inside a scene


def test_output_is_byte_identical(books):
    assert build(EXAMPLES / "ember-crown") == books["example"]


def test_selection_and_no_typography():
    data = build(EXAMPLES / "ember-crown", chapters=(2, 3), typography=False)
    assert spine(data) == ["titlepage.xhtml", "nav.xhtml", "chapter-002.xhtml", "chapter-003.xhtml"]
    page = entries(data)["EPUB/chapter-002.xhtml"].decode()
    assert '"' in page.split("<body>")[1] and "“" not in page
    final = build(EXAMPLES / "ember-crown", statuses=["final"])
    assert len([s for s in spine(final) if s.startswith("chapter-")]) == 1


def test_bad_cover_is_a_clear_error(tmp_path):
    root = rich_project(tmp_path / "novel")
    (root / "art" / "cover.png").write_bytes(b"not an image")
    with pytest.raises(UsageError, match="is not a PNG file"):
        build(root)
    (root / "art" / "cover.bmp").write_bytes(b"BM")
    with pytest.raises(UsageError, match="must be JPEG, PNG, GIF or SVG"):
        build(root, cover=root / "art" / "cover.bmp")
