"""Contract rules (NF301–NF305): scopes, filters and messages."""

from __future__ import annotations

from pathlib import Path

from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project

CANON = {
    "canon/characters/aria.yaml": "id: aria\nname: Aria Vell\naliases: [Aria]\n",
    "canon/characters/bram.yaml": "id: bram\nname: Bram Kettering\naliases: [Bram]\n",
}


def project(root: Path, contracts: str, scenes: dict[str, tuple[str, str]]) -> Path:
    """``scenes``: path → (pov, prose). Prose starts on line 7."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for rel, text in CANON.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    (root / "contracts").mkdir(exist_ok=True)
    (root / "contracts/world.yaml").write_text(contracts, "utf-8")
    for rel, (pov, prose) in scenes.items():
        path = root / "manuscript" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\npov: {pov}\ncharacters: [aria, bram]\nstatus: draft\n---\n\n{prose}", "utf-8")
    return root


def found(root: Path, code: str) -> list[tuple[str, int, int, str]]:
    report = check_project(load_project(root), CheckOptions(select=[code], use_cache=False))
    return [(d.path.rsplit("/", 1)[-1], d.line, d.column, d.message) for d in report.diagnostics if d.code == code]


def test_forbid_scope_and_speakers(tmp_path):
    root = project(tmp_path / "n", """
narration-only:
  type: forbid
  terms: [musket]
  scope: narration
bram-never-swears:
  type: forbid
  terms: [damn]
  speakers: [bram]
""", {"01-a/01-x.md": ("aria", 'Aria saw the musket.\n\n"A musket," Bram said. "Damn it."\n\n"Damn," Aria said.\n')})
    hits = [(line, col) for _f, line, col, _m in found(root, "NF301")]
    assert hits == [(7, 14), (9, 25)]  # narration musket; Bram's damn — not Aria's, not quoted musket


def test_pov_scene_range_and_chapter_filters(tmp_path):
    scenes = {"01-a/01-one.md": ("aria", "Aria lit the lamp.\n"),
              "02-b/01-two.md": ("bram", "Bram lit the lamp.\n"),
              "03-c/01-three.md": ("aria", "Aria lit the lamp.\n")}
    base = "  type: forbid\n  terms: [lamp]\n"
    pov = project(tmp_path / "p", "x:\n" + base + "  pov: [bram]\n", scenes)
    assert [f for f, *_ in found(pov, "NF301")] == ["01-two.md"]
    assert [f for f, *_ in found(project(tmp_path / "s", "x:\n" + base + "  scenes: {from: two, to: three}\n", scenes),
                                 "NF301")] == ["01-two.md", "01-three.md"]
    assert [f for f, *_ in found(project(tmp_path / "c", "x:\n" + base + "  chapters: [1, 03-c]\n", scenes),
                                 "NF301")] == ["01-one.md", "01-three.md"]


def test_forbid_patterns_and_case(tmp_path):
    root = project(tmp_path / "n", """
strict:
  type: forbid
  terms: [Okay]
  ignore_case: false
clocks:
  type: forbid
  patterns: ['clock(work|s)?']
  message: No clocks in the Ember world
""", {"01-a/01-x.md": ("aria", "Okay, okay. The clockwork ticked.\n")})
    msgs = found(root, "NF301")
    assert [(c, m) for _f, _l, c, m in msgs] == [(1, "`Okay` is forbidden (contract `world.strict`)"),
                                                  (17, "`clockwork` is forbidden: No clocks in the Ember world")]


def test_forbid_finds_the_regular_forms_of_a_term_unless_exact(tmp_path):
    root = project(tmp_path / "n", """
no-motors:
  type: forbid
  terms: [motor, telephone, copy, motor-car]
just-the-word:
  type: forbid
  terms: [pike]
  exact: true
""", {"01-a/01-x.md": ("aria", "Aria motored home and telephoned Bram. He copied the plates of two motor-cars.\n\n"
                                "The motorists waved. Bram sold pikes and one pike.\n")})
    msgs = [(line, m) for _f, line, _c, m in found(root, "NF301")]
    assert msgs == [(7, "`motored` is forbidden (a form of `motor`) (contract `world.no-motors`)"),
                    (7, "`telephoned` is forbidden (a form of `telephone`) (contract `world.no-motors`)"),
                    (7, "`copied` is forbidden (a form of `copy`) (contract `world.no-motors`)"),
                    (7, "`motor-cars` is forbidden (a form of `motor-car`) (contract `world.no-motors`)"),
                    (9, "`pike` is forbidden (contract `world.just-the-word`)")]  # not motorists, not pikes


def test_inflections_are_regular_forms_only():
    from novelforge.text.lexicon import inflections

    assert inflections("motor") == ("motor", "motors", "motored", "motoring")
    assert inflections("telephone") == ("telephone", "telephones", "telephoned", "telephoning")
    assert inflections("copy") == ("copy", "copies", "copied", "copying")
    assert inflections("wireless") == ("wireless", "wirelesses", "wirelessed", "wirelessing")
    assert "stopped" in inflections("stop") and "telegraphed" in inflections("telegraph")
    assert inflections("OK") == ("OK",) and inflections("Mr.") == ("Mr.",)
    assert inflections("steam engine")[1] == "steam engines"


def test_prefer_matches_across_a_line_break(tmp_path):
    root = project(tmp_path / "n", 'titles:\n  type: prefer\n  replace: {"Lord Bram": "Sir Bram"}\n',
                   {"01-a/01-x.md": ("aria", "Aria bowed to Lord\nBram and to lord bram.\n")})
    assert found(root, "NF302") == [("01-x.md", 7, 15, "`Lord Bram` should be `Sir Bram` (contract `world.titles`)")]


def test_consistency_reports_the_rarer_variant_and_the_right_one_on_a_tie(tmp_path):
    root = project(tmp_path / "n", "s:\n  type: consistency\n  either: {grey: gray}\n",
                   {"01-a/01-x.md": ("aria", "A gray sky.\n"), "01-a/02-y.md": ("aria", "A grey sea.\n")})
    assert [(f, m.split(";")[0]) for f, _l, _c, m in found(root, "NF303")] == [
        ("01-x.md", "`gray` and `grey` are both used")]


def test_require_with_units(tmp_path):
    contract = "p:\n  type: require-with\n  if: spell\n  then: blood\n  within: {}\n"
    prose = "The spell held. Blood ran.\n\nAnother spell.\n"
    assert [line for _f, line, _c, _m in found(project(tmp_path / "s", contract.format("sentence"),
                                                       {"01-a/01-x.md": ("aria", prose)}), "NF304")] == [7, 9]
    assert [line for _f, line, _c, _m in found(project(tmp_path / "p", contract.format("paragraph"),
                                                       {"01-a/01-x.md": ("aria", prose)}), "NF304")] == [9]
    assert found(project(tmp_path / "c", contract.format("scene"), {"01-a/01-x.md": ("aria", prose)}), "NF304") == []


def test_pattern_message_uses_groups(tmp_path):
    root = project(tmp_path / "n", """
modern:
  type: pattern
  pattern: '\\b(?P<word>okay|gonna)\\b'
  ignore_case: true
  scope: dialogue
  message: "`{0}` ({word}) is too modern; Bram would never say `{1}`"
""", {"01-a/01-x.md": ("aria", '"Okay," Bram said. Okay.\n')})
    assert found(root, "NF305") == [("01-x.md", 7, 2, "`Okay` (Okay) is too modern; Bram would never say `Okay`")]


def test_comments_and_front_matter_never_trigger_contracts(tmp_path):
    root = project(tmp_path / "n", "x:\n  type: forbid\n  terms: [musket, pov]\n",
                   {"01-a/01-x.md": ("aria", "<!-- a musket in a note -->\nAria waited.\n")})
    assert found(root, "NF301") == []


def test_prefilters_never_change_the_matches():
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from novelforge.rules.contracts_common import Finder, required_literals, terms_regex

    assert required_literals(r"\b(cast|conjur\w*|spell)\b") == ("cast", "conjur", "spell")
    assert required_literals(r"(?i)\b(o\.?k\.?|okay)\b") is None  # no literal of 3+ letters is certain
    assert required_literals(r"(foo)?bar") == ("bar",)
    assert required_literals(r"[a-z]+") is None

    words = st.sampled_from(["musket", "Musket", "lord", "Lord Bram", "_musket_", "o'musket", "muskets", "é",
                             " ", "\n", ". "])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(words, max_size=30), st.booleans())
    def same(parts, ignore_case):
        text = "".join(parts)
        for finder in (terms_regex(["musket", "Lord Bram"], ignore_case),
                       Finder(re.compile(r"\bmusket", re.I if ignore_case else 0), required_literals(r"\bmusket"))):
            plain = [(m.start(), m.end()) for m in finder.regex.finditer(text)]
            fast = [(m.start(), m.end()) for m in finder.finditer(text, text.lower())]
            assert fast == plain

    same()
