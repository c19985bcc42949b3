"""NF408 reads more relationship wordings and each tie from both sides (issue #16)."""

from __future__ import annotations

from pathlib import Path

from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project

CANON = {
    "aria": "id: aria\nname: Aria Vell\naliases: [Aria]\nattributes: {pronouns: she/her}\n"
            "relationships: {bram: uncle, cato: brother}\n",
    "bram": "id: bram\nname: Bram Kettering\naliases: [Bram]\nattributes: {pronouns: he/him}\n",
    "cato": "id: cato\nname: Cato\nattributes: {pronouns: he/him}\n",
}


def findings(tmp_path: Path, prose: str) -> list[str]:
    root = tmp_path / f"n{len(list(tmp_path.iterdir()))}"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for cid, text in CANON.items():
        (root / f"canon/characters/{cid}.yaml").write_text(text, "utf-8")
    scene = root / "manuscript/01-a/01-x.md"
    scene.parent.mkdir(parents=True)
    scene.write_text(f"---\ncharacters: [aria, bram, cato]\nstatus: draft\n---\n\n{prose}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(select=["NF408"], use_cache=False))
    return [d.message for d in report.diagnostics]


def test_apposition_after_the_name(tmp_path):
    assert findings(tmp_path, "Cato, Aria's cousin, rode ahead.") == [
        "Cato is Aria Vell's brother in canon, not cousin"]
    assert findings(tmp_path, "Cato, Aria's brother, rode ahead. Cato, her brother, waited.") == []


def test_the_relation_of_someone(tmp_path):
    assert findings(tmp_path, "Bram, the father of Aria, was late.") == [
        "Bram Kettering is Aria Vell's uncle in canon, not father"]
    assert findings(tmp_path, "Bram was the uncle of Aria.") == []
    assert findings(tmp_path, "The father of Aria, Bram, was late.") == [
        "Bram Kettering is Aria Vell's uncle in canon, not father"]


def test_a_tie_read_from_the_other_side_by_gender(tmp_path):
    # canon records only Aria's side (Bram is her uncle): Aria is Bram's niece
    assert findings(tmp_path, "Bram was fond of his daughter Aria.") == [
        "Aria Vell is Bram Kettering's niece in canon, not daughter"]
    assert findings(tmp_path, "Bram was fond of his nephew Aria.") == [
        "Aria Vell is Bram Kettering's niece in canon, not nephew"]
    assert findings(tmp_path, "Bram was fond of his niece Aria. Cato thought of his sister Aria.") == []


def test_the_pronoun_owner_from_the_sentence_before(tmp_path):
    assert findings(tmp_path, "Bram came in. His daughter, Aria, was with him.") == [
        "Aria Vell is Bram Kettering's niece in canon, not daughter"]


def test_my_relative_in_speech_is_the_speakers(tmp_path):
    assert findings(tmp_path, "“My daughter Aria will be here directly,” said Bram.") == [
        "Aria Vell is Bram Kettering's niece in canon, not daughter (in Bram Kettering's speech)"]
    assert findings(tmp_path, "Aria said, “I must speak to my cousin Cato.”") == [
        "Cato is Aria Vell's brother in canon, not cousin (in Aria Vell's speech)"]


def test_my_relative_in_speech_is_a_warning(tmp_path):
    findings(tmp_path, "“My daughter Aria will be here directly,” said Bram.")
    report = check_project(load_project(tmp_path / "n0"), CheckOptions(select=["NF408"], use_cache=False))
    assert [d.severity.value for d in report.diagnostics] == ["warning"]


def test_speech_without_a_known_speaker_or_agreeing_stays_silent(tmp_path):
    assert findings(tmp_path, "“My daughter Aria will be here directly.”") == []          # nobody said it
    assert findings(tmp_path, "“My niece Aria will be here directly,” said Bram.") == []   # canon agrees
    assert findings(tmp_path, "“Your daughter Aria is here,” said Cato to Bram.") == []    # not `my`
    assert findings(tmp_path, "“My brother Cato is late,” said Aria.") == []
