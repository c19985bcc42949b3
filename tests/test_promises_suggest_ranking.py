"""`promises suggest` ranking: story units, late-in-story payoffs, maxims, and the patterns
added with them (a character at a loss, "before it is too late", omens)."""

from __future__ import annotations

from pathlib import Path

import pytest

from novelforge.analysis import Session
from novelforge.ledger.suggest import Book, suggest
from novelforge.project.loader import load_project

FILLER = "The rain fell on the roofs of the town. Nobody spoke for a while."
CANON = {"ann": "Ann", "tobias": "Tobias", "bess": "Bess", "clem": "Clem"}


def make(tmp: Path, chapters: list[list[str]]) -> Path:
    """A project with one folder per chapter and one file per scene; canon characters Ann,
    Tobias, Bess and Clem."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for c, scenes in enumerate(chapters, 1):
        for s, body in enumerate(scenes, 1):
            p = tmp / "manuscript" / f"{c:02d}-chapter-{c}" / f"{s:02d}-s.md"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(f"---\ntitle: C{c}S{s}\n---\n{body}\n", "utf-8")
    for cid, name in CANON.items():
        p = tmp / "canon" / "characters" / f"{cid}.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"name: {name}\n", "utf-8")
    return tmp


def load(root: Path):
    project = load_project(root)
    indexes = Session(project).indexes()
    return project, indexes


def run(root: Path):
    return suggest(*load(root))


STRANGE = "I heard a strange noise from the Wexcombe cellar."


def stories(first: list[str]) -> list[list[str]]:
    """Two stories: Ann and Tobias only in the first, Bess and Clem only in the second."""
    second = ["Bess met Clem. The Wexcombe cellar was empty.", "Bess and Clem talked.",
              "Clem left Bess. " + FILLER, "Bess slept. " + FILLER]
    return [first, second]


def test_chapters_with_their_own_characters_are_stories(tmp_path):
    root = make(tmp_path / "a", stories(["Ann met Tobias.", "Ann and Tobias walked.", "Tobias saw Ann.", "Ann slept."]))
    assert Book(*load(root)).unit_kind == "story"
    # a novel: the same characters in every chapter
    novel = make(tmp_path / "b", [["Ann met Tobias.", "Bess saw Clem."],
                                  ["Ann and Bess talked.", "Tobias and Clem left."]])
    assert Book(*load(novel)).unit_kind == "book"


def test_a_candidate_late_in_its_story_ranks_lower(tmp_path):
    # the same sentence in the first scene of a four-scene story, then at the end of its last
    scenes = [f"Ann met Tobias. {FILLER}", f"Ann and Tobias walked. {FILLER}", f"Tobias saw Ann. {FILLER}",
              f"Ann slept. {FILLER}"]
    early = make(tmp_path / "a", stories([f"{STRANGE} {scenes[0]}", *scenes[1:]]))
    late = make(tmp_path / "b", stories([*scenes[:3], f"{scenes[3]} {STRANGE}"]))
    c_early = next(c for c in run(early) if c.detector == "unexplained")
    c_late = next(c for c in run(late) if c.detector == "unexplained")
    assert c_early.confidence - c_late.confidence == pytest.approx(0.25)


def test_no_story_penalty_in_a_novel(tmp_path):
    second = ["Ann and Tobias walked.", "The Wexcombe cellar was empty."]
    a = make(tmp_path / "a", [[STRANGE, "Ann met Tobias."], list(second)])
    b = make(tmp_path / "b", [["Ann met Tobias.", STRANGE], list(second)])
    conf = [next(c for c in run(r) if c.detector == "unexplained").confidence for r in (a, b)]
    assert conf[0] == conf[1]


@pytest.mark.parametrize("sentence", [
    '"As a rule," said Ann, "the more bizarre a thing is the less mysterious the Wexcombe cellar proves to be."',
    '"Singularity is almost invariably a clue to the Wexcombe cellar," said Ann.',
])
def test_maxims_are_dropped(tmp_path, sentence):
    root = make(tmp_path, [[sentence, FILLER, "The Wexcombe cellar was empty."]])
    assert not [c for c in run(root) if c.order == 0]


@pytest.mark.parametrize("sentence, found", [
    ('"He could not imagine what had become of the Wexcombe ferryman," said Ann.', True),
    ('"I have no idea what the Wexcombe ferryman meant," said Ann.', True),
    ('"You cannot imagine how glad I am to see the Wexcombe ferryman," said Ann.', False),
])
def test_a_character_at_a_loss_is_unexplained(tmp_path, sentence, found):
    root = make(tmp_path, [[sentence, FILLER, "The Wexcombe ferryman smiled."]])
    assert ("unexplained" in {c.detector for c in run(root)}) is found


def test_before_it_is_too_late_is_a_warning(tmp_path):
    root = make(tmp_path, [['"Leave the Wexcombe mill before it is too late!" whispered Ann.', FILLER,
                            "The Wexcombe mill burned."]])
    assert "warning" in {c.detector for c in run(root)}


def test_omens_are_strong_foreshadowing(tmp_path):
    root = make(tmp_path, [["Ann had a foreboding that the Wexcombe bridge would fall.", FILLER]])
    c = next(c for c in run(root) if c.detector == "prophecy")
    assert c.confidence == pytest.approx(0.66)


def test_a_plan_said_aloud_ranks_below_a_plan_written_down(tmp_path):
    said = make(tmp_path / "a", [['"I mean to find the Wexcombe ledger," said Ann.', FILLER,
                                  "The Wexcombe ledger lay open."]])
    written = make(tmp_path / "b", [["I mean to find the Wexcombe ledger.", FILLER, "The Wexcombe ledger lay open."]])
    conf = [next(c for c in run(r) if c.detector == "intent").confidence for r in (said, written)]
    assert conf[1] - conf[0] == pytest.approx(0.06)
