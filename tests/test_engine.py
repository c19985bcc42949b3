"""The check engine: selection, severity overrides, per-file ignores, exit codes, inline
suppressions (and NF901), the baseline and the analysis cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from novelforge.diagnostics import Severity
from novelforge.errors import ConfigError, ExitCode
from novelforge.project.loader import load_project
from novelforge.report import render
from novelforge.rules.engine import CheckOptions, check_project
from novelforge.rules.suppress import BASELINE_FILE, write_baseline

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken-novel"

CANON = {
    "canon/characters/aria.yaml": "id: aria\nname: Aria Vell\naliases: [Aria, Vell]\n",
    "canon/characters/bram.yaml": "id: bram\nname: Bram Kettering\naliases: [Bram]\n",
    "canon/locations/emberfall.yaml": "id: emberfall\nname: Emberfall\n",
}
FRONT = "---\ntitle: {title}\npov: aria\nstatus: draft\n---\n\n"   # the prose starts on line 7


def make_project(root: Path, scenes: dict[str, str], config: str = "") -> Path:
    """A small novel: canon for Aria and Bram, and ``scenes`` (path → prose after FRONT)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "novelforge.yaml").write_text("title: The Ember Crown\nauthor: Mara Quill\n" + config, "utf-8")
    for rel, text in CANON.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    for rel, prose in scenes.items():
        path = root / "manuscript" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        title = path.stem.split("-", 1)[-1].replace("-", " ").title()
        path.write_text(FRONT.format(title=title) + prose, "utf-8")
    return root


def run(root: Path, **options):
    options.setdefault("use_cache", False)
    return check_project(load_project(root), CheckOptions(**options))


def found(report, code: str | None = None) -> list[tuple[str, int, str]]:
    return [(d.path.rsplit("/", 1)[-1], d.line, d.code) for d in report.diagnostics if code in (None, d.code)]


@pytest.fixture
def broken(tmp_path):
    root = tmp_path / "broken-novel"
    shutil.copytree(BROKEN, root, ignore=shutil.ignore_patterns("expected*"))
    return root


# ----------------------------------------------------------------------------- selection
def codes_of(report) -> set[str]:
    return {d.code for d in report.diagnostics}


def rule_codes(report) -> set[str]:
    """Codes found, without the load findings (NF0xx) that every selection keeps."""
    return {c for c in codes_of(report) if not c.startswith("NF0")}


def test_select_by_code_prefix_and_name(broken):
    assert rule_codes(run(broken, select=["NF205"])) == {"NF205"}
    assert rule_codes(run(broken, select=["NF2"])) == {"NF201", "NF202", "NF203", "NF204", "NF205", "NF206"}
    assert rule_codes(run(broken, select=["misspelled-name", "pov-not-in-cast"])) == {"NF205", "NF202"}
    assert rule_codes(run(broken, select=["nf1"])) == {"NF101", "NF102"}  # case does not matter
    everything = codes_of(run(broken))
    assert codes_of(run(broken, select=["ALL"])) == everything
    assert {"NF001", "NF205", "NF901"} <= everything


def test_files_that_cannot_be_read_are_reported_whatever_the_selection(broken):
    load = {c for c in codes_of(run(broken)) if c.startswith("NF0")}
    assert load and load <= codes_of(run(broken, select=["NF205"]))
    assert codes_of(run(broken, select=["NF205"], ignore=["NF0"])) == {"NF205"}
    assert "NF001" not in codes_of(run(broken, select=["NF205"], ignore=["broken-yaml"]))


def test_ignore_by_code_prefix_and_name(broken):
    everything = codes_of(run(broken))
    assert codes_of(run(broken, ignore=["NF0"])) == {c for c in everything if not c.startswith("NF0")}
    assert codes_of(run(broken, ignore=["misspelled-name", "NF901"])) == everything - {"NF205", "NF901"}
    # ignore wins over select
    assert rule_codes(run(broken, select=["NF2"], ignore=["NF205"])) == {"NF201", "NF202", "NF203", "NF204", "NF206"}


def test_extend_select_and_ignore_add_to_the_config(broken):
    cfg = (broken / "novelforge.yaml").read_text("utf-8")
    (broken / "novelforge.yaml").write_text(cfg.replace("check:\n", "check:\n  select: [NF1]\n"), "utf-8")
    assert rule_codes(run(broken)) == {"NF101", "NF102"}
    assert rule_codes(run(broken, extend_select=["NF205"])) == {"NF101", "NF102", "NF205"}
    assert rule_codes(run(broken, extend_ignore=["NF102"])) == {"NF101"}
    assert rule_codes(run(broken, select=["NF202"])) == {"NF202"}  # an explicit select replaces the config


@pytest.mark.parametrize("options", [
    {"select": ["NF999"]}, {"select": ["misspeled-name"]}, {"ignore": ["bogus"]},
    {"extend_select": ["NF77"]}, {"extend_ignore": ["XY1"]},
])
def test_unknown_selector_is_a_config_error(broken, options):
    with pytest.raises(ConfigError) as exc:
        run(broken, **options)
    bad = next(iter(options.values()))[0]
    assert f"`{bad}`" in exc.value.message
    assert exc.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize("block", [
    "check:\n  severity: {NF999: warning}\n",
    "check:\n  per-file-ignores: {'manuscript/*': [misspeled-name]}\n",
    "check:\n  select: [NF2, nonsense]\n",
])
def test_unknown_selector_in_the_config_is_a_config_error(tmp_path, block):
    root = make_project(tmp_path / "novel", {"01-ashes/01-the-gate.md": "Aria waited.\n"}, block)
    with pytest.raises(ConfigError):
        run(root)


# ----------------------------------------------------------------------------- severity
def test_severity_override_by_code_and_prefix(tmp_path):
    scenes = {"01-ashes/01-the-gate.md": "Arya waited by the gate.\n\n<!-- novelforge-disable-line NF999 -->\n"}
    root = make_project(tmp_path / "a", scenes, "check:\n  severity: {NF205: error, NF9: info}\n")
    report = run(root)
    sev = {d.code: d.severity for d in report.diagnostics}
    assert sev == {"NF205": Severity.ERROR, "NF901": Severity.INFO}
    assert report.summary()["errors"] == 1 and report.summary()["info"] == 1
    assert report.exit_code() == ExitCode.FINDINGS
    default = run(make_project(tmp_path / "b", scenes))
    assert {d.code: d.severity for d in default.diagnostics} == {"NF205": Severity.WARNING, "NF901": Severity.WARNING}
    assert default.exit_code() == ExitCode.OK


# ----------------------------------------------------------------------------- per-file ignores
def test_per_file_ignores_globs(tmp_path):
    # three different slips: one recurring in three scenes would count as a name of its own
    scenes = {"01-prologue/01-the-gate.md": "Arya waited by the gate.\n",
              "02-ashes/01-the-road.md": "Arja rode south.\n",
              "02-ashes/02-the-river.md": "Arla crossed the river.\n"}
    root = make_project(tmp_path / "novel", scenes,
                        "check:\n  per-file-ignores:\n    'manuscript/01-prologue/*': [NF205]\n"
                        "    '**/02-the-river.md': [misspelled-name]\n")
    assert found(run(root)) == [("01-the-road.md", 7, "NF205")]


def test_per_file_ignore_star_stays_in_one_folder(tmp_path):
    scenes = {"01-prologue/01-the-gate.md": "Arya waited by the gate.\n",
              "02-ashes/02-the-river.md": "Arya crossed the river.\n"}
    root = make_project(tmp_path / "novel", scenes,
                        "check:\n  per-file-ignores:\n    '*/02-the-river.md': [NF205]\n"
                        "    'manuscript/01-prologue': [NF205]\n")
    # `*` does not cross `/`; a folder without wildcards covers everything in it
    assert found(run(root)) == [("02-the-river.md", 7, "NF205")]


def test_per_file_ignores_apply_to_load_findings_and_nf901(tmp_path):
    scenes = {"01-old/01-the-gate.md": "Aria waited.\n\n<!-- novelforge-disable-next-line NF205 -->\nShe slept.\n",
              "02-new/01-the-road.md": "Aria rode.\n\n<!-- novelforge-disable-next-line NF205 -->\nShe slept.\n"}
    root = make_project(tmp_path / "novel", scenes, "check:\n  per-file-ignores: {'manuscript/01-old/*': [NF9]}\n")
    (root / "canon/characters/bram.yaml").write_text("id: bram\nnmae: Bram\n", "utf-8")
    assert found(run(root)) == [("bram.yaml", 2, "NF009"), ("01-the-road.md", 9, "NF901")]
    (root / "novelforge.yaml").write_text("title: T\ncheck:\n  per-file-ignores: {'canon/**': [NF009]}\n", "utf-8")
    assert ("bram.yaml", 2, "NF009") not in found(run(root))


# ----------------------------------------------------------------------------- exit codes
def test_exit_codes(broken):
    warnings_only = dict(select=["NF202", "NF203", "NF204", "NF205"], ignore=["NF0"])
    report = run(broken, **warnings_only)
    assert report.diagnostics and {d.severity for d in report.diagnostics} == {Severity.WARNING}
    assert report.exit_code() == ExitCode.OK                        # fail-on: error (config)
    assert run(broken, fail_on=Severity.WARNING, **warnings_only).exit_code() == ExitCode.FINDINGS
    assert run(broken, fail_on=Severity.INFO, **warnings_only).exit_code() == ExitCode.FINDINGS
    n = len(report.diagnostics)
    assert run(broken, max_warnings=n, **warnings_only).exit_code() == ExitCode.OK
    assert run(broken, max_warnings=n - 1, **warnings_only).exit_code() == ExitCode.FINDINGS
    assert run(broken).exit_code() == ExitCode.FINDINGS             # errors
    assert run(broken, exit_zero=True).exit_code() == ExitCode.OK
    assert run(broken, select=["NF205"], ignore=["NF205", "NF0"]).exit_code() == ExitCode.OK


def test_exit_code_settings_from_the_config(tmp_path):
    scenes = {"01-ashes/01-the-gate.md": "Arya waited.\n"}
    assert run(make_project(tmp_path / "a", scenes)).exit_code() == ExitCode.OK
    assert run(make_project(tmp_path / "b", scenes, "check: {fail-on: warning}\n")).exit_code() == ExitCode.FINDINGS
    assert run(make_project(tmp_path / "c", scenes, "check: {max-warnings: 0}\n")).exit_code() == ExitCode.FINDINGS
    strict = make_project(tmp_path / "d", scenes, "check: {fail-on: warning, max-warnings: 5}\n")
    assert run(strict, fail_on=Severity.ERROR, max_warnings=1).exit_code() == ExitCode.OK  # options win


# ----------------------------------------------------------------------------- suppressions
# (NF205 forgives a spelling used more than three times, so the slips vary)
SUPPRESSED = """\
<!-- novelforge-disable-next-line NF205 -->
Arya reached the gate.

Aira waited. <!-- novelforge-disable-line misspelled-name -->

<!-- novelforge-disable NF2 -->
Arla knocked.
Arza knocked again.
<!-- novelforge-enable NF2 -->

Arya slept.

<!-- novelforge-disable-next-line -->
Aira dreamt.
"""


def test_inline_suppressions(tmp_path):
    root = make_project(tmp_path / "novel", {"01-ashes/01-the-gate.md": SUPPRESSED})
    report = run(root, select=["NF205", "NF901"])
    # lines 8, 10, 13-14 and 20 are suppressed; line 17 is not
    assert found(report) == [("01-the-gate.md", 17, "NF205")]
    assert report.suppressed == 5
    assert "(5 suppressed inline)" in render(report, "text")


def test_disable_without_enable_runs_to_the_end(tmp_path):
    # three different slips (a name spelled the same way three times is a name of its own)
    prose = "Arya woke.\n\n<!-- novelforge-disable NF205 -->\nArja ate.\n\nAira left.\n"
    report = run(make_project(tmp_path / "n", {"01-a/01-the-inn.md": prose}), select=["NF205", "NF901"])
    assert found(report) == [("01-the-inn.md", 7, "NF205")]
    plain = prose.replace("<!-- novelforge-disable NF205 -->\n", "")
    report = run(make_project(tmp_path / "p", {"01-a/01-the-inn.md": plain}), select=["NF205", "NF901"])
    assert [f[2] for f in found(report)] == ["NF205"] * 3          # each slip is one


def test_enable_of_one_rule_keeps_others_disabled(tmp_path):
    prose = ("<!-- novelforge-disable NF204 -->\n<!-- novelforge-disable misspelled-name -->\n"
             "Arya woke. \"Up,\" Bram said.\n<!-- novelforge-enable NF205 -->\n"
             "Arya ate. \"Eat,\" Bram said.\n")
    report = run(make_project(tmp_path / "n", {"01-a/01-the-inn.md": prose}), select=["NF204", "NF205", "NF901"])
    assert found(report) == [("01-the-inn.md", 11, "NF205")]
    assert report.suppressed == 2


def test_a_suppression_only_hides_the_rules_it_names(tmp_path):
    prose = "<!-- novelforge-disable-next-line NF204 -->\nArya woke. \"Up,\" Bram said.\n"
    report = run(make_project(tmp_path / "n", {"01-a/01-the-inn.md": prose}), select=["NF204", "NF205", "NF901"])
    assert found(report) == [("01-the-inn.md", 8, "NF205")]


def test_disable_next_line_covers_only_the_next_line(tmp_path):
    prose = "<!-- novelforge-disable-next-line NF205 -->\n\nArya woke.\n"
    report = run(make_project(tmp_path / "n", {"01-a/01-the-inn.md": prose}), select=["NF205", "NF901"])
    assert found(report) == [("01-the-inn.md", 7, "NF901"), ("01-the-inn.md", 9, "NF205")]


# ----------------------------------------------------------------------------- NF901
def nf901(report) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in report.diagnostics if d.code == "NF901"]


def test_unused_and_unknown_suppressions(tmp_path):
    prose = ("<!-- novelforge-disable-next-line NF205 -->\nAria woke.\n\n"          # 7: nothing to hide
             "<!-- novelforge-disable-next-line NF999 -->\nArya ate.\n\n"          # 10: not a rule
             "<!-- novelforge-disable-next-line misspelled-name, NF205 -->\nArya left.\n\n"  # 13: used
             "Aria slept. <!-- novelforge-disable-line -->\n")                     # 16: blanket, unused
    report = run(make_project(tmp_path / "n", {"01-a/01-the-inn.md": prose}))  # a blanket one needs a full run
    assert nf901(report) == [
        (7, "this suppression of NF205 hides nothing; remove it"),
        (10, "the suppression names `NF999`, which is not a NovelForge rule"),
        (16, "this suppression of all rules hides nothing; remove it"),
    ]
    assert ("01-the-inn.md", 11, "NF205") in found(report)  # an unknown code hides nothing
    assert all(d.severity == Severity.WARNING and d.name == "unused-suppression"
               for d in report.diagnostics if d.code == "NF901")


def test_nf901_only_judges_rules_that_ran(tmp_path):
    prose = "<!-- novelforge-disable-next-line NF204 -->\nArya woke. \"Up,\" Bram said.\n"
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": prose})
    assert nf901(run(root, select=["NF204", "NF901"])) == []     # used
    assert nf901(run(root, select=["NF205", "NF901"])) == []     # NF204 did not run: cannot tell
    assert nf901(run(root, select=["NF901"])) == []
    assert found(run(root, select=["NF901", "NF205"]), "NF205") == [("01-the-inn.md", 8, "NF205")]
    # a code that is not a rule is reported whatever ran
    (root / "manuscript/01-a/01-the-inn.md").write_text(FRONT.format(title="x") + prose.replace("NF204", "NF294"))
    assert [line for line, _ in nf901(run(root, select=["NF901"]))] == [7]


def test_nf901_not_reported_when_not_selected(tmp_path):
    prose = "<!-- novelforge-disable-next-line NF999 -->\nAria woke.\n"
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": prose})
    assert run(root, ignore=["NF901"]).diagnostics == []


# ----------------------------------------------------------------------------- baseline
def test_baseline_hides_recorded_findings_only(tmp_path):
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Arya woke.\n\nAria ate.\n",
                                         "01-a/02-the-road.md": "Aria rode south.\n"})
    first = run(root)
    assert found(first) == [("01-the-inn.md", 7, "NF205")]
    target = write_baseline(root, first.diagnostics)
    assert target == root / BASELINE_FILE and target.is_file()

    again = run(root)
    assert again.diagnostics == [] and again.baselined == 1
    assert run(root, use_baseline=False).diagnostics == first.diagnostics

    # the same slip once more in that file, and a new slip elsewhere: both are new
    inn = root / "manuscript/01-a/01-the-inn.md"
    inn.write_text(inn.read_text("utf-8").replace("Aria ate.", "Aria ate.\n\nArya slept."), "utf-8")
    road = root / "manuscript/01-a/02-the-road.md"
    road.write_text(road.read_text("utf-8").replace("rode south", "rode south with Brem"), "utf-8")
    later = run(root)
    assert later.baselined == 1
    assert [(p, c) for p, _line, c in found(later)] == [("01-the-inn.md", "NF205"), ("02-the-road.md", "NF205")]
    # moving the old finding (it is counted, not pinned to a line) does not resurface it
    inn.write_text(FRONT.format(title="Inn") + "Aria ate.\n\nArya woke.\n", "utf-8")
    assert [(p, c) for p, _line, c in found(run(root))] == [("02-the-road.md", "NF205")]


def test_unreadable_files_are_never_baselined(tmp_path):
    """A broken canon file (NF001) stays reported after --update-baseline, and a baseline
    entry written for it by hand hides nothing; the other findings are baselined as usual."""
    import json

    from novelforge import api

    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Arya woke.\n\nAria ate.\n"})
    (root / "canon/characters/mira.yaml").write_text("id: mira\nname: Mira\naliases: [Mira\n", "utf-8")
    first = run(root, use_baseline=False)
    assert {"NF001", "NF205"} <= codes_of(first)
    done = api.record_baseline(root, use_cache=False)
    nf001 = [d for d in first.diagnostics if d.code == "NF001"]
    assert done.count == len(first.diagnostics) - len(nf001) and done.not_recorded == len(nf001) >= 1
    recorded = json.loads((root / BASELINE_FILE).read_text("utf-8"))["findings"]
    assert {e["code"] for e in recorded} == {"NF205"}
    again = run(root)
    assert codes_of(again) == {"NF001"} and again.baselined == done.count

    # an entry for the broken file, added by hand, is ignored
    recorded += [{"path": d.path, "code": d.code, "message": d.message, "count": 1} for d in nf001]
    (root / BASELINE_FILE).write_text(json.dumps({"version": 1, "findings": recorded}), "utf-8")
    assert codes_of(run(root)) == {"NF001"}


def test_broken_baseline_is_a_config_error(tmp_path):
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Aria woke.\n"})
    (root / BASELINE_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / BASELINE_FILE).write_text("{not json", "utf-8")
    with pytest.raises(ConfigError):
        run(root)
    assert run(root, use_baseline=False).diagnostics == []


# ----------------------------------------------------------------------------- cache
@pytest.fixture
def counted_index(monkeypatch):
    calls: list[str] = []
    from novelforge.analysis import session as indexing

    real = indexing.build_index

    def counting(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(indexing, "build_index", counting)
    return calls


def test_cache_hits_on_the_second_run(broken, counted_index):
    first = run(broken, use_cache=True)
    readable = [s for s in first.project.scenes if s.readable]
    assert first.cache_hits == 0 and len(counted_index) == len(readable)
    assert not (broken / ".novelforge" / "cache").exists()   # never inside the project

    counted_index.clear()
    second = run(broken, use_cache=True)
    assert second.cache_hits == len(readable) == len(second.project.scenes) - 2  # two have broken front matter
    assert counted_index == []
    assert second.from_cache and not first.from_cache
    assert second.diagnostics == first.diagnostics
    assert second.summary() == first.summary()
    assert second.promises == first.promises

    # another selection cannot reuse the whole result, but every index comes from the cache
    third = run(broken, use_cache=True, select=["NF2"])
    assert not third.from_cache and third.cache_hits == len(readable) and counted_index == []
    assert third.diagnostics and all(d.code[:3] in ("NF0", "NF2") for d in third.diagnostics)


def test_editing_one_scene_reindexes_only_that_scene(tmp_path, counted_index):
    scenes = {f"01-a/0{i}-scene-{i}.md": f"Aria waited for the {i}th bell.\n" for i in range(1, 5)}
    root = make_project(tmp_path / "n", scenes)
    run(root, use_cache=True)
    assert len(counted_index) == 4
    counted_index.clear()
    edited = root / "manuscript/01-a/03-scene-3.md"
    edited.write_text(edited.read_text("utf-8") + "\nArya rang it herself.\n", "utf-8")
    report = run(root, use_cache=True)
    assert report.cache_hits == 3
    assert len(counted_index) == 1 and "Arya rang it herself" in counted_index[0]
    assert found(report) == [("03-scene-3.md", 9, "NF205")]


def test_canon_change_invalidates_the_cache(tmp_path, counted_index):
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Arya woke.\n"})
    assert found(run(root, use_cache=True)) == [("01-the-inn.md", 7, "NF205")]
    (root / "canon/characters/aria.yaml").write_text("id: aria\nname: Aria Vell\naliases: [Aria, Arya]\n", "utf-8")
    report = run(root, use_cache=True)
    assert report.cache_hits == 0 and report.diagnostics == []


def test_no_cache_writes_nothing(tmp_path):
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Aria woke.\n"})
    report = run(root, use_cache=False)
    assert report.cache_hits == 0
    assert not (root / ".novelforge").exists()


def test_unknown_rule_in_the_config_is_an_error_at_its_line(tmp_path):
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Aria woke.\n"},
                        "check:\n  select: [NF2, NF77]\n  severity: {misspeled-name: info}\n")
    with pytest.raises(ConfigError) as info:
        run(root)
    err = info.value
    assert (err.path, err.line) == ("novelforge.yaml", 4)
    assert "`NF77` in `check: select`" in str(err) and str(err).startswith("novelforge.yaml:4:")
    (root / "novelforge.yaml").write_text("title: T\ncheck:\n  severity: {misspeled-name: info}\n", "utf-8")
    with pytest.raises(ConfigError, match="did you mean `misspelled-name`") as info:
        run(root)
    assert (info.value.line, info.value.column) == (3, 14)


def test_scene_rules_rerun_only_on_the_edited_scene(tmp_path, monkeypatch):
    import dataclasses

    from novelforge.rules.registry import RULES

    seen: list[str] = []
    rule = RULES["NF203"]

    def counting(scene, index, ctx):
        seen.append(scene.path)
        return rule.check(scene, index, ctx)

    monkeypatch.setitem(RULES, "NF203", dataclasses.replace(rule, check=counting))
    scenes = {f"01-a/0{i}-scene-{i}.md": f"Aria waited for the {i}th bell.\n" for i in range(1, 5)}
    root = make_project(tmp_path / "n", scenes)
    first = run(root, use_cache=True)
    assert len(seen) == 4
    seen.clear()
    edited = root / "manuscript/01-a/02-scene-2.md"
    edited.write_text(edited.read_text("utf-8") + "\nArya rang it.\n", "utf-8")
    second = run(root, use_cache=True)
    assert seen == ["manuscript/01-a/02-scene-2.md"]
    assert found(second, "NF205") == [("02-scene-2.md", 9, "NF205")]
    # a canon change touches the world: every scene is checked again
    seen.clear()
    (root / "canon/characters/bram.yaml").write_text("id: bram\nname: Bram Kettering\naliases: [Bram, Ket]\n", "utf-8")
    run(root, use_cache=True)
    assert len(seen) == 4 and first.diagnostics is not None


@pytest.fixture
def counted_rules(monkeypatch):
    """Scene → codes of the scene rules that ran on it (not served from the cache)."""
    import dataclasses

    from novelforge.rules.registry import RULES, all_rules

    ran: list[tuple[str, str]] = []
    for r in all_rules():
        if r.scope == "scene" and r.check is not None:
            def counting(scene, idx, ctx, _real=r.check, _code=r.code):
                ran.append((scene.path.rsplit("/", 1)[-1], _code))
                return _real(scene, idx, ctx)
            monkeypatch.setitem(RULES, r.code, dataclasses.replace(r, check=counting))
    return ran


def test_a_change_re_runs_only_the_rules_that_read_it(broken, counted_rules):
    """Cached findings are keyed on what each rule declares it reads: editing a location
    re-runs the rules that read locations (or every kind of canon), not the tense rule."""
    from novelforge.rules.registry import RULES

    first = run(broken, use_cache=True)
    counted_rules.clear()
    location = broken / "canon" / "locations" / "cinderholt.yaml"
    location.write_text(location.read_text("utf-8").replace("A hill town", "A cold hill town"), "utf-8")
    second = run(broken, use_cache=True)
    again = {code for _scene, code in counted_rules}
    assert again == {c for c, r in RULES.items()
                     if r.scope == "scene" and r.check is not None and r.reads_canon("locations")}
    assert "NF406" not in again and "NF402" in again
    assert [d.sort_key() for d in second.diagnostics] == [d.sort_key() for d in first.diagnostics]

    # editing one scene's prose re-runs every scene rule on that scene only
    counted_rules.clear()
    scene = next(s for s in second.project.scenes if s.readable and "gate" not in s.path)
    (broken / scene.path).write_text(scene.text + "\nThe rain went on.\n", "utf-8")
    run(broken, use_cache=True)
    assert {name for name, _code in counted_rules} == {scene.path.rsplit("/", 1)[-1]}

    # a contract of one type re-runs the rules that read that type
    counted_rules.clear()
    contracts = broken / "contracts" / "extra.yaml"
    contracts.write_text("new-ban:\n  type: forbid\n  terms: [zeppelin]\n", "utf-8")
    run(broken, use_cache=True)
    assert {code for _scene, code in counted_rules} == {"NF301"}


def test_every_rule_says_what_it_reads():
    from novelforge.rules.registry import READS, all_rules, valid_read

    for r in all_rules():
        if r.check is None:
            continue
        assert r.reads, f"{r.code} declares no reads"
        assert all(valid_read(t) for t in r.reads), (r.code, r.reads)
    assert set(READS) >= {"prose", "front-matter", "structure", "timeline", "cast", "canon", "promises", "book"}


def test_nf205_a_spelling_used_three_times_is_a_name_of_its_own(tmp_path):
    twice = "Arya woke.\n\nArya ate.\n"
    report = run(make_project(tmp_path / "two", {"01-a/01-the-inn.md": twice}), select=["NF205"])
    assert [f[2] for f in found(report)] == ["NF205", "NF205"]
    thrice = twice + "\nArya left.\n"          # Dórokhov beside Dólokhov: another person
    assert found(run(make_project(tmp_path / "three", {"01-a/01-the-inn.md": thrice}), select=["NF205"])) == []
