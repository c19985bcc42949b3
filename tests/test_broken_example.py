"""``tests/fixtures/broken-novel``: one small novel in which every rule fires at least once.

Two of its breakages cannot be committed as text: a scene saved as Windows-1252 (NF003)
and a canon file linked from outside the project (NF007). The test adds them to a tmp
copy, and writes the absolute tmp folder as ``<tmp>`` in the report.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from novelforge.errors import ExitCode
from novelforge.project.loader import load_project
from novelforge.report import render
from novelforge.rules.engine import CheckOptions, check_project
from novelforge.rules.registry import all_rules

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken-novel"

INN_CP1252 = (b"---\ntitle: The Inn\npov: aria\ncharacters: [aria, bram]\n---\n\n"
              b"They took the last room above the caf\xe9 and slept in their boots.\n")


def make_broken_novel(tmp_path: Path) -> Path:
    """A tmp copy of the broken novel with its non-text breakages added."""
    root = tmp_path / "broken-novel"
    shutil.copytree(BROKEN, root, ignore=shutil.ignore_patterns("expected*"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "mordaunt.yaml").write_text("id: mordaunt\nname: Tiberon Mordaunt\n", "utf-8")
    (root / "canon/characters/mordaunt.yaml").symlink_to(outside / "mordaunt.yaml")
    (root / "manuscript/02-the-road/04-the-inn.md").write_bytes(INN_CP1252)
    return root


def stable(text: str, tmp_path: Path) -> str:
    for base in sorted({os.path.realpath(tmp_path), str(tmp_path)}, key=len, reverse=True):
        text = text.replace(base, "<tmp>")
    return text


@pytest.fixture
def report(tmp_path):
    return check_project(load_project(make_broken_novel(tmp_path)), CheckOptions(use_cache=False))


def test_text_report(report, tmp_path, golden):
    golden(BROKEN / "expected.txt", stable(render(report, "text"), tmp_path))


def test_json_report(report, tmp_path, golden):
    text = stable(render(report, "json"), tmp_path)
    golden(BROKEN / "expected.json", text)
    data = json.loads(text)
    assert data["summary"]["errors"] == sum(d["severity"] == "error" for d in data["diagnostics"])


def test_every_rule_fires(report):
    fired = {d.code for d in report.diagnostics}
    # the Writers' Room's rules (scope `room`) need a model and --room: tests/test_room_*.py
    assert fired == {r.code for r in all_rules() if r.scope != "room"}


def test_exit_code_is_findings(report):
    assert report.exit_code() == ExitCode.FINDINGS == 1


def test_what_each_breakage_reports(report):
    by_code: dict[str, list] = {}
    for d in report.diagnostics:
        by_code.setdefault(d.code, []).append(d)
    assert [d.path for d in by_code["NF003"]] == ["manuscript/02-the-road/04-the-inn.md"]
    assert [d.path for d in by_code["NF005"]] == ["canon/characters/vell.yaml"]
    assert [d.path for d in by_code["NF006"]] == ["manuscript/03-the-court/03-the-whole-book.md"]
    assert [d.path for d in by_code["NF007"]] == ["canon/characters/mordaunt.yaml"]
    assert {d.path for d in by_code["NF008"]} == {"canon/items/ember-crown.yaml"}
    assert [d.message for d in by_code["NF205"]] == ["`Arya` is not a canon name — did you mean `Aria` (Aria Vell)?"]
    # files that are broken are skipped, not half-read
    scenes = {s.path for s in report.project.scenes}
    assert "manuscript/03-the-court/03-the-whole-book.md" not in scenes
    assert "manuscript/02-the-road/04-the-inn.md" not in scenes
    assert "mordaunt" not in report.project.characters


def test_same_report_twice(tmp_path):
    root = make_broken_novel(tmp_path)
    a = render(check_project(load_project(root), CheckOptions(use_cache=False)), "json")
    b = render(check_project(load_project(root), CheckOptions(use_cache=False)), "json")
    assert a == b
