"""The ledger report (`novelforge promises`): formats, filters, JSON shape, the HTML page,
and the CLI."""

from __future__ import annotations

import json
import re

import pytest

from conftest import EXAMPLES, FIXTURES
from novelforge.analysis import Session
from novelforge.cli import app as cli_app
from novelforge.ledger.report import build_report, render
from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project

EMBER = EXAMPLES / "ember-crown"
BROKEN = FIXTURES / "broken-novel"


def _report(root, **kw):
    project = load_project(root)
    indexes = Session(project).indexes()
    return build_report(project, indexes, **kw)


def test_json_shape():
    data = json.loads(render(_report(EMBER), "json"))
    assert list(data) == ["version", "title", "book", "summary", "promises"]
    assert data["summary"]["total"] == 8 and data["summary"]["open"] == 1 and data["summary"]["paid"] == 7
    row = next(p for p in data["promises"] if p["id"] == "pale-lights")
    assert list(row) == ["id", "kind", "declared", "description", "importance", "status", "setups", "payoffs",
                         "distance", "window"]
    assert row["status"] == "open" and row["payoffs"] == []
    assert row["setups"][0]["path"].endswith("02-the-wardens-answer.md") and row["setups"][0]["line"] == 43
    assert set(row["distance"]) == {"words", "scenes", "chapters"}


@pytest.mark.parametrize("value,want", [("5 chapters", (5, "chapters")), ("1 chapter", (1, "chapters")),
                                        ("20 scenes", (20, "scenes")), ("20000 words", (20000, "words")),
                                        (3, (3, "chapters")), ("soon", None), (None, None)])
def test_parse_window(value, want):
    from novelforge.ledger.measure import parse_window

    assert parse_window(value) == want


def test_bad_max_distance_is_a_config_error(tmp_path):
    import shutil

    root = tmp_path / "ember"
    shutil.copytree(EMBER, root)
    (root / "novelforge.yaml").write_text((EMBER / "novelforge.yaml").read_text() + "promises:\n  max-distance: soon\n")
    project = load_project(root)
    assert any(d.code == "NF004" and "max-distance" in d.message for d in project.diagnostics), \
        [d.message for d in project.diagnostics]


def test_filters():
    assert [r.id for r in _report(EMBER, open_only=True).rows] == ["pale-lights"]
    assert {r.kind for r in _report(EMBER, kind="clue").rows} == {"clue"}
    with pytest.raises(ValueError):
        _report(EMBER, kind="gun")


def test_statuses_in_the_broken_novel():
    status = {r.id: r.status for r in _report(BROKEN).rows}
    assert status["locked-door"] == "premature"
    assert status["lost-ring"] == "orphaned"
    assert status["iron-key"] == "paid"
    assert status["pale-lights"] == "open"


def test_overdue(tmp_path):
    import shutil

    root = tmp_path / "ember"
    shutil.copytree(EMBER, root)
    (root / "novelforge.yaml").write_text((EMBER / "novelforge.yaml").read_text()
                                          + "promises:\n  max-distance: 2 chapters\n")
    assert {r.id: r.status for r in _report(root).rows}["pale-lights"] == "overdue"


def test_markdown_and_text():
    md = render(_report(EMBER), "markdown")
    assert "| `pale-lights` | foreshadowing |" in md
    text = render(_report(EMBER), "text")
    assert "pale-lights" in text and "\x1b[" not in text


def test_text_fits_a_narrow_terminal_and_has_no_trailing_spaces():
    narrow = render(_report(EMBER), "text", width=80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert "pale-lights" in narrow and "open" in narrow
    wide = render(_report(EMBER), "text")
    assert all(line == line.rstrip() for line in wide.splitlines())
    assert any("01-ashes/02-the-wardens-answer.md:43" in line for line in wide.splitlines())   # one line per promise


def test_html_is_self_contained():
    page = render(_report(EMBER), "html")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert not re.search(r"https?:", page)
    assert "<script" not in page and "<link" not in page
    assert "stroke-dasharray" in page  # the open promise runs to the end, dashed
    assert "Ch 1" in page
    # the chart scales to the window: a viewBox, and CSS that sizes it to the page width
    assert re.search(r'<svg class="arcs"[^>]*viewBox="0 0 \d+ \d+"', page)
    assert re.search(r"svg\.arcs\{[^}]*width:100%[^}]*height:auto", page)


def test_unpaid_promise_is_an_error_in_a_final_book(tmp_path):
    import shutil

    root = tmp_path / "ember"
    shutil.copytree(EMBER, root)
    cfg = (root / "novelforge.yaml").read_text().replace("status: draft", "status: final")
    (root / "novelforge.yaml").write_text(cfg)
    report = check_project(load_project(root), CheckOptions(select=["NF501"], use_cache=False))
    assert [(d.code, d.severity.value) for d in report.diagnostics] == [("NF501", "error")]


def test_ember_crown_has_no_promise_errors():
    report = check_project(load_project(EMBER), CheckOptions(select=["NF5"], use_cache=False))
    assert not [d for d in report.diagnostics if d.severity.value == "error"]


def call(capsys, *args):
    """Run the CLI in-process; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exc:
        cli_app.main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
def test_cli_formats(fmt, tmp_path, capsys):
    out = tmp_path / f"ledger.{fmt}"
    code, _out, err = call(capsys, "promises", str(EMBER), "--format", fmt, "--output", str(out))
    assert code == 0, err
    assert "pale-lights" in out.read_text("utf-8")


def test_cli_open_filter_to_stdout(capsys):
    code, out, err = call(capsys, "promises", str(EMBER), "--open", "--format", "json")
    assert code == 0, err
    assert [p["id"] for p in json.loads(out)["promises"]] == ["pale-lights"]


def test_cli_unknown_kind_is_a_one_line_error(capsys):
    code, _out, err = call(capsys, "promises", str(EMBER), "--kind", "gun")
    assert code == 2
    assert "`--kind gun` is not a promise kind" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_summary_says_one_promise_not_one_promises():
    project = load_project(EMBER)
    indexes = Session(project).indexes()
    report = build_report(project, indexes, open_only=True)
    assert len(report.rows) == 1
    assert "1 promise: 1 open" in render(report, "text") and "1 promises" not in render(report, "markdown")
