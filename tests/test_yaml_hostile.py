"""Hostile YAML in every place a project's YAML is read (issue #11): merge-key and alias
bombs, nesting deep enough to crash the C composer, files that made the loader quadratic,
tags that name Python code, and NF001 messages in a novelist's words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.reliability._yaml_places import PLACES, Place, prepare, with_yaml
from novelforge.project import yamlguard, yamlwords
from novelforge.project.loader import load_project
from novelforge.project.yamlio import MAX_DEPTH, YamlDoc, YamlSyntaxError, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
DEEP = 30_000


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return prepare(tmp_path_factory.mktemp("hostile") / "book")


@pytest.fixture
def book(pristine, tmp_path) -> Path:
    import shutil

    return Path(shutil.copytree(pristine, tmp_path / "book"))


def put(root: Path, place: Place, yaml_text: str) -> None:
    path = root / place.path
    path.write_text(with_yaml(place, yaml_text, path.read_text("utf-8")), "utf-8")


def findings(root: Path, place: Place) -> list:
    return [d for d in load_project(root).diagnostics if d.path == place.path]


def nf001(root: Path, place: Place):
    found = [d for d in findings(root, place) if d.code == "NF001"]
    assert len(found) == 1, [(d.code, d.message) for d in findings(root, place)]
    return found[0]


def line_offset(place: Place) -> int:
    return 1 if place.form == "front" else 0


def raises(text: str) -> YamlSyntaxError:
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml(text)
    return exc.value


# ----------------------------------------------------------------------------- deep nesting
FORMS = {
    # (the YAML, the 0-based line and column where the level past the limit opens)
    "flow list": ("title: x\nsummary: " + "[" * DEEP + "]" * DEEP + "\n", (1, 9 + MAX_DEPTH - 1)),
    "flow mapping": ("title: x\nsummary: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n",
                     (1, 9 + 4 * (MAX_DEPTH - 1))),
    "block list": ("- " * DEEP + "x\n", (0, 2 * MAX_DEPTH)),
    "mixed": ("title: x\nsummary: " + "[{a: " * (DEEP // 2) + "1" + "}]" * (DEEP // 2) + "\n",
              (1, 9 + 5 * ((MAX_DEPTH - 1) // 2) + (MAX_DEPTH - 1) % 2)),
}


def _nested_mappings(levels: int) -> str:
    return "".join(" " * i + f"k{i}:\n" for i in range(levels)) + " " * levels + "x\n"


@pytest.mark.parametrize("form", sorted(FORMS))
def test_deep_nesting_is_refused_before_parsing_at_the_level_past_the_limit(form):
    text, (line, col) = FORMS[form]
    start = time.perf_counter()
    exc = raises(text)
    assert time.perf_counter() - start < 0.5
    assert exc.message == yamlwords.TOO_DEEP
    assert (exc.line, exc.column) == (line + 1, col + 1), (exc.line, exc.column)


def test_nested_mappings_by_indentation_are_refused():
    # n levels of indentation take n²/2 characters: 4,000 levels is 8 MB, under the 10 MB
    # file limit (30,000 would be 450 MB, refused by the size limit before being read)
    exc = raises(_nested_mappings(4_000))
    assert exc.message == yamlwords.TOO_DEEP
    assert (exc.line, exc.column) == (MAX_DEPTH + 1, MAX_DEPTH + 1)


def test_nesting_up_to_the_limit_is_read():
    assert parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    assert raises("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).message == yamlwords.TOO_DEEP
    data = parse_yaml(_nested_mappings(MAX_DEPTH - 1))
    for i in range(MAX_DEPTH - 1):
        data = data[f"k{i}"]
    assert data == "x"


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.name)
def test_deep_nesting_in_every_place_is_a_positioned_finding(book, place):
    put(book, place, "title: x\nsummary: " + "[" * DEEP + "]" * DEEP + "\n")
    d = nf001(book, place)
    assert d.message == yamlwords.TOO_DEEP
    assert (d.line, d.column) == (2 + line_offset(place), 9 + MAX_DEPTH)


def _cli(root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "novelforge", "check", str(root), "--format", "json", "--no-cache"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("form", ["flow list", "block list", "flow mapping"])
def test_deep_nesting_everywhere_through_the_cli_exits_1_with_findings_not_139(book, form):
    text = FORMS[form][0]
    for place in PLACES:
        put(book, place, text)
    result = _cli(book)
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    broken = {d["path"] for d in report["diagnostics"] if d["code"] == "NF001" and d["message"] == yamlwords.TOO_DEEP}
    assert broken == {p.path for p in PLACES}


def test_positions_of_a_text_that_skipped_the_parse_are_guarded_too():
    """A YamlDoc made from a cache hit never went through parse_yaml: asking it for a
    position must not hand a hostile text to the C composer (which would crash)."""
    doc = YamlDoc("x.yaml", "title: x\nsummary: " + "[" * DEEP + "]" * DEEP + "\n", {"title": "x"})
    assert doc.position(("title",)) == (1, 1)  # the fallback: the start of the file


# ----------------------------------------------------------------------------- bombs
def merge_bomb(levels: int) -> str:
    lines = ["title: Ashes", "m0: &m0 {a: 1, b: 2}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: {i}}}" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def laughs() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.name)
def test_merge_key_bomb_is_refused_while_parsing(book, place):
    text = merge_bomb(22)  # 809 bytes; took 33 s and 300 MB before the guard
    assert len(text) < 1000
    put(book, place, text)
    start = time.perf_counter()
    d = nf001(book, place)
    assert time.perf_counter() - start < 2
    assert d.message.startswith("broken YAML: the aliases in this file (such as `*m")
    # refused at the first alias where the expansion passes the limit (m15: 2^17 values)
    assert (d.line - line_offset(place), d.column) == (17, 17)


def test_billion_laughs_and_a_list_of_aliases_are_refused_fast():
    for text in (laughs(), "a: &a [" + ",".join(["x"] * 1000) + "]\nb: [" + ",".join(["*a"] * 1000) + "]\n"):
        start = time.perf_counter()
        exc = raises(text)
        assert time.perf_counter() - start < 0.2
        assert "aliases" in exc.message and "200,000" in exc.message


def test_a_small_merge_is_still_read():
    data = parse_yaml("base: &b {eyes: grey, hair: black}\naria:\n  <<: *b\n  hair: red\n")
    assert data["aria"] == {"eyes": "grey", "hair": "red"}


def test_a_long_list_is_refused_as_too_many_values_without_talking_of_aliases():
    text = "summary: [" + ", ".join(f"item{i}" for i in range(600_000)) + "]\n"  # 5.3 MB
    assert 5_000_000 < len(text) < 10_000_000
    start = time.perf_counter()
    exc = raises(text)
    assert time.perf_counter() - start < 1.5  # stops at the 200,001st value (was 13 s and 616 MB)
    assert exc.message == "broken YAML: this file holds more than 200,000 values; split it into smaller files"
    assert "alias" not in exc.message
    # the root mapping, the list and 199,999 items make 200,001 values
    assert exc.line == 1 and exc.column == text.index("item199998") + 1


def test_recursive_undefined_and_twice_defined_anchors():
    assert "repeat itself forever" in raises("a: &a [1, *a]\n").message
    assert raises("a: *nope\n").message.startswith("broken YAML: `*nope` refers to `&nope`, which is not defined")
    exc = raises("a: &x 1\nb: &x 2\nc: *x\n")
    assert exc.message == ("broken YAML: the anchor `&x` is defined twice in this file (first on line 1); "
                           "give each its own name")
    assert (exc.line, exc.column) == (2, 4)


def test_keys_that_are_lists_are_refused():
    for text in ("[a, b]: c\n", "? {a: 1}\n: x\n", "a: &l [1]\n*l : x\n"):
        assert "a key here is" in raises(text).message


# ----------------------------------------------------------------------------- quadratic work
def test_positions_of_20000_keys_are_linear():
    text = "title: x\n" + "".join(f"unknown{i}: {i}\n" for i in range(20_000))
    doc = YamlDoc("x.yaml", text, parse_yaml(text))
    start = time.perf_counter()
    positions = [doc.position((f"unknown{i}",), key=True) for i in range(20_000)]
    assert time.perf_counter() - start < 3  # was 50 s: a scan of the mapping per key
    assert positions[0] == (2, 1) and positions[-1] == (20_001, 1)
    assert doc.position(("unknown7",)) == (9, 11)


def test_20000_unknown_keys_load_in_seconds(book):
    place = PLACES[1]  # chapter.yaml
    put(book, place, "title: x\n" + "".join(f"unknown{i}: {i}\n" for i in range(20_000)))
    start = time.perf_counter()
    found = findings(book, place)
    assert time.perf_counter() - start < 10  # was 19 s for the whole check
    assert sum(d.code == "NF009" for d in found) >= 1


# ----------------------------------------------------------------------------- hostile tags
MARKER = "hostile-tag-ran"

TAGS = [
    "!!python/object/apply:os.system ['touch {m}']",
    "!!python/object/apply:subprocess.check_call [['touch', '{m}']]",
    "!!python/object/new:subprocess.Popen [['touch', '{m}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:__main__.X {{a: 1}}",
    "!include /etc/passwd",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {m}']",
    "!!binary aGVsbG8=",
    "!!set {{a, b}}",
    "!!omap [a: 1]",
]


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.name)
def test_hostile_tags_never_build_anything(book, place):
    marker = book.parent / MARKER
    for tag in TAGS:
        put(book, place, "title: x\nsummary: " + tag.format(m=marker) + "\n")
        d = nf001(book, place)
        assert "is a YAML tag, and NovelForge reads no tags of that kind" in d.message
        assert (d.line - line_offset(place), d.column) == (2, 10)
    assert not marker.exists()


def test_hostile_tags_through_the_cli_run_nothing(book):
    marker = book.parent / MARKER
    for place, tag in zip(PLACES, TAGS):
        put(book, place, "title: x\nsummary: " + tag.format(m=marker) + "\n")
    result = _cli(book)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not marker.exists()
    report = json.loads(result.stdout)
    assert {d["path"] for d in report["diagnostics"] if d["code"] == "NF001"} == {p.path for p in PLACES}


def test_impact_guards_the_text_its_round_trip_loader_reads(book, capsys):
    """`impact --set` edits a copy with ruamel's round-trip loader. Its front-matter split
    (the first `\\n---`) is not the loader's (a `---` or `...` line): a canon entry closed with
    `...` hands it the body too. That text is guarded like every other YAML place."""
    from test_cli import assert_one_line_error, call

    marker = book.parent / MARKER
    cases = {
        "deep": "[" * DEEP + "]" * DEEP,
        "tag": f"x: !!python/object/apply:os.system ['touch {marker}']",
    }
    for name, body in cases.items():
        (book / "canon/characters/wren.md").write_text(f"---\nname: Wren\n...\n{body}\n---\nA ferrywoman.\n", "utf-8")
        assert "wren" in load_project(book).characters
        code, _out, err = call(capsys, "impact", str(book), "--set", "wren.eyes=green")
        assert code == 2, (name, err)
        assert_one_line_error(err)
        assert "canon/characters/wren.md" in err and "cannot be edited" in err
    assert not marker.exists()


# ----------------------------------------------------------------------------- messages
RAW = ("second occurrence", "found another document", "aliases that repeat themselves", "did not find expected",
       "could not find expected", "while parsing", "while scanning", "found character", "found duplicate",
       "found undefined", "constructor", "unacceptable character", "#x", "tag:yaml.org")


@pytest.mark.parametrize("text, expected", [
    ("title: A\ntitle: B\n", "broken YAML: `title` appears twice here (first on line 1); keep one"),
    ("title: A\n---\ntitle: B\n", yamlwords.SECOND_DOCUMENT),
    ("a: 1\nb:\n  c: 1\n  c: 2\n", "broken YAML: `c` appears twice here (first on line 3); keep one"),
    ("a: \x07\n", "broken YAML: the invisible character U+0007 is not allowed in YAML; delete it"),
    ('a: "x\\qy"\n', "broken YAML: `\\q` is not an escape YAML knows between double quotes; write `\\\\` for a "
                     "backslash, or use single quotes"),
    ("a: 1\n- b\n", "broken YAML: a list item (`- `) here is not part of any list; put it on the line below a "
                    "`key:`, indented"),
    ('a: "x" y\n', "broken YAML: more text follows a closing quote here; put the whole value in quotes"),
    ("a: [1, , 2]\n", "broken YAML: a value is missing before `,`; write one, or remove the `,`"),
    ("@a: 1\n", "broken YAML: a value cannot begin with `@`; put the text in quotes"),
    ("n: !!int many\n", "broken YAML: `many` is not a whole number, as the tag `!!int` says; remove the tag"),
    ("n: " + "9" * 5000 + "\n", "broken YAML: `" + "9" * 39 + "…` has too many digits to be a number; put it in "
                                "quotes to keep it as text"),
    ("a: !!map x\n", "broken YAML: the tag `!!map` does not fit a piece of text or a number; remove the tag"),
])
def test_messages_are_sentences(text, expected):
    exc = raises(text)
    assert exc.message == expected
    assert yamlwords.is_known(exc.message)
    assert not any(raw in exc.message for raw in RAW)


def test_every_humanized_problem_is_a_known_message():
    """Every problem libyaml and ruamel.yaml are known to raise, through the mapping."""
    problems = [
        ("found character that cannot start any token", "while scanning for the next token"),
        ("found unexpected end of stream", "while scanning a quoted scalar"),
        ("did not find expected key", "while parsing a block mapping"),
        ("did not find expected '-' indicator", "while parsing a block collection"),
        ("did not find expected node content", "while parsing a flow node"),
        ("did not find expected ',' or ']'", "while parsing a flow sequence"),
        ("could not find expected ':'", "while scanning a simple key"),
        ("did not find expected <document start>", None),
        ("block sequence entries are not allowed in this context", None),
        ("mapping keys are not allowed in this context", None),
        ("did not find expected alphabetic or numeric character", "while scanning an anchor"),
        ("did not find the expected '>'", "while scanning a tag"),
        ("found undefined tag handle", "while parsing a node"),
        ("found unknown directive name", "while scanning a directive"),
        ("found incompatible YAML document", None),
        ("found an indentation indicator equal to 0", "while scanning a block scalar"),
        ("found a tab character that violates indentation", "while scanning a plain scalar"),
        ("found undefined alias", None), ("second occurrence", "found duplicate anchor; first occurrence"),
        ("but found another document", "expected a single document in the stream"),
        ("found unhashable key", "while constructing a mapping"),
        ('found duplicate merge key "<<"', "while constructing a mapping"),
        ("expected a mapping or list of mappings for merging, but found scalar", "while constructing a mapping"),
        ("could not determine a constructor for the tag '!x'", None),
        ("expected a mapping node, but found scalar", None),
        ("something no version of ruamel.yaml says yet", None),
    ]
    for problem, context in problems:
        message = yamlwords.humanize(problem, "a: *x\n", 3, context, 1)
        assert message and yamlwords.is_known(message), (problem, message)
        assert not any(raw in message for raw in RAW), message


def test_positions_count_only_newlines():
    # YAML also breaks lines at U+2028; the report numbers lines by "\n" only
    text = 'summary: "one\u2028two"\nstatus: zombie\n'
    doc = YamlDoc("x.yaml", text, parse_yaml(text))
    assert doc.position(("status",)) == (2, 9)
    assert doc.position(("status",), key=True) == (2, 1)
    exc = raises("title: x\nsummary: \u00e9\u2028\x07\n")  # the C reader counts bytes, the report characters
    assert (exc.line, exc.column) == (2, 12)
    exc = raises("\ufefftitle: x\nsummary: \x07\n")
    assert (exc.line, exc.column) == (2, 10)


# ----------------------------------------------------------------------------- the fast path
TRICKY = [
    "a: b & c\n", "a: wow!\n", "a: is it?\n", "a: [x]\n", "a: {b: 1}\n", "a: *x\n", "a: &x 1\n", "a: !t x\n",
    "a: [*x]\n", "a: [!t x]\n", "a:\t!t x\n", "[a]: b\n", "{a: 1}: b\n", "? a\n: b\n", "a: 1\n--- \nb: 2\n",
    "a: 1\n...\n", "- - - x\n", "a: b\r---\rc: d\n", "a: b\u2028!t c\n", "\ufeff!t a\n", "a:\n- &x 1\n- *x\n",
    "a: [1, 2]: 3\n", "{a: [1]}: 2\n", "a: \"x\" !t\n", "a: ,&x 1\n", "a: [b,*c]\n", "a:\n  ? b\n  : c\n",
    "- " * (MAX_DEPTH + 1) + "x\n", ("k: [" * 60) + ("]" * 60) + "\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_fast_path_only_skips_texts_the_full_guard_accepts(text):
    if yamlguard.plainly_safe(text):
        try:
            yamlguard.guard(text, fast=False)
        except yamlguard.Refused as exc:  # pragma: no cover - the failure this test exists for
            pytest.fail(f"plainly_safe accepted {text!r}, which the guard refuses: {exc.message}")
        except Exception:
            pass  # a syntax error: the loader reports it either way


def test_the_fast_path_takes_the_example_files():
    from bench.reliability._yaml_places import EXAMPLE, yaml_of

    texts = [p.read_text("utf-8") for p in EXAMPLE.rglob("*.yaml")]
    texts += [yaml_of(Place("", "", "front", ""), p.read_text("utf-8")) for p in (EXAMPLE / "manuscript").rglob("*.md")]
    assert len(texts) > 40
    assert sum(map(yamlguard.plainly_safe, texts)) >= 0.9 * len(texts)
