"""DOCX export: the manuscript (standard manuscript format) and the reading copy, read
back with python-docx (styles, sections, header XML, page breaks, title page, text),
byte-for-byte reproducibility, and pandoc reading the files where pandoc is installed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

docx = pytest.importorskip("docx")
from docx.shared import Inches, Pt  # noqa: E402

from novelforge.errors import ConfigError  # noqa: E402
from novelforge.export.book import Paragraph, Run, build_book  # noqa: E402
from novelforge.export.docx_manuscript import (  # noqa: E402
    default_keyword,
    default_surname,
    render_manuscript,
    round_words,
    write_manuscript,
)
from novelforge.export.docx_reading import render_reading_copy, write_reading_copy  # noqa: E402
from novelforge.project.loader import load_project  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SCENE = """---
title: The Gate
status: draft
pov: aria
---

Aria reached the *iron* gate & waited <for> the **bell**.
<!-- setup: the-bell -->

She counted to ten. <!-- note: fix this later -->
Nothing happened.

* * *

## Later

Dawn came up over the wall at last.
"""


@pytest.fixture(scope="module")
def ember():
    return build_book(load_project(EXAMPLES / "ember-crown"))


@pytest.fixture(scope="module")
def manuscript(ember):
    return render_manuscript(ember)


@pytest.fixture(scope="module")
def ms(manuscript):
    return docx.Document(io.BytesIO(manuscript))


@pytest.fixture(scope="module")
def reading(ember):
    return render_reading_copy(ember)


@pytest.fixture
def small(tmp_path):
    """A one-scene project with front matter, comments, markers, emphasis and a break."""
    root = tmp_path / "small"
    (root / "manuscript" / "01-gate").mkdir(parents=True)
    (root / "novelforge.yaml").write_text(
        "title: The Gate\nauthor: Wren Hollis\nauthor_legal: Jane Doe\ncontact: [jane@example.com]\n", "utf-8")
    (root / "manuscript" / "01-gate" / "01-gate.md").write_text(SCENE, "utf-8")
    return build_book(load_project(root))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def by_style(document, name: str):
    return [p for p in document.paragraphs if p.style.name == name]


# ----------------------------------------------------------------------------- manuscript
def test_manuscript_styles_follow_standard_manuscript_format(ms):
    body = ms.styles["Body Text"]
    assert body.font.name == "Times New Roman"
    assert body.font.size == Pt(12)
    assert body.paragraph_format.line_spacing == 2.0
    assert body.paragraph_format.first_line_indent == Inches(0.5)
    assert body.paragraph_format.space_after == 0 and body.paragraph_format.space_before == 0
    assert ms.styles["Normal"].font.name == "Times New Roman"
    defaults = ms.styles.element.find(f"{W}docDefaults").find(f".//{W}rFonts")
    assert defaults.get(f"{W}ascii") == "Times New Roman" and defaults.get(f"{W}asciiTheme") is None
    section = ms.sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    for margin in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin):
        assert margin == Inches(1)
    prose = by_style(ms, "Body Text")
    assert len(prose) > 300 and all(p.paragraph_format.first_line_indent is None for p in prose)


def test_title_page_has_contact_block_word_count_title_and_byline(ms, ember):
    paras = ms.paragraphs
    assert paras[0].text == "Mara Quill\tabout 15,000 words"
    assert [p.text for p in paras[1:4]] == ["14 Lantern Row", "Harrowgate Mews, Dunmere DM4 7QL",
                                           "mara.quill@example.com"]
    assert paras[4].style.name == "Title" and paras[4].text == "The Ember Crown"
    assert paras[5].text == "by Mara Quill"
    title = ms.styles["Title"].paragraph_format
    assert title.alignment == 1 and Inches(3) < title.space_before < Inches(4.5)   # about halfway down
    assert ms.styles["Contact"].paragraph_format.line_spacing == 1.0
    assert ember.words == 14899


def test_running_header_has_page_field_and_not_on_the_title_page(ms):
    section = ms.sections[0]
    assert section.different_first_page_header_footer
    xml = section.header._element.xml
    assert "Quill / EMBER / " in xml
    assert re.search(r'<w:instrText[^>]*> PAGE </w:instrText>', xml) or 'w:instr=" PAGE "' in xml
    assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert all(not p.text for p in first.paragraphs) and "PAGE" not in first._element.xml
    assert section.header.paragraphs[0].alignment == 2 or ms.styles["Header"].paragraph_format.alignment == 2


def test_chapters_start_on_a_new_page_a_third_down(ms, ember):
    headings = by_style(ms, "Heading 1")
    assert [h.text for h in headings] == [c.heading for c in ember.chapters]
    style = ms.styles["Heading 1"].paragraph_format
    assert style.page_break_before and style.alignment == 1
    assert abs(style.space_before - Inches(11 / 3 - 1)) < Pt(1)
    assert ms.styles["Heading 1"].font.bold is not True


def test_scene_breaks_are_hashes_and_the_end_is_marked(ms, ember):
    breaks = [p for p in ms.paragraphs if p.text == "#"]
    expected = sum(len(c.scenes) - 1 for c in ember.chapters) + sum(
        1 for s in ember.scenes() for p in s.paragraphs if p.kind == "break")
    assert len(breaks) == expected > 0
    assert all(p.style.name == "Scene Break" for p in breaks)
    assert ms.paragraphs[-1].text == "END" and ms.paragraphs[-1].style.name == "End"


def test_no_front_matter_comments_markers_or_markdown_in_the_text(ms):
    text = "\n".join(texts(ms))
    for leak in ("<!--", "-->", "setup:", "payoff:", "status:", "pov:", "---", "**", "*"):
        assert leak not in text, leak
    assert "Aria Ostrel heard it before she saw it." in text


def test_italics_are_italic_by_default_and_underlined_when_configured(ember, ms):
    italic = [r for p in ms.paragraphs for r in p.runs if r.italic]
    assert italic and not any(r.underline for p in ms.paragraphs for r in p.runs)
    assert "When the crown goes dark and the hearths go cold, a queen of ash shall wake the gold." in {
        r.text for r in italic}
    under = docx.Document(io.BytesIO(render_manuscript(ember, {"italics": "underline"})))
    runs = [r for p in under.paragraphs for r in p.runs]
    assert [r.text for r in runs if r.underline] == [r.text for r in italic]
    assert not any(r.italic for r in runs)


def test_small_project_text_is_clean_and_escaped(small):
    document = docx.Document(io.BytesIO(render_manuscript(small)))
    body = [p.text for p in document.paragraphs if p.style.name in ("Body Text", "Heading 2", "Scene Break")]
    assert body == ["Aria reached the iron gate & waited <for> the bell.",
                    "She counted to ten. Nothing happened.", "#", "Later", "Dawn came up over the wall at last."]
    assert document.paragraphs[0].text == "Jane Doe\tabout 100 words"
    assert "jane@example.com" in texts(document)
    assert "by Wren Hollis" in texts(document)
    assert "Hollis / GATE / " in document.sections[0].header._element.xml
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert bold == ["bell"]


def test_options_from_novelforge_yaml_and_overrides(small):
    small.settings = {"manuscript": {"font": "Courier New", "size": 12, "keyword": "GATES", "surname": "Doe",
                                     "rounding": "none", "typewriter": True, "end": "THE END",
                                     "paper": "a4", "scene_break": "* * *"}}
    document = docx.Document(io.BytesIO(render_manuscript(small, {"italics": "underline"})))
    assert document.styles["Body Text"].font.name == "Courier New"
    assert "Doe / GATES / " in document.sections[0].header._element.xml
    assert document.paragraphs[0].text.endswith(f"about {small.words} words") and small.words % 100
    assert document.paragraphs[-1].text == "THE END"
    assert "* * *" in texts(document)
    assert abs(document.sections[0].page_width - Inches(8.27)) < Inches(0.01)


@pytest.mark.parametrize("settings, message", [
    ({"manuscript": {"fnt": "Courier"}}, "did you mean `font`"),
    ({"manuscript": {"italics": "bold"}}, "italics"),
    ({"manuscript": {"size": 40}}, "size"),
    ({"manuscript": "Courier"}, "mapping"),
])
def test_bad_options_are_one_sentence_config_errors(ember, settings, message):
    saved = ember.settings
    try:
        ember.settings = settings
        with pytest.raises(ConfigError, match=re.escape(message)):
            render_manuscript(ember)
    finally:
        ember.settings = saved


def test_word_count_rounding_and_header_defaults():
    assert [round_words(n) for n in (1, 149, 1449, 6200, 9749, 14899, 24999, 561426)] == [
        100, 100, 1400, 6000, 9500, 15000, 25000, 560000]
    assert round_words(14899, 100) == 14900 and round_words(14899, "none") == 14899
    assert default_keyword("The Ember Crown") == "EMBER" and default_keyword("War and Peace") == "WAR"

    class B:
        author, author_legal = "Leo Tolstoy (tr. Louise and Aylmer Maude)", None
    assert default_surname(B) == "Tolstoy"


# ----------------------------------------------------------------------------- reading copy
def test_reading_copy_has_real_styles_and_a_heading_per_chapter(reading, ember):
    document = docx.Document(io.BytesIO(reading))
    assert [h.text for h in by_style(document, "Heading 1")] == [c.heading for c in ember.chapters]
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == "The Ember Crown"
    body = document.styles["Body Text"].paragraph_format
    assert body.alignment == 3 and body.first_line_indent > 0          # justified, indented
    assert document.styles["First Paragraph"].paragraph_format.first_line_indent == 0
    assert document.styles["Heading 1"].paragraph_format.page_break_before
    paras = document.paragraphs
    for i, p in enumerate(paras):
        if p.style.name in ("Heading 1", "Scene Break") and i + 1 < len(paras):
            assert paras[i + 1].style.name in ("First Paragraph", "Heading 1"), (p.text, paras[i + 1].text)
    breaks = by_style(document, "Scene Break")
    assert breaks and {p.text for p in breaks} == {"* * *"}
    assert document.styles["Scene Break"].paragraph_format.alignment == 1
    assert "PAGE" in document.sections[0].footer._element.xml


def test_reading_copy_options(ember):
    saved = ember.settings
    ember.settings = {"reading": {"chapter_page_break": False, "ornament": "⁂", "justify": False}}
    try:
        document = docx.Document(io.BytesIO(render_reading_copy(ember)))
    finally:
        ember.settings = saved
    assert not document.styles["Heading 1"].paragraph_format.page_break_before
    assert {p.text for p in by_style(document, "Scene Break")} == {"⁂"}
    assert document.styles["Body Text"].paragraph_format.alignment == 0


def test_front_and_back_matter_and_parts(small):
    from novelforge.export.matter import MatterSection

    front = [MatterSection(None, "dedication", [Paragraph([Run("For Wren.")])], "front", 1)]
    back = [MatterSection("Acknowledgements", "acknowledgments", [Paragraph([Run("Thanks.")])], "back", 1)]
    for render in (render_manuscript, render_reading_copy):
        document = docx.Document(io.BytesIO(render(small, front=front, back=back, parts=["Part One"])))
        order = texts(document)
        assert order.index("For Wren.") < order.index("Part One") < order.index("Chapter 1") < order.index("Thanks.")
        assert "Acknowledgements" in [h.text for h in by_style(document, "Heading 1")]
        assert by_style(document, "Part")[0].text == "Part One"


# ----------------------------------------------------------------------------- reproducible, atomic
def test_exports_are_byte_identical_with_fixed_timestamps(ember, manuscript, reading):
    assert render_manuscript(ember) == manuscript
    assert render_reading_copy(ember) == reading
    for data in (manuscript, reading):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
            assert z.namelist()[0] == "[Content_Types].xml"
            assert "docProps/thumbnail.jpeg" not in z.namelist()
            core = z.read("docProps/core.xml").decode()
            assert "2000-01-01T00:00:00Z" in core and "python-docx" not in core


def test_write_is_atomic_and_leaves_no_temporary_files(ember, tmp_path, manuscript, reading):
    write_manuscript(ember, tmp_path / "out" / "book.docx")
    write_reading_copy(ember, tmp_path / "out" / "reading.docx")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["book.docx", "reading.docx"]
    assert (tmp_path / "out" / "book.docx").read_bytes() == manuscript
    assert (tmp_path / "out" / "reading.docx").read_bytes() == reading


def test_registered_with_the_export_dispatcher(tmp_path):
    writer = pytest.importorskip("novelforge.export.writer")
    project = load_project(EXAMPLES / "ember-crown")
    for fmt, heading_style in (("docx", "Heading 1"), ("docx-reading", "Heading 1")):
        path = writer.export(project, fmt, tmp_path / f"{fmt}.docx")
        document = docx.Document(str(path))
        assert len(by_style(document, heading_style)) == 7


def test_importing_the_writers_does_not_load_python_docx():
    code = ("import sys, novelforge.export.docx_manuscript, novelforge.export.docx_reading; "
            "print('docx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------- other readers
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_reads_both_files(tmp_path, manuscript, reading):
    for name, data in (("ms.docx", manuscript), ("reading.docx", reading)):
        path = tmp_path / name
        path.write_bytes(data)
        md = subprocess.run(["pandoc", str(path), "-t", "markdown", "--wrap=none"], capture_output=True,
                            text=True, check=True, timeout=60).stdout
        assert "# Ashes" in md and "# The Kindling" in md
        assert ("She laughed, and took the big hammer down from its pegs, and set a bar of iron in "
                "the fire to heat.") in md
        assert "Aria Ostrel heard it before she saw it." in md
        assert "*When the crown goes dark and the hearths go cold" in md


def test_every_option_is_documented():
    from novelforge.export import docx_manuscript, docx_reading

    doc = (ROOT / "docs" / "export-docx.md").read_text("utf-8")
    manuscript, reading = doc.split("## The reading copy")
    for section, module in ((manuscript, docx_manuscript), (reading, docx_reading)):
        for option in module.OPTIONS:
            assert f"| `{option.key}` |" in section, f"{module.__name__}: `{option.key}` is not documented"


@pytest.mark.skipif(not all(shutil.which(tool) for tool in ("soffice", "pdftotext", "pdfinfo")),
                    reason="LibreOffice (soffice) or poppler-utils is not installed")
def test_libreoffice_lays_out_the_manuscript(tmp_path, manuscript, reading):
    """Rendered pages: no header on the title page, `Quill / EMBER / 2` on page 2 (the
    PAGE field at work), the first chapter on page 2, `END` on the last page."""
    (tmp_path / "ms.docx").write_bytes(manuscript)
    (tmp_path / "reading.docx").write_bytes(reading)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "ms.docx"),
                    str(tmp_path / "reading.docx")], capture_output=True, check=True, timeout=120)

    def page(pdf: str, n: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(tmp_path / pdf), "-"],
                              capture_output=True, text=True, check=True).stdout

    first, second, third = page("ms.pdf", 1), page("ms.pdf", 2), page("ms.pdf", 3)
    assert "about 15,000 words" in first and "The Ember Crown" in first and "Quill /" not in first
    assert "Quill / EMBER / 2" in second and "Ashes" in second
    assert "Quill / EMBER / 3" in third
    assert "END" in page("ms.pdf", _pages(tmp_path / "ms.pdf"))
    assert "Ashes" in page("reading.pdf", 2)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(match.group(1)) if match else 1
