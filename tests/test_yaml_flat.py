"""The flat ``key: value`` reader gives exactly what the parser gives, or declines."""

from __future__ import annotations

import random

import pytest

from novelforge.project.yamlflat import read_flat
from novelforge.project.yamlio import YamlSyntaxError, parse_yaml

VALUES = [
    "draft", "Yes", "yes", "NO", "on", "Off", "y", "N", "null", "Null", "~", "true", "TRUE", "False", "nan", ".inf",
    "a b", "a  b", "a: b", "a:b", "a #b", "a#b", "x - y", "a,b", "a, b", "[a, b]", "[a,b]", "[ a , b ]", "[]", "[ ]",
    "[a, b,]", "[a, [b]]", "[yes, no]", "[a b, c]", "[a: b]", "['a']", '"a"', '"a\\"b"', '"a: b"', '""', "'a'",
    "'it''s'", "'a: b'", "Émile", "a’s", "a's", "a!", "a&b", "a*b", "a?b", "!a", "&a", "*a", "?a", "-a", "a-",
    "Mr. Darcy", "1805", "1805-07-01", "12:30", "0x1F", "1_000", "e5", "a|b", "a>b", "%a", "@a", "`a`", "a\\b",
    "a\u00a0b", "a\u2028b", "a\x85b", "a\x07b", "a\ufeffb", "a ", "a  ", "A{b}", "-", "a\tb", "=", "<<", "",
]
KEYS = ["title", "status", "y", "on", "null", "a-b", "_x", "x_1", "Title", "<<", "1a", "a b", "é", "no", " title"]


def _parsed(text):
    try:
        return parse_yaml(text)
    except YamlSyntaxError as exc:
        return ("error", exc.message)


def _cases():
    rng = random.Random(17)
    cases = [f"{k}: {v}" for k in KEYS for v in VALUES]
    for _ in range(3000):
        lines = [f"{rng.choice(KEYS)}: {rng.choice(VALUES)}" for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.2:
            lines.insert(1, "")
        cases.append("\n".join(lines) + rng.choice(["", "\n", "\n\n", " "]))
    return cases


def test_what_it_reads_is_what_the_parser_reads():
    accepted = 0
    for text in _cases():
        got = read_flat(text)
        if got is not None:
            accepted += 1
            assert got == _parsed(text), repr(text)
    assert accepted > 200      # and it does read the common shapes


def test_the_front_matter_of_a_scene_is_read_flat():
    text = 'title: "Chapter I"\ncharacters: [anna-pavlovna, pierre]\nstatus: draft\npov: pierre\n'
    assert read_flat(text) == {"title": "Chapter I", "characters": ["anna-pavlovna", "pierre"],
                               "status": "draft", "pov": "pierre"}


@pytest.mark.parametrize("text", [
    "title: x\ntitle: y",             # a repeated key: the parser's finding
    "characters:\n  - anna",          # a block list
    "title: x # a comment",
    "when: 1805-07-01",               # a date stays text through the parser's own rule
    "done: yes", "done: on", "pov: null", "lost: [y, n]",
    "title: &a x", "title: !!str x", "%YAML 1.1\n---\ntitle: x",
    "title: 'it''s'", 'title: "a\\tb"',
    "title: x\u2028y", "\ufefftitle: x", "title:\tx",
    "",
])
def test_anything_else_goes_to_the_parser(text):
    assert read_flat(text) is None


def test_a_long_document_goes_to_the_parser_and_its_guard():
    # one line holding more values than the guard allows (yamlguard.MAX_NODES): read flat it
    # would be accepted and built in memory; the parser's guard refuses it
    from novelforge.project.yamlflat import MAX_FLAT_CHARS
    from novelforge.project.yamlguard import MAX_NODES

    huge = "aliases: [" + ", ".join(["a"] * (MAX_NODES + 1)) + "]"
    assert read_flat(huge) is None
    long_title = "title: " + "x" * MAX_FLAT_CHARS
    assert read_flat(long_title) is None
    assert read_flat("title: " + "x" * 100) == {"title": "x" * 100}
