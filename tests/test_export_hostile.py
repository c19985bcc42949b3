"""Hostile projects and names for `novelforge export` (issue #11): a cover or a part.yaml
outside the project, and file names longer than a file system allows — each a one-line
error with exit 2 (or a shortened name), never exit 3, nothing read from outside."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES
from novelforge.errors import ExitCode
from tests.test_export_cli import call, one_line_error

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>OUTSIDE-SECRET</text></svg>'


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "novel"
    shutil.copytree(EXAMPLES / "ember-crown", root)
    return root


def _set_cover(root: Path, value: str) -> int:
    """Add `export: epub: cover:` to novelforge.yaml; return the line it is on."""
    config = root / "novelforge.yaml"
    text = config.read_text("utf-8").replace("export:\n", f"export:\n  epub:\n    cover: {value}\n", 1)
    config.write_text(text, "utf-8")
    return text.splitlines().index(f"    cover: {value}") + 1


def _snapshot(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.parametrize("how", ["dotdot", "absolute", "link", "linked-folder"])
def test_a_cover_outside_the_project_is_refused_at_its_line(tmp_path, capsys, project, how):
    outside = tmp_path / "outside.svg"
    outside.write_bytes(SVG)
    if how == "dotdot":
        value = "../outside.svg"
    elif how == "absolute":
        value = str(outside)
    elif how == "link":
        (project / "art").mkdir()
        (project / "art/cover.svg").symlink_to(outside)
        value = "art/cover.svg"
    else:
        secrets = tmp_path / "secrets"
        secrets.mkdir()
        (secrets / "cover.svg").write_bytes(SVG)
        (project / "art").symlink_to(secrets, target_is_directory=True)
        value = "art/cover.svg"
    line = _set_cover(project, value)
    out = tmp_path / "build"
    code, _out, err = call(capsys, "export", str(project), "--format", "epub", "--out", f"{out}/")
    assert code == ExitCode.USAGE, err
    message = one_line_error(err)
    assert f"novelforge.yaml:{line}:12:" in message and "outside the project" in message
    assert not out.exists()


def test_a_cover_inside_the_project_is_embedded(tmp_path, capsys, project):
    (project / "art").mkdir()
    (project / "art/cover.svg").write_bytes(SVG)
    (project / "art/link.svg").symlink_to(project / "art/cover.svg")     # a link inside is fine
    _set_cover(project, "art/link.svg")
    target = tmp_path / "book.epub"
    code, _out, err = call(capsys, "export", str(project), "--out", str(target))
    assert code == 0, err
    with zipfile.ZipFile(target) as z:
        assert any(n.endswith("cover.svg") for n in z.namelist())


def _make_parts(project: Path) -> Path:
    """Move the chapters into one part folder; return it."""
    part = project / "manuscript" / "01-book-one"
    part.mkdir()
    for chapter in sorted((project / "manuscript").iterdir()):
        if chapter != part:
            chapter.rename(part / chapter.name)
    return part


def test_a_part_yaml_linked_outside_is_not_read(tmp_path, capsys, project):
    part = _make_parts(project)
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: OUTSIDE-SECRET\n", "utf-8")
    (part / "part.yaml").symlink_to(secret)
    target = tmp_path / "book.md"
    code, _out, err = call(capsys, "export", str(project), "--out", str(target))
    assert code == 0, err
    text = target.read_text("utf-8")
    assert "OUTSIDE-SECRET" not in text and "# Book One" in text
    (part / "part.yaml").unlink()
    (part / "part.yaml").write_text("title: The First Book\n", "utf-8")   # a real one is still read
    code, _out, err = call(capsys, "export", str(project), "--out", str(target))
    assert code == 0 and "# The First Book" in target.read_text("utf-8")


def test_a_part_folder_behind_a_linked_manuscript_is_not_read(tmp_path, project):
    from novelforge.project.loader import load_project

    elsewhere = tmp_path / "elsewhere" / "01-book-one"
    (elsewhere / "01-chapter").mkdir(parents=True)
    (elsewhere / "part.yaml").write_text("title: OUTSIDE-SECRET\n", "utf-8")
    (elsewhere / "01-chapter" / "01-s.md").write_text("OUTSIDE-SECRET prose.\n", "utf-8")
    (project / "manuscript" / "01-book-one").symlink_to(elsewhere, target_is_directory=True)
    loaded = load_project(project)
    # the export reads only what the loader read: nothing behind the link is in the project
    assert not any("OUTSIDE-SECRET" in text for text in loaded.sources.values())
    assert all(c.part_title is None for c in loaded.chapters)
    assert any(d.code == "NF007" and d.path == "manuscript/01-book-one" for d in loaded.diagnostics)


# ----------------------------------------------------------------------------- long names
def test_an_out_name_over_255_bytes_is_a_one_line_error(tmp_path, capsys, project):
    for name in ("x" * 300 + ".epub", "é" * 130 + ".epub", "d" * 300 + "/book.epub"):
        code, _out, err = call(capsys, "export", str(project), "--format", "epub", "--out", str(tmp_path / name))
        assert code == ExitCode.USAGE, err
        assert "more than the 255" in one_line_error(err)
    code, _out, err = call(capsys, "export", str(project), "--format", "txt", "--out",
                           str(tmp_path / ("/".join(["d" * 200] * 25) + "/book.txt")))
    assert code == ExitCode.USAGE and "4,096" in one_line_error(err)
    assert _snapshot(tmp_path) == {"novel"} | {f"novel/{p}" for p in _snapshot(project)}


@pytest.mark.parametrize("title", ["The " + "Very " * 80 + "Long Book", "Ж" * 200, "𠀀" * 100],
                         ids=["words", "cyrillic", "four-byte"])
def test_a_very_long_title_gives_a_shortened_default_name(tmp_path, capsys, project, monkeypatch, title):
    config = project / "novelforge.yaml"
    config.write_text(config.read_text("utf-8").replace("title: The Ember Crown", f"title: {title}"), "utf-8")
    monkeypatch.chdir(tmp_path)
    for out in (None, "build/"):
        code, _out, err = call(capsys, "export", str(project), "--format", "epub", *(["--out", out] if out else []))
        assert code == 0, err
        written = [p for p in (tmp_path / (out or "")).iterdir() if p.suffix == ".epub"]
        assert len(written) == 1 and len(written[0].name.encode()) <= 255
        assert not [p for p in tmp_path.rglob(".*.tmp")]
        written[0].unlink()


def test_a_long_export_name_leaves_no_temporary_file(tmp_path):
    # a 250-byte name is allowed; its temporary name must still fit
    from novelforge.util import atomic_write

    target = tmp_path / ("n" * 245 + ".epub")
    atomic_write(target, b"data")
    assert os.listdir(tmp_path) == [target.name]


def test_a_scene_that_is_not_read_is_named_on_stderr(tmp_path, capsys, project):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\n\nOUTSIDE-SECRET prose.\n", "utf-8")
    chapter = sorted((project / "manuscript").iterdir())[0]
    (chapter / "09-linked.md").symlink_to(secret)
    target = tmp_path / "book.md"
    code, _out, err = call(capsys, "export", str(project), "--out", str(target))
    assert code == 0, err
    assert "OUTSIDE-SECRET" not in target.read_text("utf-8")
    assert f"{chapter.name}/09-linked.md" in err and "left out of the book" in err
