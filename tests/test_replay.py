"""A repeated ``check`` answered from its last run (novelforge/replay.py): the same bytes
and exit code as running it, and never when anything it depends on changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from novelforge import replay

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ember-crown"
# the console script, with the settle time off (the example was copied a moment ago)
RUN = ("import sys, novelforge.replay as r; r.SETTLE_NS = 0\n"
       "from novelforge.cli.entry import main\nmain()\n")


@pytest.fixture()
def book(tmp_path, monkeypatch):
    root = tmp_path / "book"
    shutil.copytree(EXAMPLE, root)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(replay, "SETTLE_NS", 0)
    return root


# the NovelForge this test process imported (a checkout, or the installed copy CI tests): the
# runs it starts must import the same files, which are part of a stored run's key
PACKAGE_HOME = str(Path(replay.__file__).resolve().parents[1])


def nf(*args: str, code: str = RUN) -> subprocess.CompletedProcess:
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_HOME, env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, env=env)


def records() -> list[Path]:
    folder = Path(os.environ["NOVELFORGE_CACHE_DIR"]) / replay.FOLDER
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def served(args, capfdbinary) -> tuple[int | None, bytes, bytes]:
    code = replay.serve(list(args))
    out, err = capfdbinary.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_the_stored_run_is_the_run_byte_for_byte(book, fmt, capfdbinary):
    args = ("check", "book", "--format", fmt)
    first = nf(*args)
    assert first.returncode in (0, 1) and first.stdout
    assert len(records()) == 1
    code, out, err = served(args, capfdbinary)
    assert (code, out, err) == (first.returncode, first.stdout, first.stderr)
    again = nf(*args)
    assert (again.returncode, again.stdout, again.stderr) == (first.returncode, first.stdout, first.stderr)


def test_a_replay_imports_neither_the_app_nor_the_rules(book):
    nf("check", "book", "--format", "json")
    probe = RUN.replace("main()\n", "import atexit\natexit.register(lambda: sys.stderr.write(repr(sorted(\n"
                        "    m for m in sys.modules if m.split('.')[0] in ('typer', 'pydantic', 'rich', 'ruamel')\n"
                        "    or m.startswith(('novelforge.rules', 'novelforge.cli.app'))))))\nmain()\n")
    done = nf("check", "book", "--format", "json", code=probe)
    assert done.stderr.endswith(b"[]")


def _scene(root: Path) -> Path:
    return sorted((root / "manuscript").rglob("*.md"))[0]


@pytest.mark.parametrize("change", ["edit", "add", "remove", "canon", "config", "baseline"])
def test_any_change_to_an_input_is_a_miss(book, change, capfdbinary):
    args = ("check", "book", "--format", "json")
    nf(*args)
    assert served(args, capfdbinary)[0] is not None
    scene = _scene(book)
    if change == "edit":
        scene.write_text(scene.read_text("utf-8") + "\nOswin drew a telephone from his coat.\n", "utf-8")
    elif change == "add":
        (scene.parent / "99-extra.md").write_text("---\ntitle: Extra\n---\n\nA new scene.\n", "utf-8")
    elif change == "remove":
        scene.unlink()
    elif change == "canon":
        entry = sorted((book / "canon").rglob("*.yaml"))[0]
        entry.write_text(entry.read_text("utf-8") + "\n", "utf-8")
    elif change == "config":
        cfg = book / "novelforge.yaml"
        cfg.write_text(cfg.read_text("utf-8") + "\n", "utf-8")
    else:
        assert nf("check", "book", "--update-baseline").returncode == 0
    assert served(args, capfdbinary)[0] is None
    fresh = nf(*args)
    assert fresh.returncode in (0, 1)
    assert served(args, capfdbinary)[1] == fresh.stdout    # and the new run is the one stored


@pytest.mark.parametrize("change", ["touched", "rewritten", "undone"])
def test_the_same_bytes_under_new_times_are_served_and_the_record_takes_the_times(book, change, capfdbinary,
                                                                                     monkeypatch):
    args = ("check", "book", "--format", "json")
    first = nf(*args)
    scene = _scene(book)
    text = scene.read_bytes()
    if change == "touched":            # a checkout, a build tool: new times, the same file
        os.utime(scene, ns=(scene.stat().st_atime_ns, scene.stat().st_mtime_ns + 5 * 10**9))
    elif change == "rewritten":        # an editor saving without a change
        scene.write_bytes(text)
    else:                              # an edit, then undone
        scene.write_bytes(text + b"\nOswin drew a telephone from his coat.\n")
        scene.write_bytes(text)
    [record] = records()
    before = record.read_bytes()
    code, out, err = served(args, capfdbinary)
    assert (code, out, err) == (first.returncode, first.stdout, first.stderr)
    assert record.read_bytes() != before             # the new times are kept: next time no byte is read
    monkeypatch.setattr(replay, "file_digest", lambda path, st: pytest.fail("the bytes were read again"))
    assert served(args, capfdbinary)[0] == first.returncode


def test_a_file_written_after_the_scan_has_no_content_digest(book):
    files = replay.scan(str(book.resolve()))
    assert replay.content_rows(files) is not None
    scene = _scene(book)
    scene.write_bytes(scene.read_bytes() + b"More.\n")       # between the scan and the read
    assert replay.content_rows(files) is None


def test_an_edit_reads_only_the_files_whose_stat_changed(book, capfdbinary, monkeypatch):
    args = ("check", "book", "--format", "json")
    nf(*args)
    scene = _scene(book)
    scene.write_bytes(scene.read_bytes() + b"\nOswin drew a telephone from his coat.\n")
    read = []
    real = replay.file_digest
    monkeypatch.setattr(replay, "file_digest", lambda path, st: read.append(path) or real(path, st))
    assert served(args, capfdbinary)[0] is None
    assert read == [str(scene.resolve())]


def test_a_file_added_or_removed_is_a_miss_without_reading_a_byte(book, capfdbinary, monkeypatch):
    args = ("check", "book", "--format", "json")
    nf(*args)
    scene = _scene(book)
    extra = scene.with_name("99-extra.md")
    extra.write_bytes(b"---\nstatus: idea\n---\n")
    monkeypatch.setattr(replay, "file_digest", lambda path, st: pytest.fail("a byte was read"))
    assert served(args, capfdbinary)[0] is None
    extra.unlink()


def test_new_times_on_other_bytes_are_a_miss(book, capfdbinary):
    args = ("check", "book", "--format", "json")
    nf(*args)
    scene = _scene(book)
    st = scene.stat()
    data = bytearray(scene.read_bytes())
    data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")    # same size, one letter changed
    scene.write_bytes(bytes(data))
    os.utime(scene, ns=(st.st_atime_ns, st.st_mtime_ns))        # even with the old modification time
    assert served(args, capfdbinary)[0] is None


def test_what_changes_the_output_is_part_of_the_key(book, capfdbinary, monkeypatch):
    args = ("check", "book", "--format", "json")
    nf(*args)
    assert served(args, capfdbinary)[0] is not None
    assert served(("check", "book", "--format", "text"), capfdbinary)[0] is None
    assert served(("check", "./book", "--format", "json"), capfdbinary)[0] is None
    monkeypatch.setenv("NO_COLOR", "1")
    assert served(args, capfdbinary)[0] is None
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(book.parent))
    assert served(args, capfdbinary)[0] is None
    monkeypatch.delenv("GITHUB_WORKSPACE")
    stamp = replay.code_stamp()
    monkeypatch.setattr(replay, "_code_stamp", "other code")
    assert served(args, capfdbinary)[0] is None
    monkeypatch.setattr(replay, "_code_stamp", stamp)
    assert served(args, capfdbinary)[0] is not None


def test_a_nearer_project_is_a_miss(book, capfdbinary, monkeypatch):
    nf("check", "--format", "json")         # from tmp_path: no project around it, exit 2, nothing stored
    assert records() == []
    monkeypatch.chdir(book / "manuscript")
    nf("check", "--format", "json")
    assert served(("check", "--format", "json"), capfdbinary)[0] is not None
    inner = book / "manuscript" / "novelforge.yaml"
    inner.write_text("title: Inner\n", "utf-8")
    assert served(("check", "--format", "json"), capfdbinary)[0] is None


@pytest.mark.parametrize("option", [["--no-cache"], ["--changed"], ["--base", "HEAD"], ["--staged"],
                                    ["--output", "out.json"], ["-o", "out.json"], ["--output=out.json"],
                                    ["--update-baseline"], ["--room"], ["--help"], ["--traceback"]])
def test_runs_that_ask_git_a_model_or_write_are_never_stored(book, option):
    assert not replay.replayable(["check", "book", *option])
    nf("check", "book", *option)
    assert records() == []


def test_other_commands_and_failed_runs_are_never_stored(book):
    nf("rules")
    nf("check", "missing-folder")
    done = nf("check", "book", "--fail-on", "loud")
    assert done.returncode == 2
    assert records() == []


def test_a_file_written_while_it_runs_is_not_stored(book, capfdbinary, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["novelforge", "check", "book", "--format", "json"])
    rec = replay.Recorder.start(sys.argv[1:])
    scene = _scene(book)
    scene.write_text(scene.read_text("utf-8") + "\nMore.\n", "utf-8")
    monkeypatch.setattr(replay, "SETTLE_NS", 10**9)      # the write is within a second of the start
    replay.offer(book)
    rec.finish(1)
    capfdbinary.readouterr()
    assert records() == []


def test_a_record_that_does_not_verify_is_ignored(book, capfdbinary):
    args = ("check", "book", "--format", "json")
    nf(*args)
    [record] = records()
    blob = bytearray(record.read_bytes())
    blob[-3] ^= 1
    record.write_bytes(bytes(blob))
    assert served(args, capfdbinary)[0] is None
    record.write_bytes(b"garbage")
    assert served(args, capfdbinary)[0] is None
    (Path(os.environ["NOVELFORGE_CACHE_DIR"]) / "hmac.key").write_bytes(os.urandom(32))
    nf(*args)                                 # sealed with the new key
    assert served(args, capfdbinary)[0] is not None


def test_a_symbolic_link_or_the_old_cache_folder_is_never_stored(book):
    target = book.parent / "elsewhere.md"
    target.write_text("x", "utf-8")
    (book / "manuscript" / "link.md").symlink_to(target)
    nf("check", "book")
    assert records() == []
    (book / "manuscript" / "link.md").unlink()
    (book / ".novelforge" / "cache").mkdir(parents=True)
    nf("check", "book")
    assert records() == []


def test_cache_clear_removes_the_projects_records(book, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(EXAMPLE, other)
    nf("check", "book")
    nf("check", "other")
    assert len(records()) == 2
    done = nf("cache", "clear", "--index", "book")
    assert done.returncode == 0, done.stderr
    [left] = records()
    assert replay._read(left, replay._home_and_key(create=False)[1])["root"] == os.path.realpath(other)


def test_records_are_bounded(book, monkeypatch, capfdbinary):
    monkeypatch.setattr(replay, "MAX_RECORDS", 3)
    folder = Path(os.environ["NOVELFORGE_CACHE_DIR"]) / replay.FOLDER
    folder.mkdir(parents=True, mode=0o700)
    for i in range(5):
        (folder / f"old{i}").write_bytes(b"x")
        os.utime(folder / f"old{i}", ns=(i, i))
    replay._prune(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["old2", "old3", "old4"]


def test_promises_suggest_is_stored_too_but_not_when_it_writes(book, capfdbinary):
    args = ("promises", "suggest", "book", "--format", "json")
    first = nf(*args)
    assert first.returncode == 0, first.stderr
    code, out, err = served(args, capfdbinary)
    assert (code, out, err) == (0, first.stdout, first.stderr)
    for extra in (["--accept", "x"], ["--reject", "x"], ["--llm"], ["--no-cache"]):
        assert not replay.replayable([*args, *extra])
    assert replay.replayable(["promises", "suggest"]) and not replay.replayable(["promises", "--open"])


def test_a_run_after_an_edit_seen_before_it_is_not_stored_and_not_scanned_again(book, capfdbinary, monkeypatch):
    args = ["check", "book", "--format", "json"]
    monkeypatch.setattr(sys, "argv", ["novelforge", *args])
    nf(*args)                                             # a record of the files as they were
    assert len(records()) == 1
    scene = _scene(book)
    scene.write_text(scene.read_text("utf-8") + "\nMore.\n", "utf-8")
    monkeypatch.setattr(replay, "SETTLE_NS", 10**9)      # the edit is within a second of the run
    assert served(args, capfdbinary)[0] is None           # a miss, and the edited file seen unsettled
    scans: list[str] = []
    real = replay.scan
    monkeypatch.setattr(replay, "scan", lambda root: scans.append(root) or real(root))
    rec = replay.Recorder.start(args)
    replay.offer(book)
    before = [p.read_bytes() for p in records()]
    rec.finish(0)
    capfdbinary.readouterr()
    assert scans == [] and [p.read_bytes() for p in records()] == before   # nothing new stored


def test_another_projects_scan_does_not_stand_for_this_one(book, capfdbinary, monkeypatch):
    args = ["check", "book", "--format", "json"]
    monkeypatch.setattr(sys, "argv", ["novelforge", *args])
    monkeypatch.setattr(replay, "_scanned", ("/elsewhere", [("x", "/elsewhere/x", (1, 1, 2**62, 1))]))
    rec = replay.Recorder.start(args)
    replay.offer(book)
    rec.finish(0)
    capfdbinary.readouterr()
    assert len(records()) == 1                            # stored: the scan it made itself was settled
