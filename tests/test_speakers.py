"""Who speaks each quotation (issue #19): a speech continued over paragraphs, vocatives and
the turns of a two-person exchange, pronoun tags in an exchange, and a first person who
does not speak every quote after `I`."""

from __future__ import annotations

from pathlib import Path

from novelforge.analysis import Session
from novelforge.project.loader import load_project
from novelforge.rules.context import Context
from novelforge.text.reference import genders
from novelforge.text.speakers import scene_speakers

CANON = {
    "aria": "name: Aria Vell\naliases: [Aria]\nattributes: {pronouns: she/her}\n",
    "bram": "name: Bram Kettering\naliases: [Bram]\nattributes: {pronouns: he/him}\n",
    "cato": "name: Cato\nattributes: {pronouns: he/him}\n",
}


def speakers(tmp_path: Path, prose: str, pov: str | None = None) -> list[tuple[str, str | None]]:
    root = tmp_path / f"n{len(list(tmp_path.iterdir()))}"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for cid, text in CANON.items():
        (root / f"canon/characters/{cid}.yaml").write_text(text, "utf-8")
    scene = root / "manuscript/01-a/01-x.md"
    scene.parent.mkdir(parents=True)
    front = f"pov: {pov}\n" if pov else ""
    scene.write_text(f"---\n{front}characters: [aria, bram, cato]\nstatus: draft\n---\n\n{prose}\n", "utf-8")
    session = Session(load_project(root), None).start()
    s = session.project.scenes[0]
    index, masked = session.index(s), session.masked(s)
    found = scene_speakers(masked, index, genders(Context(session)))
    return [(masked[d.start + 1:d.start + 12], who) for d, who in zip(index.dialogue, found)]


def test_a_speech_over_several_paragraphs_stays_with_its_speaker(tmp_path):
    got = speakers(tmp_path, '"I went down to the river," said Bram. "It was cold.\n\n'
                             '"Then I crossed the bridge and waited.\n\n'
                             '"Nobody came."\n\n'
                             '"Nobody at all?"')
    assert [w for _q, w in got] == ["bram", "bram", "bram", "bram", None]


def test_an_exchange_of_two_takes_turns_from_its_tags_and_vocatives(tmp_path):
    got = speakers(tmp_path, 'Aria looked up from the map.\n\n'
                             '"Where were you, Bram?"\n\n'
                             '"Out."\n\n'
                             '"Out where?"\n\n'
                             '"By the river," said Bram.\n\n'
                             '"Alone?"')
    assert [w for _q, w in got] == ["aria", "bram", "aria", "bram", "aria"]


def test_an_exchange_that_names_only_one_speaker_is_left_alone(tmp_path):
    got = speakers(tmp_path, 'The rain went on.\n\n"Who is there?"\n\n"Only me."\n\n'
                             '"Come in, then," said Bram.\n\n"Thank you."')
    assert [w for _q, w in got] == [None, None, "bram", None]


def test_a_pronoun_tag_is_not_the_last_speaker(tmp_path):
    # `said he` after Bram's line, with Cato in the exchange: the turn is Cato's, not Bram's
    got = speakers(tmp_path, '"Is it far?" asked Cato.\n\n"Not far," said Bram.\n\nThe fire cracked.\n\n'
                             '"Then we go tonight," said he.')
    assert [w for _q, w in got] == ["cato", "bram", "cato"]


def test_a_first_person_narrator_speaks_only_after_a_speech_verb(tmp_path):
    got = speakers(tmp_path, 'I did so, and saw a large "E" cut into the door. I said, "Look at this." '
                             'I stayed there a long time and I looked at the carving and I thought about the '
                             'house and the river and the night before.', pov="aria")
    assert got == [("E\" cut into", None), ("Look at thi", "aria")]


def test_the_one_a_tag_speaks_to_is_not_the_speaker(tmp_path):
    got = speakers(tmp_path, 'Aria sat by Bram.\n\n"What does Cato mean," said she to Bram, "by watching us?"')
    assert [w for _q, w in got] == ["aria", "aria"]
    got = speakers(tmp_path, 'Bram came in.\n\n"It is late," said he to Bram.')
    assert [w for _q, w in got] == [None]
