"""The small questions of novelforge.text.grammar."""

from __future__ import annotations

import pytest

from novelforge.text.grammar import opens_clause, past_action, sentence_initial, strip_possessive, verb_tense


def _at(text: str, word: str) -> bool:
    return sentence_initial(text, text.index(word))


@pytest.mark.parametrize("text, word, expected", [
    ("Holmes rose.", "Holmes", True),
    ("He left. Holmes rose.", "Holmes", True),
    ("He left! “Holmes,” she said.", "Holmes", True),
    ("He said: Holmes rose.", "Holmes", True),
    ("I saw Mr. Holmes there.", "Holmes", False),
    ("I saw J. Smith there.", "Smith", False),
    ("It was etc. Then he left.", "Then", False),
    ("the old\nHolmes rose", "Holmes", False),          # a line wrap inside a paragraph
    ("the end.\n\nHolmes rose", "Holmes", True),       # a new paragraph
    ("and then, Holmes rose", "Holmes", False),
])
def test_sentence_initial(text, word, expected):
    assert _at(text, word) is expected


def test_possessives():
    assert [strip_possessive(w) for w in ("Aria's", "Aria’s", "Jesus'", "Aria")] == ["Aria", "Aria", "Jesus", "Aria"]


def test_tense_of_a_subject_and_its_verb():
    assert verb_tense("she", "was") == "past"
    assert verb_tense("she", "walked") == "past"
    assert verb_tense("she", "walks") == "present"
    assert verb_tense("she", "always") is None
    assert verb_tense("they", "walks") is None          # -s is present only after he/she/it
    assert verb_tense("She", "Who") is None


def test_clause_openers_and_actions():
    text = "He stopped, and she turned; a lock he had not found."
    assert opens_clause(text, text.index("she"))
    assert not opens_clause(text, text.index("he had"))
    assert past_action("drew") and past_action("turned") and not past_action("was")
