"""``novelforge export``: formats, output paths, selection, the progress bar, one-line
errors with exit code 2, and byte-identical output across processes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import EXAMPLES, ROOT
from novelforge.cli import app as cli_app

EXAMPLE = str(EXAMPLES / "ember-crown")


def call(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli_app.main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: "), err
    assert all(line.startswith("  = help:") for line in lines[1:]), err
    return lines[0]


def test_export_epub_into_a_folder(tmp_path, capsys):
    code, out, err = call(capsys, "export", EXAMPLE, "--format", "epub", "--out", f"{tmp_path}/build/")
    assert code == 0 and out == ""
    target = tmp_path / "build" / "the-ember-crown.epub"
    assert target.read_bytes()[:2] == b"PK"
    assert err == f"Wrote {target}: epub, 7 chapters, 17 scenes, 14,899 words.\n"   # no progress bar in a pipe
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)


def test_format_from_the_out_suffix_and_missing_folders_are_created(tmp_path, capsys):
    target = tmp_path / "a" / "b" / "review.html"
    code, _out, err = call(capsys, "export", EXAMPLE, "-o", str(target), "--chapters", "2-3",
                           "--status", "draft,revised")
    assert code == 0, err
    html = target.read_text("utf-8")
    assert "The Road" in html and "The Court" in html and ">Ashes<" not in html


def test_default_output_is_named_after_the_title(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _out, _err = call(capsys, "export", EXAMPLE, "-f", "txt")
    assert code == 0
    assert (tmp_path / "the-ember-crown.txt").read_text("utf-8").startswith("The Ember Crown\n")
    monkeypatch.chdir(EXAMPLES / "ember-crown" / "manuscript")       # the project around the folder
    code, _out, err = call(capsys, "export", "-f", "md", "-o", str(tmp_path / "x.md"))
    assert code == 0, err


def test_standard_output(capsys):
    code, out, err = call(capsys, "export", EXAMPLE, "-f", "md", "-o", "-", "--chapters", "7")
    assert code == 0
    assert out.startswith('---\ntitle: "The Ember Crown"') and "# The Kindling" in out and "# Ashes" not in out
    assert err.startswith("Wrote standard output: md, 1 chapter, ")


def test_progress_bar_on_a_terminal(tmp_path, capsys):
    code, _out, err = call(capsys, "export", EXAMPLE, "-f", "epub", "-o", str(tmp_path / "b.epub"), "--color", "always")
    assert code == 0
    assert "Exporting epub" in err and "7/7" in err


@pytest.mark.parametrize("args,message", [
    (["-f", "pdf"],
     "`--format pdf` is not a format of `novelforge export`; use one of: docx, docx-reading, epub, md, html, txt"),
    (["-o", "book.pdf"], "choose a format with --format"),
    ([], "choose a format with --format"),
    (["-f", "md", "-o", "{tmp}/file.txt/book.md"],
     "cannot write `{tmp}/file.txt/book.md`: a part of the path is a file"),
    (["-f", "md", "-o", "/proc/novelforge-book.md"], "cannot write `/proc/novelforge-book.md`"),
    (["-f", "md", "-o", EXAMPLE + "/manuscript/book.md"], "it is inside the project's sources"),
    (["-f", "md", "-o", EXAMPLE + "/novelforge.yaml"], "it is inside the project's sources"),
    (["-f", "md", "--chapters", "3-x"], "`--chapters 3-x` is not a chapter range"),
    (["-f", "md", "--chapters", "7-3"], "`--chapters 7-3` is not a chapter range"),
    (["-f", "md", "--chapters", "0"], "`--chapters 0` is not a chapter range"),
    (["-f", "md", "--chapters", "20-"], "nothing to export: no scenes in chapters 20-"),
    (["-f", "md", "--status", "done"], "`--status done` is not a scene status"),
    (["-f", "md", "--status", "idea"], "nothing to export: no scenes with status idea"),
    (["-f", "md", "--cover", "{tmp}/file.txt"], "`--cover` applies to formats with a cover (epub), not md"),
    (["-f", "epub", "--cover", "{tmp}/missing.png"], "cover image `{tmp}/missing.png` does not exist"),
    (["-f", "epub", "--cover", "{tmp}/file.txt"], "must be JPEG, PNG, GIF or SVG"),
])
def test_bad_input_is_a_one_line_error_with_exit_2(tmp_path, capsys, monkeypatch, args, message):
    (tmp_path / "file.txt").write_text("x", "utf-8")
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = call(capsys, "export", EXAMPLE, *args)
    assert code == 2 and out == ""
    assert message.replace("{tmp}", str(tmp_path)) in one_line_error(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]       # nothing written


def test_no_project_is_exit_2(tmp_path, capsys):
    code, _out, err = call(capsys, "export", str(tmp_path), "-f", "md")
    assert code == 2 and "no novelforge.yaml" in one_line_error(err)
    code, _out, err = call(capsys, "export", str(tmp_path / "nowhere"), "-f", "md")
    assert code == 2 and "does not exist" in one_line_error(err)


def test_bad_front_matter_setting_points_at_the_yaml_line(tmp_path, capsys):
    root = tmp_path / "novel"
    (root / "manuscript" / "01-one").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\nexport:\n  front_matter:\n    - {title: X, txet: y}\n", "utf-8")
    (root / "manuscript" / "01-one" / "01-a.md").write_text("Text.\n", "utf-8")
    code, _out, err = call(capsys, "export", str(root), "-f", "md", "-o", str(tmp_path / "b.md"))
    assert code == 2
    assert one_line_error(err).startswith(
        "error: novelforge.yaml:4:18: unknown key `export.front_matter.0.txet` in `novelforge.yaml` — "
        "did you mean `text`?")


def test_broken_scene_is_left_out_with_a_warning(tmp_path, capsys):
    root = tmp_path / "novel"
    (root / "manuscript" / "01-one").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    (root / "manuscript" / "01-one" / "01-a.md").write_text("Good text.\n", "utf-8")
    (root / "manuscript" / "01-one" / "02-b.md").write_text("---\ntitle: [oops\n---\nBroken.\n", "utf-8")
    code, _out, err = call(capsys, "export", str(root), "-f", "txt", "-o", str(tmp_path / "b.txt"))
    assert code == 0
    assert "warning: 1 scene with broken front matter left out" in err
    assert "Broken." not in (tmp_path / "b.txt").read_text("utf-8")


def test_same_bytes_in_separate_processes_and_no_heavy_imports_for_text(tmp_path):
    """Two processes with different hash seeds give the same EPUB, Markdown, HTML and
    text; the text formats never import ebooklib or python-docx."""
    script = textwrap.dedent(f"""
        import hashlib, sys
        from novelforge.cli.app import main
        digests = []
        for fmt in ("md", "html", "txt", "epub"):
            target = {str(tmp_path)!r} + "/" + sys.argv[1] + "." + fmt
            try:
                main(["export", {EXAMPLE!r}, "-f", fmt, "-o", target])
            except SystemExit as exc:
                assert exc.code == 0, exc.code
            if fmt == "txt":
                assert not {{"ebooklib", "docx"}} & set(sys.modules), sorted(sys.modules)
            digests.append(hashlib.sha256(open(target, "rb").read()).hexdigest())
        print(" ".join(digests))
    """)
    outputs = []
    for seed in ("1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        result = subprocess.run([sys.executable, "-c", script, f"run{seed}"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout.split())
    assert outputs[0] == outputs[1] and len(outputs[0]) == 4
    assert hashlib.sha256((tmp_path / "run1.epub").read_bytes()).hexdigest() == outputs[0][3]


def test_ci_installs_epubcheck_before_the_test_command():
    lines = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    install = next(i for i, line in enumerate(lines) if "apt-get install" in line and "epubcheck" in line)
    tests = next(i for i, line in enumerate(lines) if "pytest" in line)
    assert install < tests
    assert "default-jre-headless" in lines[install] and "pandoc" in lines[install]


def test_the_two_word_formats_into_one_folder_write_two_files(tmp_path, capsys):
    """docx and docx-reading share the suffix .docx: a folder gets two names, not one file
    the second export silently replaces."""
    for fmt in ("docx", "docx-reading"):
        code, _out, err = call(capsys, "export", EXAMPLE, "-f", fmt, "-o", f"{tmp_path}/out/")
        assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["the-ember-crown-reading.docx", "the-ember-crown.docx"]
    assert (tmp_path / "out" / names[0]).read_bytes() != (tmp_path / "out" / names[1]).read_bytes()


def test_export_warns_when_the_book_has_errors(tmp_path, capsys):
    import shutil

    project = tmp_path / "book"
    shutil.copytree(EXAMPLE, project)
    code, _out, err = call(capsys, "export", str(project), "-f", "txt", "-o", f"{tmp_path}/out/")
    assert code == 0 and "warning" not in err, err                 # the example has no errors
    scene = project / "manuscript" / "01-ashes" / "01-the-summons.md"
    scene.write_text(scene.read_text("utf-8").replace("pov: aria", "pov: nobody-known", 1), "utf-8")
    code, _out, err = call(capsys, "export", str(project), "-f", "txt", "-o", f"{tmp_path}/out/")
    assert code == 0 and (tmp_path / "out" / "the-ember-crown.txt").exists()
    assert err.splitlines()[-1] == ("warning: the book has 1 error (`novelforge check` lists it); "
                                    "exported all the same.")
    code, _out, err = call(capsys, "export", str(project), "-f", "txt", "-o", f"{tmp_path}/out/", "--no-check")
    assert code == 0 and "warning" not in err
