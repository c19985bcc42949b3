"""The phrasings benchmark (``bench/phrasings``): the generator is deterministic and each
phrasing writes what it claims; one placement on the real corpus (skipped without it).

The full benchmark (three novels) is ``python3 -m bench.phrasings``; see
docs/benchmark-phrasings.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:          # bench/ is part of the checkout, not of the package
    sys.path.insert(0, str(ROOT))

from bench.phrasings import HERE, NOVELS  # noqa: E402
from bench.phrasings.generate import fill, generate  # noqa: E402
from bench.phrasings.templates import PHRASINGS, TEMPLATES  # noqa: E402
from bench.seeded.build import corpus_available, load_spec  # noqa: E402
from bench.seeded.score import BY_ID  # noqa: E402


def _scenes(spec: dict) -> list:
    """Stand-in scenes: every scene id the spec names, each between two others."""
    ids: list[str] = []
    for c in (spec.get("canon") or {}).get("characters", {}).values():
        ids += [c["died_in"]] if c.get("died_in") else []
        ids += [k["learned_in"] for k in c.get("knows") or []]
    for rule in spec.get("scenes") or []:
        ids += list((rule.get("where") or {}).get("ids") or [])
        ids += [v for k, v in (rule.get("where") or {}).items() if k in ("from", "to")]
    out: list[str] = []
    for i, sid in enumerate(dict.fromkeys(ids)):
        out += [f"before-{i}", sid, f"after-{i}"]
    return [SimpleNamespace(id=sid, index=k) for k, sid in enumerate(out)]


def _typo(name: str) -> str:
    return name[0] + name[2] + name[1] + name[3:]


def _entries(novel: str, seed: int = 1) -> list[dict]:
    spec = load_spec(novel, HERE)
    return generate(spec, _scenes(spec), seed, _typo)


def _text(e: dict) -> str:
    return e.get("insert") or e.get("append") or ""


@pytest.mark.parametrize("novel", NOVELS)
def test_generator_is_deterministic_and_seed_dependent(novel):
    a, b = _entries(novel, 1), _entries(novel, 1)
    assert a == b
    assert a != _entries(novel, 2)
    assert all(e["family"] in BY_ID for e in a)          # scored by bench/seeded's families
    assert all(e["phrasing"] in PHRASINGS for e in a)


def test_every_template_fills_and_the_book_style_is_kept():
    values = {"N": "Ahab", "He": "He", "he": "he", "His": "His", "his": "his", "him": "him", "man": "man",
              "R": "the old captain", "C": "grey", "Cc": "Grey", "T": "blue", "q": "“", "Q": "”", "K": "Fedallah",
              "I": "quadrant", "A": "Ahab", "B": "Starbuck", "W": "cousin", "Winv": "cousin", "B_his": "his",
              "term": "motor", "Term": "Motor", "terms": "motors", "termed": "motored", "terming": "motoring",
              "X": "Ahba", "F": "color", "Fc": "Color", "S": "the landlord", "Title": "Mr"}
    for kind, by_phrasing in TEMPLATES.items():
        for ph, templates in by_phrasing.items():
            assert ph in PHRASINGS, (kind, ph)
            for t in templates:
                if ph == "front-matter":
                    continue
                out = fill(t, values, "’")
                assert out and "{" not in out and "'" not in out, (kind, t)
                assert out[0].isupper() or out[0] == "“"
    assert fill("{N} said {Z}", {"N": "x"}) is None                  # a missing value: no sentence


def test_each_phrasing_writes_what_it_claims():
    entries = [e for n in NOVELS for e in _entries(n)]
    by: dict[str, list[dict]] = {}
    for e in entries:
        by.setdefault(e["phrasing"], []).append(e)
    assert set(PHRASINGS) <= set(by), set(PHRASINGS) - set(by)
    for e in by["pronoun"]:
        # the antecedent is named in an earlier sentence; the claim sentence has a pronoun subject
        # (or a first-person "me" for a third-person scene's slip)
        t = _text(e)
        assert re.search(r"\b(He|She|His|Her|he|she|his|her|me|I)\b", t), t
    for e in by["possessive"]:
        assert re.search(r"’s\b|\b(his|her|my)\b", _text(e)), e
    for e in by["apposition"]:
        assert re.search(r"\w, [^,“]+, |, the \w+ of ", _text(e)), e
    for e in by["dialogue"]:
        assert "“" in _text(e) and "”" in _text(e), e
    for e in by["negation"]:
        assert re.search(r"\b(not|Nobody)\b", _text(e)), e
    for e in by["inflection"]:
        t = _text(e)
        assert re.search(r"\w(s|ed|ing)\b", t), t
    for e in by["front-matter"]:
        assert "cast" in e or e.get("auto") == "time"
        assert not _text(e)
    for e in by["inverse"]:
        assert e["family"] == "relationship-flip"
    # the kinds that read a character keep them where the contradiction is real
    for e in entries:
        if e["family"] == "dead-character":
            assert "from" in e["where"], e                   # after the death
        if e["family"] == "knowledge-before-learned":
            assert "to" in e["where"], e                     # before the learning
        if e["family"] in ("eye-colour", "hair-colour", "height"):
            assert "cast" in e["where"], e


def test_the_contradiction_is_one_canon_denies():
    spec = load_spec("war_and_peace", HERE)
    for e in _entries("war_and_peace"):
        if e["family"] == "eye-colour":
            # Natásha's and Denísov's eyes are black, Dólokhov's blue: the sentence gives another colour
            t = _text(e)
            names = {"Natásha": "black", "Denísov": "black", "Dólokhov": "blue"}
            who = next(n for n in names if n in t)
            claimed = re.sub(r"\bnot (black|blue)\b", "", t)
            assert names[who] not in claimed.lower().replace("-eyed", " eyed"), t
    assert spec["canon"]["characters"]["petya"]["died_in"]


@pytest.mark.skipif(not corpus_available("adventures_of_sherlock_holmes"), reason="corpus not available")
def test_placement_is_deterministic_on_the_corpus(tmp_path):
    from bench.phrasings.run import place
    from bench.seeded.build import build_untouched

    spec = load_spec("adventures_of_sherlock_holmes", HERE)
    build_untouched("adventures_of_sherlock_holmes", tmp_path / "u", spec)
    a = place("adventures_of_sherlock_holmes", tmp_path / "u", tmp_path / "s1", spec, 5)
    b = place("adventures_of_sherlock_holmes", tmp_path / "u", tmp_path / "s2", spec, 5)
    assert [i.to_dict() for i in a.injections] == [i.to_dict() for i in b.injections]
    assert len(a.injections) == len(a.entries) > 60
    for inj in a.injections[:20]:
        lines = (tmp_path / "s1" / inj.path).read_text(encoding="utf-8").split("\n")
        assert inj.text.split("\n")[0][:30] in lines[inj.line - 1] or inj.kind in ("when", "cast")
