"""Every rule against its fixture project, with the rendered text report as a golden file.

``tests/fixtures/rules/<CODE>/`` is a small novel where the rule fires at least once and,
next to each finding, a case where it must not (a correctly spelled name beside a
misspelled one, an outline beside a draft, …). Regenerate with ``pytest --update-golden``
and review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from novelforge.project.loader import load_project
from novelforge.report import render
from novelforge.rules.engine import CheckOptions, check_project
from novelforge.rules.registry import all_rules

RULES_DIR = Path(__file__).resolve().parent / "fixtures" / "rules"

# Bytes that cannot be committed as text fixtures; written into a tmp copy by the test.
CP1252_SCENE = (
    b"---\ntitle: The Cafe\npov: aria\ncharacters: [aria]\n---\n\n"
    b"Aria waited in the caf\xe9 by the river until the bells had finished.\n"
)
DOCX_AS_MD = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml"


def _prepare_nf003(root: Path, outside: Path) -> None:
    (root / "manuscript/01-ashes/02-the-cafe.md").write_bytes(CP1252_SCENE)
    (root / "manuscript/01-ashes/03-the-letter.md").write_bytes(DOCX_AS_MD)


def _prepare_nf007(root: Path, outside: Path) -> None:
    outside.mkdir()
    (outside / "bram.yaml").write_text("id: bram\nname: Bram Kettering\n", "utf-8")
    (outside / "the-road.md").write_text("---\ntitle: The Road\n---\n\nBram rode south.\n", "utf-8")
    (root / "canon/characters/bram.yaml").symlink_to(outside / "bram.yaml")
    (root / "manuscript/01-ashes/02-the-road.md").symlink_to(outside / "the-road.md")
    # a link that stays inside the project is fine
    (root / "manuscript/01-ashes/03-the-gate.md").symlink_to(Path("../../drafts/the-gate.md"))


PREPARE = {"NF003": _prepare_nf003, "NF007": _prepare_nf007}

# Where each rule must fire (path, line, column) and files where it must stay silent.
EXPECT: dict[str, dict[str, list]] = {
    "NF410": {"fires": [("canon/events/the-fall.yaml", 4, 10), ("canon/events/the-wedding.yaml", 4, 9),
                        ("contracts/world.yaml", 3, 11), ("contracts/world.yaml", 7, 11)],
              "clean": ["canon/events/the-coronation.yaml"]},
    "NF411": {"fires": [("manuscript/01-a/02-gate.md", 5, 7), ("manuscript/01-a/04-city.md", 5, 7)],
              "clean": ["manuscript/01-a/01-forge.md", "manuscript/01-a/03-wood.md", "manuscript/01-a/05-home.md"]},
    "NF412": {"fires": [("manuscript/01-a/02-wood.md", 6, 14)],
              "clean": ["manuscript/01-a/01-hall.md", "manuscript/01-a/03-wood.md", "manuscript/01-a/04-hall.md"]},
    "NF413": {"fires": [("manuscript/01-a/01-the-gate.md", 10, 24)], "clean": ["manuscript/01-a/02-the-road.md"]},
    "NF409": {"fires": [("manuscript/01-ashes/01-the-yard.md", 10, 11), ("manuscript/01-ashes/02-the-gift.md", 5, 86),
                        ("manuscript/01-ashes/03-the-road.md", 10, 30)],
              "clean": []},
    "NF408": {"fires": [("manuscript/01-ashes/01-the-gate.md", 9, 29), ("manuscript/01-ashes/01-the-gate.md", 13, 1)],
              "clean": []},
    "NF406": {"fires": [("manuscript/01-a/01-the-tower.md", 10, 1), ("manuscript/01-a/01-the-tower.md", 10, 27)],
              "clean": []},
    "NF407": {"fires": [("manuscript/01-a/01-the-tower.md", 10, 1), ("manuscript/01-a/02-the-road.md", 9, 110)],
              "clean": []},
    "NF404": {"fires": [("manuscript/01-ashes/01-the-forge.md", 9, 2), ("manuscript/01-ashes/02-the-road.md", 9, 49),
                        ("manuscript/01-ashes/05-years-before.md", 10, 52)],
              "clean": ["manuscript/01-ashes/03-the-letter.md", "manuscript/01-ashes/04-after.md"]},
    "NF403": {"fires": [("manuscript/01-a/02-audience.md", 5, 7)],
              "clean": ["manuscript/01-a/03-memory.md", "manuscript/01-a/04-night.md", "manuscript/01-a/05-next.md",
                        "manuscript/02-b/01-days.md"]},
    "NF405": {"fires": [("manuscript/01-a/01-arrival.md", 5, 7), ("manuscript/01-a/02-audience.md", 5, 7)],
              "clean": ["manuscript/01-a/03-evening.md", "manuscript/01-a/04-later.md"]},
    "NF402": {"fires": [("manuscript/01-ashes/01-the-forge.md", 8, 37), ("manuscript/01-ashes/01-the-forge.md", 18, 8),
                        ("manuscript/01-ashes/01-the-forge.md", 20, 7),
                        ("manuscript/01-ashes/01-the-forge.md", 20, 46)],
              "clean": []},
    "NF206": {"fires": [("canon/characters/corvane.yaml", 5, 10)], "clean": ["canon/characters/maelis.yaml"]},
    "NF414": {"fires": [("canon/characters/oswin.yaml", 4, 9)],
              "clean": ["canon/characters/corvane.yaml", "canon/characters/maelis.yaml", "canon/characters/bram.yaml"]},
    "NF415": {"fires": [("manuscript/01-a/03-the-return.md", 6, 1)],
              "clean": ["manuscript/01-a/01-the-dock.md", "manuscript/01-a/02-the-council.md"]},
    "NF401": {"fires": [("manuscript/01-ashes/02-the-road.md", 4, 26), ("manuscript/02-fall/02-the-wake.md", 8, 1)],
              "clean": ["manuscript/01-ashes/01-the-vault.md", "manuscript/01-ashes/03-the-letter.md",
                        "manuscript/01-ashes/04-the-night.md", "manuscript/02-fall/03-the-return.md",
                        "manuscript/02-fall/04-after.md"]},
    "NF301": {"fires": [("manuscript/01-ashes/01-the-walls.md", 9, 34), ("manuscript/01-ashes/01-the-walls.md", 11, 24),
                        ("manuscript/01-ashes/01-the-walls.md", 13, 5), ("manuscript/01-ashes/01-the-walls.md", 15, 5)],
              "clean": ["manuscript/01-ashes/02-the-gate.md"]},
    "NF302": {"fires": [("manuscript/01-ashes/01-the-hall.md", 9, 1), ("manuscript/01-ashes/01-the-hall.md", 11, 2)],
              "clean": ["manuscript/01-ashes/02-the-yard.md"]},
    "NF303": {"fires": [("manuscript/01-ashes/02-the-river.md", 9, 15)],
              "clean": ["manuscript/01-ashes/01-the-fog.md"]},
    "NF304": {"fires": [("manuscript/01-ashes/01-the-door.md", 9, 6)], "clean": []},
    "NF305": {"fires": [("manuscript/01-ashes/01-the-court.md", 9, 2)], "clean": []},
    "NF001": {"fires": [("canon/characters/bram.yaml", 4, 8), ("manuscript/01-ashes/01-the-summons.md", 2, 19)],
              "clean": ["canon/characters/aria.yaml", "manuscript/01-ashes/02-the-road.md"]},
    "NF002": {"fires": [("manuscript/01-ashes/01-the-summons.md", 1, 1)],
              "clean": ["manuscript/01-ashes/02-the-road.md"]},
    "NF003": {"fires": [("manuscript/01-ashes/02-the-cafe.md", 7, 23), ("manuscript/01-ashes/03-the-letter.md", 1, 1)],
              "clean": ["manuscript/01-ashes/01-the-summons.md"]},
    "NF004": {"fires": [("canon/characters/aria.yaml", 4, 9), ("manuscript/01-ashes/01-the-summons.md", 4, 13),
                        ("manuscript/01-ashes/01-the-summons.md", 5, 9)],
              "clean": ["manuscript/01-ashes/02-the-road.md"]},
    "NF005": {"fires": [("canon/characters/aria-vell.yaml", 1, 5)],
              "clean": ["canon/locations/greywood.yaml", "canon/factions/greywood.yaml"]},
    "NF006": {"fires": [("manuscript/01-ashes/01-the-summons.md", 1, 1)],
              "clean": ["manuscript/01-ashes/02-the-road.md", "canon/characters/aria.yaml"]},
    "NF007": {"fires": [("canon/characters/bram.yaml", 1, 1), ("manuscript/01-ashes/02-the-road.md", 1, 1)],
              "clean": ["manuscript/01-ashes/03-the-gate.md"]},
    "NF008": {"fires": [("canon/characters/bram.yaml", 1, 1), ("manuscript/01-ashes/02-the-ambush.md", 1, 1)],
              "clean": ["manuscript/01-ashes/03-the-pass.md", "canon/characters/aria.yaml"]},
    "NF009": {"fires": [("canon/characters/bram.yaml", 2, 1), ("manuscript/01-ashes/01-the-summons.md", 4, 1),
                        ("novelforge.yaml", 5, 3)],
              "clean": ["manuscript/01-ashes/02-the-road.md", "canon/characters/aria.yaml"]},
    "NF101": {"fires": [("manuscript/02-return/01-the-road.md", 1, 1), ("manuscript/02-return/02-homecoming.md", 2, 5)],
              "clean": ["manuscript/01-ashes/01-the-summons.md", "manuscript/01-ashes/02-the-road.md",
                        "manuscript/02-return/03-the-gate.md"]},
    "NF102": {"fires": [("manuscript/01-ashes/02-the-ambush.md", 4, 9), ("manuscript/01-ashes/04-the-river.md", 2, 1)],
              "clean": ["manuscript/01-ashes/01-the-summons.md", "manuscript/01-ashes/03-the-pass.md"]},
    "NF201": {"fires": [("manuscript/01-ashes/01-the-summons.md", 3, 6),
                        ("manuscript/01-ashes/01-the-summons.md", 4, 11),
                        ("manuscript/01-ashes/01-the-summons.md", 5, 14),
                        ("manuscript/01-ashes/01-the-summons.md", 6, 12),
                        ("manuscript/01-ashes/02-the-road.md", 4, 11)],
              "clean": ["manuscript/01-ashes/03-the-gate.md"]},
    "NF202": {"fires": [("manuscript/01-ashes/01-the-summons.md", 3, 6)],
              "clean": ["manuscript/01-ashes/02-the-road.md", "manuscript/01-ashes/03-the-gate.md"]},
    "NF203": {"fires": [("manuscript/01-ashes/01-the-gate.md", 4, 20)],
              "clean": ["manuscript/01-ashes/02-the-stables.md", "manuscript/01-ashes/03-the-letter.md",
                        "manuscript/01-ashes/04-the-ride.md"]},
    "NF204": {"fires": [("manuscript/01-ashes/01-the-gate.md", 10, 1), ("manuscript/01-ashes/01-the-gate.md", 12, 1)],
              "clean": ["manuscript/01-ashes/02-the-stables.md"]},
    "NF205": {"fires": [("manuscript/01-ashes/01-the-gate.md", 7, 1), ("manuscript/01-ashes/01-the-gate.md", 7, 30)],
              "clean": ["manuscript/01-ashes/02-the-hall.md"]},
    "NF501": {"fires": [("manuscript/01-a/01-the-tower.md", 11, 1)], "clean": ["manuscript/01-a/02-the-door.md"]},
    "NF502": {"fires": [("manuscript/01-a/02-the-door.md", 5, 24)], "clean": ["manuscript/01-a/01-the-tower.md"]},
    "NF503": {"fires": [("manuscript/01-a/01-the-vault.md", 6, 11)],
              "clean": ["manuscript/01-a/02-the-gift.md", "manuscript/01-a/03-the-door.md"]},
    "NF504": {"fires": [("manuscript/03-c/01-the-vault.md", 5, 11)], "clean": ["manuscript/02-b/01-the-door.md"]},
    "NF505": {"fires": [("manuscript/01-a/01-the-tower.md", 5, 23)], "clean": []},
    "NF506": {"fires": [("manuscript/01-a/03-the-vault-again.md", 8, 1)],
              "clean": ["manuscript/01-a/01-the-gift.md", "manuscript/01-a/02-the-vault.md"]},
    "NF507": {"fires": [("manuscript/01-a/01-the-tower.md", 5, 10), ("manuscript/01-a/02-the-door.md", 11, 1)],
              "clean": []},
    "NF508": {"fires": [("canon/promises/lost-ring.yaml", 1, 1)],
              "clean": ["canon/promises/locked-door.yaml", "manuscript/01-a/01-the-tower.md"]},
    "NF901": {"fires": [("manuscript/01-ashes/01-the-gate.md", 7, 1), ("manuscript/01-ashes/01-the-gate.md", 10, 29)],
              "clean": ["manuscript/01-ashes/02-the-stables.md"]},
}

# The words each finding's span must cover (prose and front-matter findings with a span).
SPANS = {
    "NF101": {("manuscript/02-return/02-homecoming.md", 2): "the-summons"},
    "NF102": {("manuscript/01-ashes/02-the-ambush.md", 4): "draft"},
    "NF201": {("manuscript/01-ashes/01-the-summons.md", 3): "arya",
              ("manuscript/01-ashes/01-the-summons.md", 4): "emberfal",
              ("manuscript/01-ashes/01-the-summons.md", 5): "arya",
              ("manuscript/01-ashes/01-the-summons.md", 6): "the-kng",
              ("manuscript/01-ashes/02-the-road.md", 4): "bram"},
    "NF202": {("manuscript/01-ashes/01-the-summons.md", 3): "aria"},
    "NF203": {("manuscript/01-ashes/01-the-gate.md", 4): "bram"},
    "NF204": {("manuscript/01-ashes/01-the-gate.md", 12): "Corvane"},
    "NF205": {("manuscript/01-ashes/01-the-gate.md", 7): None},  # two on one line: checked below
}


def _codes() -> list[str]:
    return sorted(EXPECT)


def _run(code: str, tmp_path: Path):
    """Check the fixture of ``code`` (in a tmp copy when the test must add files to it)."""
    src = RULES_DIR / code
    root = src
    if code in PREPARE:
        root = tmp_path / code
        shutil.copytree(src, root, ignore=shutil.ignore_patterns("expected*.txt"))
        PREPARE[code](root, tmp_path / "outside")
    report = check_project(load_project(root), CheckOptions(select=[code], use_cache=False))
    text = render(report, "text")
    # links out of the project name their absolute target: make it stable
    for base in {os.path.realpath(tmp_path), str(tmp_path)}:
        text = text.replace(base, "<tmp>")
    return report, text, root


@pytest.mark.parametrize("code", _codes())
def test_rule_fixture(code, tmp_path, golden):
    report, text, _root = _run(code, tmp_path)
    golden(RULES_DIR / code / "expected.txt", text)

    found = [(d.path, d.line, d.column) for d in report.diagnostics if d.code == code]
    assert found == sorted(EXPECT[code]["fires"]), f"{code} fired at {found}"
    assert {d.code for d in report.diagnostics} == {code}, "only the selected rule may report"
    for path in EXPECT[code]["clean"]:
        assert not [d for d in report.diagnostics if d.path == path], f"{code} must not fire in {path}"
    for d in report.diagnostics:
        assert d.message and "\n" not in d.message
        assert d.name and d.severity
        assert d.end_line is None or (d.end_line, d.end_column or 0) >= (d.line, d.column)


@pytest.mark.parametrize("code", sorted(SPANS))
def test_rule_span_covers_the_offending_words(code, tmp_path):
    report, _text, root = _run(code, tmp_path)
    for d in report.diagnostics:
        want = SPANS[code].get((d.path, d.line), "")
        if want == "":
            continue
        line = (root / d.path).read_text("utf-8").split("\n")[d.line - 1]
        shown = line[d.column - 1:d.end_column - 1]
        if want is None:  # NF205: the span is the misspelled word itself
            assert shown in d.message and shown[:1].isupper(), (d.message, shown)
        else:
            assert shown == want, (d.path, d.line, shown)


def test_nf205_names_the_misspelling_and_the_canon_name(tmp_path):
    report, _text, _root = _run("NF205", tmp_path)
    msgs = [d.message for d in report.diagnostics]
    assert any("`Arya`" in m and "`Aria`" in m for m in msgs)
    assert any("`Darcey`" in m and "`Darcy`" in m for m in msgs)
    assert not any(w in m for m in msgs for w in ("`Vells`", "`Dram`", "`Aria's`"))


def test_nf205_leaves_words_made_of_a_name_alone():
    from novelforge.rules.nf205_misspelled_name import _is_inflection

    canon = {"Transylvania", "Italy", "Natásha", "Aria", "Napoleon", "Rostov", "Pierre", "Bolkónski"}
    for word in ("Transylvanian", "Italian", "Na-tásha", "Napoleonic", "Arias", "Rostova", "Rostovs", "Pierres"):
        assert _is_inflection(word, canon), word
    # slips, or an accent (told apart elsewhere); a letter typed twice is no feminine form
    for word in ("Arian", "Transylvanai", "Natasha", "Ariaz", "Itali", "Ariaa", "Natáshaa", "Pierree"):
        assert not _is_inflection(word, canon), word


def test_nf007_link_is_not_followed(tmp_path):
    report, text, _root = _run("NF007", tmp_path)
    assert "Bram rode south" not in text  # the outside file is neither read nor quoted
    assert "<tmp>" not in text and "outside/bram.yaml" not in text  # no machine-specific paths


def test_clean_fixtures_without_prepared_files_are_clean():
    """The committed base of the NF003 and NF007 fixtures has nothing to report."""
    for code in PREPARE:
        report = check_project(load_project(RULES_DIR / code), CheckOptions(select=[code], use_cache=False))
        assert report.diagnostics == []


def test_every_rule_has_a_fixture():
    # the Writers' Room's rules (scope `room`) need a model: tests/test_room_*.py run them
    codes = {r.code for r in all_rules() if r.scope != "room"}
    missing = sorted(c for c in codes if not (RULES_DIR / c / "expected.txt").is_file())
    assert not missing, f"rules without a fixture in tests/fixtures/rules/: {missing}"
    assert codes == set(EXPECT), "EXPECT must list every rule (and only rules)"
    stray = sorted(p.name for p in RULES_DIR.iterdir() if p.is_dir() and p.name not in codes)
    assert not stray, f"fixtures for rules that do not exist: {stray}"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_docs(rule):
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.name), rule.name
    assert rule.summary and rule.summary != rule.name
    for section in ("## What it does", "## Why is this bad", "## Example", "## Use instead"):
        assert section in rule.docs, f"{rule.code} docs lack {section!r}"
        assert rule.section(section[3:]), f"{rule.code}: {section!r} is empty"
