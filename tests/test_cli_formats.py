"""One output-format mechanism for every command (novelforge/formats.py), one message for an
unknown format, one JSON ``version`` convention, and a CLI that imports nothing below the
library API."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from gitrepo import example_repo
from novelforge import formats
from novelforge.errors import OptionError, UnknownFormat
from test_cli import ROOT, assert_one_line_error, call, make_project

EXAMPLE = str(ROOT / "examples" / "ember-crown")

# every command with --format: its table and the arguments it needs besides --format
COMMANDS = [
    (formats.CHECK, ["check", EXAMPLE]),
    (formats.PROMISES, ["promises", EXAMPLE]),
    (formats.SUGGEST, ["promises", "suggest", EXAMPLE]),
    (formats.IMPACT, ["impact", EXAMPLE]),
    (formats.CANON_DIFF, ["canon", "diff", "-p", EXAMPLE]),
    (formats.CANON_LOG, ["canon", "log", "aria", "-p", EXAMPLE]),
    (formats.RULES, ["rules"]),
    (formats.EXPORT, ["export", EXAMPLE]),
    (formats.IMPORT, ["import", EXAMPLE + "/manuscript/01-ashes/01-the-summons.md"]),
    (formats.USAGE, ["usage", EXAMPLE]),
    (formats.CACHE_STATS, ["cache", "stats", EXAMPLE]),
    (formats.SUMMARIZE, ["summarize", EXAMPLE]),
    (formats.DRAFT, ["draft", "--dry-run", EXAMPLE + "/manuscript/01-ashes/01-the-summons.md"]),
    (formats.SEARCH, ["search", "iron", EXAMPLE]),
    (formats.STATS, ["stats", EXAMPLE]),
    (formats.VOICES, ["voices", EXAMPLE]),
    (formats.TIMELINE, ["timeline", EXAMPLE]),
]


def test_every_table_is_listed_and_named_after_its_command():
    assert [t.command for t in formats.TABLES] == [t.command for t, _args in COMMANDS]
    for table, args in COMMANDS:
        words = [a for a in args if not a.startswith(("-", "/")) and a not in ("aria", "iron")]
        assert table.command == "novelforge " + " ".join(words)


@pytest.mark.parametrize("table,args", COMMANDS, ids=[t.command for t, _ in COMMANDS])
def test_an_unknown_format_is_one_message_for_every_command(tmp_path, capsys, monkeypatch, table, args):
    monkeypatch.chdir(tmp_path)
    code, out, err = call(capsys, *args, "--format", "nonsense")
    assert code == 2 and out == ""
    assert_one_line_error(err)
    assert err.splitlines()[0] == (f"error: `--format nonsense` is not a format of `{table.command}`; "
                                   f"use one of: {', '.join(table)}")
    assert list(tmp_path.iterdir()) == []          # nothing written


@pytest.mark.parametrize("table,args", COMMANDS, ids=[t.command for t, _ in COMMANDS])
def test_help_shows_the_formats_of_the_table(capsys, table, args):
    command = [a for a in args if not a.startswith(("-", "/")) and a not in ("aria", "iron")]
    code, out, _err = call(capsys, *command, "--help")
    assert code == 0
    assert table.metavar in out


def test_every_renderer_loads():
    for table in formats.TABLES:
        for spec in table.values():
            if spec.renderer is not None:
                assert callable(spec.load()), spec


def test_a_missing_renderer_module_is_not_available(monkeypatch):
    spec = formats.Format("pdf", "novelforge.export.no_such_module:render", "not there")
    with pytest.raises(OptionError) as exc:
        spec.load()
    assert str(exc.value) == "`pdf` is not available in this version of NovelForge"
    assert exc.value.worded({})[0] == "`--format pdf` is not available in this version of NovelForge"


def test_lookup_and_suffixes():
    assert formats.EXPORT.get_format(" EPUB ").name == "epub"          # export forgives case
    with pytest.raises(UnknownFormat):
        formats.CHECK.get_format("JSON")                               # the others are exact
    assert formats.EXPORT.for_suffix("book.markdown").name == "md"
    assert formats.EXPORT.for_suffix("book.pdf") is None
    assert [f.name for f in formats.EXPORT.values() if f.binary] == ["docx", "docx-reading", "epub"]
    assert "json" in formats.CHECK and len(formats.CHECK) == 5
    assert formats.CHECK.metavar == "text|json|sarif|github|junit"


# ----------------------------------------------------------------------------- JSON version
@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return example_repo(tmp_path_factory.mktemp("formats") / "book")


@pytest.mark.parametrize("table,args", [
    (formats.CHECK, ["check", "{repo}", "--exit-zero"]),
    (formats.PROMISES, ["promises", "{repo}"]),
    (formats.IMPACT, ["impact", "{repo}", "--set", "aria.eyes=green"]),
    (formats.CANON_DIFF, ["canon", "diff", "-p", "{repo}"]),
    (formats.CANON_LOG, ["canon", "log", "aria", "-p", "{repo}"]),
    (formats.STATS, ["stats", "{repo}"]),
    (formats.TIMELINE, ["timeline", "{repo}"]),
], ids=lambda v: getattr(v, "command", None))
def test_every_json_object_starts_with_its_version(repo, capsys, table, args):
    assert table["json"].version == 1
    code, out, err = call(capsys, *[a.replace("{repo}", str(repo)) for a in args], "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert next(iter(doc)) == "version" and doc["version"] == table["json"].version
    assert out.endswith("}\n") and "\\u2014" not in out            # formats.dump_json: UTF-8, one newline


def test_the_array_documents_have_no_version():
    """`rules` and `promises suggest` print JSON arrays (docs/json-format.md): they get a
    version when they next change shape, by becoming an object."""
    assert formats.RULES["json"].version is None and formats.SUGGEST["json"].version is None


# ----------------------------------------------------------------------------- the CLI's imports
# novelforge.replay: a repeated command's stored output (bytes and an exit code; it reads no project)
ALLOWED = ("novelforge.api", "novelforge.formats", "novelforge.errors", "novelforge.cli", "novelforge.wording",
           "novelforge.replay")


def _novelforge_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "novelforge":
            if node.module == "novelforge":
                found += [f"novelforge.{a.name}" for a in node.names]
            else:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "novelforge"]
    return found


def test_the_cli_imports_only_the_api_formats_and_errors():
    bad = {}
    for path in sorted((ROOT / "novelforge" / "cli").glob("*.py")):
        wrong = [m for m in _novelforge_imports(path)
                 if m != "novelforge.__version__" and not m.startswith(ALLOWED)]
        if wrong:
            bad[path.name] = wrong
    assert bad == {}


def test_cli_modules_are_small():
    for path in (ROOT / "novelforge" / "cli").glob("*.py"):
        assert len(path.read_text("utf-8").splitlines()) <= 200, path.name


# ----------------------------------------------------------------------------- wording
@pytest.mark.parametrize("args,cli", [
    (["export", EXAMPLE, "-f", "md", "--status", "done"], "`--status done` is not a scene status"),
    (["export", EXAMPLE, "-f", "md", "--chapters", "20-"], "help: check --status and --chapters;"),
    (["export", EXAMPLE, "-f", "md", "--cover", EXAMPLE + "/novelforge.yaml"],
     "`--cover` applies to formats with a cover (epub), not md"),
    (["impact", EXAMPLE, "--set", "aria"], "`--set aria` needs the form"),
    (["impact", EXAMPLE, "--in", "x"], "`--in` says where a character dies; give the character with --kill"),
    (["impact", EXAMPLE, "--kill", "greywood"], "`--kill greywood`: only characters die"),
    (["check", EXAMPLE, "--staged", "--base", "HEAD"],
     "--staged compares the staging area with HEAD; it cannot be combined with --base"),
    (["promises", "suggest", EXAMPLE, "--accept", "a", "--reject", "b"], "give --accept or --reject, not both"),
    (["init", "{tmp}/new", "--install", "x"], "--install says where CI installs NovelForge from; it goes with --ci"),
])
def test_the_cli_words_the_library_parameters_as_flags(tmp_path, capsys, monkeypatch, args, cli):
    monkeypatch.chdir(tmp_path)
    code, _out, err = call(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert code == 2 and cli in " ".join(err.split())
    assert_one_line_error(err)


def test_a_user_value_is_never_read_as_a_placeholder():
    from novelforge.errors import literal

    exc = OptionError(literal("no canon entry `{kill}`") + "; {value}", option="kill", value="{sets}")
    assert str(exc) == "no canon entry `{kill}`; `{sets}`"
    assert exc.worded({})[0] == "no canon entry `{kill}`; `--kill {sets}`"


def test_a_project_that_does_not_exist_is_one_message(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    for args in (["check", str(missing)], ["promises", str(missing)], ["promises", "suggest", str(missing)],
                 ["impact", str(missing)], ["canon", "diff", "-p", str(missing)], ["hooks", "status", str(missing)],
                 ["export", str(missing), "-f", "md"], ["rules", str(missing)]):
        code, _out, err = call(capsys, *args)
        assert code == 2 and err.splitlines()[0] == f"error: `{missing}` does not exist", args


def test_output_option_writes_the_file(tmp_path, capsys):
    project = make_project(tmp_path / "novel")
    target = tmp_path / "out" / "report.json"
    code, out, _err = call(capsys, "check", str(project), "-f", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text("utf-8"))["version"] == 1
