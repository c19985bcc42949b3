"""`draft` reads drafted dialogue against the speakers' voice fingerprints (NF415, issue #19):
the check of the new prose keeps the drift findings and the run reports them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from novelforge.draft.render import result_line, run_json
from novelforge.draft.run import DraftRun, SceneResult, check_text
from novelforge.project.loader import load_project

ROOT = Path(__file__).resolve().parents[1]
SCENE = "manuscript/01-a/03-the-return.md"


def drift_of(root: Path):
    project = load_project(root)
    text = (root / SCENE).read_text("utf-8")
    _errors, _warnings, drift, _candidate = check_text(project, SCENE, text)
    return drift


def test_drafted_lines_far_from_their_speaker_are_reported(tmp_path):
    root = Path(shutil.copytree(ROOT / "tests" / "fixtures" / "rules" / "NF415", tmp_path / "drift"))
    drift = drift_of(root)
    assert [(d.code, d.line) for d in drift] == [("NF415", 6)]
    result = SceneResult("the-return", SCENE, written=True, words=80, voices=drift)
    line = result_line(result)
    assert "sound more like Isolde Vantrey" in line
    data = json.loads(run_json(DraftRun(results=[result])))
    assert data["scenes"][0]["voice_drift"][0]["code"] == "NF415"
    # the rule is off unless the project turns it on: nothing then
    config = root / "novelforge.yaml"
    config.write_text(config.read_text("utf-8").replace("  drift-words: 20\n", ""), "utf-8")
    assert drift_of(root) == []
    assert "sound more like" not in result_line(SceneResult("the-return", SCENE, written=True))
