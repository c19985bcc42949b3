"""``novelforge voices`` (issue #19): fingerprints from attributed dialogue, cosine Delta,
the most alike pairs, a self-contained HTML heat map, and bad input as one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from novelforge import api
from novelforge.cli.app import main
from novelforge.voices import fingerprint as F

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ember-crown"
GOLDEN = Path(__file__).resolve().parent / "golden" / "voices"


@pytest.fixture()
def book(tmp_path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "book"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


def test_surface_features_of_one_voice():
    v = F.voice("x", ["Don't go! Why would you? I'll stay.", "It's late —"])
    assert v.words == 9 and v.lines == 2
    assert v.sentences == 4                       # three ended, one cut off by the dash
    assert (v.questions, v.exclamations) == (0.25, 0.25)
    assert v.contractions == pytest.approx(1000 * 3 / 9)  # don't, i'll, it's of nine words
    assert v.mean_sentence == 9 / 4


def test_mattr_is_a_ratio_that_does_not_fall_with_length():
    assert F.mattr([]) == 0.0
    assert F.mattr(["a", "b", "a", "b"]) == 0.5
    varied = [f"w{i % 150}" for i in range(3000)]
    assert F.mattr(varied) == 1.0                 # every window of 100 holds 100 kinds
    assert F.mattr(["a", "b"] * 500) == pytest.approx(0.02)


def test_cosine_delta_tells_a_copied_voice_from_a_different_one():
    plain = "I do not know what you mean, sir, and I do not wish to know it."
    a = F.voice("a", [plain] * 5)
    b = F.voice("b", [plain] * 5)
    c = F.voice("c", ["Blimey! Ain't that grand? We're off, mate, we're off!"] * 5)
    d = F.distances([a, b, c], mfw=30)
    assert d[("a", "b")] == 0.0 and d[("a", "c")] > 1.0 and d[("a", "c")] == d[("c", "a")]
    assert F.cosine_distance([0.0, 0.0], [1.0, 2.0]) == 1.0


def test_the_example_json_golden_and_text(book, capsys, golden, monkeypatch):
    monkeypatch.chdir(book)
    code, out, err = run(capsys, "voices", "--min-words", "150", "--format", "json")
    assert code == 0, err
    golden(GOLDEN / "ember-crown.json", out)
    data = json.loads(out)
    assert data["version"] == 1 and data["min_words"] == 150
    assert all(v["words"] >= 150 for v in data["voices"]) and data["too_few"]
    assert [p["delta"] for p in data["pairs"]] == sorted(p["delta"] for p in data["pairs"])
    code, out, err = run(capsys, "voices", "--min-words", "150")
    golden(GOLDEN / "ember-crown.txt", out)
    assert "Most alike" in out and "Too little dialogue" in out


def test_a_speaker_under_the_minimum_gets_no_fingerprint(book):
    every = api.voices(book, min_words=1)
    few = api.voices(book, min_words=10_000)
    assert few.voices == [] and few.pairs == []
    assert set(few.too_few) == {v.speaker for v in every.voices}


def test_the_html_page_is_self_contained_and_escaped(book, tmp_path, capsys):
    (book / "canon" / "characters" / "aria.yaml").write_text(
        'name: "Aria <b>Ostrel</b>"\naliases: ["Aria"]\n', encoding="utf-8")
    page = tmp_path / "v.html"
    code, _out, err = run(capsys, "voices", str(book), "--min-words", "100", "--format", "html", "-o", str(page))
    assert code == 0, err
    html = page.read_text("utf-8")
    assert html.startswith("<!doctype html>") and "Who sounds like whom" in html
    assert "Aria &lt;b&gt;Ostrel&lt;/b&gt;" in html and "<b>Ostrel" not in html
    assert "http" not in html.replace("http-equiv", "") and "<script" not in html


@pytest.mark.parametrize("args,message", [
    (["voices", "--min-words", "0"], "`--min-words 0` is not a number of words"),
    (["voices", "--mfw", "-3"], "`--mfw -3` is not a number of words"),
    (["voices", "/no/such/folder"], "does not exist"),
    (["voices", "--min-words", "many"], "must be a whole number"),
])
def test_bad_input_is_one_line_and_exit_2(book, capsys, monkeypatch, args, message):
    monkeypatch.chdir(book)
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("error:") and message in err.splitlines()[0]
    assert "Traceback" not in err


def test_the_drift_rule_is_off_by_default_and_on_with_drift_words(tmp_path):
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import CheckOptions, check_project

    fixture = Path(shutil.copytree(ROOT / "tests" / "fixtures" / "rules" / "NF415", tmp_path / "drift"))

    def found():
        report = check_project(load_project(fixture), CheckOptions(select=["NF415"], use_cache=False))
        return [(d.path, d.line) for d in report.diagnostics]

    assert found() == [("manuscript/01-a/03-the-return.md", 6)]
    config = fixture / "novelforge.yaml"
    config.write_text(config.read_text("utf-8").replace("  drift-words: 20\n", ""), "utf-8")
    assert found() == []
    example = check_project(load_project(EXAMPLE), CheckOptions(select=["NF415"], use_cache=False))
    assert example.diagnostics == []
