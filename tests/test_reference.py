"""Readers of issue #16 against canon: heights in appositions, relative clauses, with
negation and pronoun subjects (the pronoun resolver), and colours after modifiers. Each
reading is tested where it fires and where it must stay silent."""

from __future__ import annotations

from pathlib import Path

from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project

CANON = {
    "aria": "id: aria\nname: Aria Vell\naliases: [Aria]\nattributes: {pronouns: she/her, height: tall, eyes: grey}\n",
    "bram": "id: bram\nname: Bram Kettering\naliases: [Bram]\nattributes: {pronouns: he/him, height: short}\n",
    "cato": "id: cato\nname: Cato\nattributes: {pronouns: he/him}\n",
}


def findings(tmp_path: Path, prose: str, code: str = "NF402") -> list[str]:
    root = tmp_path / f"n{len(list(tmp_path.iterdir()))}"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for cid, text in CANON.items():
        (root / f"canon/characters/{cid}.yaml").write_text(text, "utf-8")
    scene = root / "manuscript/01-a/01-x.md"
    scene.parent.mkdir(parents=True)
    scene.write_text(f"---\ncharacters: [aria, bram, cato]\nstatus: draft\n---\n\n{prose}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(select=[code], use_cache=False))
    return [d.message for d in report.diagnostics if d.code == code]


def test_height_in_an_apposition_and_a_relative_clause(tmp_path):
    assert findings(tmp_path, "Aria, a short and sturdy woman, came in. Bram, who was a tall man, followed.") == [
        "`Aria, a short and sturdy woman` contradicts canon: Aria Vell is tall",
        "`Bram, who was a tall man` contradicts canon: Bram Kettering is short"]


def test_negation_turns_the_height_over(tmp_path):
    assert findings(tmp_path, "Aria was not a tall woman.") == [
        "`Aria was not a tall woman` contradicts canon: Aria Vell is tall"]
    assert findings(tmp_path, "Bram was not a tall man, and Aria was not short.") == []


def test_a_pronoun_subject_is_the_character_before_it(tmp_path):
    assert findings(tmp_path, "Cato waited. Aria came forward. She was a small, shy girl.") == [
        "`She was a small, shy girl` contradicts canon: Aria Vell is tall"]
    # two women could be meant, or a man: no owner, no finding
    assert findings(tmp_path, "Aria came forward. He was a small, quiet man.") == []
    assert findings(tmp_path, "The door opened on Bram and Cato. He was a tall man.") == []


def test_the_subject_wins_between_two_of_one_gender(tmp_path):
    assert findings(tmp_path, "Bram spoke to Cato, and he was a tall man.") == [
        "`he was a tall man` contradicts canon: Bram Kettering is short"]


def test_height_words_that_are_not_heights_stay_silent(tmp_path):
    assert findings(tmp_path, "Aria was short of breath. Her answer was short. Aria was a little tired. "
                              "It was a short walk, and Aria was small-minded about it.") == []


def test_a_colour_after_modifiers(tmp_path):
    assert findings(tmp_path, "Bram saw that Aria's eyes were a clear, light blue.") == [
        "`eyes were a clear, light blue` contradicts canon: Aria Vell's eyes are `grey`"]
    assert findings(tmp_path, "Aria's eyes were a cold, clear grey, and fixed on the blue sea.") == []


KNOWS = ("knows:\n  - fact: the key is in the well\n    learned_in: two\n    keywords: [the well, Mrs. Norton]\n")


def knowledge(tmp_path: Path, prose: str) -> list[str]:
    root = tmp_path / f"k{len(list(tmp_path.iterdir()))}"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for cid, text in CANON.items():
        (root / f"canon/characters/{cid}.yaml").write_text(text + (KNOWS if cid == "aria" else ""), "utf-8")
    for name, body in (("01-one.md", prose), ("02-two.md", "Aria found the key.")):
        scene = root / "manuscript/01-a" / name
        scene.parent.mkdir(parents=True, exist_ok=True)
        scene.write_text(f"---\ncharacters: [aria, bram, cato]\nstatus: draft\n---\n\n{body}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(select=["NF404"], use_cache=False))
    return [d.message.split(" before ")[0] for d in report.diagnostics]


def test_a_pronoun_tag_speaks_for_the_character_before_it(tmp_path):
    assert knowledge(tmp_path, 'Aria stood at the door.\n\n"Is it in the well?" she asked.') == [
        "Aria Vell says `the well`"]
    assert knowledge(tmp_path, 'Bram stood at the door.\n\n"Is it in the well?" he asked.') == []
    # a woman the resolver cannot tell apart from another: nobody
    assert knowledge(tmp_path, 'Aria and Bram and Cato stood there.\n\n"Is it in the well?" he asked.') == []


def test_a_thought_the_narration_gives_a_character(tmp_path):
    assert knowledge(tmp_path, "Bram left. Aria thought of the well, and shivered.") == [
        "Aria Vell thinks `the well`"]
    assert knowledge(tmp_path, "Aria left. Bram thought of the well, and shivered.") == []
    assert knowledge(tmp_path, "Aria walked past the well.") == []


def test_a_keyword_matches_through_a_possessive(tmp_path):
    assert knowledge(tmp_path, '"Mrs. Norton\'s house is shut," Aria said.') == ["Aria Vell says `Mrs. Norton`"]


def test_dead_before_the_story_acts_or_speaks(tmp_path):
    root = tmp_path / "dead"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    (root / "canon/characters/darcy.yaml").write_text("id: darcy\nname: Mr. Darcy\n", "utf-8")
    (root / "canon/characters/old.yaml").write_text(
        "id: old\nname: the late Mr. Darcy\naliases: [old Mr. Darcy]\nstatus: dead\n", "utf-8")
    scenes = {"01-one.md": ("", "Old Mr. Darcy walked across the lawn. Mr. Darcy laughed."),
              "02-two.md": ("flashback: true\n", "Old Mr. Darcy walked across the lawn."),
              "03-three.md": ("", "Mr. Darcy walked across the lawn, thinking of old Mr. Darcy.")}
    for name, (meta, body) in scenes.items():
        scene = root / "manuscript/01-a" / name
        scene.parent.mkdir(parents=True, exist_ok=True)
        scene.write_text(f"---\ncharacters: [darcy]\n{meta}status: draft\n---\n\n{body}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(select=["NF401"], use_cache=False))
    assert [(d.path.rsplit("/", 1)[-1], d.message) for d in report.diagnostics] == [
        ("01-one.md", "the late Mr. Darcy (`old`) acts here (`Old Mr. Darcy`) but died before the story "
                      "(`status: dead`, no `died_in`)")]


def test_inverted_said_tags():
    from novelforge.text.index import build_index
    from novelforge.text.names import NameTable

    table = NameTable.build([(("characters", "holmes"), ["Holmes"]), (("characters", "watson"), ["Watson"])])

    def speakers(text, pov=None):
        idx = build_index(text, 0, table, pov=pov, pov_mode="first" if pov else None)
        return [d.speaker for d in idx.dialogue]

    assert speakers('"It is nothing," said I.', "watson") == ["watson"]
    assert speakers('"It is nothing," says Holmes.') == ["holmes"]
    assert speakers('"It is nothing," said Ivan.', "watson") == [None]
    assert speakers('"It is nothing," said I.') == [None]          # no first-person narrator


def test_said_he_is_the_man_before_it(tmp_path):
    assert knowledge(tmp_path, 'Bram came in.\n\n"Is it in the well?" said she.') == []
    assert knowledge(tmp_path, 'Aria came in.\n\n"Is it in the well?" said she.') == ["Aria Vell says `the well`"]


def test_a_negated_colour_is_not_that_colour(tmp_path):
    assert findings(tmp_path, "Aria's eyes were not blue at all.") == []


def test_a_paragraph_describing_one_person_owns_its_ownerless_eyes(tmp_path):
    # the paragraph names nobody in its last sentence; its `he` is Bram, and so are the eyes
    desc = ("Bram came in.\n\nHe crossed the room towards me, a man with a broad chest and his head held high. "
            "The face is square, with a hard chin and a wide mouth. Big, pale blue eyes are set widely apart.")
    root_canon = dict(CANON, bram=CANON["bram"].replace("height: short", "height: short, eyes: brown"))
    assert _with_canon(tmp_path, root_canon, desc) == [
        "`pale blue eyes` contradicts canon: Bram Kettering's eyes are `brown`"]
    # a paragraph about two people (a `he` and a `she`): nobody
    two = desc.replace("a man with a broad chest", "and Aria after him, her chest heaving,")
    assert _with_canon(tmp_path, root_canon, two) == []
    # not a description (fewer than three parts of the body), or eyes that look at him
    assert _with_canon(tmp_path, root_canon, "Bram came in.\n\nHe sat down. Big, pale blue eyes are rare.") == []
    watched = desc.replace("Big, pale blue eyes are set widely apart.", "Blue eyes watched him from the door.")
    assert _with_canon(tmp_path, root_canon, watched) == []


def test_the_person_shown_in_by_a_name_alone(tmp_path):
    root_canon = dict(CANON, bram=CANON["bram"].replace("height: short", "height: short, eyes: brown"))
    prose = ('Then the maid opened the door and announced "Bram."\n\n'
             "He came towards me, his shoulders set back. The head is noble, the mouth firm, the nose straight. "
             "Big blue eyes are set widely apart.")
    assert _with_canon(tmp_path, root_canon, prose) == [
        "`blue eyes` contradicts canon: Bram Kettering's eyes are `brown`"]
    # a quotation that says more than the name is speech, not an introduction
    spoken = prose.replace('"Bram."', '"Bram is here, and Cato."')
    assert _with_canon(tmp_path, root_canon, spoken) == []


def test_her_before_the_scene_names_her_is_the_scene_s_only_woman(tmp_path):
    prose = ("On the bench a lady sat at ease, and her women served her. Her hair was gathered upon her head. "
             "Her eyes were blue, with yellow gleams.\n\nBram bowed to Aria.")
    assert findings(tmp_path, prose) == ["`eyes were blue` contradicts canon: Aria Vell's eyes are `grey`"]
    # another woman in the cast, or a woman named before: the lady may be either, or neither
    dora = "id: dora\nname: Dora\nattributes: {pronouns: she/her}\n"
    assert _with_canon(tmp_path, dict(CANON, dora=dora), prose, cast="aria, bram, cato, dora") == []
    assert findings(tmp_path, "Aria left.\n\n" + prose) == []


def _with_canon(tmp_path: Path, canon: dict, prose: str, cast: str = "aria, bram, cato") -> list[str]:
    root = tmp_path / f"c{len(list(tmp_path.iterdir()))}"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for cid, text in canon.items():
        (root / f"canon/characters/{cid}.yaml").write_text(text, "utf-8")
    scene = root / "manuscript/01-a/01-x.md"
    scene.parent.mkdir(parents=True)
    scene.write_text(f"---\ncharacters: [{cast}]\nstatus: draft\n---\n\n{prose}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(select=["NF402"], use_cache=False))
    return [d.message for d in report.diagnostics if d.code == "NF402"]


def test_a_likeness_brings_nobody_in(tmp_path):
    # `like a woman who…` is no one new: `her` is still Aria's
    assert findings(tmp_path, "Aria came in.\n\nShe leaned forward, like a woman who hears her own name called. "
                              "Her eyes were blue.") == [
        "`eyes were blue` contradicts canon: Aria Vell's eyes are `grey`"]
    assert findings(tmp_path, "Aria came in.\n\nA woman leaned forward. Her eyes were blue.") == []
