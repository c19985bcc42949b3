"""One command line (docs/cli.md): every command's help follows one convention, the project
is the first argument everywhere, typos are one line in the tool's own style, counts are
words that agree."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import typer

from novelforge.cli import app as cli_app
from novelforge.cli.style import conform, walk
from tests.test_cli import assert_one_line_error, call, make_project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "ember-crown")


def _tree():
    cli_app._register()
    return conform(typer.main.get_command(cli_app.app))


def _commands() -> list[tuple[str, ...]]:
    """Every command and subcommand, found by walking the app (new commands included)."""
    return [path for path, _cmd in walk(_tree()) if path]


def test_the_walk_finds_commands_added_by_any_module():
    found = {" ".join(p) for p in _commands()}
    assert {"check", "export", "import", "promises", "promises suggest", "canon diff", "canon log",
            "canon rename", "canon merge", "hooks install", "help"} <= found
    assert len(found) >= 20


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_help_follows_the_convention(capsys, path):
    code, out, err = call(capsys, *path, "--help")
    assert code == 0, err
    usage = out.split("\n\n", 1)[0]
    # no Python types, no Click braces, no `x>=1` bounds
    types = r"<(?:path|file|str|int|float|bool|text|datetime|uuid|list\[[^>]*\]|[a-z]+ range|tuple[^>]*)>"
    for bad in (types, r"list\[\w+\]", r"\bint range\b", r"\bfloat range\b", r"\bx[<>]=?\d"):
        assert not re.search(bad, out), (path, bad, out)
    for bad in (r"\{[A-Za-z]", r"\[\[", r"<"):
        assert not re.search(bad, usage), (path, bad, usage)
    # arguments in the usage line are upper-case metavars
    pieces = usage.split(" ".join(path), 1)[1].split()
    for piece in pieces:
        word = piece.strip("[]|.")
        if word and word not in ("OPTIONS",):
            assert word.isupper() or not word.isalpha(), (path, piece, usage)
    # `-f` is `--format` (the output format), `-o` is `--output`; `--out` is no longer shown
    assert not re.search(r"-f, --(?!format\b)", out), out
    assert not re.search(r"-o, --(?!output\b)", out), out
    assert not re.search(r"--out\b(?!put)", out), out
    # an option's value is an upper-case word or a list of choices
    options = out.split("\nOptions:\n", 1)[-1].split("\n\nCommands:", 1)[0]
    for m in re.finditer(r"^  (?:-\w, )?--[\w-]+ (\S+)", options, re.M):
        value = m.group(1)
        assert value.isupper() or "|" in value or not value.isalpha() or value in ("a|b",), (path, m.group(0))


def test_help_command_and_short_version(capsys):
    code, via_help, _ = call(capsys, "help", "promises", "suggest")
    assert code == 0
    code, via_flag, _ = call(capsys, "promises", "suggest", "--help")
    assert via_help == via_flag and "Usage: novelforge promises suggest" in via_help
    code, coloured, _ = call(capsys, "--color", "never", "help", "promises", "suggest")
    assert code == 0 and coloured == via_flag
    code, listing, _ = call(capsys, "help")
    assert code == 0 and "Commands:" in listing and "canon" in listing
    code, short, _ = call(capsys, "-V")
    code2, long, _ = call(capsys, "--version")
    assert code == code2 == 0 and short == long and short.startswith("novelforge ")


@pytest.mark.parametrize("args,first", [
    (["chek"], "error: `novelforge` has no command `chek`"),
    (["check", "--opne"], "error: `novelforge check` has no option `--opne`"),
    (["canon", "log"], "error: `novelforge canon log` needs ENTITY"),
    (["canon", "rename", "only-one"], "error: expected [PROJECT] OLD NEW"),
    (["canon", "log", "-n", "0", "aria"], "error: `--limit`: must be at least 1"),
    (["canon", "log", "-n", "x", "aria"], "error: `--limit`: must be a whole number"),
    (["promises", "suggest", "--min-confidence", "2"], "error: `--min-confidence`: must be from 0.0 to 1.0"),
    (["check", "--fail-on"], "error: `--fail-on` needs a value"),
    (["help", "nope"], "error: `novelforge` has no command `nope`"),
])
def test_a_typo_is_one_line_in_the_tools_style(capsys, args, first):
    code, out, err = call(capsys, *args)
    assert code == 2
    assert "Usage:" not in err and "Try '" not in err
    assert_one_line_error(err)
    assert err.splitlines()[0].startswith(first), err
    assert "= help:" in err


def test_a_typo_suggests_the_command(capsys):
    _code, _out, err = call(capsys, "chek")
    assert "did you mean `check`" in err


# ----------------------------------------------------------------------------- the project argument
def test_promises_takes_the_project_after_its_options(capsys):
    code, by_first, _ = call(capsys, "promises", EXAMPLE, "--open", "--format", "json")
    assert code == 0
    code, after_flag, err = call(capsys, "promises", "--open", EXAMPLE, "--format", "json")
    assert code == 0, err
    code, after_value, err = call(capsys, "promises", "--format", "json", EXAMPLE, "--open")
    assert code == 0, err
    code, equals, err = call(capsys, "promises", "--format=json", "--open", EXAMPLE)
    assert code == 0, err
    assert by_first == after_flag == after_value == equals
    assert json.loads(by_first)["version"] == 1


def test_promises_help_shows_the_project(capsys):
    _code, out, _ = call(capsys, "promises", "--help")
    assert out.startswith("Usage: novelforge promises [OPTIONS] [PROJECT]")
    assert "\nArguments:\n  [PROJECT]" in out


def test_canon_log_and_diff_take_the_project_as_an_argument(capsys):
    code, positional, err = call(capsys, "canon", "log", EXAMPLE, "aria", "-f", "json")
    assert code == 0, err
    code, option, err = call(capsys, "canon", "log", "aria", "-p", EXAMPLE, "-f", "json")
    assert code == 0, err
    assert positional == option and json.loads(positional)["entity"]
    code, positional, err = call(capsys, "canon", "diff", EXAMPLE, "HEAD", "-f", "json")
    assert code == 0, err
    code, option, err = call(capsys, "canon", "diff", "HEAD", "-p", EXAMPLE, "-f", "json")
    assert code == 0, err
    code, alone, err = call(capsys, "canon", "diff", EXAMPLE, "-f", "json")
    assert code == 0, err
    assert positional == option == alone
    _code, out, _ = call(capsys, "canon", "diff", "--help")
    assert "[PROJECT] [RANGE]" in out and "--project" not in out


def test_the_project_given_twice_is_refused(capsys):
    code, _out, err = call(capsys, "canon", "log", EXAMPLE, "aria", "-p", EXAMPLE)
    assert code == 2 and "the project is given twice" in err
    assert_one_line_error(err)


# ----------------------------------------------------------------------------- --output, --from
def test_schema_and_export_take_output_and_the_old_out(tmp_path, capsys):
    code, _out, err = call(capsys, "schema", "-o", str(tmp_path / "new"))
    assert code == 0, err
    code, _out, err = call(capsys, "schema", "--out", str(tmp_path / "old"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == sorted(p.name for p in (tmp_path / "old").iterdir())
    code, _out, err = call(capsys, "export", EXAMPLE, "-f", "txt", "--output", str(tmp_path / "a.txt"))
    assert code == 0, err
    code, _out, err = call(capsys, "export", EXAMPLE, "-f", "txt", "--out", str(tmp_path / "b.txt"))
    assert code == 0, err
    assert (tmp_path / "a.txt").read_bytes() == (tmp_path / "b.txt").read_bytes()


def test_import_reads_from_and_keeps_format(tmp_path, capsys):
    src = tmp_path / "novel.text"
    src.write_text("Chapter 1\n\nIt began.\n\nChapter 2\n\nIt ended.\n", "utf-8")
    code, _out, err = call(capsys, "import", str(src), "--from", "txt", "--into", str(tmp_path / "a"))
    assert code == 0, err
    code, _out, err = call(capsys, "import", str(src), "-f", "txt", "--into", str(tmp_path / "b"))
    assert code == 0, err
    a = sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*"))
    b = sorted(p.relative_to(tmp_path / "b").as_posix() for p in (tmp_path / "b").rglob("*"))
    assert a == b and any(p.endswith(".md") for p in a)
    code, _out, err = call(capsys, "import", str(src), "--from", "pdf", "--into", str(tmp_path / "c"))
    assert code == 2 and "`--from pdf` is not a format of `novelforge import`" in err


# ----------------------------------------------------------------------------- counts in words
@pytest.mark.parametrize("count,noun,expected", [
    (1, "finding", "1 finding"), (2, "finding", "2 findings"), (0, "candidate", "0 candidates"),
    (1, "possible payoff", "1 possible payoff"), (3, "possible payoff", "3 possible payoffs"),
    (1, "entry", "1 entry"), (2, "entry", "2 entries"), (2, "day", "2 days"), (1204, "scene", "1,204 scenes"),
    (2, "match", "2 matches"),
])
def test_plural(count, noun, expected):
    from novelforge.wording import plural

    assert plural(count, noun) == expected


def test_one_pluralising_helper():
    """No module spells its own `'' if n == 1 else 's'`: every count goes through wording.plural."""
    pattern = re.compile(r"""(['"])\1 if [^\n]*== 1 else (['"])s\2|(['"])s\3 if [^\n]*!= 1 else|"""
                         r"""\[:-1\] if [^\n]*== 1|'entry' if|def _?plural\(""")
    offenders = [p.relative_to(ROOT).as_posix() for p in (ROOT / "novelforge").rglob("*.py")
                 if p.name != "wording.py" and pattern.search(p.read_text("utf-8"))]
    assert offenders == []


def test_impact_counts_agree():
    from types import SimpleNamespace

    from novelforge.vcs.impact_format import _tally

    r = SimpleNamespace(appeared=[1], disappeared=[], scenes={"a": 1})
    assert _tally(r) == "1 finding appears, 0 disappear, 1 scene affected"
    r = SimpleNamespace(appeared=[1, 2], disappeared=[1], scenes={"a": 1, "b": 2})
    assert _tally(r) == "2 findings appear, 1 disappears, 2 scenes affected"


def test_suggest_counts_agree(tmp_path, capsys):
    root = make_project(tmp_path / "novel", scene="---\ntitle: T\npov: aria\ncharacters: [aria]\n---\n\n"
                        "Aria swore she would return for the sword one day.\n")
    code, _out, err = call(capsys, "promises", "suggest", str(root))
    assert code == 0, err
    count = re.search(r"^(\d+) (candidates?) ", err, re.M)
    assert count, err
    assert (count.group(2) == "candidate") == (count.group(1) == "1")


# ----------------------------------------------------------------------------- check PATH
def test_check_path_summary_counts_what_is_shown(tmp_path, capsys):
    book = tmp_path / "book"
    shutil.copytree(EXAMPLE, book)
    scene = book / "manuscript/01-ashes/01-the-summons.md"
    scene.write_text(scene.read_text("utf-8").replace("characters: [aria, bram, corvane]",
                                                      "characters: [aria, bram, corvane, nobody]"), "utf-8")
    other = book / "manuscript/02-the-road/01-the-iron-key.md"
    other.write_text(other.read_text("utf-8").replace("characters: [aria, corvane, bram]",
                                                      "characters: [aria, corvane, bram, nobody]"), "utf-8")
    code, whole, _ = call(capsys, "check", str(book), "--format", "json")
    total = json.loads(whole)["summary"]
    code, out, err = call(capsys, "check", str(scene), "--format", "json")
    shown = json.loads(out)
    assert shown["summary"]["scenes"] == 1 and total["scenes"] > 1
    assert shown["summary"]["errors"] == len([d for d in shown["diagnostics"] if d["severity"] == "error"])
    assert 0 < shown["summary"]["words"] < total["words"]
    code, text, _ = call(capsys, "check", str(scene), "--no-cache")
    last = [line for line in text.splitlines() if line.startswith("Found")][0]
    assert " in 1 scene, " in last
    outside = len(json.loads(whole)["diagnostics"]) - len(shown["diagnostics"])
    assert outside > 0 and f"{outside} other finding" in last and "outside the paths given" in last
