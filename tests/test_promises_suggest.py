"""`promises suggest`: each detector on a crafted project, accept/reject, CLI exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from novelforge.analysis import Session
from novelforge.cli import app as cli_app
from novelforge.ledger.suggest import suggest
from novelforge.project.loader import load_project


def make(tmp: Path, scenes: list[str], canon: dict[str, str] | None = None) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for i, body in enumerate(scenes, 1):
        p = tmp / "manuscript" / "01-one" / f"{i:02d}-s.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"---\ntitle: S{i}\n---\n{body}\n", "utf-8")
    for rel, text in (canon or {}).items():
        p = tmp / "canon" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    return tmp


def run(root: Path):
    project = load_project(root)
    indexes = Session(project).indexes()
    return suggest(project, indexes)


FILLER = "The rain fell on the roofs of the town. Nobody spoke for a while."


def detectors(root: Path) -> set[str]:
    return {c.detector for c in run(root)}


def test_vow_fires_on_a_commitment_not_an_assertion(tmp_path):
    pos = make(tmp_path / "a", ['"I swear I will find the man who burned the mill," said Ann.', FILLER])
    neg = make(tmp_path / "b", ['"I swear he is honest," said Ann.', FILLER])
    assert "vow" in detectors(pos)
    assert "vow" not in detectors(neg)
    c = next(c for c in run(pos) if c.detector == "vow")
    assert c.kind == "promise" and c.line == 4 and 0 < c.confidence <= 1 and "burned the mill" in c.excerpt


def test_prophecy_fires_on_foreshadowing_language(tmp_path):
    pos = make(tmp_path / "a", ["Little did she know that the bridge would fall.", FILLER])
    neg = make(tmp_path / "b", ['"Oh, had I known!" she cried.', FILLER])
    assert "prophecy" in detectors(pos)
    assert "prophecy" not in detectors(neg)


def test_question_only_when_later_scenes_never_answer(tmp_path):
    q = '"Who poisoned the gardener at Wexcombe?" asked Ann.'
    pos = make(tmp_path / "a", [q, FILLER])
    neg = make(tmp_path / "b", [q, "The gardener at Wexcombe was poisoned by the cook."])
    assert "question" in detectors(pos)
    assert "question" not in detectors(neg)


def test_chekhov_object_only_when_it_never_recurs(tmp_path):
    pos = make(tmp_path / "a", ["Under the bed lay a locked casket.", FILLER])
    neg = make(tmp_path / "b", ["Under the bed lay a locked casket.", "She opened the casket at last."])
    weak = make(tmp_path / "c", ["He fired an old musket at the crows.", FILLER])
    assert "object" in detectors(pos)
    assert "object" not in detectors(neg)
    assert "object" not in detectors(weak)


def test_canon_named_in_one_scene(tmp_path):
    canon = {"characters/ann.yaml": "name: Ann\n", "characters/tobias.yaml": "name: Tobias\n",
             "items/ring.yaml": "name: Amber Ring\n"}
    pos = make(tmp_path / "a", ["Ann met Tobias. She wore the Amber Ring.", "Ann walked home.", "Ann slept."], canon)
    found = {(c.detector, c.keywords[0]) for c in run(pos)}
    assert ("character-once", "tobias") in found and ("canon-once", "ring") in found
    assert ("character-once", "ann") not in found


def test_ids_are_stable(tmp_path):
    root = make(tmp_path, ['"I promise I will come back for the sword," said Ann.', FILLER])
    assert [c.id for c in run(root)] == [c.id for c in run(root)]


class Result:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.exit_code, self.stdout, self.output = code, stdout, stderr


@pytest.fixture
def cli(capsys):
    def call(*args: str) -> Result:
        with pytest.raises(SystemExit) as exc:
            cli_app.main(["promises", *args])
        out, err = capsys.readouterr()
        return Result(exc.value.code, out, err)
    return call


def test_accept_writes_the_promise_and_marks_where_it_is_planted(tmp_path, cli):
    """--accept writes canon/promises/ID.yaml and a `<!-- setup: ID -->` line above the
    candidate's paragraph: the ledger then shows it planted there, NF508 stays silent, and
    nothing else in the scene changes (the marker never reaches an export)."""
    root = make(tmp_path, ["It was dusk.\n\nAnn took the sword.\n"
                           '"I promise I will come back for the sword," said Ann.\nShe left.', FILLER])
    scene = root / "manuscript" / "01-one" / "01-s.md"
    before = scene.read_text("utf-8")
    other = (root / "manuscript" / "01-one" / "02-s.md").read_bytes()
    out = cli("suggest", str(root), "--format", "json")
    assert out.exit_code == 0, out.output
    cid = json.loads(out.stdout)[0]["id"]
    res = cli("suggest", str(root), "--accept", cid)
    assert res.exit_code == 0, res.output
    written = (root / "canon" / "promises" / f"{cid}.yaml").read_text("utf-8")
    assert "kind: promise" in written
    assert "# planted: manuscript/01-one/01-s.md:6 " in written, written
    lines = before.split("\n")
    assert lines[5] == "Ann took the sword."
    assert scene.read_text("utf-8") == "\n".join(lines[:5] + [f"<!-- setup: {cid} -->"] + lines[5:])
    assert (root / "manuscript" / "01-one" / "02-s.md").read_bytes() == other
    project = load_project(root)
    assert project.promises[cid].model.kind == "promise"
    from novelforge.ledger import build_ledger

    entry = build_ledger(project, Session(project).indexes())[cid]
    assert [(s.path, s.line) for s in entry.setups] == [("manuscript/01-one/01-s.md", 6)]
    from novelforge.rules.engine import CheckOptions, check_project

    assert check_project(project, CheckOptions(select=["NF508"], use_cache=False)).diagnostics == []
    assert cid not in [c["id"] for c in json.loads(cli("suggest", str(root), "--format", "json").stdout)]
    again = cli("suggest", str(root), "--accept", cid)
    assert again.exit_code == 2


def test_reject_persists_and_hides(tmp_path, cli):
    root = make(tmp_path, ['"I promise I will come back for the sword," said Ann.', FILLER])
    cid = json.loads(cli("suggest", str(root), "--format", "json").stdout)[0]["id"]
    assert cli("suggest", str(root), "--reject", cid).exit_code == 0
    data = json.loads((root / ".novelforge" / "promises-rejected.json").read_text("utf-8"))
    assert data["rejected"] == [cid]
    assert cid not in [c["id"] for c in json.loads(cli("suggest", str(root), "--format", "json").stdout)]


def test_cli_exit_codes(tmp_path, cli):
    root = make(tmp_path, [FILLER])
    assert cli("suggest", str(root)).exit_code == 0
    assert cli("suggest", str(root), "--accept", "nope").exit_code == 2
    assert cli("suggest", str(root), "--format", "xml").exit_code == 2


def test_suggest_payoffs_finds_later_scene(tmp_path):
    from novelforge.ledger.suggest import suggest_payoffs

    root = make(tmp_path, ["Ann hid the silver key.", FILLER, "The silver key turned in the lock."],
                {"promises/key.yaml": "description: The silver key\nkind: clue\nkeywords: [silver, key]\n"})
    project = load_project(root)
    indexes = Session(project).indexes()
    found = suggest_payoffs(project, indexes, "key")
    assert [p.scene for p in found][:1] and all(p.score >= 0.5 for p in found)
    assert any("turned in the lock" in p.excerpt for p in found)


def _payoffs(root: Path, pid: str):
    from novelforge.ledger.suggest import suggest_payoffs

    project = load_project(root)
    indexes = Session(project).indexes()
    return suggest_payoffs(project, indexes, pid)


def test_payoff_excerpt_is_the_sentence_naming_most_terms(tmp_path):
    root = make(tmp_path, ["Ann hid the key. <!-- setup: key -->", FILLER,
                           "Ann walked to the mill. The silver rain fell. She turned the silver key in the lock."],
                {"promises/key.yaml": "description: The silver key\nkind: clue\nkeywords: [silver, key]\n"})
    found = _payoffs(root, "key")
    assert len(found) == 1   # the setup scene is not a payoff, the filler names nothing
    assert "turned the silver key" in found[0].excerpt
    assert found[0].line == 4 and found[0].score == 1.0


def test_payoff_rare_terms_weigh_more_and_only_later_scenes_count(tmp_path):
    scenes = ["Ann found the Wexcombe vault key. <!-- setup: vault -->",
              "Ann smiled at the key on the table. Ann slept.",          # the heroine and a common word
              "The Wexcombe vault stood open at last.",                  # the rare words
              "Ann ate. Ann read. Ann kept the key."]
    root = make(tmp_path, scenes, {"promises/vault.yaml": "description: Ann's key to the Wexcombe vault\nkind: clue\n"})
    found = _payoffs(root, "vault")
    assert found and "Wexcombe vault stood open" in found[0].excerpt
    # the setup scene itself is not a payoff
    assert all("found the Wexcombe vault key" not in p.excerpt for p in found)


def test_payoff_terms_the_book_never_uses_are_ignored(tmp_path):
    root = make(tmp_path, ["Ann hid the key. <!-- setup: key -->", FILLER, "The key turned."],
                {"promises/key.yaml": "description: The key\nkind: clue\nkeywords: [key, zyxwvut]\n"})
    found = _payoffs(root, "key")
    assert found and found[0].score == 1.0 and "key turned" in found[0].excerpt


@pytest.mark.parametrize("detector,pos,neg", [
    ("intent", ['"I mean to find the Wexcombe ledger," said Ann.', FILLER, "The Wexcombe ledger lay open."],
     ['"I mean to find the Wexcombe ledger," said Ann.', FILLER, FILLER]),
    ("warning", ['"Beware the Wexcombe ferryman," said Ann.', FILLER, "The Wexcombe ferryman smiled."],
     ['"The Wexcombe ferryman is kind," said Ann.', FILLER, "The Wexcombe ferryman smiled."]),
    ("secret", ["Ann kept the secret of the Wexcombe ferry.", FILLER, "The Wexcombe ferry sank."],
     ["Ann felt a secret satisfaction at the Wexcombe ferry.", FILLER, "The Wexcombe ferry sank."]),
    ("appointment",
     ['"We shall meet the Wexcombe ferryman at midnight," said Ann.', FILLER, "The Wexcombe ferryman came."],
     ['"We met the Wexcombe ferryman yesterday," said Ann.', FILLER, "The Wexcombe ferryman came."]),
    ("unexplained", ["I heard a strange noise from the Wexcombe cellar.", FILLER, "The Wexcombe cellar was empty."],
     ["I heard a loud noise from the Wexcombe cellar.", FILLER, "The Wexcombe cellar was empty."]),
    ("mystery-question",
     ['"Who was it that drowned the Wexcombe ferryman?" asked Ann.', FILLER, FILLER, FILLER,
      "The Wexcombe ferryman drowned."],
     ['"Who was it that drowned the Wexcombe ferryman?" asked Ann.', "The Wexcombe ferryman drowned.",
      FILLER, FILLER, FILLER]),
])
def test_new_detectors_positive_and_negative(tmp_path, detector, pos, neg):
    assert detector in detectors(make(tmp_path / "a", pos))
    assert detector not in detectors(make(tmp_path / "b", neg))


@pytest.mark.parametrize("sentence, found", [
    ("I eagerly hailed the little mystery of the Wexcombe cellar.", False),        # bare, narration
    ("I had a mysterious air about the Wexcombe cellar.", False),                  # bare adjective
    ("I saw a mysterious stranger in the Wexcombe cellar.", True),                 # names a concrete thing
    ("The mystery of the Wexcombe cellar door was never solved by me.", True),     # door
    ('"It is a mystery, the Wexcombe cellar," said Ann.', True),                   # in dialogue
    ("I could not account for the Wexcombe cellar.", True),
    ("The Wexcombe cellar was a riddle to me.", True),
    ("I found a clue in the Wexcombe cellar.", True),
    # a third-person narrator's "strange" and "mysterious" are description
    ("A mysterious stranger stood in the Wexcombe cellar.", False),
    ("Ann could not account for the Wexcombe cellar.", False),
])
def test_unexplained_bare_mystery_needs_a_concrete_thing(tmp_path, sentence, found):
    root = make(tmp_path, [sentence, FILLER, "The Wexcombe cellar was empty."])
    assert ("unexplained" in detectors(root)) is found


def test_one_candidate_per_sentence_across_detectors(tmp_path):
    # one sentence that is a vow, a secret and a plan at once: only the most confident survives
    s = ('"I swear I will keep the secret of the Wexcombe vault until tomorrow, and we shall open '
         'the Wexcombe vault tomorrow," said Ann.')
    root = make(tmp_path / "a", [s, "The Wexcombe vault stood open at last. " + FILLER, FILLER])
    cands = run(root)
    in_first = [c for c in cands if c.order == 0]
    assert len(in_first) == 1, [(c.detector, c.excerpt) for c in in_first]
    assert in_first[0].detector == "vow"


def test_secret_idioms_and_essayistic_unaccountable_are_dropped(tmp_path):
    neg = make(tmp_path / "a", [
        '"I can\'t tell you how glad I am to see the Wexcombe lighthouse," said Ann. '
        "In his secret soul Tom despised the Wexcombe lighthouse. "
        "He felt an unaccountable melancholy about the Wexcombe lighthouse.",
        "The Wexcombe lighthouse burned. " + FILLER, FILLER])
    got = {c.detector for c in run(neg)}
    assert "secret" not in got and "unexplained" not in got
    pos = make(tmp_path / "b", [
        "I found an unaccountable letter lying by the Wexcombe lighthouse.",
        "The Wexcombe lighthouse burned. " + FILLER, FILLER])
    assert "unexplained" in detectors(pos)


def test_secret_as_landscape_or_lore_is_description(tmp_path):
    neg = make(tmp_path / "a", [
        "The light sank through the secret places of the Wexcombe rocks. "
        "Ann showed him the secret properties of the Wexcombe herbs.",
        "The Wexcombe rocks fell. The Wexcombe herbs withered. " + FILLER, FILLER])
    assert "secret" not in detectors(neg)
    pos = make(tmp_path / "b", ["Ann kept the secret of the Wexcombe rocks.",
                                "The Wexcombe rocks fell. " + FILLER, FILLER])
    assert "secret" in detectors(pos)


@pytest.mark.parametrize("sentence, found", [
    ('"These three nights I have dreamed a dream of the Wexcombe ferry," said Ann.', True),
    ("About cock-crow came a dream unto Ann, of the Wexcombe ferry burning.", True),
    ("Ann dreamed that the Wexcombe ferry sank with all hands.", True),
    ('"The dream was a true dream, and the Wexcombe ferry shall burn," said Ann.', True),
    ("Ann walked to the Wexcombe ferry as in a dream.", False),                    # a simile
    ("Ann never dreamed of the Wexcombe ferry sinking.", False),                   # "never dreamed of"
    ("The Wexcombe ferry was lovelier than a dream.", False),
])
def test_dream_detector(tmp_path, sentence, found):
    root = make(tmp_path, [sentence, FILLER, "The Wexcombe ferry sank."])
    got = [c for c in run(root) if c.detector == "dream"]
    assert bool(got) is found
    if found:
        assert got[0].kind == "foreshadowing" and "dream" in got[0].keywords


def test_dream_once_per_scene_and_not_in_the_last_scene(tmp_path):
    told = ('"I dreamed that the Wexcombe ferry burned," said Ann. "And in my dream I saw the Wexcombe '
            'ferryman weep," she said. "A strange dream," said Tom.')
    root = make(tmp_path / "a", [told, FILLER, "The Wexcombe ferry burned."])
    assert [c.order for c in run(root) if c.detector == "dream"] == [0]
    last = make(tmp_path / "b", [FILLER, "Ann dreamed that the Wexcombe ferry sank."])
    assert "dream" not in detectors(last)


@pytest.mark.parametrize("said, found", [
    ('"Who burned the Wexcombe granary?" asked Ann.', True),
    # a volley of questions keeps it open
    ('"Who burned the Wexcombe granary? Why did nobody see?" asked Ann.', True),
    # the speaker answers it herself
    ('"Who burned the Wexcombe granary? Clearly the miller, from the flour on his boots," said Ann.', False),
    ('"Who burned the Wexcombe granary?" asked Ann. "Clearly the miller, from the flour on his boots."', False),
    # rhetorical forms and questions about the listener's own doings
    ('"Who shall turn back the Wexcombe granary fire?" cried Ann.', False),
    ('"What care I for the Wexcombe granary?" cried Ann.', False),
    ('"How dost thou rebuild the Wexcombe granary?" asked Ann.', False),
    ('"Why did you burn the Wexcombe granary?" asked Ann.', False),
])
def test_question_rhetorical_and_self_answered(tmp_path, said, found):
    root = make(tmp_path, [said, FILLER, FILLER])
    assert ("question" in detectors(root)) is found


def test_every_detector_is_documented():
    from novelforge.ledger.detectors import DETECTORS

    doc = (Path(__file__).resolve().parents[1] / "docs" / "promises-suggest.md").read_text("utf-8")
    missing = [name for name in DETECTORS if f"| `{name}` |" not in doc]
    assert not missing, f"detectors without a row in docs/promises-suggest.md: {missing}"


LATER = "The Wexcombe ferry sank. The Wexcombe ferryman fled. At Wexcombe the icon shone."


@pytest.mark.parametrize("detector, sentence, found", [
    # archaic vows
    ("vow", '"Till the Wexcombe ferry be found never will I rest," said Ann.', True),        # inverted archaic vow
    # an oath reported as sworn
    ("vow", '"I have sworn an oath that I would burn the Wexcombe ferry," said Ann.', True),
    ("vow", '"Having sworn to avenge the Wexcombe ferryman, I go," said Ann.', True),
    ("vow", '"I have sworn at the Wexcombe ferryman often," said Ann.', False),              # swearing, not an oath
    ("vow", '"Never will I forget the Wexcombe ferry," said Ann.', False),                   # a feeling, not a resolve
    # archaic prophecy
    ("prophecy", "Ann remembered the word of the soothsayer about the Wexcombe ferry.", True),
    ("prophecy", "It was foreordained that the Wexcombe ferry should sink.", True),
    ("prophecy", "The witch laid a weird upon Ann, that the Wexcombe ferry should drown her.", True),
    ("prophecy", "Ann told of the weird laid on her by the Wexcombe witch.", True),
    ("prophecy", "It was a weird night at the Wexcombe ferry.", False),                         # the adjective
    # vows recalled in the past are not new setups
    # measured: a vow recalled in the past tense or a word "fulfilled" repeats a setup made earlier
    ("vow", '"I sware unto you that I would burn the Wexcombe ferry," said Ann.', False),
    ("vow", '"Long ago I made vow to find the Wexcombe ferryman," said Ann.', False),
    ("vow", '"I promised him the Wexcombe ferry once," said Ann.', False),
    # curse laid is foreshadowing
    ("prophecy", "There lieth a curse on any that shall cross the Wexcombe ferry.", True),
    ("prophecy", '"My curse be upon thee and the Wexcombe ferry," said Ann.', True),
    ("prophecy", "Ann cursed the Wexcombe ferry and its cursed ferryman.", False),             # swearing
    # secret counts as a noun not an adjective
    ("secret", "Ann kept the secret of the Wexcombe ferry.", True),
    ("secret", '"The secret is in the Wexcombe ferry," said Ann.', True),
    ("secret", '"You must keep it a secret, the Wexcombe ferry," said Ann.', True),
    ("secret", "Ann opened a secret door in the Wexcombe ferry.", False),                   # an adjective: description
    ("secret", '"It is a secret society of the Wexcombe ferrymen," said Ann.', False),
    # more vow omen warning and deadline forms
    # a vow the narrator reports is made there and then; said by a character it would be recalled
    ("vow", "She swore in her heart that she would burn the Wexcombe ferry.", True),
    ("vow", '"For nought but my death shall stay me from the Wexcombe ferry," said Ann.', True),
    ("vow", '"No rest remaineth unto us till the Wexcombe ferry burn," said Ann.', True),
    ("vow", '"I am now resolved never to cross the Wexcombe ferry," said Ann.', True),
    ("prophecy", "She little knew how soon the Wexcombe ferry would carry her away.", True),
    ("prophecy", '"My heart tells me I shall never see thee more, nor the Wexcombe ferry," said Ann.', True),
    ("prophecy", '"He little knew it, the Wexcombe ferry," said Ann.', False),                # said aloud: gossip
    ("warning", '"I mistrust the Wexcombe ferryman," said Ann.', True),
    ("warning", '"I don\'t trust him, the Wexcombe ferryman," said Ann.', True),
    ("warning", '"Thou goest to thy certain undoing at the Wexcombe ferry," said Ann.', True),
    ("appointment", '"She shall have a month to choose the Wexcombe ferryman," said Tom.', True),
    ("appointment", 'On the door was written: "Twenty-nine days are given you for the Wexcombe ferry."', True),
    # a promise asked for and modal promises
    ("vow", '"I bless you with this Wexcombe icon, and you must promise me you will never take it off," '
            'said Ann.', True),
    ("vow", '"Promise me, therefore, to come to Wexcombe," said Ann.', True),
    ("vow", '"I may safely promise you never to dance at Wexcombe," said Ann.', True),
    ("vow", '"Didst not thou then promise me the Wexcombe ferry?" said Ann.', False),        # a promise recalled
    ("vow", '"You made me promise me nothing at Wexcombe," said Ann.', False),
    # sworn on what was asked and oaths bound
    # an oath on what was asked just before the quote
    ("vow", '"Swear that you will guard the Wexcombe ferry," said Ann. "I swear it!" said Tom.', True),
    ("vow", '"And we will bind ourselves by mighty oaths to guard the Wexcombe ferry," said Ann.', True),
    ("vow", '"I swear it is the Wexcombe ferry," said Tom.', False),                       # asserts, commits to nothing
])
def test_detector_forms(tmp_path, detector, sentence, found):
    """One sentence, a scene of filler, and a later scene that names the same things."""
    root = make(tmp_path, [sentence, FILLER, LATER])
    assert (detector in detectors(root)) is found


def test_a_candidate_a_declared_promise_tracks_is_not_suggested(tmp_path):
    """The vow of a declared promise, two paragraphs below its setup marker, is not
    suggested again; without the promise it is."""
    vow = ('"Then hear this," he said. "Whatever happens in the capital, I will bring you home. '
           'I swear it on this blade."')
    scene = ("<!-- setup: bram-oath -->\nBram laid his sword across his knees.\n\n"
             "Aria looked at the blade.\n\n" + vow)
    promise = {"promises/bram-oath.yaml": "description: Bram swears that whatever happens in the capital "
                                          "he will bring Aria home.\n"}
    untracked = make(tmp_path / "a", [scene.replace("<!-- setup: bram-oath -->\n", ""), FILLER])
    assert "vow" in detectors(untracked)
    tracked = make(tmp_path / "b", [scene, FILLER], promise)
    assert "vow" not in detectors(tracked)
    # in the marked paragraph itself, whatever its words
    marked = make(tmp_path / "c", ["<!-- setup: bram-oath -->\n" + vow, FILLER],
                  {"promises/bram-oath.yaml": "description: An oath.\n"})
    assert "vow" not in detectors(marked)


def test_keywords_come_from_the_quoted_sentences(tmp_path):
    """'I swear it!' answers the sentence before it: the excerpt quotes that sentence too,
    and every keyword is a word of the excerpt (not of a paragraph further back)."""
    root = make(tmp_path, ["Lucy put out her poor, pale, thin hand. \"My true friend,\" she said. "
                           "\"Oh, guard him, and give me peace!\"\n\n\"I swear it!\" he said solemnly.", FILLER])
    vows = [c for c in run(root) if c.detector == "vow"]
    assert len(vows) == 1
    c = vows[0]
    assert c.keywords == ["guard", "peace"], c.keywords
    assert "guard him" in c.excerpt and "I swear it!" in c.excerpt
    text = c.excerpt.lower()
    assert all(k in text for k in c.keywords)
