"""An author's pattern that backtracks forever (`(a|aa)+$`) is stopped, reported once at
its line in the contracts file, and never hangs the check (issue #11)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ember-crown"
SLOW = "(a|aa)+$"          # exponential on a long run of a's that does not end the text
TRAP = "She bellowed: " + "a" * 60 + "!\n"

CONTRACTS = {
    "NF305": f"runaway:\n  type: pattern\n  pattern: '{SLOW}'\n",
    "NF301": f"runaway:\n  type: forbid\n  terms: [musket]\n  patterns: ['fine', '{SLOW}']\n",
    "NF304": f"runaway:\n  type: require-with\n  if: 'bellowed'\n  then: '{SLOW}'\n  within: scene\n",
}


@pytest.fixture
def novel(tmp_path):
    root = tmp_path / "novel"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".novelforge"))
    scenes = sorted((root / "manuscript").rglob("*.md"))
    for scene in scenes[:3]:            # the trap in three scenes: reported once
        scene.write_text(scene.read_text("utf-8") + "\n" + TRAP, "utf-8")
    return root


@pytest.mark.parametrize("code", sorted(CONTRACTS))
def test_a_runaway_pattern_is_stopped_and_reported_once(novel, code):
    (novel / "contracts" / "slow.yaml").write_text(CONTRACTS[code], "utf-8")
    start = time.perf_counter()
    report = check_project(load_project(novel), CheckOptions(use_cache=False))
    took = time.perf_counter() - start
    stopped = [d for d in report.diagnostics if d.contract == "slow.runaway" and "took more than" in d.message]
    assert len(stopped) == 1, [d.message for d in report.diagnostics if d.contract == "slow.runaway"]
    d = stopped[0]
    assert (d.code, d.path, d.severity.value) == (code, "contracts/slow.yaml", "error")
    text = (novel / "contracts" / "slow.yaml").read_text("utf-8").splitlines()
    assert SLOW in text[d.line - 1] and text[d.line - 1][d.column - 1:].lstrip("'").startswith(SLOW)
    assert "`(a|aa)+`" in d.help
    assert took < 10, took      # one timed-out scene (1 s), then the contract is skipped


def test_ordinary_patterns_are_untouched(novel):
    (novel / "contracts" / "slow.yaml").write_text(
        "fast:\n  type: pattern\n  pattern: 'bellow\\w*'\n  message: 'a scream: `{0}`'\n", "utf-8")
    report = check_project(load_project(novel), CheckOptions(use_cache=False))
    found = [d for d in report.diagnostics if d.contract == "slow.fast"]
    assert len(found) == 3 and all(d.message == "a scream: `bellowed`" for d in found)
