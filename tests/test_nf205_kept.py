"""NF205 keeps each capitalised word's answer ("a slip of which canon word, if any") in the
analysis cache between runs, by the canon words and ``check: known-names`` (issue #17): a
run after an edit works out only the words it has not seen, and a change of the canon or
of the known names works them all out again, with the findings of a run without a cache."""

from __future__ import annotations

import pytest

from novelforge.text import fuzzy
from tests.test_engine import CANON, found, make_project, run

SCENES = {
    "01-a/01-one.md": "Arya woke before dawn. Brem was already at the gate.\n",
    "01-a/02-two.md": "Aria rode out alone. Emberfall burned behind her.\n",
}


@pytest.fixture
def asked(monkeypatch):
    words: list[str] = []
    real = fuzzy.NearMiss.candidates

    def counting(self, word, max_distance):
        words.append(word)
        return real(self, word, max_distance)

    monkeypatch.setattr(fuzzy.NearMiss, "candidates", counting)
    return words


def test_an_edit_works_out_only_the_new_words(tmp_path, asked):
    root = make_project(tmp_path / "n", SCENES)
    first = run(root, use_cache=True)
    assert sorted(set(asked)) == ["Arya", "Brem"]
    assert found(first, "NF205") == found(run(root), "NF205") == [("01-one.md", 7, "NF205"), ("01-one.md", 7, "NF205")]

    asked.clear()
    edited = root / "manuscript/01-a/02-two.md"
    edited.write_text(edited.read_text("utf-8") + "\nBrann followed her.\n", "utf-8")
    second = run(root, use_cache=True)
    assert asked == ["Brann"]                       # Arya and Brem were answered by the last run
    assert second.diagnostics == run(root).diagnostics


def test_a_canon_change_works_every_word_out_again(tmp_path, asked):
    root = make_project(tmp_path / "n", SCENES)
    run(root, use_cache=True)
    asked.clear()
    (root / "canon/characters/bram.yaml").write_text("id: bram\nname: Brem Kettering\naliases: [Brem]\n", "utf-8")
    report = run(root, use_cache=True)
    assert sorted(set(asked)) == ["Arya"]           # Brem is a canon name now: not a suspect
    assert report.diagnostics == run(root).diagnostics
    assert [d.message for d in report.diagnostics if d.code == "NF205"] == [
        "`Arya` is not a canon name — did you mean `Aria` (Aria Vell)?"]


def test_a_known_names_change_is_seen(tmp_path, asked):
    root = make_project(tmp_path / "n", SCENES)
    run(root, use_cache=True)
    (root / "novelforge.yaml").write_text(
        "title: The Ember Crown\nauthor: Mara Quill\ncheck:\n  known-names: [Arya]\n", "utf-8")
    asked.clear()
    report = run(root, use_cache=True)
    assert asked == ["Brem"]                        # new basis: worked out again (Arya is known)
    assert report.diagnostics == run(root).diagnostics
    assert {d.message.split("`")[1] for d in report.diagnostics if d.code == "NF205"} == {"Brem"}


def test_without_a_cache_nothing_is_kept(tmp_path, asked):
    root = make_project(tmp_path / "n", SCENES)
    run(root)
    run(root)
    assert sorted(asked) == ["Arya", "Arya", "Brem", "Brem"]
    assert CANON                                     # the canon the findings are about
