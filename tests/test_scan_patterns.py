"""The scans written for speed (issue #17) match exactly what their plain forms match:
NF406's pronoun scan and the name scan of novelforge/text/mentions.py, on every code point
beside the letters they start with and on random text."""

from __future__ import annotations

import random
import re

import pytest

from novelforge.rules.nf406_tense_slip import _PRONOUN
from novelforge.text import mentions
from novelforge.text.lexicon import NAME_PARTICLES, TENSE_SUBJECTS

PLAIN_PRONOUN = re.compile(r"(?i)\b(" + "|".join(TENSE_SUBJECTS) + r")\b")
_CAP = r"[^\W\d_a-z]"
PLAIN_RUN = re.compile(
    _CAP + r"(?<![^\W_]" + _CAP + r")(?<![’']" + _CAP + r")(?:[^\W_]|[’']|-(?!-))*"
    r"(?:\.?(?:[ \t]+|[ \t]*\n[ \t]*)(?:(?:" + "|".join(NAME_PARTICLES) + r")[ \t]+)?"
    + _CAP + r"(?:[^\W_]|[’']|-(?!-))*)*")    # a hyphen in a name; two are a dash



def every_char(last: int = 0x10FFFF):
    return (chr(i) for i in range(last + 1) if not 0xD800 <= i <= 0xDFFF)


def test_the_pronoun_scan_is_the_case_blind_word_match():
    assert TENSE_SUBJECTS == ("he", "she", "they")      # the scan spells these three out
    for c in every_char(0xFFFF):    # every letter that folds to h, s, e, t or y is in this plane
        for text in (c + "he", "s" + c + "e", "the" + c):
            assert [m.span(1) for m in _PRONOUN.finditer(text)] == \
                   [m.span(1) for m in PLAIN_PRONOUN.finditer(text)], (hex(ord(c)), text)


@pytest.mark.parametrize("pattern,plain,alphabet", [
    (_PRONOUN, PLAIN_PRONOUN, list("hstHSTeEyY \n_1’'é.ſßK") + ["he", "she", "they", "She", "THEY"]),
    (mentions._RUN, PLAIN_RUN, list("aZéÉ1_’'- \n\t.ßÆøŁ²½Σσ中ǅ") + ["of ", "de ", "Mr. "]),
], ids=["pronoun", "names"])
def test_random_text_gives_the_same_matches(pattern, plain, alphabet):
    rnd = random.Random(17)
    for _ in range(5_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 40)))
        pos = rnd.randint(0, len(text))
        assert [m.span(1 if pattern is _PRONOUN else 0) for m in pattern.finditer(text, pos)] == \
               [m.span(1 if pattern is _PRONOUN else 0) for m in plain.finditer(text, pos)], (text, pos)


def test_the_name_scan_starts_on_the_same_characters():
    first = re.compile(mentions._RUN.pattern.split("(?<![^")[0])    # the range and the letter test
    for c in every_char():
        assert bool(first.fullmatch(c)) == bool(re.fullmatch(_CAP, c)), hex(ord(c))
