"""Every report format on the broken novel, as golden files in ``tests/fixtures/reporters/``,
plus the structural checks each format's consumer relies on (SARIF schema, JSON keys,
GitHub workflow-command escaping, JUnit counts, byte-for-byte determinism)."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from novelforge import __version__
from novelforge.diagnostics import Diagnostic, Severity
from novelforge.project.loader import load_project
from novelforge.project.models import Project, ProjectConfig
from novelforge.report import FORMATS, render
from novelforge.rules.engine import CheckOptions, Report, check_project
from novelforge.rules.registry import all_rules

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
BROKEN = TESTS / "fixtures" / "broken-novel"
GOLDEN = TESTS / "fixtures" / "reporters"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
GOLDEN_FILES = {"text": "broken-novel.txt", "json": "broken-novel.json", "sarif": "broken-novel.sarif",
                "github": "broken-novel.github.txt", "junit": "broken-novel.junit.xml"}
JSON_DIAGNOSTIC_KEYS = ["code", "name", "severity", "message", "path", "line", "column", "end_line",
                        "end_column", "scene", "contract", "entity", "help"]


def _broken_novel(tmp_path: Path) -> Path:
    """The broken novel plus what cannot be committed (see tests/test_broken_example.py)."""
    root = tmp_path / "broken-novel"
    shutil.copytree(BROKEN, root, ignore=shutil.ignore_patterns("expected*"))
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "mordaunt.yaml").write_text("id: mordaunt\nname: Tiberon Mordaunt\n", "utf-8")
    (root / "canon/characters/mordaunt.yaml").symlink_to(tmp_path / "outside" / "mordaunt.yaml")
    (root / "manuscript/02-the-road/04-the-inn.md").write_bytes(
        b"---\ntitle: The Inn\npov: aria\ncharacters: [aria, bram]\n---\n\n"
        b"They took the last room above the caf\xe9 and slept in their boots.\n")
    return root


def _stable(text: str, tmp_path: Path) -> str:
    for base in sorted({os.path.realpath(tmp_path), str(tmp_path)}, key=len, reverse=True):
        text = text.replace(base, "<tmp>")
    return text.replace(f'"{__version__}"', '"<version>"')


@pytest.fixture
def report(tmp_path):
    return check_project(load_project(_broken_novel(tmp_path)), CheckOptions(use_cache=False))


def _synthetic(tmp_path: Path, diags: list[Diagnostic]) -> Report:
    project = Project(root=tmp_path, config=ProjectConfig())
    return Report(project, diags, Severity.ERROR)


# ----------------------------------------------------------------------------- goldens
@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt, report, tmp_path, golden):
    text = _stable(render(report, fmt), tmp_path)
    if fmt == "sarif":
        # the NF007 message names the link's absolute target, so its fingerprint varies
        doc = json.loads(text)
        for result in doc["runs"][0]["results"]:
            if "<tmp>" in result["message"]["text"]:
                result["partialFingerprints"] = {"novelforge/v1": "<depends on the tmp folder>"}
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    golden(GOLDEN / GOLDEN_FILES[fmt], text)


def test_every_format_has_a_golden():
    assert set(GOLDEN_FILES) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt, tmp_path):
    root = _broken_novel(tmp_path)
    first = check_project(load_project(root), CheckOptions(use_cache=False))
    again = check_project(load_project(root), CheckOptions(use_cache=False))
    out = render(first, fmt)
    assert render(first, fmt).encode() == out.encode()
    assert render(again, fmt).encode() == out.encode()


def test_text_plain_has_no_markup_or_ansi(report):
    text = render(report, "text")
    assert "\x1b[" not in text and "[bold" not in text and "[/]" not in text
    assert text.endswith(".\n")


# ----------------------------------------------------------------------------- json
def test_json_structure(report):
    data = json.loads(render(report, "json"))
    assert list(data) == ["version", "summary", "diagnostics"]
    assert data["version"] == 1
    assert list(data["summary"]) == ["scenes", "words", "errors", "warnings", "info"]
    assert all(isinstance(v, int) for v in data["summary"].values())
    sevs = [d["severity"] for d in data["diagnostics"]]
    assert data["summary"]["errors"] == sevs.count("error")
    assert data["summary"]["warnings"] == sevs.count("warning")
    assert data["summary"]["info"] == sevs.count("info")
    names = {r.code: r.name for r in all_rules()}
    for d in data["diagnostics"]:
        assert list(d) == JSON_DIAGNOSTIC_KEYS
        assert d["name"] == names[d["code"]]
        assert d["severity"] in ("error", "warning", "info")
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(d[key], int) and d[key] >= 1
        assert (d["end_line"], d["end_column"]) >= (d["line"], d["column"])
        assert not d["path"].startswith("/") and "\\" not in d["path"]
        for key in ("scene", "contract", "entity", "help"):
            assert d[key] is None or isinstance(d[key], str)
    keys = [(d["path"], d["line"], d["column"], d["code"]) for d in data["diagnostics"]]
    assert keys == sorted(keys)


def test_json_clean_report(tmp_path):
    data = json.loads(render(_synthetic(tmp_path, []), "json"))
    assert data["diagnostics"] == [] and data["summary"]["errors"] == 0


# ----------------------------------------------------------------------------- sarif
def test_sarif_validates_against_the_schema(report):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    doc = json.loads(render(report, "sarif"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_sarif_results_point_at_their_rules(report):
    doc = json.loads(render(report, "sarif"))
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    fired = {d.code for d in report.diagnostics}
    assert [r["id"] for r in rules] == [r.code for r in all_rules() if r.code in fired]   # only these
    assert len(run["results"]) == len(report.diagnostics)
    for result, d in zip(run["results"], report.diagnostics):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == d.code
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (d.line, d.column)
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == d.path


def test_sarif_of_one_finding_is_small(tmp_path):
    """One finding: one rule in the driver, its summary and help URI, not every rule's docs."""
    d = Diagnostic("NF201", "unknown-canon-reference", Severity.ERROR, "`oswin` is not a known character",
                   "manuscript/01/a.md", 3, 1)
    doc = json.loads(render(_synthetic(tmp_path, [d]), "sarif"))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["NF201"] and doc["runs"][0]["results"][0]["ruleIndex"] == 0
    assert rules[0]["helpUri"].endswith("/NF201") and "novelforge rule NF201" in rules[0]["help"]["text"]
    assert len(render(_synthetic(tmp_path, [d]), "sarif").encode()) < 4_000


# ----------------------------------------------------------------------------- github
def test_github_one_annotation_per_finding(report):
    lines = render(report, "github").splitlines()
    assert len(lines) == len(report.diagnostics)
    level = {"error": "::error ", "warning": "::warning ", "info": "::notice "}
    for line, d in zip(lines, report.diagnostics):
        assert line.startswith(level[d.severity.value])
        assert f"line={d.line},col={d.column}" in line


def test_github_escaping(tmp_path):
    d = Diagnostic("NF205", "misspelled-name", Severity.WARNING,
                   "`Arya`: 100% wrong, surely\nsecond line\r", "manuscript/01, ashes/02: 50%.md",
                   3, 7, 3, 11, help="fix it: now, please")
    out = render(_synthetic(tmp_path, [d]), "github")
    assert out == ("::warning file=manuscript/01%2C ashes/02%3A 50%25.md,line=3,col=7,endLine=3,endColumn=11,"
                   "title=NF205 misspelled-name::`Arya`: 100%25 wrong, surely%0Asecond line%0D%0Afix it: now, please\n")
    assert out.count("\n") == 1


def test_github_info_is_a_notice_and_empty_report_is_empty(tmp_path):
    d = Diagnostic("NF203", "listed-character-not-named", Severity.INFO, "a note", "x.md", 1, 1)
    assert render(_synthetic(tmp_path, [d]), "github").startswith("::notice ")
    assert render(_synthetic(tmp_path, []), "github") == ""


# ----------------------------------------------------------------------------- junit
def test_junit_counts_failures(report):
    root = ET.fromstring(render(report, "junit").encode("utf-8"))
    assert root.tag == "testsuites"
    n = len(report.diagnostics)
    assert int(root.get("failures")) == int(root.get("tests")) == n
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == n
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted({d.path for d in report.diagnostics})
    for s in suites:
        assert int(s.get("failures")) == len(s.findall("testcase/failure")) == int(s.get("tests"))
    types = sorted(f.get("type") for f in failures)
    assert types == sorted(d.severity.value for d in report.diagnostics)


def test_junit_clean_report_is_one_passing_case(tmp_path):
    root = ET.fromstring(render(_synthetic(tmp_path, []), "junit").encode("utf-8"))
    assert root.get("failures") == "0"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 1 and not cases[0].findall("failure")


def test_junit_escapes_markup_in_messages(tmp_path):
    d = Diagnostic("NF204", "unlisted-character-present", Severity.WARNING,
                   'Bram says "<stop> & go"', "manuscript/a&b.md", 2, 1)
    root = ET.fromstring(render(_synthetic(tmp_path, [d]), "junit").encode("utf-8"))
    failure = root.find("./testsuite/testcase/failure")
    assert failure.get("message") == 'Bram says "<stop> & go"'
    assert root.find("testsuite").get("name") == "manuscript/a&b.md"


def test_github_and_sarif_paths_are_relative_to_the_workspace(tmp_path, monkeypatch):
    """On GitHub Actions a novel in a subfolder of the repository gets its folder in front
    of every path, so annotations and code-scanning alerts land on the right file."""
    import shutil

    book = tmp_path / "repo" / "books" / "ember"
    shutil.copytree(ROOT / "tests/fixtures/broken-novel", book, ignore=shutil.ignore_patterns(".novelforge"))
    report = check_project(load_project(book), CheckOptions(use_cache=False, use_baseline=False))
    plain = render(report, "github")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "repo"))
    github = render(report, "github")
    sarif = json.loads(render(report, "sarif"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert "file=manuscript/" in plain and "file=books/ember/manuscript/" not in plain
    assert "file=books/ember/manuscript/" in github and "file=manuscript/" not in github
    assert uris and all(u.startswith("books/ember/") for u in uris)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(book))   # the novel at the top of the repository
    assert render(report, "github") == plain
