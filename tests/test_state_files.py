"""The committed state files (.novelforge/baseline.json, promises-rejected.json) are data:
anything else in them is a one-line error with its position, never exit 3 (issue #11)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_cli import assert_one_line_error, call

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ember-crown"


@pytest.fixture
def novel(tmp_path):
    root = tmp_path / "novel"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".novelforge"))
    (root / ".novelforge").mkdir()
    return root


@pytest.mark.parametrize("text, where", [("{not json", ":1:2"), ('{"findings": 5}', ":"), ("[1, 2]", ":"),
                                         ('\n\n  {"findings": [', ":3:")])
def test_a_baseline_that_is_not_one_is_an_error(novel, capsys, text, where):
    (novel / ".novelforge" / "baseline.json").write_text(text, "utf-8")
    code, _out, err = call(capsys, "check", str(novel))
    assert code == 2, err
    assert_one_line_error(err)
    assert ".novelforge/baseline.json" in err and where in err


@pytest.mark.parametrize("text", ['{"rejected": 5}', '{"rejected": {"a": 1}}', "7", "{oops", "\x80\x81"])
def test_a_rejected_file_that_is_not_one_is_an_error(novel, capsys, text):
    (novel / ".novelforge" / "promises-rejected.json").write_text(text, "utf-8", errors="surrogateescape")
    code, _out, err = call(capsys, "promises", "suggest", str(novel))
    assert code == 2, err
    assert_one_line_error(err)
    assert "promises-rejected.json" in err


def test_accept_never_writes_through_a_link_out_of_the_project(novel, tmp_path, capsys):
    import json as _json

    outside = tmp_path / "outside"
    shutil.move(str(novel / "canon"), str(outside))
    (novel / "canon").symlink_to(outside)
    code, out, _err = call(capsys, "promises", "suggest", str(novel), "--format", "json")
    candidates = _json.loads(out) if code == 0 and out.strip() else []
    if not candidates:
        pytest.skip("no suggestion to accept")
    before = sorted(p.name for p in (outside / "promises").glob("*")) if (outside / "promises").exists() else []
    code, _out, err = call(capsys, "promises", "suggest", str(novel), "--accept", candidates[0]["id"])
    assert code == 2 and "outside the project" in err, err
    after = sorted(p.name for p in (outside / "promises").glob("*")) if (outside / "promises").exists() else []
    assert after == before


def test_state_files_are_never_written_through_a_link_out(novel, tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (novel / ".novelforge").rmdir()
    (novel / ".novelforge").symlink_to(outside)
    code, _out, err = call(capsys, "check", str(novel), "--update-baseline")
    assert code == 2 and "outside the project" in err, err
    code, _out, err = call(capsys, "promises", "suggest", str(novel), "--reject", "anything")
    assert code == 2, err
    assert list(outside.iterdir()) == []


def test_state_files_linked_out_are_not_read(novel, tmp_path, capsys):
    secret = tmp_path / "secret.json"
    secret.write_text('{"findings": []}', "utf-8")
    (novel / ".novelforge" / "baseline.json").symlink_to(secret)
    code, _out, err = call(capsys, "check", str(novel))
    assert code == 2 and "outside the project" in err, err
    (novel / ".novelforge" / "baseline.json").unlink()
    (novel / ".novelforge" / "promises-rejected.json").symlink_to(secret)
    code, _out, err = call(capsys, "promises", "suggest", str(novel))
    assert code == 2 and "outside the project" in err, err
