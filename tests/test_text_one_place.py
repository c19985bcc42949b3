"""Knowledge of prose lives in novelforge/text/ only: no other module of the product or of
bench/ keeps its own copy of a word list, the sentence-start test, the slug rule, the
scene-break pattern or an italics regex (issue #12 part 4: the copies had drifted apart)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for base in ("novelforge", "bench") for p in (ROOT / base).rglob("*.py")
                 if "bench/room" not in p.as_posix())

# (what, a pattern that finds a copy, the one module allowed to hold it)
COPIES = [
    ("titles", re.compile(r"(?i)[\"' ]mrs[\"' ].*[\"' ]madame[\"' ]|[\"' ]madame[\"' ].*[\"' ]mrs[\"' ]"),
     "novelforge/text/lexicon.py"),
    ("speech verbs", re.compile(r"\breplied\b.*\bwhispered\b|\bwhispered\b.*\breplied\b"),
     "novelforge/text/lexicon.py"),
    ("past-tense verbs", re.compile(r"\bwent\b.*\bcame\b.*\bsaw\b.*\btook\b|\bwas\b.*\bwere\b.*\bhad\b.*\bdid\b"),
     "novelforge/text/lexicon.py"),
    ("sentence-initial test", re.compile(r"def _?sentence_initial\("), "novelforge/text/grammar.py"),
    ("slug rule", re.compile(r"normalize\(\"NFKD\"|\[\^a-z0-9\]\+|\[\^A-Za-z0-9\]\+|\[\^\\w\]\+\", \"-\""),
     "novelforge/text/slug.py"),
    ("scene-break pattern", re.compile(r"\\\*\\s\*\\\*\\s\*\\\*|\[\*•·#"), "novelforge/text/blocks.py"),
    ("italics regex", re.compile(r"\\\*\[\^\*|\[_\*\]\(|count\(\"\*\"\)"), None),
]


@pytest.mark.parametrize("what, pattern, home", COPIES, ids=[c[0] for c in COPIES])
def test_no_copy_outside_the_text_package(what, pattern, home):
    found = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if rel == home or rel.startswith("novelforge/text/") and home is None:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{rel}:{n}: {line.strip()[:100]}")
    assert not found, f"a copy of the {what} outside {home or 'novelforge/text/'}:\n" + "\n".join(found)


def test_every_copy_pattern_finds_its_home():
    """The patterns above are not vacuous: each finds the list or function it guards."""
    for what, pattern, home in COPIES:
        if home is None:
            continue
        text = (ROOT / home).read_text(encoding="utf-8")
        assert pattern.search(text) or what in ("titles", "speech verbs", "past-tense verbs"), what
