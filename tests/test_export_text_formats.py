"""Markdown, HTML and plain-text export: structure, emphasis, escaping (Markdown reads back
to the same text), front and back matter, parts, reproducibility, and the export core
(selection errors, matter configuration errors, atomic writes)."""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EXAMPLES
from novelforge.errors import ConfigError, UsageError
from novelforge.export import writer
from novelforge.export.book import parse_inline
from novelforge.export.markdown import paragraph_markdown
from novelforge.export.writer import ExportOptions, export, prepare, render
from novelforge.project.loader import load_project

EXAMPLE = EXAMPLES / "ember-crown"

TRICKY = """\
---
title: Odd Marks
status: final
---

A *single* and **double** and **bold *both* bold** and _under_ and __score__.

# A heading inside a scene

1984. That was the year. A snake_case_name, a lone _ and 2 * 3, a [bracket], a `code` span,
<b>not html</b>, &amp; not an entity, and a \\\\ backslash.

- not a list

#not-a-heading and > not a quote

***

"Quoted," she said -- and then... nothing. It's 'tis the '90s.

<!-- setup: hidden-promise -->
<!-- a note for the author -->
"""


def project(root: Path, config: str = "", parts: bool = False) -> Path:
    root.mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: The Test Book\nauthor: A. Writer\nlanguage: en\n" + config, "utf-8")
    base = root / "manuscript"
    if parts:
        base = base / "01-the-first-part"
    (base / "01-opening").mkdir(parents=True)
    (base / "01-opening" / "chapter.yaml").write_text("title: Opening\n", "utf-8")
    (base / "01-opening" / "01-odd.md").write_text(TRICKY, "utf-8")
    (base / "01-opening" / "02-plain.md").write_text("---\nstatus: draft\n---\nThe second scene.\n", "utf-8")
    later = (root / "manuscript" / "02-the-second-part" if parts else root / "manuscript") / "02-later"
    later.mkdir(parents=True)
    (later / "01-end.md").write_text("---\nstatus: draft\n---\nThe end, *finally*.\n", "utf-8")
    return root


def out(root: Path, fmt: str, **options) -> str:
    return render(prepare(load_project(root), fmt, ExportOptions(**options))).decode("utf-8")


@pytest.fixture(scope="module")
def example() -> dict[str, str]:
    loaded = load_project(EXAMPLE)
    return {fmt: render(prepare(loaded, fmt)).decode("utf-8") for fmt in ("md", "html", "txt")}


# ----------------------------------------------------------------------------- markdown
def test_markdown_structure(example):
    md = example["md"]
    assert md.startswith('---\ntitle: "The Ember Crown"\nauthor: "Mara Quill"\nlang: "en"\n---\n\n# Ashes\n\n')
    assert re.findall(r"^# (.+)$", md, re.M) == ["Ashes", "The Road", "The Court", "The Ashvault",
                                                  "The Cedar Box", "The Long Night", "The Kindling"]
    assert "*When the crown goes dark and the hearths go cold, a queen of ash shall wake the gold.*" in md
    project_ = load_project(EXAMPLE)
    assert md.count("\n* * *\n") == sum(len(c.scenes) - 1 for c in project_.chapters)
    for leak in ("<!--", "setup:", "payoff:", "status:", "pov:"):
        assert leak not in md
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_markdown_reads_back_to_the_same_text(tmp_path, example):
    """Every paragraph, parsed again as Markdown, gives the same runs."""
    for root in (EXAMPLE, project(tmp_path / "tricky")):
        job = prepare(load_project(root), "md")
        for scene in job.book.scenes():
            for p in scene.paragraphs:
                # (book.parse_inline un-escapes only some punctuation, not `\<` or `\&`)
                if p.kind == "text" and "<" not in p.text and "&" not in p.text:
                    again = parse_inline(paragraph_markdown(p, "#"), typography=False)
                    assert styled(again) == styled(p.runs), p.text


def styled(runs) -> list[tuple[str, bool, bool]]:
    """Characters with their style; the style of spaces does not matter."""
    return [(ch, r.italic and not ch.isspace(), r.bold and not ch.isspace()) for r in runs for ch in r.text]


def test_markdown_escapes_what_would_be_syntax(tmp_path):
    md = out(project(tmp_path / "b"), "md")
    assert "A *single* and **double** and **bold** **_both_** **bold** and *under* and **score**." in md
    assert "1984\\. That was the year." in md
    assert "A snake_case_name, a lone \\_ and 2 \\* 3, a \\[bracket\\]" in md and "\\`code\\`" not in md
    assert "\\<b>not html\\</b>" in md and "\\&amp; not an entity" in md
    assert "\n\\- not a list\n" in md and "\n\\#not-a-heading and > not a quote\n" in md
    assert "## A heading inside a scene" in md
    assert "“Quoted,” she said – and then… nothing. It’s ’tis the ’90s." in md
    assert "hidden-promise" not in md and "note for the author" not in md


def test_markdown_with_parts_and_matter(tmp_path):
    config = textwrap.dedent("""\
        export:
          front_matter: ["For *Wren*."]
          back_matter:
            - {title: Afterword, text: "It ends."}
        """)
    md = out(project(tmp_path / "b", config, parts=True), "md")
    headings = re.findall(r"^(#+) (.+)$", md, re.M)
    assert headings == [("#", "The First Part"), ("##", "Opening"), ("###", "A heading inside a scene"),
                        ("#", "The Second Part"), ("##", "Chapter 2"), ("#", "Afterword")]
    assert md.index("For *Wren*.") < md.index("# The First Part")
    assert md.rstrip().endswith("# Afterword\n\nIt ends.")


# ----------------------------------------------------------------------------- html
class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith("#"):
                self.external.append(a[key])


def test_html_is_one_self_contained_page_with_a_table_of_contents(example):
    page = _Page()
    page.feed(example["html"])
    assert page.external == [] and "link" not in page.tags and "script" not in page.tags
    assert example["html"].count("<style>") == 1
    assert len(page.links) == 7 and set(page.links) <= page.ids
    assert '<html lang="en">' in example["html"] and "<title>The Ember Crown</title>" in example["html"]
    assert "<em>When the crown goes dark" in example["html"]
    assert "<!--" not in example["html"] and "*" not in re.sub(r"<style>.*?</style>", "", example["html"], flags=re.S)


def test_html_emphasis_breaks_parts_and_matter(tmp_path):
    config = "export:\n  front_matter: [\"For *Wren*.\"]\n  back_matter: [{title: Acknowledgements, text: Thanks.}]\n"
    html = out(project(tmp_path / "b", config, parts=True), "html")
    assert "<strong>double</strong>" in html and "<strong><em>both</em></strong>" in html
    assert "<em>under</em>" in html and "<strong>score</strong>" in html
    assert "&lt;b&gt;not html&lt;/b&gt;" in html and "&amp;amp; not an entity" in html
    assert html.count('<hr class="scene-break"/>') == 2          # one inside a scene, one between scenes
    assert '<h2 class="part" id="part-1">The First Part</h2>' in html
    assert '<h3>Opening</h3>' in html and '<h4 class="scene-heading">' in html
    assert '<section class="matter dedication" id="front-1" role="doc-dedication" aria-label="Dedication">' in html
    assert '<section class="matter acknowledgments" id="back-1" role="doc-acknowledgments">' in html
    page = _Page()
    page.feed(html)
    assert set(page.links) <= page.ids and len(page.links) == 2 + 2 + 2   # matter, parts, chapters


# ----------------------------------------------------------------------------- plain text
def test_plain_text(example, tmp_path):
    txt = example["txt"]
    assert txt.startswith("The Ember Crown\n\nMara Quill\n\n\n\nAshes\n\n")
    assert "_When the crown goes dark and the hearths go cold, a queen of ash shall wake the gold._" in txt
    assert "*" not in txt.replace("* * *", "") and "<" not in txt
    odd = out(project(tmp_path / "b", parts=True), "txt")
    assert "\n\n\n\nTHE FIRST PART\n\n\n\nOpening\n\n" in odd
    assert "A _single_ and double and bold _both_ bold and _under_ and score." in odd
    assert "<b>not html</b>, &amp; not an entity" in odd


# ----------------------------------------------------------------------------- the core
@pytest.mark.parametrize("fmt", ["md", "html", "txt", "epub"])
def test_byte_identical_across_runs(tmp_path, fmt):
    loaded = load_project(EXAMPLE)
    first = export(loaded, fmt, tmp_path / "a")
    second = export(load_project(EXAMPLE), fmt, tmp_path / "b" / f"book.{fmt}")
    assert first == tmp_path / "a" and first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(["a", f"book.{fmt}"])


def test_selection(tmp_path):
    root = project(tmp_path / "b")
    assert "The second scene." not in out(root, "txt", statuses=["final"])
    assert "Opening" not in out(root, "txt", chapters=(2, None))
    with pytest.raises(UsageError, match=r"nothing to export: no scenes with status revised in chapters 1-2"):
        out(root, "md", statuses=["revised"], chapters=(1, 2))


def test_no_typography_keeps_straight_quotes(tmp_path):
    md = out(project(tmp_path / "b"), "md", typography=False)
    assert "\"Quoted,\" she said -- and then... nothing." in md


def test_writes_are_atomic(tmp_path, monkeypatch):
    target = tmp_path / "book.md"
    target.write_text("the old copy", "utf-8")

    def broken(job):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(writer, "render", broken)
    with pytest.raises(RuntimeError):
        writer.export(load_project(EXAMPLE), "md", target)
    assert target.read_text("utf-8") == "the old copy"
    assert [p.name for p in tmp_path.iterdir()] == ["book.md"]


def test_export_does_not_load_ebooklib_or_docx_for_text_formats(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    code = textwrap.dedent(f"""
        import sys
        from novelforge.export.writer import export
        from novelforge.project.loader import load_project
        for fmt in ("md", "html", "txt"):
            export(load_project({str(EXAMPLE)!r}), fmt, {str(tmp_path)!r} + "/book." + fmt)
        print(sorted(m for m in ("ebooklib", "docx", "lxml") if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- matter errors
@pytest.mark.parametrize("config,message,line", [
    ("export:\n  front_matter: 5\n", "must be a list", 5),
    ("export:\n  front_matter:\n    - {title: X, txt: y}\n", "unknown key `export.front_matter.0.txt`", 6),
    ("export:\n  back_matter:\n    - {title: X}\n", "exactly one of `text` or `file`", 6),
    ("export:\n  back_matter:\n    - {title: X, text: a, file: b.md}\n", "exactly one of `text` or `file`", 6),
    ("export:\n  back_matter:\n    - {file: nowhere.md}\n", "`file: nowhere.md` does not exist", 6),
    ("export:\n  back_matter:\n    - {file: ../../etc/passwd}\n", "outside the project", 6),
    ("export:\n  back_matter:\n    - {text: a, kind: chapter}\n",
     "`export.back_matter.0.kind: chapter` is not one of", 6),
    ("export:\n  modified: last tuesday\n", "is not a date", 5),
    ("export:\n  epub: {cover: missing.png}\n", "does not exist", 5),
])
def test_bad_export_settings_are_one_line_errors(tmp_path, config, message, line):
    root = project(tmp_path / "b", config)
    with pytest.raises(ConfigError, match=re.escape(message)) as exc:
        prepare(load_project(root), "epub")
    assert exc.value.path == "novelforge.yaml" and exc.value.line == line


def test_matter_kinds_and_files(tmp_path):
    config = textwrap.dedent("""\
        export:
          front_matter:
            - "For Wren."
            - {title: Author's Note, text: "I made it up."}
          back_matter:
            - {title: Glossary of Terms, kind: glossary, file: notes/glossary.md}
        """)
    root = project(tmp_path / "b", config)
    (root / "notes").mkdir()
    (root / "notes" / "glossary.md").write_text("**Ember**: fire.\r\n", "utf-8")
    job = prepare(load_project(root), "html")
    assert [(s.title, s.kind, s.label) for s in job.front] == [
        (None, "dedication", "Dedication"), ("Author's Note", "preface", "Author's Note")]
    assert job.back[0].kind == "glossary" and job.back[0].paragraphs[0].runs[0].bold


def test_unknown_format_and_modified(tmp_path, monkeypatch):
    loaded = load_project(EXAMPLE)
    with pytest.raises(UsageError,
                       match="`pdf` is not a format of `novelforge export`; use one of: docx, docx-reading, epub"):
        prepare(loaded, "pdf")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert prepare(loaded, "md").modified.isoformat() == "2023-11-14T22:13:20+00:00"


def test_right_to_left_escaping_and_empty_matter(tmp_path):
    config = textwrap.dedent("""\
        export:
          front_matter: ["", {title: "Notes & <things>", text: "Tiny."}]
          html: {scene_break: "</style>"}
        """)
    root = project(tmp_path / "b", config)
    yaml = root / "novelforge.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("title: The Test Book", 'title: Salt & "Smoke" <1>')
                    .replace("language: en", "language: he-IL"), "utf-8")
    job = prepare(load_project(root), "html")
    assert [s.title for s in job.front] == ["Notes & <things>"]          # the empty item is left out
    html = render(job).decode("utf-8")
    assert '<html lang="he-IL" dir="rtl">' in html
    assert "<title>Salt &amp; \"Smoke\" &lt;1&gt;</title>" in html and "<h2>Notes &amp; &lt;things&gt;</h2>" in html
    assert html.count("</style>") == 1 and "\\00003c\\00002fstyle\\00003e" in html
    epub = render(prepare(load_project(root), "epub"))
    import zipfile
    from io import BytesIO
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(BytesIO(epub)) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                ET.fromstring(z.read(name))
        assert 'dir="rtl"' in z.read("EPUB/chapter-001.xhtml").decode()
        assert 'page-progression-direction="rtl"' in z.read("EPUB/content.opf").decode()
