"""``novelforge impact``: hypothetical changes (never written to the author's files) and
committed or uncommitted canon changes, on real temporary git repositories."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from gitrepo import commit_all, edit, example_repo
from test_cli import assert_one_line_error, call


@pytest.fixture
def repo(tmp_path) -> Path:
    return example_repo(tmp_path / "book")


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".git" not in p.parts and ".novelforge" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def test_kill_lists_new_findings_and_never_edits_files(repo, capsys):
    before = tree_digest(repo)
    code, out, _err = call(capsys, "impact", str(repo), "--kill", "bram", "--in", "riders-in-the-greywood",
                           "--color", "never")
    assert code == 0
    assert tree_digest(repo) == before
    assert out.startswith("Impact of bram dies in riders-in-the-greywood")
    assert "NF401" in out and "died in `riders-in-the-greywood`" in out
    assert "the scene lists `bram`" in out
    code, _out, _err = call(capsys, "impact", str(repo), "--kill", "bram", "--in", "riders-in-the-greywood",
                            "--exit-code")
    assert code == 1


def test_set_attribute_json(repo, capsys):
    code, out, _err = call(capsys, "impact", str(repo), "--set", "bram.status=dead",
                           "--set", "bram.died_in=the-summons", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["version"] == 1
    assert doc["changed"]["entities"] == ["characters/bram"]
    assert doc["edits"] == ["bram.status = dead", "bram.died_in = the-summons"]
    assert all(d["code"] == "NF401" for d in doc["appeared"]) and len(doc["appeared"]) >= 5
    assert doc["disappeared"] == []
    assert {s["path"] for s in doc["scenes"]} >= {d["path"] for d in doc["appeared"]}


def test_uncommitted_contract_change(repo, capsys):
    edit(repo / "contracts/world.yaml", "terms: [gunpowder, musket, pistol, cannon]",
         "terms: [gunpowder, musket, pistol, cannon, lantern]")
    code, out, _err = call(capsys, "impact", str(repo), "--format", "markdown")
    assert code == 0
    assert out.startswith("## Impact of the changes since HEAD")
    assert "NF301" in out and "lantern" in out.lower()
    assert "contract `world.no-gunpowder` changed" in out


def test_committed_change_and_findings_that_disappear(repo, capsys):
    edit(repo / "canon/characters/bram.yaml", "status: alive", "status: dead\ndied_in: the-summons")
    commit_all(repo, "kill bram")
    code, out, _err = call(capsys, "impact", str(repo), "--base", "HEAD~1", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and len(doc["appeared"]) >= 5 and doc["disappeared"] == []
    # bring him back in the working tree: the findings of HEAD disappear
    edit(repo / "canon/characters/bram.yaml", "status: dead\ndied_in: the-summons", "status: alive")
    code, out, _err = call(capsys, "impact", str(repo), "--format", "json")
    doc = json.loads(out)
    assert doc["appeared"] == [] and len(doc["disappeared"]) >= 5


@pytest.mark.parametrize("args, expect", [
    (["--kill", "bramm"], "did you mean `bram`"),
    (["--kill", "bram", "--in", "the-fall"], "no scene has that id"),
    (["--in", "the-summons"], "give the character with --kill"),
    (["--set", "aria"], "ENTITY.FIELD=VALUE"),
    (["--set", "aria.status=zombie"], "makes canon/characters/aria.yaml invalid"),
    (["--kill", "greywood"], "only characters die"),
    (["--set", "aria.eyes=green", "--base", "HEAD"], "use one or the other"),
    (["--base", "nowhere"], "unknown revision"),
    (["--format", "pdf"], "`--format pdf` is not a format of `novelforge impact`"),
])
def test_bad_input_is_a_one_line_error(repo, capsys, args, expect):
    before = tree_digest(repo)
    code, _out, err = call(capsys, "impact", str(repo), *args)
    assert code == 2
    assert_one_line_error(err)
    assert expect in err
    assert tree_digest(repo) == before
