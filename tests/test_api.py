"""The library API (novelforge/api/): what the CLI, the Writers' Room and the server call.
Each function returns a result and raises typed errors that name the library's parameters,
never a command-line flag."""

from __future__ import annotations

import ast
import gc
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import example_repo, git
from novelforge import api
from novelforge.errors import NothingStaged, NothingToCheck, OptionError, PathNotFound, ProjectNotFound, UnknownFormat
from novelforge.formats import CHECK
from test_cli import ROOT, make_project

EXAMPLE = ROOT / "examples" / "ember-crown"
FLAG = re.compile(r"--[a-z]")


@pytest.fixture
def repo(tmp_path) -> Path:
    return example_repo(tmp_path / "book")


@pytest.fixture
def novel(tmp_path) -> Path:
    """A copy of the example (not in git) the test may change."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "novel", ignore=shutil.ignore_patterns(".novelforge")))


# ----------------------------------------------------------------------------- the surface
def test_importing_the_api_loads_no_command():
    code = ("import sys, novelforge.api as api\n"
            "assert 'novelforge.rules.engine' not in sys.modules\n"
            "assert callable(api.init) and 'novelforge.rules.engine' not in sys.modules\n"
            "assert callable(api.check) and 'novelforge.rules.engine' in sys.modules\n"
            "print('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr


def test_no_name_of_the_api_is_also_one_of_its_modules():
    # importing novelforge.api.X binds api.X to the module: a function named X would be
    # replaced by it for every later caller (the CI failure of api.search)
    from novelforge.api import _WHERE

    modules = {p.stem for p in Path(api.__file__).parent.glob("*.py")}
    assert sorted(name for name in _WHERE if name in modules) == []
    code = ("import importlib, novelforge.api as api\n"
            "[importlib.import_module('novelforge.api.' + m) for m in sorted(set(api._WHERE.values()) - {None})]\n"
            "assert all(not isinstance(getattr(api, n), type(api)) for n in api.__all__)\nprint('ok')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr


def test_every_function_says_what_it_returns_and_raises():
    for name in api.__all__:
        value = getattr(api, name)
        assert value.__doc__, name
        if inspect.isfunction(value) and name != "describe_changes":
            assert "Raise" in value.__doc__, name
    with pytest.raises(AttributeError):
        api.nothing_here


def _raised_strings(path: Path) -> list[str]:
    """Every string written in a `raise` statement of a module (messages and helps)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Raise):
            out += [c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return out


@pytest.mark.parametrize("module", ["export/writer.py", "vcs/impact.py", "formats.py", "api/checking.py",
                                    "api/ledger.py", "api/git.py", "api/books.py", "api/start.py",
                                    "api/catalogue.py", "api/projects.py", "scaffold.py"])
def test_library_errors_name_no_flag(module):
    strings = _raised_strings(ROOT / "novelforge" / module)
    # a help may show a whole command to run (`novelforge init --ci github`); nothing else names a flag
    assert [s for s in strings if FLAG.search(s) and "`novelforge " not in s] == []


# ----------------------------------------------------------------------------- check
def test_check_the_whole_book():
    report = api.check(EXAMPLE)
    assert report.changes is None and report.project.root == EXAMPLE
    assert report.summary()["scenes"] == 17 and int(report.exit_code()) == 0
    assert "All clear" in CHECK.render("text", report) or "Found" in CHECK.render("text", report)


def test_check_limited_to_paths_and_the_errors_of_a_path():
    report = api.check(paths=[EXAMPLE / "manuscript" / "01-ashes"])
    assert all(d.path.startswith("manuscript/01-ashes") for d in report.diagnostics)
    with pytest.raises(PathNotFound) as exc:
        api.check(paths=[EXAMPLE / "nowhere"])
    assert str(exc.value) == f"`{EXAMPLE / 'nowhere'}` does not exist"


def test_nothing_to_check(tmp_path):
    project = make_project(tmp_path / "novel", scene=None)
    with pytest.raises(NothingToCheck, match="nothing to check: no scenes under"):
        api.check(project)
    with pytest.raises(ProjectNotFound):
        api.check(tmp_path)


def test_changed_gives_a_typed_change_set(repo):
    scene = next((repo / "manuscript").rglob("*.md"))
    scene.write_text(scene.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    seen = []
    report = api.check(repo, changed=True, use_cache=False, on_changes=lambda c, p: seen.append((c, len(p.scenes))))
    changes = report.changes
    assert type(changes).__name__ == "ChangeSet" and seen == [(changes, 17)]
    rel = scene.relative_to(repo).as_posix()
    assert changes.scenes[rel][0] == "changed" and changes.files == {rel: "modified"}
    assert report.summary()["scenes"] == len(changes.scenes)
    assert api.describe_changes(changes, 17).startswith("Checking 1 changed scene")
    assert '"changed": {' in CHECK.render("json", report)


def test_staged_keeps_its_snapshot_while_the_report_lives(repo):
    scene = next((repo / "manuscript").rglob("*.md"))
    scene.write_text(scene.read_text("utf-8") + "\nStaged words.\n", "utf-8")
    git(repo, "add", str(scene))
    report = api.check(repo, staged=True)
    snapshot = report.project.root
    assert snapshot != repo and (snapshot / "novelforge.yaml").is_file()
    assert report.changes.base_label == "HEAD" and list(report.changes.files) == [scene.relative_to(repo).as_posix()]
    CHECK.render("text", report)
    del report
    gc.collect()
    assert not snapshot.exists()


def test_staged_without_the_project_is_nothing_to_check(novel):
    git(novel, "init", "-q")
    with pytest.raises(NothingStaged) as exc:
        api.check(novel, staged=True)
    assert int(exc.value.exit_code) == 0


def test_staged_with_a_base_names_the_parameters(repo):
    with pytest.raises(OptionError) as exc:
        api.check(repo, staged=True, base="HEAD")
    assert str(exc.value) == "staged compares the staging area with HEAD; it cannot be combined with base"
    assert exc.value.worded({})[0] == "--staged compares the staging area with HEAD; it cannot be combined with --base"


def test_record_baseline(novel):
    done = api.record_baseline(novel)
    assert done.rel == ".novelforge/baseline.json" and done.path.is_file() and done.count >= 1
    report = api.check(novel)
    assert report.diagnostics == [] and report.baselined == done.count


# ----------------------------------------------------------------------------- promises
def test_promises_and_kinds():
    report = api.promises(EXAMPLE, kind="clue")
    assert report.rows and {r.kind for r in report.rows} == {"clue"}
    with pytest.raises(OptionError) as exc:
        api.promises(EXAMPLE, kind="gun")
    assert str(exc.value).startswith("`gun` is not a promise kind") and exc.value.option == "kind"


def test_suggest_accept_and_reject(novel):
    found = api.suggest(novel, use_cache=False)
    assert found.candidates and found.payoffs is None
    first, second = found.candidates[0].id, found.candidates[1].id
    rejected = api.suggest(novel, reject=first, use_cache=False)
    assert rejected.rejected == first and (novel / rejected.rejected_file).is_file()
    assert first not in {c.id for c in api.suggest(novel, use_cache=False).candidates}
    accepted = api.suggest(novel, accept=second, use_cache=False)
    assert accepted.accepted_rel == f"canon/promises/{second}.yaml" and accepted.accepted.is_file()
    with pytest.raises(OptionError, match="give accept or reject, not both"):
        api.suggest(novel, accept="a", reject="b")


def test_suggest_payoffs():
    found = api.suggest(EXAMPLE, payoffs="pale-lights", use_cache=False)
    assert found.promise == "pale-lights" and found.payoffs is not None and found.candidates == []


# ----------------------------------------------------------------------------- git
def test_impact_of_a_hypothetical_edit(repo):
    result = api.impact(repo, kill="bram", kill_in="riders-in-the-greywood")
    assert result.appeared and all(d.code == "NF401" for d in result.appeared)
    assert result.edits == ["bram dies in riders-in-the-greywood"]


@pytest.mark.parametrize("kwargs,message", [
    ({"sets": ["aria"]}, "`aria` needs the form ENTITY.FIELD=VALUE, e.g. `aria.eyes=green`"),
    ({"kill_in": "x"}, "`kill_in` says where a character dies; give the character with kill"),
    ({"kill": "greywood"}, "`greywood`: only characters die; `locations/greywood` is not one"),
    ({"kill": "bram", "kill_in": "the-fall"}, "`the-fall`: no scene has that id"),
    ({"sets": ["aria.eyes=green"], "base": "HEAD"},
     "base compares revisions; sets and kill try a change on the project on disk — use one or the other"),
])
def test_impact_errors_name_parameters(repo, kwargs, message):
    with pytest.raises(OptionError) as exc:
        api.impact(repo, **kwargs)
    assert str(exc.value).startswith(message) and not FLAG.search(str(exc.value) + (exc.value.help or ""))


def test_canon_diff_and_log(repo):
    diff = api.canon_diff(repo)
    assert diff.empty and diff.old_label == "HEAD" and diff.new_label == "the working tree"
    history = api.canon_log("aria", repo)
    assert history.key == "characters/aria" and len(history.entries) == 1


def test_hooks(repo):
    assert api.hooks_status(repo).state == "absent"
    assert api.hooks_install(repo).action == "installed"
    assert api.hooks_status(repo).state != "absent"
    assert api.hooks_uninstall(repo).action not in ("absent", "foreign")


# ----------------------------------------------------------------------------- the book
def test_export_without_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    steps = []
    done = api.export(EXAMPLE, "md", write=False, chapters="7", progress=lambda *a: steps.append(a))
    assert done.path is None and done.data.startswith(b"---\ntitle:") and done.chapters == 1
    assert steps[0] == ("Reading the manuscript", 0, None) and steps[-1] == ("Exporting md", 1, 1)
    assert list(tmp_path.iterdir()) == []


def test_export_writes_and_infers_the_format(tmp_path):
    done = api.export(EXAMPLE, out=tmp_path / "book.txt", statuses="draft,revised,final")
    assert done.format.name == "txt" and done.path == tmp_path / "book.txt" and done.path.is_file()
    assert done.data is None and done.scenes == 17 and done.unread == []


@pytest.mark.parametrize("kwargs,error,message", [
    ({}, OptionError, "choose a format with format (docx, docx-reading, epub, md, html or txt)"),
    ({"fmt": "pdf"}, UnknownFormat, "`pdf` is not a format of `novelforge export`"),
    ({"fmt": "md", "statuses": ["done"]}, OptionError, "`done` is not a scene status"),
    ({"fmt": "md", "chapters": "7-3"}, OptionError, "`7-3` is not a chapter range"),
    ({"fmt": "md", "chapters": "20-"}, OptionError, "nothing to export: no scenes in chapters 20-"),
    ({"fmt": "md", "cover": "x.png"}, OptionError, "`cover` applies to formats with a cover (epub), not md"),
])
def test_export_errors(tmp_path, monkeypatch, kwargs, error, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error) as exc:
        api.export(EXAMPLE, **kwargs)
    assert str(exc.value).startswith(message)
    assert not FLAG.search(str(exc.value) + (exc.value.help or ""))


def test_import_and_init(tmp_path):
    source = tmp_path / "novel.md"
    source.write_text("# Chapter One\n\nIt began.\n\n# Chapter Two\n\nIt ended.\n", "utf-8")
    result = api.import_(source, tmp_path / "imported")
    assert result.chapters == 2 and (tmp_path / "imported" / "novelforge.yaml").is_file()
    with pytest.raises(UnknownFormat):
        api.import_(source, tmp_path / "other", format="odt")
    done = api.init(tmp_path / "fresh", title="A Title", ci="github", install="novelforge-toolchain")
    assert done.created and done.install == "novelforge-toolchain"
    assert [p.relative_to(tmp_path / "fresh").as_posix() for p in done.ci_files] == [".github/workflows/novelforge.yml"]
    assert 'title: "A Title"' in (tmp_path / "fresh" / "novelforge.yaml").read_text("utf-8")
    again = api.init(tmp_path / "fresh", ci="github", install="novelforge-toolchain")
    assert not again.created and again.ci_files == done.ci_files
    with pytest.raises(OptionError, match="^`circle` is not a CI service"):
        api.init(tmp_path / "x", ci="circle")


# ----------------------------------------------------------------------------- catalogue
def test_rules_rule_and_schemas(tmp_path):
    rows = api.rules()
    assert [r.code for r in rows] == sorted(r.code for r in rows) and rows[0].enabled
    assert api.rule("misspelled-name").code == "NF205"
    with pytest.raises(Exception, match="^`NF20S` is not a rule — did you mean `NF20"):
        api.rule("NF20S")
    assert set(api.schemas()) == set(api.SCHEMA_KINDS) and list(api.schemas("scene")) == ["scene"]
    assert [p.name for p in api.write_schemas(tmp_path, "promise")] == ["promise.schema.json"]
    with pytest.raises(PathNotFound):
        api.rules(tmp_path / "nowhere")
