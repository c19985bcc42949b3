"""Hostile layouts: links out of the project at every level, special files, folders at any
depth, other encodings. Each is a finding at its path and nothing behind a link out is read;
never a hang, a traceback or exit 3 (issue #11)."""

from __future__ import annotations

import codecs
import json
import os
import socket
import time
from pathlib import Path

import pytest

from gitrepo import commit_all, git
from novelforge.project.loader import load_project
from test_cli import call, run
from test_loader import where, write

SECRET = "hunter2"
GATE = "manuscript/01-one/01-gate.md"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder next to the project holding one of every project file, each with the secret."""
    out = tmp_path / "outside"
    write(out, {
        "canon/characters/spy.yaml": f"name: Spy\nstatus: {SECRET}\n",
        "canon/promises.yaml": f"spy-secret: {{description: {SECRET} word, colour: {SECRET}}}\n",
        "manuscript/01-x/01-secret.md": f"The {SECRET} scene.\n",
        "contracts/world.yaml": f"c:\n  type: forbid\n  terms: [gate]\n  message: {SECRET}\n  colour: {SECRET}\n",
        "novelforge.yaml": f"title: {SECRET}\ncolour: {SECRET}\n",
        "promises.yaml": f"spy-secret: {{description: {SECRET} word, colour: {SECRET}}}\n",
        "part.yaml": f"title: {SECRET}\n",
        "chapter.yaml": f"title: {SECRET}\n",
        "folder/01-s.md": f"More {SECRET}.\n",
    })
    return out


def novel(root: Path, *, manuscript: bool = True, config: bool = True) -> Path:
    files = {}
    if config:
        files["novelforge.yaml"] = "title: Novel\n"
    if manuscript:
        files[GATE] = "The rain fell on the gate.\n"
    write(root, files)
    root.mkdir(exist_ok=True)
    return root


def check_json(capsys, root: Path, *extra: str) -> tuple[int, dict, str]:
    code, out, err = call(capsys, "check", str(root), "--no-cache", "--format", "json", *extra)
    return code, json.loads(out), out + err


def found(report: dict) -> list[tuple[str, str, int, int]]:
    return sorted((d["code"], d["path"], d["line"], d["column"]) for d in report["diagnostics"])


# ----------------------------------------------------------------------------- links out
@pytest.mark.parametrize("name,target", [
    ("canon", "canon"),
    ("manuscript", "manuscript"),
    ("contracts", "contracts"),
    ("promises.yaml", "promises.yaml"),
    ("novelforge.yaml", "novelforge.yaml"),
    ("canon/promises.yaml", "canon/promises.yaml"),
    ("canon/characters", "canon/characters"),
    ("manuscript/02-linked", "folder"),
    ("manuscript/01-one/chapter.yaml", "chapter.yaml"),
])
def test_a_link_out_of_the_project_is_refused_and_nothing_behind_it_is_read(tmp_path, outside, capsys, name, target):
    root = novel(tmp_path / "novel", manuscript=name != "manuscript", config=name != "novelforge.yaml")
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / target, root / name)
    project = load_project(root)
    assert [where(d) for d in project.diagnostics] == [("NF007", name, 1, 1)]
    assert SECRET not in repr((project.config, project.canon, project.promises, project.contracts,
                               [s.text for s in project.scenes], [c.title for c in project.chapters]))
    code, out, err = call(capsys, "check", str(root), "--no-cache", "--format", "json")
    assert SECRET not in out + err
    # `manuscript` linked out too: the finding is the report (not "nothing to check")
    assert code == 1 and found(json.loads(out)) == [("NF007", name, 1, 1)]
    out = tmp_path / "book.md"
    code, _out, err = call(capsys, "export", str(root), "--format", "md", "--out", str(out))
    assert code in (0, 2), err
    assert not out.exists() or SECRET not in out.read_text("utf-8")


def test_a_link_that_stays_inside_the_project_is_read(tmp_path, capsys):
    root = novel(tmp_path / "novel", manuscript=False)
    write(root, {"book/manuscript/01-one/01-gate.md": "The rain fell on the gate.\n",
                 "book/canon/characters/aria.yaml": "name: Aria\n",
                 "shared/bram.yaml": "name: Bram\n"})
    os.symlink(root / "book/manuscript", root / "manuscript")
    os.symlink("book/canon", root / "canon")
    os.symlink("../../../shared/bram.yaml", root / "book/canon/characters/bram.yaml")
    code, report, _text = check_json(capsys, root)
    assert report["diagnostics"] == [] and code == 0
    project = load_project(root)
    assert [s.path for s in project.scenes] == [GATE]
    assert sorted(project.characters) == ["aria", "bram"]


def test_canon_linked_to_the_root_of_the_file_system_in_every_command(tmp_path, capsys):
    root = novel(tmp_path / "novel")
    write(root, {"canon/x": ""})
    (root / "canon/x").unlink()
    (root / "canon").rmdir()
    git(root, "init", "-q")
    commit_all(root, "a novel")
    os.symlink("/", root / "canon")
    commands = [
        ["check", str(root), "--no-cache"],
        ["export", str(root), "--format", "md", "--out", str(tmp_path / "book.md")],
        ["promises", str(root)],
        ["promises", "suggest", str(root), "--no-cache"],
        ["canon", "diff", "HEAD"],
        ["impact", str(root), "--base", "HEAD"],
    ]
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for args in commands:
            started = time.perf_counter()
            code, out, err = call(capsys, *args)
            elapsed = time.perf_counter() - started
            assert code in (0, 1, 2), (args, code, err)
            assert "internal error" not in err and "Traceback" not in err, (args, err)
            assert elapsed < 10, (args, elapsed)   # the file system was not walked
            assert "/proc" not in out + err, args
    finally:
        os.chdir(cwd)
    code, report, _text = check_json(capsys, root)
    assert ("NF007", "canon", 1, 1) in found(report)


def test_a_scene_linked_into_proc_is_a_finding_not_exit_3(tmp_path, capsys):
    root = novel(tmp_path / "novel")
    os.symlink("/proc/1/cwd/etc/hostname", root / "manuscript/01-one/02-proc.md")
    (root / "canon/characters").mkdir(parents=True)
    os.symlink("/proc/1/cwd/x.yaml", root / "canon/characters/x.yaml")
    os.symlink("/proc/1/cwd", root / "contracts")
    code, report, text = check_json(capsys, root)
    assert code == 1, text
    assert found(report) == [("NF007", "canon/characters/x.yaml", 1, 1), ("NF007", "contracts", 1, 1),
                             ("NF007", "manuscript/01-one/02-proc.md", 1, 1)]


def test_novelforge_yaml_linked_into_proc(tmp_path, capsys):
    root = novel(tmp_path / "novel", config=False)
    os.symlink("/proc/1/cwd/novelforge.yaml", root / "novelforge.yaml")
    code, report, _text = check_json(capsys, root)
    assert code == 1 and found(report) == [("NF007", "novelforge.yaml", 1, 1)]


def test_a_part_yaml_linked_outside_gives_no_title(tmp_path, outside, capsys):
    root = novel(tmp_path / "novel", manuscript=False)
    write(root, {"manuscript/01-book-one/01-ashes/01-gate.md": "Aria walked.\n",
                 "manuscript/02-book-two/part.yaml": "title: The Crown\n",
                 "manuscript/02-book-two/01-road/01-road.md": "Bram rode.\n"})
    os.symlink(outside / "part.yaml", root / "manuscript/01-book-one/part.yaml")
    code, report, _text = check_json(capsys, root)
    assert found(report) == [("NF007", "manuscript/01-book-one/part.yaml", 1, 1)]   # once, not twice
    project = load_project(root)
    assert [(c.part, c.part_title) for c in project.chapters] == [("01-book-one", None), ("02-book-two", "The Crown")]


def test_part_yaml_is_checked(tmp_path):
    root = novel(tmp_path / "novel", manuscript=False)
    write(root, {"manuscript/01-book-one/part.yaml": "title: [a, b]\ncolour: red\n",
                 "manuscript/01-book-one/01-ashes/01-gate.md": "Aria walked.\n"})
    project = load_project(root)
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF004", "manuscript/01-book-one/part.yaml", 1, 8),
        ("NF009", "manuscript/01-book-one/part.yaml", 2, 1),
    ]
    assert project.chapters[0].part_title is None


# ----------------------------------------------------------------------------- special files
def test_special_files_are_findings_never_a_hang(tmp_path):
    root = novel(tmp_path / "novel")
    write(root, {"canon/characters/aria.yaml": "name: Aria\n"})
    os.mkfifo(root / "manuscript/01-one/02-pipe.md")
    os.mkfifo(root / "manuscript/01-one/chapter.yaml")
    os.mkfifo(root / "canon/characters/bram.yaml")
    os.mkfifo(root / "inner-pipe")
    os.symlink("../../inner-pipe", root / "manuscript/01-one/03-link-to-pipe.md")
    os.symlink("/dev/zero", root / "manuscript/01-one/04-zero.md")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(root / "manuscript/01-one/05-sock.md"))
        result = run("check", str(root), "--no-cache", "--format", "json")   # subprocess: a hang is a timeout
    finally:
        sock.close()
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert found(report) == [
        ("NF003", "canon/characters/bram.yaml", 1, 1),
        ("NF003", "manuscript/01-one/02-pipe.md", 1, 1),
        ("NF003", "manuscript/01-one/03-link-to-pipe.md", 1, 1),
        ("NF003", "manuscript/01-one/05-sock.md", 1, 1),
        ("NF003", "manuscript/01-one/chapter.yaml", 1, 1),
        ("NF007", "manuscript/01-one/04-zero.md", 1, 1),
    ]
    messages = {d["path"]: d["message"] for d in report["diagnostics"]}
    assert "named pipe" in messages["manuscript/01-one/02-pipe.md"]
    assert "socket" in messages["manuscript/01-one/05-sock.md"]
    assert report["summary"]["scenes"] == 1
    # the text report quotes source lines: it reads under the loader's rules too (no hang)
    text = run("check", str(root), "--no-cache")
    assert text.returncode == 1 and "02-pipe.md:1:1: NF003" in text.stdout, text.stderr


def test_broken_and_looping_links_are_findings(tmp_path):
    root = novel(tmp_path / "novel")
    os.symlink("nothing-here.md", root / "manuscript/01-one/02-dangling.md")
    os.symlink("03-loop.md", root / "manuscript/01-one/03-loop.md")
    os.symlink("..", root / "manuscript/01-one/up")            # a folder link inside: not followed
    project = load_project(root)
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF003", "manuscript/01-one/02-dangling.md", 1, 1),
        ("NF003", "manuscript/01-one/03-loop.md", 1, 1),
    ]
    assert "does not exist" in project.diagnostics[0].message or "does not exist" in project.diagnostics[1].message
    assert [s.path for s in project.scenes] == [GATE]


# ----------------------------------------------------------------------------- depth
@pytest.mark.parametrize("depth", [4, 5, 30])
def test_scenes_at_any_depth_are_checked_and_exported(tmp_path, capsys, depth):
    root = novel(tmp_path / "novel")
    folders = "/".join(f"{i:02d}-level" for i in range(1, depth + 1))
    write(root, {f"manuscript/{folders}/01-deep.md": "Bram found the deepest room.\n"})
    code, report, _text = check_json(capsys, root)
    assert report["summary"]["scenes"] == 2, report
    out = tmp_path / "book.txt"
    code, _out, err = call(capsys, "export", str(root), "--format", "txt", "--out", str(out))
    assert code == 0, err
    assert "deepest room" in out.read_text("utf-8")
    project = load_project(root)
    deep = next(c for c in project.chapters if c.scenes[0].id == "deep")
    # the folder holding the scene is its chapter; the folders above it (no scenes of their own) its part
    assert deep.id == f"{depth:02d}-level"
    assert deep.part == "/".join(f"{i:02d}-level" for i in range(1, depth))


def test_part_and_chapter_semantics_kept(tmp_path):
    root = novel(tmp_path / "novel", manuscript=False)
    write(root, {"manuscript/00-prologue.md": "Once.\n",
                 "manuscript/01-book/01-ashes/01-a.md": "A.\n",
                 "manuscript/01-book/01-ashes/sub/01-b.md": "B.\n",
                 "manuscript/01-book/02-road/chapter.yaml": "title: The Road\n",
                 "manuscript/01-book/02-road/01-c.md": "C.\n"})
    project = load_project(root)
    assert [(c.path, c.part, c.title) for c in project.chapters] == [
        ("manuscript", None, None),
        ("manuscript/01-book/01-ashes", "01-book", None),
        ("manuscript/01-book/01-ashes/sub", "01-book", None),
        ("manuscript/01-book/02-road", "01-book", "The Road"),
    ]


def _deep_tree(base: Path, levels: int) -> Path:
    base.parent.mkdir(parents=True, exist_ok=True)
    folder = base
    os.mkdir(folder)
    for _ in range(levels):      # one at a time: os.makedirs recurses once per level
        folder = folder / "d"
        os.mkdir(folder)
    return folder


def _remove_deep_tree(top: Path) -> None:
    """Bottom up, without recursion (shutil.rmtree recurses once per level)."""
    folders = [top]
    while True:
        nxt = folders[-1] / "d"
        if not nxt.is_dir():
            break
        folders.append(nxt)
    for folder in reversed(folders):
        for entry in os.scandir(folder):
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        os.rmdir(folder)


def test_a_thousand_levels_do_not_exhaust_the_stack(tmp_path):
    root = novel(tmp_path / "novel")
    levels = 1_200   # deeper than Python's recursion limit
    bottom = _deep_tree(root / "manuscript/deep", levels)
    (bottom / "01-bottom.md").write_text("Bram found the deepest room.\n", "utf-8")
    try:
        project = load_project(root)
        assert project.diagnostics == []
        assert [s.text for s in project.scenes][-1] == "Bram found the deepest room.\n"
    finally:
        _remove_deep_tree(root / "manuscript/deep")


def test_ten_thousand_scenes_load_without_a_slowdown(tmp_path):
    """The checks on links cost a stat per file at most: 10,000 tiny scenes load in a few seconds."""
    root = novel(tmp_path / "novel", manuscript=False)
    for c in range(100):
        folder = root / f"manuscript/{c:03d}-chapter"
        folder.mkdir(parents=True)
        for s in range(100):
            (folder / f"{s:03d}-scene.md").write_text("Aria walked.\n", "utf-8")
    started = time.perf_counter()
    project = load_project(root)
    elapsed = time.perf_counter() - started
    assert len(project.scenes) == 10_000 and project.diagnostics == []
    assert elapsed < 10, elapsed


# ----------------------------------------------------------------------------- encodings
@pytest.mark.parametrize("codec,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                       ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path, capsys, codec, bom):
    root = novel(tmp_path / "novel", manuscript=False, config=False)
    enc = lambda text: bom + text.encode(codec)  # noqa: E731
    write(root, {
        "novelforge.yaml": enc("title: Novel\r\ncheck:\r\n  fail-on: fatal\r\n"),
        GATE: enc("---\ntitle: Gâte\nstatus: drafted\n---\n\nAria walked to the gate.\n"),
        "canon/characters/aria.yaml": enc("name: Åria\nstatus: zombie\n"),
    })
    code, report, _text = check_json(capsys, root)
    assert found(report) == [("NF004", "canon/characters/aria.yaml", 2, 9), ("NF004", GATE, 3, 9),
                             ("NF004", "novelforge.yaml", 3, 12)]
    assert report["summary"]["scenes"] == 1 and report["summary"]["words"] == 5
    project = load_project(root)
    assert project.scenes[0].meta.title == "Gâte" and project.characters["aria"].name == "Åria"


def test_broken_utf16_is_reported_at_its_line(tmp_path):
    root = novel(tmp_path / "novel")
    good = "Aria walked.\nBram rode.\nHe ".encode("utf-16-le")
    write(root, {"manuscript/01-one/02-bad.md": codecs.BOM_UTF16_LE + good + b"\x00\xdc" + "x\n".encode("utf-16-le")})
    project = load_project(root)
    d = project.diagnostics[0]
    assert where(d) == ("NF003", "manuscript/01-one/02-bad.md", 3, 4)
    assert "UTF-16" in d.message and "UTF-8" in d.help


def test_utf16_without_a_byte_order_mark_is_still_binary(tmp_path):
    root = novel(tmp_path / "novel")
    write(root, {"manuscript/01-one/02-bad.md": "Aria walked.\n".encode("utf-16-le")})
    project = load_project(root)
    assert [where(d) for d in project.diagnostics] == [("NF003", "manuscript/01-one/02-bad.md", 1, 1)]
    assert "binary" in project.diagnostics[0].message


def test_the_project_keeps_the_text_of_every_file_it_read(tmp_path, outside):
    """What a reporter may quote a line from is the text the loader read, kept in the
    project: never a file outside it, a named pipe, a file over the size limit; decoded and
    with newlines made \\n as the rules saw it."""
    root = novel(tmp_path / "novel")
    os.mkfifo(root / "manuscript/01-one/02-pipe.md")
    os.symlink(outside / "folder", root / "manuscript/03-out")
    os.symlink(outside / "chapter.yaml", root / "manuscript/01-one/chapter.yaml")
    write(root, {"novelforge.yaml": "title: Novel\ncheck: {max-file-size: 400}\n",
                 "manuscript/01-one/04-wide.md": codecs.BOM_UTF16_LE + "Rain\r\nfell.\n".encode("utf-16-le"),
                 "manuscript/01-one/05-big.md": "word " * 100,
                 "canon/characters/aria.yaml": "name: Aria\r\n"})
    project = load_project(root)
    assert project.source(GATE) == "The rain fell on the gate.\n"
    assert project.source("manuscript/01-one/04-wide.md") == "Rain\nfell.\n"
    assert project.source("canon/characters/aria.yaml") == "name: Aria\n"
    assert project.source("novelforge.yaml").startswith("title: Novel\n")
    for unread in ("manuscript/01-one/02-pipe.md", "manuscript/03-out/01-s.md", "manuscript/01-one/chapter.yaml",
                   "manuscript/01-one/05-big.md", "../outside/part.yaml", "manuscript/missing.md", "manuscript"):
        assert project.source(unread) is None, unread
    assert not any(SECRET in text for text in project.sources.values())
