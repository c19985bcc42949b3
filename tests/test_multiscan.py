"""MultiScan: several patterns in one pass give exactly the matches each gives alone."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from novelforge.text.multiscan import MultiScan, prefixes, trie_pattern

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def alone(patterns: dict[str, re.Pattern[str]], text: str, start: int = 0) -> dict[str, list]:
    return {name: [(m.span(), m.groups()) for m in p.finditer(text, start)] for name, p in patterns.items()}


def together(patterns: dict[str, re.Pattern[str]], text: str, start: int = 0) -> dict[str, list]:
    found = MultiScan(patterns).scan(text, start)
    return {name: [(m.span(), m.groups()) for m in ms] for name, ms in found.items()}


def test_prefixes_of_words_spaces_boundaries_and_optional_parts():
    assert prefixes(re.compile(r"\bwe\s+shall")) == [(r"\b", "w", "e", r"\s")]
    assert set(prefixes(re.compile(r"\ban?\s+omen"))) == {(r"\b", "a", "n", r"\s"), (r"\b", "a", r"\s")}
    assert set(prefixes(re.compile(r"[Mm]ake|what"))) == {("M", "a", "k", "e"), ("m", "a", "k", "e"),
                                                          ("w", "h", "a", "t")}
    # a prefix that another extends is enough on its own; a repeat that may be skipped
    assert prefixes(re.compile(r"ab|abc")) == [("a", "b")]
    assert set(prefixes(re.compile(r"(?:a|b)*c"))) == {("a",), ("b",), ("c",)}


@pytest.mark.parametrize("pattern", [r"\w+ing", r"(?i)omen", r"x|\d", r".a", r"\b(?:x)?", r"(?:a|\d)*c"])
def test_patterns_without_a_literal_start_have_no_prefixes(pattern):
    assert prefixes(re.compile(pattern)) is None


def test_a_pattern_without_prefixes_is_scanned_alone_with_the_same_matches():
    patterns = {"free": re.compile(r"\w+ing\b"), "word": re.compile(r"\bsing\b")}
    scan = MultiScan(patterns)
    assert scan.alone == ["free"] and scan.gated == ["word"]
    text = "singing and sing, a ring; bring the sing-song"
    assert together(patterns, text) == alone(patterns, text)


def test_a_pattern_with_flags_is_scanned_alone():
    patterns = {"dot": re.compile(r"\ba.b", re.S), "line": re.compile(r"^ab", re.M), "inline": re.compile(r"(?s)b.a"),
                "word": re.compile(r"\bab")}
    scan = MultiScan(patterns)
    assert scan.gated == ["word"] and sorted(scan.alone) == ["dot", "inline", "line"]
    text = "a\nb ab\nab b\na"
    assert together(patterns, text) == alone(patterns, text)
    assert together(patterns, text)["dot"] and together(patterns, text)["line"]


def test_overlapping_matches_of_different_patterns_are_all_kept():
    patterns = {"ab": re.compile("ab"), "b": re.compile("b"), "bab": re.compile("bab")}
    text = "ababab"
    assert together(patterns, text) == alone(patterns, text)
    assert [s for s, _g in together(patterns, text)["b"]] == [(1, 2), (3, 4), (5, 6)]


def test_named_groups_repeated_across_patterns_and_the_start_offset():
    patterns = {"one": re.compile(r"\bI\s+(?P<verb>go|see)\b"), "two": re.compile(r"\bwe\s+(?P<verb>go|wait)\b")}
    text = "I go. We go; we wait and I see, we go"
    for start in (0, 1, 6, 20):
        assert together(patterns, text, start) == alone(patterns, text, start)


def test_skipped_patterns_give_no_matches():
    patterns = {"a": re.compile("a"), "b": re.compile("b")}
    found = MultiScan(patterns).scan("abab", 0, skip=["b"])
    assert [m.span() for m in found["a"]] == [(0, 1), (2, 3)] and found["b"] == []


def test_the_trie_factors_shared_atoms():
    assert trie_pattern([("a", "b"), ("a", "c"), ("d",)]) == "(?:a(?:b|c)|d)"
    assert re.fullmatch(trie_pattern([("a", "b"), ("a",)]), "a")


# ------------------------------------------------------------------ random patterns
_ATOMS = ["a", "b", "ab", "ba", " ", r"\s+", r"\b", "[ab]", "[Aa]", "A"]


def _random_pattern(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.55 or depth > 2:
            parts.append(rng.choice(_ATOMS))
        elif roll < 0.75:
            parts.append("(?:%s|%s)" % (_random_pattern(rng, depth + 1), _random_pattern(rng, depth + 1)))
        elif roll < 0.9:
            parts.append("(?:%s)%s" % (_random_pattern(rng, depth + 1), rng.choice(["?", "+", "*", "{1,2}", "??"])))
        else:
            parts.append("(?P<g%d>%s)" % (rng.randint(0, 2), rng.choice(_ATOMS)))
    pattern = "".join(parts)
    return pattern if rng.random() < 0.8 else pattern + "|" + _random_pattern(rng, depth + 1)


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def test_random_patterns_on_random_text_match_as_alone():
    rng = random.Random(20261204)
    checked = gated = 0
    while checked < 400:
        patterns = {}
        for n in range(rng.randint(1, 4)):
            source = _random_pattern(rng)
            if _compiles(source):
                patterns[f"p{n}"] = re.compile(source)
        if not patterns:
            continue
        gated += bool(MultiScan(patterns).gated)
        for _ in range(3):
            text = "".join(rng.choice("aabb  A\n") for _ in range(rng.randint(0, 40)))
            start = rng.randint(0, max(0, len(text) - 1))
            assert together(patterns, text, start) == alone(patterns, text, start), (patterns, text, start)
        checked += 1
    assert gated > 200      # most random patterns have a literal start: the gate was tested, not bypassed


# ------------------------------------------------------------------ the detectors' patterns on novels
@pytest.mark.skipif(not CORPUS.exists(), reason="the corpus is not on this machine")
@pytest.mark.parametrize("novel", ["dracula", "the_worm_ouroboros"])
def test_the_promise_detectors_patterns_on_a_novel_match_as_alone(novel):
    import novelforge.ledger.detectors  # noqa: F401  (registers the patterns)
    from novelforge.ledger.book import SCANS, _lowered

    path = next(CORPUS.glob(f"{novel}*"))
    text = path.read_text(encoding="utf-8")
    for low in (True, False):
        patterns = {name: p for name, (p, lw, _needs) in SCANS.items() if lw is low}
        target = _lowered(text) if low else text
        assert MultiScan(patterns).gated, "the detectors' patterns are gated, or this test tests nothing"
        assert together(patterns, target, 100) == alone(patterns, target, 100)
