"""A project in memory (issue #12, part 5): loaded from a mapping of paths to texts, checked
and exported with nothing on disk, under the same rules as a folder."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from novelforge.errors import ConfigError, ProjectNotFound
from novelforge.export.writer import prepare, render
from novelforge.project.loader import load_files, load_project
from novelforge.report import render as render_report
from novelforge.rules.engine import CheckOptions, check_project

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ember-crown"

FILES = {
    "novelforge.yaml": "title: The Glass Gate\nauthor: Ann Writer\nexport:\n"
                       "  front_matter:\n    - {title: Epigraph, file: matter/epigraph.md}\n"
                       "  epub: {cover: art/cover.svg}\n",
    "matter/epigraph.md": "---\nnote: skipped\n---\n*Every gate remembers.*\n",
    "art/cover.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    "canon/characters/aria.yaml": "name: Aria Vell\naliases: [Aria]\n",
    "manuscript/01-book-one/part.yaml": "title: The First Book\n",
    "manuscript/01-book-one/01-gate/chapter.yaml": "title: The Gate\n",
    "manuscript/01-book-one/01-gate/01-arrival.md": "---\npov: aria\ncharacters: [aria]\n---\n"
                                                    "Aria came to the gate at dusk.\n",
    "manuscript/01-book-one/01-gate/02-night.md": "---\npov: bram\n---\nThe night was long.\n",
}


def test_a_project_in_memory_loads_as_the_same_folder_on_disk(tmp_path):
    for rel, content in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    on_disk, in_memory = load_project(tmp_path), load_files(FILES)
    assert [s.path for s in in_memory.scenes] == [s.path for s in on_disk.scenes]
    assert [(c.title, c.part, c.part_title) for c in in_memory.chapters] == [
        (c.title, c.part, c.part_title) for c in on_disk.chapters] == [("The Gate", "01-book-one", "The First Book")]
    assert in_memory.sources == on_disk.sources
    assert in_memory.source("matter/epigraph.md") == FILES["matter/epigraph.md"]
    assert in_memory.fingerprint == on_disk.fingerprint
    assert [d.to_dict() for d in in_memory.diagnostics] == [d.to_dict() for d in on_disk.diagnostics]


def test_check_runs_on_a_project_in_memory():
    project = load_files(FILES)
    report = check_project(project, CheckOptions(use_cache=False, use_baseline=False))
    found = [(d.code, d.path, d.line) for d in report.diagnostics]
    assert ("NF201", "manuscript/01-book-one/01-gate/02-night.md", 2) in found      # `pov: bram` is not in canon
    text = render_report(report, "text")
    assert "2 | pov: bram" in text       # the source line is quoted from memory


@pytest.mark.parametrize("fmt", ["epub", "md", "html", "txt", "docx"])
def test_export_runs_on_a_project_in_memory(fmt):
    job = prepare(load_files(FILES), fmt)
    assert job.parts == ["The First Book"]
    assert [s.title for s in job.front] == ["Epigraph"]
    assert job.front[0].paragraphs[0].runs[0].italic      # the file's body, its front matter skipped
    data = render(job)
    if fmt == "epub":
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.read("EPUB/images/cover.svg") == FILES["art/cover.svg"]
    elif fmt != "docx":
        assert "Every gate remembers." in data.decode("utf-8") and "Aria came to the gate" in data.decode("utf-8")


def test_files_in_memory_are_read_under_the_loaders_rules():
    files = {
        "novelforge.yaml": "title: T\ncheck: {max-file-size: 200}\n",
        "manuscript/01-one/01-a.md": "Text.\r\n",
        "manuscript/01-one/02-utf16.md": codecs.BOM_UTF16_LE + "Wide.\n".encode("utf-16-le"),
        "manuscript/01-one/03-bin.md": b"\x00\x01binary",
        "manuscript/01-one/04-big.md": "word " * 100,
        "manuscript/01-one/.hidden.md": "Never read.\n",
        "manuscript/_notes/x.md": "Never read.\n",
        "../escape.md": "Never read.\n",
        "/etc/passwd.md": "Never read.\n",
    }
    project = load_files(files)
    assert [s.path for s in project.scenes] == ["manuscript/01-one/01-a.md", "manuscript/01-one/02-utf16.md"]
    assert project.source("manuscript/01-one/01-a.md") == "Text.\n"
    assert project.source("manuscript/01-one/02-utf16.md") == "Wide.\n"
    codes = sorted((d.code, d.path) for d in project.diagnostics)
    assert codes == [("NF003", "manuscript/01-one/03-bin.md"), ("NF006", "manuscript/01-one/04-big.md"),
                     ("NF007", "../escape.md"), ("NF007", "/etc/passwd.md")]
    assert not any("Never read" in text for text in project.sources.values())


def test_a_project_in_memory_needs_its_settings_file():
    with pytest.raises(ProjectNotFound):
        load_files({"manuscript/01-one/01-a.md": "Text.\n"})


def test_a_matter_file_outside_the_project_in_memory_is_a_finding_and_stops_the_export():
    files = dict(FILES)
    files["novelforge.yaml"] = "title: T\nexport:\n  back_matter:\n    - {file: ../secret.md}\n"
    project = load_files(files)
    [d] = [d for d in project.diagnostics if d.path == "novelforge.yaml"]
    assert (d.code, d.line, d.column) == ("NF007", 4, 14) and "outside the project" in d.message
    with pytest.raises(ConfigError, match="outside the project") as exc:
        prepare(project, "md")
    assert (exc.value.line, exc.value.column) == (4, 14)


def test_the_example_loads_the_same_from_memory():
    files = {p.relative_to(EXAMPLE).as_posix(): p.read_bytes() for p in EXAMPLE.rglob("*") if p.is_file()}
    on_disk, in_memory = load_project(EXAMPLE), load_files(files)
    options = CheckOptions(use_cache=False, use_baseline=False)
    a = json.loads(render_report(check_project(on_disk, options), "json"))
    b = json.loads(render_report(check_project(in_memory, options), "json"))
    assert a == b
    assert render(prepare(on_disk, "md")) == render(prepare(in_memory, "md"))


def test_the_library_exports_a_project_in_memory():
    from novelforge.api import export

    result = export(project=load_files(FILES), fmt="md", write=False)
    assert result.path is None and result.chapters == 1 and result.scenes == 2
    assert b"# The First Book" in result.data and b"Every gate remembers." in result.data
