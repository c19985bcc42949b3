"""Values a rule reads later are checked when the file is loaded: a value the rule could not
use is a finding at its line and column, and it is dropped, never half-used or silently
ignored (issue #11). Also: a file with tens of thousands of unknown keys is validated in
well under a second, with at most 50 findings and one that counts the rest."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from novelforge.project.loader import MAX_VALUE_FINDINGS, _Loader, load_project
from novelforge.project.models import ProjectConfig
from novelforge.project.yamlio import YamlDoc, parse_yaml
from test_cli import call
from test_loader import where, write

SCENE = "manuscript/01-one/01-gate.md"


def project(root: Path, files: dict[str, str]) -> Path:
    return write(root, {"novelforge.yaml": "title: T\n", SCENE: "The rain fell.\n", **files})


def check(capsys, root: Path) -> tuple[int, list[tuple[str, str, int, int]], dict]:
    code, out, err = call(capsys, "check", str(root), "--no-cache", "--format", "json")
    assert "internal error" not in err, err
    report = json.loads(out)
    return code, sorted((d["code"], d["path"], d["line"], d["column"]) for d in report["diagnostics"]), report


# ----------------------------------------------------------------------------- payoff windows
@pytest.mark.parametrize("value", ["5 eons", "-3", "true", "2.5 chapters", "[5]", "chapters"])
def test_a_payoff_window_that_cannot_be_read_is_a_finding(tmp_path, capsys, value):
    root = project(tmp_path, {"canon/promises/door.yaml": f"description: The door.\npayoff_within: {value}\n"})
    code, found, report = check(capsys, root)
    found = [f for f in found if f[0] != "NF508"]   # the door is planted nowhere: not this test's point
    assert code == 1 and found == [("NF004", "canon/promises/door.yaml", 2, 16)]
    message = next(d["message"] for d in report["diagnostics"] if d["code"] == "NF004")
    assert "payoff window" in message or "payoff_within" in message
    door = load_project(root).promises["door"]
    assert door.model.payoff_within is None and door.model.description == "The door."


def test_payoff_windows_in_promises_yaml_and_max_distance(tmp_path):
    root = project(tmp_path, {
        "novelforge.yaml": "title: T\npromises:\n  max-distance: 5 eons\n",
        "promises.yaml": ("door: {description: The door., payoff_within: -3, colour: red}\n"
                          "ring: {payoff_within: 2 scenes}\n"),
    })
    p = load_project(root)
    assert sorted(where(d) for d in p.diagnostics) == [
        ("NF004", "novelforge.yaml", 3, 17),
        ("NF004", "promises.yaml", 1, 47),
        ("NF009", "promises.yaml", 1, 51),
    ]
    assert p.config.promises.max_distance is None
    # the promise is kept without its bad window and its unknown key
    assert p.promises["door"].model.description == "The door." and p.promises["door"].model.payoff_within is None
    assert p.promises["ring"].model.payoff_within == "2 scenes"


def test_zero_chapters_means_the_same_chapter_and_nf504_still_fires(tmp_path, capsys):
    root = project(tmp_path, {
        "canon/promises/door.yaml": "description: The door.\npayoff_within: 0 chapters\n",
        SCENE: "---\nsetups: [door]\n---\nThe rain fell.\n",
        "manuscript/02-two/01-later.md": "---\npayoffs: [door]\n---\nThe rain stopped.\n",
    })
    code, found, report = check(capsys, root)
    assert ("NF504", "manuscript/02-two/01-later.md") in {(c, p) for c, p, _l, _c in found}, report


# ----------------------------------------------------------------------------- contracts
@pytest.mark.parametrize("terms,col", [("['']", 11), ("[gunpowder, '  ']", 22)])
def test_an_empty_term_in_a_contract_is_a_finding(tmp_path, capsys, terms, col):
    root = project(tmp_path, {"contracts/world.yaml": f"no-guns:\n  type: forbid\n  terms: {terms}\n"})
    code, found, report = check(capsys, root)
    assert code == 1 and found == [("NF004", "contracts/world.yaml", 3, col)]
    assert "empty" in report["diagnostics"][0]["message"]
    assert load_project(root).contracts == {}   # a contract with an error is not half-enforced


def test_travel_contract_needs_two_places_and_a_time(tmp_path):
    root = project(tmp_path, {
        "canon/locations/here.yaml": "name: Here\n", "canon/locations/there.yaml": "name: There\n",
        "contracts/world.yaml": ("a:\n  type: travel\n  between: [here]\n  minimum: 2 days\n"
                                 "b:\n  type: travel\n  between: [here, there]\n  minimum: soon\n"
                                 "c:\n  type: travel\n  between: [here, there]\n  minimum: 3\n"),
    })
    p = load_project(root)
    assert sorted(where(d) for d in p.diagnostics) == [("NF004", "contracts/world.yaml", 3, 12),
                                                        ("NF004", "contracts/world.yaml", 8, 12)]
    assert list(p.contracts) == ["world.c"]


# ----------------------------------------------------------------------------- check config
def test_an_invalid_per_file_ignores_pattern_is_a_finding_not_exit_3(tmp_path, capsys):
    root = project(tmp_path, {"novelforge.yaml": ("title: T\ncheck:\n  per-file-ignores:\n"
                                                  "    '[': [NF204]\n    'manuscript/[z-a]*': [NF204]\n"
                                                  "    'a/[]': [NF204]\n    '/abs/*': [NF204]\n"
                                                  "    'manuscript/*': [NF204]\n")})
    code, found, report = check(capsys, root)
    assert code == 1 and found == [("NF004", "novelforge.yaml", line, 5) for line in (4, 5, 6, 7)]
    assert "`[` in `check.per-file-ignores`" in report["diagnostics"][0]["message"]
    assert load_project(root).config.check.per_file_ignores == {"manuscript/*": ["NF204"]}


def test_language_and_budget(tmp_path):
    root = project(tmp_path, {"novelforge.yaml": "title: T\nlanguage: English\nllm:\n  budget_usd_month: -5\n"})
    p = load_project(root)
    assert sorted(where(d) for d in p.diagnostics) == [("NF004", "novelforge.yaml", 2, 11),
                                                        ("NF004", "novelforge.yaml", 4, 21)]
    assert p.config.language == "en" and p.config.llm.budget_usd_month is None


# ----------------------------------------------------------------------------- canon
def test_an_attribute_that_is_a_list_is_a_finding(tmp_path, capsys):
    root = project(tmp_path, {"canon/characters/aria.yaml": (
        "name: Aria\nattributes: {eyes: [1, 2], hair: black, scar: , appearance: {height: tall}}\n")})
    code, found, _report = check(capsys, root)
    assert code == 1 and found == [("NF004", "canon/characters/aria.yaml", 2, 20)]
    attrs = load_project(root).characters["aria"].model.attributes
    assert attrs == {"hair": "black", "appearance": {"height": "tall"}}   # `scar:` not filled in yet: left out


def test_a_field_of_another_kind_is_reported_and_left_out(tmp_path, capsys):
    root = project(tmp_path, {
        "canon/characters/aria.yaml": "name: Aria\ntravel: {emberfall: 3 days}\n",
        "canon/items/sword.yaml": "name: Sword\nbefore: 5\nholder: aria\n",
        "canon/factions/guild.yaml": "name: Guild\nwhen: 402-01-01\n",
    })
    code, found, report = check(capsys, root)
    assert found == [("NF009", "canon/characters/aria.yaml", 2, 1), ("NF009", "canon/factions/guild.yaml", 2, 1),
                     ("NF009", "canon/items/sword.yaml", 2, 1)]
    messages = sorted(d["message"] for d in report["diagnostics"])
    assert messages[0] == "`before` means nothing on an item: only events (canon/events/) have it"
    p = load_project(root)
    assert p.characters["aria"].model.travel == {}
    assert p.canon["items"]["sword"].model.before == [] and p.canon["items"]["sword"].model.holder == "aria"


def test_travel_times_and_event_times_are_read_when_loaded(tmp_path):
    root = project(tmp_path, {
        "canon/locations/here.yaml": "name: Here\ntravel: {there: soon, far: 3 days, back: -2, near: 6 hours}\n",
        "canon/events/fall.yaml": "name: Fall\nwhen: +2 days\nbefore: ['']\n",
        "canon/events/rise.yaml": "name: Rise\nwhen: 402-02-30\n",
        "canon/events/dawn.yaml": "name: Dawn\nwhen: day 3 dawn\n",
    })
    p = load_project(root)
    assert sorted(where(d) for d in p.diagnostics) == [
        ("NF004", "canon/events/fall.yaml", 2, 7),
        ("NF004", "canon/events/fall.yaml", 3, 10),
        ("NF004", "canon/events/rise.yaml", 2, 7),
        ("NF004", "canon/locations/here.yaml", 2, 17),
        ("NF004", "canon/locations/here.yaml", 2, 42),
    ]
    assert p.locations["here"].model.travel == {"far": "3 days", "near": "6 hours"}
    events = p.canon["events"]
    assert events["fall"].model.when is None and events["rise"].model.when is None
    assert events["dawn"].model.when == "day 3 dawn"


def test_travel_times_agree_with_nf411():
    from novelforge.project.models import travel_time
    from novelforge.rules.nf411_travel_too_fast import minutes

    for value in ("3 days", "6 hours", "2 weeks", "1 month", "90 min", "1.5 days", 2, 0.5, "soon", "-2", 0, "0 days",
                  "3 eons", "days"):
        try:
            travel_time(value)
            accepted = True
        except ValueError:
            accepted = False
        got = minutes(value)
        assert accepted == (got is not None and got > 0), value


def test_an_empty_keyword_is_dropped_alone(tmp_path):
    root = project(tmp_path, {"canon/promises/door.yaml": "description: The door.\nkeywords: [east door, '']\n"})
    p = load_project(root)
    assert [where(d) for d in p.diagnostics] == [("NF004", "canon/promises/door.yaml", 2, 23)]
    assert p.promises["door"].model.keywords == ["east door"]


# ----------------------------------------------------------------------------- what is dropped
def test_a_bad_list_item_goes_alone_and_a_broken_transfer_goes_whole(tmp_path):
    root = project(tmp_path, {
        "canon/characters/aria.yaml": "name: Aria\n",
        "canon/items/sword.yaml": "name: Sword\nholder: aria\n",
        SCENE: ("---\ncharacters: [aria, {x: 1}]\n"
                "transfers: [{item: sword, to: [1]}, {item: sword, to: aria}]\n---\nThe rain fell.\n"),
    })
    p = load_project(root)
    assert sorted(where(d) for d in p.diagnostics) == [("NF004", SCENE, 2, 20), ("NF004", SCENE, 3, 31)]
    meta = p.scenes[0].meta
    assert meta.characters == ["aria"]
    # the transfer with a broken `to` is not kept as a loss of the sword
    assert [(t.item, t.to) for t in meta.transfers] == [("sword", "aria")]


# ----------------------------------------------------------------------------- many unknown keys
def _validate(text: str) -> tuple[float, _Loader, ProjectConfig]:
    loader = _Loader(Path("."))
    doc = YamlDoc("novelforge.yaml", text, parse_yaml(text))
    doc.position(("title",))   # the position tree is the YAML module's cost: built before timing
    started = time.process_time()       # CPU time: what a loaded machine disturbs least
    config = loader.validate("ProjectConfig", doc, "`novelforge.yaml`")
    loader.close()
    return time.process_time() - started, loader, config  # type: ignore[return-value]


def _linear(make) -> float:
    """The CPU time of validating 20,000 keys over that of 2,000 (10 if linear, 100 if
    quadratic): a bound on how the cost grows, not a wall-clock limit a busy CI machine
    breaks. Both sizes are the best of three runs, so one disturbed run moves neither."""
    small = min(_validate(make(2_000))[0] for _ in range(3))
    large = min(_validate(make(20_000))[0] for _ in range(3))   # one run can take a collection or a neighbour's slice
    return large / max(small, 0.005)


def test_twenty_thousand_unknown_keys_are_validated_quickly_and_counted():
    n = 20_000

    def make(k: int) -> str:
        return "title: T\n" + "".join(f"key{i}: {i}\n" for i in range(k))

    assert _linear(make) < 40
    _elapsed, loader, config = _validate(make(n))
    assert config.title == "T"
    assert len(loader.diags) == MAX_VALUE_FINDINGS + 1
    last = loader.diags[-1]
    assert (last.code, last.line, last.column) == ("NF009", MAX_VALUE_FINDINGS + 2, 1)
    assert last.message == (f"{n - MAX_VALUE_FINDINGS:,} more unknown keys in `novelforge.yaml`, "
                            "from here on, are not listed one by one")


def test_twenty_thousand_unknown_keys_inside_a_block_keep_the_rest_of_it():
    n = 20_000

    def make(k: int) -> str:
        return ("title: T\ncheck:\n  fail-on: warning\n" + "".join(f"  key{i}: {i}\n" for i in range(k))
                + "promises: {max-distance: 5 eons}\n")

    assert _linear(make) < 40
    _elapsed, loader, config = _validate(make(n))
    assert config.check.fail_on.value == "warning"
    last = loader.diags[-1]
    # the bad window is among the ones only counted: the summary is an error
    assert last.code == "NF004" and last.severity.value == "error" and "problems with keys and values" in last.message


def test_an_empty_alias_is_dropped_alone(tmp_path):
    root = project(tmp_path, {"canon/characters/aria.yaml": "name: Aria Vell\naliases: [Aria, '', Vell]\n"})
    p = load_project(root)
    assert [where(d) for d in p.diagnostics] == [("NF004", "canon/characters/aria.yaml", 2, 17)]
    assert p.characters["aria"].model.aliases == ["Aria", "Vell"]


@pytest.mark.parametrize("name", ["promises.yaml", "canon/promises.yaml"])
@pytest.mark.parametrize("text", ["just a sentence\n", "- one\n- two\n", "42\n"])
def test_a_promises_file_that_is_not_a_map_is_a_finding(tmp_path, capsys, name, text):
    root = project(tmp_path / "novel", {name: text})
    code, found, _report = check(capsys, root)
    assert code == 1 and (("NF004", name, 1, 1) in found), found
