"""`novelforge draft --dry-run`: the context of a scene (as of that scene, within a token
budget cut in the documented order), the prompt from the template in effect (a project's
override, sandboxed), golden prompts for scenes of the example novel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from novelforge import api
from novelforge.analysis import Session
from novelforge.draft import render
from novelforge.draft.context import CUT_ORDER, assemble, tokens
from novelforge.errors import ConfigError, UsageError
from novelforge.project.loader import load_project
from roomkit import write_novel
from test_cli import ROOT, assert_one_line_error, call

EXAMPLE = ROOT / "examples" / "ember-crown"
GOLDEN = Path(__file__).parent / "fixtures" / "draft"


@pytest.fixture
def novel(tmp_path):
    return write_novel(tmp_path / "novel", "http://127.0.0.1:9/v1")


def user_message(plan) -> str:
    return plan.prompt.messages[-1]["content"]


# ----------------------------------------------------------------------------- golden prompts
@pytest.mark.parametrize("scene", ["the-summons", "the-iron-key", "father", "home"])
def test_golden_prompts_of_the_example_novel(golden, scene):
    plan = api.prepare_draft(EXAMPLE, scene)
    golden(GOLDEN / f"{scene}.dry-run.txt", render.dry_run_text(plan))


def test_the_same_project_gives_byte_identical_prompts_whatever_the_body(tmp_path):
    copy = tmp_path / "ember"
    shutil.copytree(EXAMPLE, copy)
    before = render.dry_run_text(api.prepare_draft(copy, "the-iron-key"))
    assert render.dry_run_text(api.prepare_draft(copy, "the-iron-key")) == before
    scene = copy / "manuscript/02-the-road/01-the-iron-key.md"
    text = scene.read_text("utf-8")
    head, _, _body = text.partition("\n---\n")
    scene.write_text(head + "\n---\n\nNothing but a new paragraph about Isolde and the Ashvault.\n", "utf-8")
    assert render.dry_run_text(api.prepare_draft(copy, "the-iron-key")) == before


# ----------------------------------------------------------------------------- no spoilers
def test_a_fact_learned_later_is_absent(novel):
    gate = user_message(api.prepare_draft(novel, "the-gate"))
    assert "the king is her father" not in gate            # learned in the-letter, the next scene
    assert "the-fall" not in gate and '"dead"' not in gate  # Bram dies in a later scene
    after = user_message(api.prepare_draft(novel, "after"))
    assert "the king is her father (learned in `the-letter`)" in after
    assert '"status": "dead", "died_in": "the-fall"' in after
    assert '"holder": "bram"' in after                      # the-letter's transfer


def test_a_death_in_the_scene_itself_is_not_told(novel):
    fall = user_message(api.prepare_draft(novel, "the-fall"))
    assert '"dead"' not in fall


# ----------------------------------------------------------------------------- the budget
def _context(path: Path, scene: str, budget: int):
    project = load_project(path)
    session = Session(project)
    return assemble(session, project.scene_by_id()[scene], budget=budget, tail=3)


def test_nothing_is_cut_within_the_budget():
    ctx = _context(EXAMPLE, "home", 100_000)
    assert ctx.cuts == [] and ctx.total <= 100_000


def test_the_oldest_summaries_are_cut_first():
    full = _context(EXAMPLE, "home", 100_000)
    summaries = [p for p in full.pieces if p.part == "story"]
    assert len(summaries) > 3
    # a budget that two summaries' worth of cuts meets
    budget = full.total - summaries[0].tokens - summaries[1].tokens + 1
    ctx = _context(EXAMPLE, "home", budget)
    assert [c.label for c in ctx.cuts] == [f"summary of {summaries[0].label.split()[-1]}",
                                           f"summary of {summaries[1].label.split()[-1]}"]
    assert "the-summons" in ctx.cuts[0].label
    assert "the oldest summaries are cut first" in ctx.cuts[0].why
    assert ctx.total <= budget


def test_the_cuts_follow_the_documented_order_and_spare_the_card_and_contracts():
    full = _context(EXAMPLE, "home", 100_000)
    ctx = _context(EXAMPLE, "home", 200)
    rank = {p.label: p.rank for p in ctx.pieces}
    ranks = [rank[c.label] for c in ctx.cuts]
    assert ranks == sorted(ranks) and set(ranks) == {r for r, _p, _w in CUT_ORDER}
    parts = [c.part for c in ctx.cuts]
    assert parts.index("story") < parts.index("open") < parts.index("before") < parts.index("canon") \
        < parts.index("pov")
    for never in ("card", "contracts", "due"):
        assert ctx.text(never) == full.text(never) and never not in parts
    assert any("alone take" in n for n in ctx.notes)        # still over: said, not hidden


def test_the_cast_is_cut_after_the_entries_only_mentioned():
    full = _context(EXAMPLE, "home", 100_000)
    canon = [p for p in full.pieces if p.part == "canon"]
    budget = full.total - sum(p.tokens for p in full.pieces if p.part in ("story", "open", "before")) - 1
    ctx = _context(EXAMPLE, "home", budget)
    cut_canon = [c for c in ctx.cuts if c.part == "canon"]
    assert cut_canon and all(p.rank == 4 for p in canon if p.label == cut_canon[0].label)


def test_token_estimate_is_four_characters_a_token():
    assert tokens("") == 0 and tokens("abcd") == 1 and tokens("abcde") == 2


# ----------------------------------------------------------------------------- templates
def test_a_project_template_overrides_the_shipped_one(novel, capsys):
    (novel / "prompts" / "draft").mkdir(parents=True)
    (novel / "prompts" / "draft" / "scene.md.j2").write_text(
        "Write {{ scene_id }} in verse.\n<<<user>>>\n{{ card }}\n", "utf-8")
    plan = api.prepare_draft(novel, "the-gate")
    assert plan.template == "prompts/draft/scene.md.j2"
    assert plan.prompt.messages[0]["content"] == "Write the-gate in verse.\n"
    assert plan.prompt.messages[1]["content"].startswith("id: the-gate\ntitle: The Gate\n")
    code, out, err = call(capsys, "draft", str(novel), "--show-template", "scene")
    assert code == 0 and out.startswith("Write {{ scene_id }} in verse.")
    assert "prompts/draft/scene.md.j2 (the project's own)" in err


def test_show_template_prints_the_shipped_one(novel, capsys):
    code, out, err = call(capsys, "draft", str(novel), "--show-template", "repair")
    shipped = (ROOT / "templates" / "prompts" / "draft" / "repair.md.j2").read_text("utf-8")
    assert code == 0 and out == shipped and "shipped with NovelForge" in err
    code, out, err = call(capsys, "draft", str(novel), "--show-template", "nonsense")
    assert code == 2 and "`nonsense` is not a drafting template" in err
    assert_one_line_error(err)


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ card.__class__ }}",
    "{% for x in range(10**9) %}{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{{ lipsum.__globals__['os'] }}",
])
def test_a_template_that_reaches_for_python_internals_fails_in_the_sandbox(novel, capsys, source):
    (novel / "prompts" / "draft").mkdir(parents=True)
    (novel / "prompts" / "draft" / "scene.md.j2").write_text("Hello.\n<<<user>>>\n\n" + source + "\n", "utf-8")
    with pytest.raises(ConfigError) as exc:
        api.prepare_draft(novel, "the-gate")
    assert exc.value.path == "prompts/draft/scene.md.j2" and exc.value.line == 4
    code, out, err = call(capsys, "draft", str(novel), "the-gate", "--dry-run")
    assert code == 2 and out == ""
    assert_one_line_error(err)
    assert err.startswith("error: prompts/draft/scene.md.j2:4:")


def test_a_template_linked_out_of_the_project_is_refused(novel, tmp_path):
    outside = tmp_path / "outside.j2"
    outside.write_text("stolen {{ card }}\n", "utf-8")
    (novel / "prompts" / "draft").mkdir(parents=True)
    (novel / "prompts" / "draft" / "scene.md.j2").symlink_to(outside)
    with pytest.raises(ConfigError) as exc:
        api.prepare_draft(novel, "the-gate")
    assert "outside the project" in str(exc.value)


# ----------------------------------------------------------------------------- the command
def test_dry_run_needs_no_model_and_prints_the_prompt_and_report(tmp_path, capsys):
    novel = write_novel(tmp_path / "novel", None)          # no llm: block at all
    code, out, err = call(capsys, "draft", str(novel), "the-letter", "--dry-run")
    assert code == 0, err
    assert "===== system =====" in out and "===== user =====" in out and "===== context report =====" in out
    assert "context of `the-letter`:" in out and "nothing was cut" in out
    code, out, err = call(capsys, "draft", str(novel / "manuscript/01-a/02-the-letter.md"), "--dry-run",
                          "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["version"] == 1 and doc["scene"] == "the-letter"
    assert [p["part"] for p in doc["context"]["parts"]][:2] == ["card", "pov"]
    assert doc["messages"][0]["role"] == "system"


def test_an_unknown_scene_is_one_line(novel, capsys):
    code, out, err = call(capsys, "draft", str(novel), "the-gaet", "--dry-run")
    assert code == 2 and "did you mean `the-gate`" in err
    assert_one_line_error(err)
    with pytest.raises(UsageError):
        api.prepare_draft(novel, None)


def test_dry_run_never_imports_litellm():
    import os
    import subprocess
    import sys

    code = ("import sys\nfrom novelforge.cli.app import main\ntry:\n"
            f"    main(['draft', {str(EXAMPLE)!r}, 'the-summons', '--dry-run'])\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "print('LITELLM' if any(m.split('.')[0] == 'litellm' for m in sys.modules) else 'CLEAN')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.stdout.strip().splitlines()[-1] == "CLEAN", out.stderr
