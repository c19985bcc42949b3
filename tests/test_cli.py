"""The command line, in a subprocess (``python -m novelforge``) and in-process through
:func:`novelforge.cli.app.main`: exit codes, messages without tracebacks, output formats,
colour, and the commands' help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import novelforge
from novelforge.cli import app as cli_app
from novelforge.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
ANSI = "\x1b["

CANON = "id: aria\nname: Aria Vell\naliases: [Aria]\n"
CLEAN_SCENE = "---\ntitle: The Gate\npov: aria\ncharacters: [aria]\n---\n\nAria walked to the gate and waited.\n"
ERROR_SCENE = "---\ntitle: The Gate\npov: aria\ncharacters: [aria, nobody]\n---\n\nAria walked to the gate.\n"
WARNING_SCENE = "---\ntitle: The Gate\npov: aria\ncharaters: [aria]\ncharacters: [aria]\n---\n\nAria walked.\n"


def make_project(root: Path, scene: str | None = CLEAN_SCENE, config: str = "title: Test\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "novelforge.yaml").write_text(config, "utf-8")
    (root / "canon/characters").mkdir(parents=True, exist_ok=True)
    (root / "canon/characters/aria.yaml").write_text(CANON, "utf-8")
    if scene is not None:
        (root / "manuscript/01-one").mkdir(parents=True, exist_ok=True)
        (root / "manuscript/01-one/01-gate.md").write_text(scene, "utf-8")
    return root


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m novelforge ARGS`` in a subprocess, with this checkout importable."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "novelforge", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def call(capsys, *args: str) -> tuple[int, str, str]:
    """Run :func:`main` in-process; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exc:
        cli_app.main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def assert_one_line_error(err: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: ")
    assert all(line.startswith("  = help:") for line in lines[1:]), err


# ----------------------------------------------------------------------------- basics
def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"novelforge {novelforge.__version__}"


def test_help_lists_commands_and_exit_codes():
    result = run("--help")
    assert result.returncode == 0
    for command in ("check", "init", "rules", "rule", "schema"):
        assert f"  {command} " in result.stdout
    assert result.stderr == ""


def test_check_help_documents_exit_codes(capsys):
    code, out, _err = call(capsys, "check", "--help")
    assert code == 0
    assert "Exit codes" in out and "--fail-on" in out and "--exit-zero" in out


def test_no_arguments_shows_help(capsys):
    code, out, err = call(capsys)
    assert code in (0, 2)
    assert "Usage" in out + err


def test_unknown_option_is_a_usage_error(capsys):
    code, out, err = call(capsys, "check", "--bogus")
    assert code == ExitCode.USAGE
    # one line in the tool's own style (not Click's three-line usage block)
    assert err.splitlines()[0] == "error: `novelforge check` has no option `--bogus`"
    assert err.splitlines()[1].startswith("  = help:") and len(err.splitlines()) == 2
    assert "Usage:" not in err and "Traceback" not in err


# ----------------------------------------------------------------------------- check: exit codes
def test_check_clean_project_subprocess(tmp_path):
    project = make_project(tmp_path / "novel")
    result = run("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All clear" in result.stdout
    assert "1 scene" in result.stdout
    assert result.stderr == ""


def test_check_error_exits_1(tmp_path, capsys):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    code, out, _err = call(capsys, "check", str(project))
    assert code == ExitCode.FINDINGS
    assert "manuscript/01-one/01-gate.md:4:" in out and "NF201" in out and "[error]" in out
    assert "Found 1 error" in out


def test_exit_zero(tmp_path, capsys):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    code, out, _err = call(capsys, "check", str(project), "--exit-zero")
    assert code == ExitCode.OK
    assert "NF201" in out


def test_fail_on_warning(tmp_path, capsys):
    project = make_project(tmp_path / "novel", WARNING_SCENE)
    code, out, _err = call(capsys, "check", str(project))
    assert code == ExitCode.OK and "NF009" in out and "[warning]" in out
    code, out, _err = call(capsys, "check", str(project), "--fail-on", "warning")
    assert code == ExitCode.FINDINGS
    code, _out, err = call(capsys, "check", str(project), "--fail-on", "fatal")
    assert code == ExitCode.USAGE
    assert_one_line_error(err)


def test_fail_on_from_config(tmp_path, capsys):
    project = make_project(tmp_path / "novel", WARNING_SCENE, "title: T\ncheck:\n  fail-on: warning\n")
    assert call(capsys, "check", str(project))[0] == ExitCode.FINDINGS
    assert call(capsys, "check", str(project), "--fail-on", "error")[0] == ExitCode.OK


def test_max_warnings(tmp_path, capsys):
    project = make_project(tmp_path / "novel", WARNING_SCENE)
    assert call(capsys, "check", str(project), "--max-warnings", "0")[0] == ExitCode.FINDINGS
    assert call(capsys, "check", str(project), "--max-warnings", "1")[0] == ExitCode.OK
    clean = make_project(tmp_path / "clean")
    assert call(capsys, "check", str(clean), "--max-warnings", "0")[0] == ExitCode.OK


def test_unknown_select_is_a_one_line_error(tmp_path):
    project = make_project(tmp_path / "novel")
    result = run("check", "--select", "XYZ", cwd=project)
    assert result.returncode == ExitCode.USAGE
    assert_one_line_error(result.stderr)
    assert "`XYZ`" in result.stderr
    assert result.stdout == ""


def test_select_and_ignore(tmp_path, capsys):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    assert call(capsys, "check", str(project), "--select", "NF1")[0] == ExitCode.OK
    assert call(capsys, "check", str(project), "--ignore", "unknown-canon-id")[0] == ExitCode.OK
    assert call(capsys, "check", str(project), "--select", "NF1,NF2")[0] == ExitCode.FINDINGS


def test_no_project_exits_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("check", cwd=empty)
    assert result.returncode == ExitCode.USAGE
    assert_one_line_error(result.stderr)
    assert "novelforge.yaml" in result.stderr


def test_missing_path_exits_2(tmp_path, capsys):
    code, _out, err = call(capsys, "check", str(tmp_path / "nowhere"))
    assert code == ExitCode.USAGE
    assert_one_line_error(err)


def test_no_scenes_exits_2(tmp_path, capsys):
    project = make_project(tmp_path / "novel", scene=None)
    code, out, err = call(capsys, "check", str(project))
    assert code == ExitCode.USAGE
    assert_one_line_error(err)
    assert "nothing to check" in err
    assert out == ""


def test_broken_scene_is_a_finding_not_a_crash(tmp_path, capsys):
    project = make_project(tmp_path / "novel", b"\x00\x01binary".decode("latin-1"))
    (project / "manuscript/01-one/02-more.md").write_bytes(b"caf\xe9\n")
    code, out, err = call(capsys, "check", str(project), "--format", "json")
    assert code == ExitCode.FINDINGS, err
    codes = [d["code"] for d in json.loads(out)["diagnostics"]]
    assert codes == ["NF003", "NF003"]


# ----------------------------------------------------------------------------- check: output
def test_output_file(tmp_path, capsys):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    target = tmp_path / "reports" / "report.json"
    code, out, _err = call(capsys, "check", str(project), "--format", "json", "--output", str(target))
    assert code == ExitCode.FINDINGS
    assert out == ""
    data = json.loads(target.read_text("utf-8"))
    assert data["diagnostics"][0]["code"] == "NF201"


def test_output_text_file_has_no_colour(tmp_path):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    target = tmp_path / "report.txt"
    result = run("--color", "always", "check", "--output", str(target), cwd=project)
    assert result.returncode == ExitCode.FINDINGS
    text = target.read_text("utf-8")
    assert "NF201" in text and ANSI not in text and "[bold" not in text


def test_format_json(tmp_path, capsys):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    code, out, _err = call(capsys, "check", str(project), "--format", "json")
    assert code == ExitCode.FINDINGS
    data = json.loads(out)
    assert data["version"] == 1
    assert data["summary"]["scenes"] == 1 and data["summary"]["errors"] == 1
    (d,) = data["diagnostics"]
    assert (d["code"], d["path"], d["line"], d["severity"]) == ("NF201", "manuscript/01-one/01-gate.md", 4, "error")
    assert list(d) == ["code", "name", "severity", "message", "path", "line", "column", "end_line",
                       "end_column", "scene", "contract", "entity", "help"]


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit"])
def test_other_formats_render(tmp_path, capsys, fmt):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    code, out, _err = call(capsys, "check", str(project), "--format", fmt)
    assert code == ExitCode.FINDINGS
    assert "NF201" in out


def test_unknown_format(tmp_path, capsys):
    project = make_project(tmp_path / "novel")
    code, _out, err = call(capsys, "check", str(project), "--format", "yaml")
    assert code == ExitCode.USAGE
    assert_one_line_error(err)


def test_color_never_and_always(tmp_path):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    never = run("--color", "never", "check", cwd=project)
    always = run("--color", "always", "check", cwd=project)
    assert never.returncode == always.returncode == ExitCode.FINDINGS
    assert ANSI not in never.stdout
    assert "NF201 [error]" in never.stdout
    assert ANSI in always.stdout
    # the markup is rendered, not printed: no rich tags, and the severity is still shown
    assert "[bold" not in always.stdout and "[/]" not in always.stdout
    assert "[error]" in always.stdout
    plain = never.stdout.splitlines()
    assert len(plain) == len(always.stdout.splitlines())


def test_color_auto_in_a_pipe_is_plain(tmp_path):
    project = make_project(tmp_path / "novel", ERROR_SCENE)
    result = run("check", cwd=project)
    assert ANSI not in result.stdout and "[bold" not in result.stdout


def test_color_bad_value(capsys):
    code, _out, err = call(capsys, "--color", "sometimes", "rules")
    assert code == ExitCode.USAGE
    assert_one_line_error(err)


# ----------------------------------------------------------------------------- rules, schema
def test_rules_text(capsys):
    code, out, _err = call(capsys, "--color", "never", "rules")
    assert code == 0
    assert "NF001" in out and "broken-yaml" in out and "NF205" in out
    assert ANSI not in out


def test_rules_json(capsys):
    code, out, _err = call(capsys, "rules", "--format", "json")
    assert code == 0
    rules = json.loads(out)
    codes = [r["code"] for r in rules]
    assert codes == sorted(codes) and "NF205" in codes
    assert set(rules[0]) >= {"code", "name", "severity", "summary"}
    assert all(r["severity"] in ("error", "warning", "info") for r in rules)


def test_rules_markdown(capsys):
    code, out, _err = call(capsys, "rules", "--format", "markdown")
    assert code == 0 and "NF205" in out


def test_rules_bad_format(capsys):
    code, _out, err = call(capsys, "rules", "--format", "xml")
    assert code == ExitCode.USAGE
    assert_one_line_error(err)


@pytest.mark.parametrize("name", ["NF205", "nf205", "misspelled-name"])
def test_rule_docs(capsys, name):
    code, out, _err = call(capsys, "--color", "never", "rule", name)
    assert code == 0
    assert out.startswith("NF205 misspelled-name")
    assert "## Example" in out and "## Use instead" in out


def test_rule_unknown(capsys):
    code, out, err = call(capsys, "rule", "nonsense")
    assert code == ExitCode.USAGE
    assert_one_line_error(err)
    assert "`nonsense` is not a rule" in err
    assert out == ""
    code, _out, err = call(capsys, "rule", "misspeled-name")
    assert code == ExitCode.USAGE
    assert "did you mean `misspelled-name`?" in err
    code, _out, err = call(capsys, "rule", "NF2055")
    assert "did you mean `NF205`?" in err


def test_schema_all_is_one_valid_schema(capsys):
    """Without a kind, the output is itself a JSON Schema (checked against the 2020-12
    metaschema), bundling each kind under $defs with its own $id, and it accepts the
    example's files."""
    jsonschema = pytest.importorskip("jsonschema")
    from ruamel.yaml import YAML

    code, out, _err = call(capsys, "schema")
    assert code == 0
    bundle = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(bundle)
    assert bundle["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(bundle["$defs"]) == {"project", "scene", "chapter", "entity", "promise", "contract"}
    for name, schema in bundle["$defs"].items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"https://novelforge.invalid/schema/{name}.json"
    validator = jsonschema.Draft202012Validator(bundle)
    world = YAML(typ="safe").load((ROOT / "examples" / "ember-crown" / "contracts" / "world.yaml").read_text("utf-8"))
    assert validator.is_valid(world)
    assert not validator.is_valid(["a list is none of the files"])


def test_schema_contract_validates_a_contracts_file(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    from ruamel.yaml import YAML

    code, out, _err = call(capsys, "schema", "contract")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    world = YAML(typ="safe").load((ROOT / "examples" / "ember-crown" / "contracts" / "world.yaml").read_text("utf-8"))
    assert list(validator.iter_errors(world)) == []
    bad = {"titles": dict(world["titles"], replce={"a": "b"}), "spelling": dict(world["spelling"], type="consistancy")}
    errors = list(validator.iter_errors(bad))
    assert len(errors) == 2 and all(e.path[0] in ("titles", "spelling") for e in errors)


def test_schema_scene_validates_front_matter(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    from ruamel.yaml import YAML

    code, out, _err = call(capsys, "schema", "scene")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    front_matter = YAML(typ="safe").load(textwrap.dedent("""\
        id: the-summons
        title: The Summons
        pov: aria
        location: emberfall
        when: "402-03-14 20:00"
        characters: [aria, bram]
        mentions: [the-king]
        setups: [locked-door]
        status: draft
        flashback: false
        beats: [Aria receives the summons]
        target_words: 2500
        transfers: [{item: dawnbreaker, to: bram}]
    """))
    assert list(validator.iter_errors(front_matter)) == []
    bad = dict(front_matter, status="drafted", charaters=["x"])
    messages = [e.message for e in validator.iter_errors(bad)]
    assert any("drafted" in m for m in messages)
    assert any("charaters" in m for m in messages)


def test_schema_project_uses_the_keys_users_write(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _err = call(capsys, "schema", "project")
    assert code == 0
    validator = jsonschema.Draft202012Validator(json.loads(out))
    config = {"title": "T", "check": {"fail-on": "warning", "per-file-ignores": {"a/*": ["NF203"]},
                                      "max-warnings": 3}}
    assert list(validator.iter_errors(config)) == []


def test_schema_unknown_kind_and_out_dir(tmp_path, capsys):
    code, _out, err = call(capsys, "schema", "novel")
    assert code == ExitCode.USAGE
    assert_one_line_error(err)
    code, out, _err = call(capsys, "schema", "--out", str(tmp_path / "schemas"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == [
        "chapter.schema.json", "contract.schema.json", "entity.schema.json", "project.schema.json",
        "promise.schema.json", "scene.schema.json"]
    assert out == f"Wrote 6 schema files to {tmp_path / 'schemas'}\n"


def test_a_novelforge_yaml_that_cannot_be_read(tmp_path, capsys):
    """Broken YAML in novelforge.yaml drops every setting. `check` reports it as NF001, an
    error no setting can lower or baseline, so it exits 1 whatever the file asked for
    (here `fail-on: info` would have failed on less; `select: [NF2]` is lost too);
    `export` stops with exit 2 at its line instead of building a book called "Untitled"
    (docs/exit-codes.md)."""
    root = make_project(tmp_path / "p", config="title: Test\ncheck:\n  select: [NF2\n", scene=WARNING_SCENE)
    code, out, err = call(capsys, "check", str(root), "--format", "json")
    assert code == 1, err
    found = [(d["code"], d["path"], d["line"]) for d in json.loads(out)["diagnostics"]]
    assert ("NF001", "novelforge.yaml", 4) in found and any(c == "NF009" for c, _p, _l in found)
    code, out, err = call(capsys, "check", str(root), "--update-baseline")
    code, out, err = call(capsys, "check", str(root), "--format", "json")
    assert code == 1 and "NF001" in out, err                       # never baselined
    code, out, err = call(capsys, "export", str(root), "-f", "txt", "-o", str(tmp_path / "out.txt"))
    assert code == ExitCode.USAGE, (out, err)
    assert_one_line_error(err)
    assert err.startswith("error: novelforge.yaml:4:1: broken YAML"), err
    assert not (tmp_path / "out.txt").exists()


# ----------------------------------------------------------------------------- init
def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and ".novelforge" not in p.parts}


def test_init_creates_a_project_that_checks_clean(tmp_path):
    target = tmp_path / "my-novel"
    result = run("init", str(target), "--title", "The Ember Crown: Book One", "--author", "Mara Quill")
    assert result.returncode == 0, result.stderr
    assert "Created" in result.stdout
    assert (target / "novelforge.yaml").is_file()
    assert any((target / "manuscript").rglob("*.md"))
    check = run("check", "--format", "json", cwd=target)
    assert check.returncode == 0, check.stdout + check.stderr
    report = json.loads(check.stdout)
    assert report["diagnostics"] == [] and report["summary"]["scenes"] >= 1

    from novelforge.project.loader import load_project

    config = load_project(target).config
    assert (config.title, config.author) == ("The Ember Crown: Book One", "Mara Quill")


def test_init_again_refuses_and_overwrites_nothing(tmp_path, capsys):
    target = tmp_path / "my-novel"
    assert call(capsys, "init", str(target))[0] == 0
    (target / "novelforge.yaml").write_text("title: Mine\n", "utf-8")
    scene = next((target / "manuscript").rglob("*.md"))
    scene.write_text("My own words.\n", "utf-8")
    before = snapshot(target)
    code, _out, err = call(capsys, "init", str(target), "--title", "Other")
    assert code == ExitCode.USAGE
    assert_one_line_error(err)
    assert snapshot(target) == before


def test_init_refuses_when_a_template_file_exists(tmp_path, capsys):
    target = tmp_path / "my-novel"
    assert call(capsys, "init", str(target))[0] == 0
    (target / "novelforge.yaml").unlink()
    scene = next((target / "manuscript").rglob("*.md"))
    scene.write_text("My own words.\n", "utf-8")
    before = snapshot(target)
    code, _out, err = call(capsys, "init", str(target))
    assert code == ExitCode.USAGE
    assert "never overwrites" in err
    assert snapshot(target) == before
    assert not (target / "novelforge.yaml").exists()


def test_init_into_a_file(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x", "utf-8")
    code, _out, err = call(capsys, "init", str(target))
    assert code == ExitCode.USAGE
    assert_one_line_error(err)


# ----------------------------------------------------------------------------- internal errors
def _boom(*_args, **_kwargs):
    raise RuntimeError("boom")


def test_internal_error_exit_3_without_traceback(tmp_path, capsys, monkeypatch):
    project = make_project(tmp_path / "novel")
    monkeypatch.setattr("novelforge.project.loader.load_project", _boom)
    code, out, err = call(capsys, "check", str(project))
    assert code == ExitCode.INTERNAL
    assert "internal error: RuntimeError: boom" in err
    assert "rerun with --traceback" in err
    assert "Traceback" not in err and "Traceback" not in out


def test_internal_error_with_traceback(tmp_path, capsys, monkeypatch):
    project = make_project(tmp_path / "novel")
    monkeypatch.setattr("novelforge.project.loader.load_project", _boom)
    code, _out, err = call(capsys, "--traceback", "check", str(project))
    assert code == ExitCode.INTERNAL
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: boom" in err
    assert "rerun with --traceback" not in err


def test_expected_error_with_traceback_flag(tmp_path, capsys):
    code, _out, err = call(capsys, "--traceback", "check", str(tmp_path / "nowhere"))
    assert code == ExitCode.USAGE
    assert "Traceback" in err and "error: " in err


# ----------------------------------------------------------------------------- startup and docs
HEAVY = ["litellm", "docx", "ebooklib", "git", "fastapi", "uvicorn"]


def test_heavy_modules_are_not_imported(tmp_path):
    project = make_project(tmp_path / "novel")
    code = textwrap.dedent(f"""
        import sys
        heavy = {HEAVY!r}

        def loaded():
            return [m for m in heavy if m in sys.modules]

        import novelforge.cli.app
        assert loaded() == [], ("import", loaded())
        for args in (["--help"], ["check", "--help"], ["check", {str(project)!r}]):
            try:
                novelforge.cli.app.main(args)
            except SystemExit as exc:
                assert exc.code == 0, (args, exc.code)
            assert loaded() == [], (args, loaded())
        print("ok")
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_help_needs_no_pydantic_and_a_book_without_contracts_no_contract_models(tmp_path):
    # typer 0.29 validates every option through a pydantic TypeAdapter built on each run
    # (pyproject pins below it); the contract models are built only for a book that has
    # contracts (the rule registry and the loader name the types from novelforge.contracts)
    project = make_project(tmp_path / "novel")
    code = textwrap.dedent(f"""
        import sys
        import novelforge.cli.app
        for args in (["--help"], ["check", "--help"], ["init", "--help"]):
            try:
                novelforge.cli.app.main(args)
            except SystemExit as exc:
                assert exc.code == 0, (args, exc.code)
        assert "pydantic" not in sys.modules, ("--help imported pydantic (is typer 0.29 or later installed? "
                                               "pyproject.toml holds it below 0.29: reinstall with pip install -e .)")
        try:
            novelforge.cli.app.main(["check", {str(project)!r}])
        except SystemExit:
            pass
        assert "novelforge.rules" in sys.modules
        assert "novelforge.contracts.models" not in sys.modules, "a book without contracts built their models"
        print("ok")
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def _commands():
    cli_app._register()
    return [(c.name or c.callback.__name__, c.callback) for c in cli_app.app.registered_commands]


def test_there_are_commands():
    names = {name for name, _cb in _commands()}
    assert {"check", "init", "rules", "rule", "schema"} <= names


@pytest.mark.parametrize("name,callback", _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_documents_an_example(capsys, name, callback):
    assert callback.__doc__ and "Example" in callback.__doc__, f"`{name}` has no example in its docstring"
    code, out, _err = call(capsys, name, "--help")
    assert code == 0
    assert "Example" in out


def test_rules_shows_the_projects_settings(tmp_path, capsys):
    root = make_project(tmp_path / "novel", config="title: T\ncheck:\n  ignore: [NF1]\n  severity: {NF205: error}\n")
    code, out, _ = call(capsys, "rules", str(root), "--format", "json")
    assert code == 0
    rules = {r["code"]: r for r in json.loads(out)}
    assert rules["NF101"]["enabled"] is False and rules["NF101"]["severity"] == "off"
    assert rules["NF205"]["severity"] == "error" and rules["NF205"]["default_severity"] == "warning"
    assert rules["NF001"]["enabled"] is True
    code, out, _ = call(capsys, "rules", str(root))
    assert code == 0 and "off" in out


def test_rules_outside_a_project_shows_defaults(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = call(capsys, "rules", "--format", "json")
    assert code == 0 and all(r["enabled"] for r in json.loads(out))
    code, _out, err = call(capsys, "rules", str(tmp_path / "nowhere"))
    assert code == ExitCode.USAGE
