"""`check --room --changed` and `review --changed`: a pull request reviews only the
scenes it touches."""

from __future__ import annotations

import json

import pytest

from gitrepo import commit_all, edit, git
from roomkit import call, fake_server, of, scene_id, write_novel  # noqa: F401

pytest.importorskip("litellm")
pytestmark = pytest.mark.usefixtures("isolated_git")


def test_changed_reviews_only_the_touched_scenes(fake, tmp_path, capsys):
    root = write_novel(tmp_path / "novel", fake.url)
    git(root, "init", "-q")
    commit_all(root, "first draft")
    edit(root / "manuscript/01-a/03-the-fall.md", "did not rise again", "never rose again")
    code, out, err = call(capsys, "check", str(root), "--room", "--changed", "--base", "HEAD", "--format", "json",
                          "--exit-zero")
    assert code == 0, err
    reviewed = {scene_id(r) for r in fake.requests if scene_id(r)}
    # the edited scene, and the scenes its change reaches by what the reviewers read (the
    # next scene's story so far; the cast's neighbours): never the first scene
    assert "the-fall" in reviewed and "the-gate" not in reviewed
    doc = json.loads(out)
    assert doc["summary"]["room"]["scenes"] == len(reviewed) == doc["summary"]["scenes"]
    assert len(fake.requests) == 3 * len(reviewed) + len(of(fake, "summary"))
    fake.requests.clear()
    code, _out, err = call(capsys, "review", str(root), "--changed", "--base", "HEAD")
    assert code == 0 and fake.count == 0, err             # the same prompts: from the cache
    code, _out, err = call(capsys, "review", str(root), "the-gate", "--changed")
    assert code == 2 and "give scenes or --changed, not both" in err
