"""The `export:` block typed (issue #12, part 5): `check` reports its problems at their line
like every other block, `novelforge schema` shows it, and the renderers read the typed
values (the same table of DOCX options as the renderers' own overrides)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from novelforge.export.writer import prepare, render
from novelforge.project.loader import load_files, load_project

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ember-crown"
SCENE = {"manuscript/01-one/01-a.md": "The rain fell.\n"}


def problems(config: str) -> list[tuple]:
    project = load_files({"novelforge.yaml": "title: T\n" + config, **SCENE})
    return [(d.code, d.severity.value, d.line, d.column, d.message) for d in project.diagnostics]


@pytest.mark.parametrize("config, expected", [
    ("export:\n  manuscript: {size: 40}\n",
     ("NF004", "error", 3, 22, "`export.manuscript.size` is invalid: expected a number from 8 to 16")),
    ("export:\n  manuscript: {fnt: Courier}\n",
     ("NF009", "warning", 3, 16, "unknown key `export.manuscript.fnt` in `novelforge.yaml` — did you mean `font`?")),
    ("export:\n  reading: {paper: b7}\n",
     ("NF004", "error", 3, 20, "`export.reading.paper` is invalid: "
                               "expected letter, a4, a5, 6x9, 5x8 or WIDTHxHEIGHT in inches")),
    ("export:\n  epub: {scene_brake: x}\n",
     ("NF009", "warning", 3, 10, "unknown key `export.epub.scene_brake` in `novelforge.yaml` — "
                                 "did you mean `scene_break`?")),
    ("export:\n  front_mater: []\n",
     ("NF009", "warning", 3, 3, "unknown key `export.front_mater` in `novelforge.yaml` — "
                                "did you mean `front_matter`?")),
    ("export:\n  modified: soon\n",
     ("NF004", "error", 3, 13, "`export.modified` is invalid: `soon` is not a date such as 2025-06-01 or "
                               "2025-06-01T09:30:00Z")),
    ("export:\n  back_matter:\n    - {text: a, kind: chapter}\n",
     ("NF004", "error", 4, 23, "`export.back_matter.0.kind: chapter` is not one of: dedication, epigraph, foreword, "
                               "preface, introduction, prologue, epilogue, afterword, acknowledgments, colophon, "
                               "copyright-page, contributors, appendix, glossary, bibliography, notice, "
                               "other-credits, conclusion, frontmatter, backmatter")),
    ("export:\n  epub: {cover: art/none.png}\n",
     ("NF004", "error", 3, 17, "`cover: art/none.png` does not exist")),
])
def test_check_reports_export_settings_at_their_line(config, expected):
    assert problems(config) == [expected]


def test_valid_settings_are_quiet_and_typed():
    config = ("export:\n  modified: 2025-06-01\n  manuscript: {font: Courier New, line-spacing: 1.5, paper: a4}\n"
              "  docx-reading: {ornament: '~'}\n  front_matter: ['For Wren.']\n  html: {scene_break: '*'}\n")
    project = load_files({"novelforge.yaml": "title: T\n" + config, **SCENE})
    assert project.diagnostics == [] and project.setting_problems == {}
    export = project.config.export
    assert export.manuscript.font == "Courier New" and export.manuscript.line_spacing == 1.5
    assert export.manuscript.paper == (8.27, 11.69) and export.manuscript.size is None   # unset: the default
    assert export.docx_reading.ornament == "~" and export.front_matter[0].text == "For Wren."
    assert export.modified.isoformat() == "2025-06-01T00:00:00+00:00"
    assert load_project(EXAMPLE).setting_problems == {}


def test_a_problem_in_the_block_stops_the_export_at_its_line():
    from novelforge.errors import ConfigError

    project = load_files({"novelforge.yaml": "title: T\nexport:\n  manuscript: {size: 40, fnt: x}\n", **SCENE})
    with pytest.raises(ConfigError) as exc:
        prepare(project, "md")       # any format: a book is not built from dropped settings
    assert (exc.value.path, exc.value.line) == ("novelforge.yaml", 3)
    assert "1 more problem in `export:`" in exc.value.help


def test_the_typed_options_reach_the_docx():
    docx = pytest.importorskip("docx")
    config = "export:\n  manuscript: {font: Courier New, keyword: GATES}\n  docx: {end: THE END}\n"
    project = load_files({"novelforge.yaml": "title: T\nauthor: Ann Doe\n" + config, **SCENE})
    document = docx.Document(io.BytesIO(render(prepare(project, "docx"))))
    assert document.styles["Body Text"].font.name == "Courier New"
    assert "Doe / GATES / " in document.sections[0].header._element.xml
    assert document.paragraphs[-1].text == "THE END"


def test_the_schema_shows_the_export_block():
    from novelforge.api import schemas

    schema = schemas("project")["project"]
    export = schema["$defs"]["ExportConfig"]["properties"]
    assert {"modified", "front_matter", "back_matter", "manuscript", "docx", "reading", "docx-reading",
            "epub", "html"} <= set(export)
    manuscript = schema["$defs"]["ManuscriptSettings"]["properties"]
    assert manuscript["keyword"]["description"].startswith("Title keyword in the running header")
    assert schema["$defs"]["ManuscriptSettings"]["additionalProperties"] is False
    jsonschema = pytest.importorskip("jsonschema")
    from novelforge.project.yamlio import parse_yaml

    jsonschema.validate(parse_yaml((EXAMPLE / "novelforge.yaml").read_text("utf-8")), schema)
