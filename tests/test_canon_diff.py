"""``diff_canon`` on projects loaded from folders (no git): renames, facts from → to,
aliases, deaths, contracts, promises, settings; and the three renderers."""

from __future__ import annotations

import json
from pathlib import Path

from novelforge.canon.diff import diff_canon, rename_score
from novelforge.canon.render import diff_markdown, diff_text, render_diff
from novelforge.project.loader import load_project

ARIA = """id: aria
name: Aria Vell
aliases: [Aria, Vell]
summary: Heir of the Ember line.
attributes:
  eyes: grey
  hair: black
  appearance: {height: tall}
status: alive
relationships: {bram: brother}
"""
BRAM = """id: bram
name: Bram Vell
aliases: [Bram]
summary: Aria's brother, a knight of the Ashen Guard who carries the summons.
attributes: {eyes: brown, hair: red}
status: alive
"""
CONTRACTS = """no-guns:
  type: forbid
  terms: [gunpowder, musket]
  message: The world has no gunpowder
titles:
  type: prefer
  replace: {"Lord Bram": "Sir Bram"}
"""
PROMISE = "id: locked-door\nname: The locked door\nimportance: medium\n"


def project(root: Path, files: dict[str, str | None]) -> Path:
    base = {"novelforge.yaml": "title: Test\nstatus: draft\n",
            "canon/characters/aria.yaml": ARIA,
            "canon/characters/bram.yaml": BRAM,
            "canon/locations/emberfall.yaml": "name: Emberfall\n",
            "contracts/world.yaml": CONTRACTS,
            "canon/promises/locked-door.yaml": PROMISE}
    base.update(files)
    for rel, text in base.items():
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def diff_of(tmp_path: Path, new: dict[str, str | None], old: dict[str, str | None] | None = None):
    a = load_project(project(tmp_path / "old", old or {}))
    b = load_project(project(tmp_path / "new", new))
    return diff_canon(a, b, old_label="main", new_label="feature")


def messages(diff) -> list[str]:
    return diff_text(diff).splitlines()


def test_identical_projects_have_no_changes(tmp_path):
    diff = diff_of(tmp_path, {})
    assert diff.empty
    assert diff_markdown(diff) == "No canon changes.\n"
    assert diff_text(diff) == "No canon changes between main and feature.\n"
    data = json.loads(render_diff(diff, "json"))
    assert data["version"] == 1 and data["summary"]["empty"] is True and data["entities"] == []


def test_attribute_alias_and_relationship_changes(tmp_path):
    aria = (ARIA.replace("eyes: grey", "eyes: green").replace("[Aria, Vell]", "[Aria, the Ember Queen]")
            .replace("height: tall", "height: short").replace("hair: black\n", "hair: black\n  scar: left palm\n")
            .replace("bram: brother", "bram: foster brother"))
    diff = diff_of(tmp_path, {"canon/characters/aria.yaml": aria})
    assert [(e.key, e.status) for e in diff.entities] == [("characters/aria", "changed")]
    lines = messages(diff)
    assert "characters/aria: eyes changed from grey to green" in lines
    assert "characters/aria: alias `the Ember Queen` added" in lines
    assert "characters/aria: alias `Vell` removed" in lines
    assert "characters/aria: appearance.height changed from tall to short" in lines
    assert "characters/aria: scar set to left palm" in lines
    assert "characters/aria: relationship with bram changed from brother to foster brother" in lines
    fields = [c.field for c in diff.entities[0].changes]
    assert fields == ["aliases", "aliases", "attributes.scar", "attributes.eyes", "attributes.appearance.height",
                      "relationships.bram"]
    eyes = next(c for c in diff.entities[0].changes if c.field == "attributes.eyes")
    assert (eyes.action, eyes.old, eyes.new) == ("changed", "grey", "green")


def test_death_is_one_status_change_with_the_scene(tmp_path):
    bram = BRAM.replace("status: alive", "status: dead\ndied_in: the-fall")
    diff = diff_of(tmp_path, {"canon/characters/bram.yaml": bram})
    assert messages(diff)[2] == "characters/bram: status changed from alive to dead (died in the-fall)"
    assert [c.field for c in diff.entities[0].changes] == ["status"]


def test_rename_with_the_same_name(tmp_path):
    diff = diff_of(tmp_path, {"canon/characters/bram.yaml": None,
                              "canon/characters/brann.yaml": "id: brann\nname: Bram Vell\n"})
    [change] = diff.entities
    assert (change.status, change.id, change.old_id) == ("renamed", "brann", "bram")
    assert change.old_path == "canon/characters/bram.yaml" and change.path == "canon/characters/brann.yaml"
    # what the rename also changed is listed
    assert "characters/brann: alias `Bram` removed" in messages(diff)


def test_rename_with_a_new_name_and_the_same_content(tmp_path):
    brann = BRAM.replace("id: bram", "id: brann").replace("name: Bram Vell", "name: Brann Vell")
    diff = diff_of(tmp_path, {"canon/characters/bram.yaml": None, "canon/characters/brann.yaml": brann})
    [change] = diff.entities
    assert change.status == "renamed"
    assert messages(diff)[2:4] == ["characters/brann: renamed from characters/bram",
                                   "characters/brann: name changed from Bram Vell to Brann Vell"]


def test_rename_with_similar_content(tmp_path):
    brann = (BRAM.replace("id: bram", "id: brann").replace("name: Bram Vell", "name: Brann")
             .replace("eyes: brown", "eyes: hazel"))
    diff = diff_of(tmp_path, {"canon/characters/bram.yaml": None, "canon/characters/brann.yaml": brann})
    [change] = diff.entities
    assert change.status == "renamed"
    assert "characters/brann: eyes changed from brown to hazel" in messages(diff)


def test_unrelated_entries_are_an_addition_and_a_removal(tmp_path):
    diff = diff_of(tmp_path, {"canon/characters/bram.yaml": None,
                              "canon/characters/wren.yaml": "name: Wren Hale\naliases: [Wren]\n"})
    assert [(e.key, e.status) for e in diff.entities] == [("characters/bram", "removed"),
                                                          ("characters/wren", "added")]
    assert "characters/wren: added (Wren Hale)" in messages(diff)
    assert "characters/bram: removed (Bram Vell)" in messages(diff)


def test_no_rename_across_kinds_or_for_bare_entries(tmp_path):
    diff = diff_of(tmp_path, {"canon/locations/emberfall.yaml": None,
                              "canon/locations/cinderholt.yaml": "name: Cinderholt\n",
                              "canon/items/emberfall.yaml": "name: Emberfall\n"})
    assert sorted((e.key, e.status) for e in diff.entities) == [
        ("items/emberfall", "added"), ("locations/cinderholt", "added"), ("locations/emberfall", "removed")]


def test_rename_score_rules(tmp_path):
    a = load_project(project(tmp_path / "p", {}))
    bram, aria = a.canon["characters"]["bram"], a.canon["characters"]["aria"]
    assert rename_score(bram, bram) == 1.0
    assert rename_score(aria, bram) < 0.8


def test_contracts_added_changed_removed(tmp_path):
    contracts = (CONTRACTS.replace("[gunpowder, musket]", "[gunpowder, musket, cannon]")
                 .replace('"Sir Bram"', '"Ser Bram"')
                 + "no-suddenly:\n  type: pattern\n  pattern: '(?i)suddenly'\n")
    diff = diff_of(tmp_path, {"contracts/world.yaml": contracts})
    lines = messages(diff)
    assert "contract `world.no-guns`: term `cannon` added" in lines
    assert "contract `world.titles`: replacement of `Lord Bram` changed from Sir Bram to Ser Bram" in lines
    assert "contract `world.no-suddenly`: added (pattern)" in lines
    diff = diff_of(tmp_path / "2", {"contracts/world.yaml": "titles:\n  type: prefer\n  replace: {a: b}\n"
                                                            "  severity: error\n"})
    assert [(c.id, c.status) for c in diff.contracts] == [("world.no-guns", "removed"), ("world.titles", "changed")]
    lines = messages(diff)
    assert "contract `world.no-guns`: removed (forbid)" in lines
    assert "contract `world.titles`: severity changed from warning to error" in lines


def test_promises_and_settings(tmp_path):
    diff = diff_of(tmp_path, {"canon/promises/locked-door.yaml": PROMISE.replace("medium", "high"),
                              "canon/promises/prophecy.yaml": "name: The prophecy\n",
                              "novelforge.yaml": "title: Test\nstatus: final\ncheck: {fail-on: warning}\n"})
    lines = messages(diff)
    assert "promise `locked-door`: importance changed from medium to high" in lines
    assert "promise `prophecy`: added (promise, The prophecy)" in lines
    assert "settings: check.fail-on changed from error to warning" in lines
    assert "settings: status changed from draft to final" in lines
    assert lines[-1] == "1 promise added, 1 promise changed, settings changed."


def test_order_is_deterministic(tmp_path):
    files = {"canon/characters/zed.yaml": "name: Zed\n", "canon/characters/abe.yaml": "name: Abe\n",
             "canon/locations/a-place.yaml": "name: A Place\n"}
    one = diff_of(tmp_path / "1", files)
    two = diff_of(tmp_path / "2", dict(reversed(list(files.items()))))
    assert render_diff(one, "json") == render_diff(two, "json")
    assert [e.key for e in one.entities] == ["characters/abe", "characters/zed", "locations/a-place"]


def test_markdown_for_a_pull_request(tmp_path):
    aria = ARIA.replace("eyes: grey", "eyes: green")
    contracts = CONTRACTS + "no-okay:\n  type: pattern\n  pattern: okay\n"
    diff = diff_of(tmp_path, {"canon/characters/aria.yaml": aria, "contracts/world.yaml": contracts,
                              "canon/characters/bram.yaml": BRAM.replace("status: alive", "status: dead"),
                              "canon/locations/hearth.yaml": "name: The Hearth\n"})
    assert diff_markdown(diff) == (
        "### Canon changes\n"
        "\n"
        "`main` → `feature`: 1 entity added, 2 entities changed, 1 contract added.\n"
        "\n"
        "#### Characters\n"
        "\n"
        "- `aria` (Aria Vell): eyes changed from `grey` to `green`\n"
        "- `bram` (Bram Vell): status changed from `alive` to `dead`\n"
        "\n"
        "#### Locations\n"
        "\n"
        "- `hearth` (The Hearth) — added\n"
        "\n"
        "#### Contracts\n"
        "\n"
        "- `world.no-okay` (pattern) — added\n")


def test_json_schema(tmp_path):
    diff = diff_of(tmp_path, {"canon/characters/aria.yaml": ARIA.replace("eyes: grey", "eyes: green")})
    diff.old_commit = "a" * 40
    data = json.loads(render_diff(diff, "json"))
    assert list(data) == ["version", "from", "to", "summary", "entities", "contracts", "promises", "settings", "notes"]
    assert data["from"] == {"label": "main", "commit": "a" * 40}
    assert data["summary"]["entities"] == {"added": 0, "removed": 0, "renamed": 0, "changed": 1}
    [entity] = data["entities"]
    assert entity["key"] == "characters/aria" and entity["status"] == "changed"
    assert entity["changes"] == [{"field": "attributes.eyes", "action": "changed", "old": "grey", "new": "green",
                                  "message": "eyes changed from grey to green"}]


def test_an_unreadable_file_is_noted_not_removed(tmp_path):
    diff = diff_of(tmp_path, {"canon/characters/bram.yaml": "name: [Bram\n"})
    # bram's entry is not in `feature`, but not because it was removed: it is not compared
    assert diff.entities == [] and diff.empty
    assert diff.notes == ["could not read `canon/characters/bram.yaml` in feature; its entries are not compared"]
    assert diff_text(diff) == ("No canon changes between main and feature.\n"
                               "note: could not read `canon/characters/bram.yaml` in feature; "
                               "its entries are not compared\n")
    # the other way round (broken before, fixed after): not "added" either
    diff = diff_of(tmp_path / "back", {}, {"canon/characters/bram.yaml": "name: [Bram\n"})
    assert diff.empty and diff.notes == [
        "could not read `canon/characters/bram.yaml` in main; its entries are not compared"]
    # other changes are still reported
    diff = diff_of(tmp_path / "more", {"canon/characters/bram.yaml": "name: [Bram\n",
                                        "canon/characters/aria.yaml": ARIA.replace("eyes: grey", "eyes: green")})
    assert [(e.key, e.status) for e in diff.entities] == [("characters/aria", "changed")]


def test_files_broken_the_same_way_on_both_sides_are_not_noted(tmp_path):
    broken = {"canon/characters/bram.yaml": "name: [Bram\n"}
    diff = diff_of(tmp_path, broken, broken)
    assert diff.empty and diff.notes == []
    diff = diff_of(tmp_path / "two", {"canon/characters/bram.yaml": "name: {Bram\n"}, broken)
    assert len(diff.notes) == 2 and diff.empty


def test_unreadable_contracts_and_settings_are_not_compared(tmp_path):
    diff = diff_of(tmp_path, {"contracts/world.yaml": "no-guns: [\n", "novelforge.yaml": "title: [Test\n"})
    assert diff.contracts == [] and diff.settings == [] and diff.empty
    assert diff.notes == ["could not read `contracts/world.yaml` in feature; its contracts are not compared",
                          "could not read `novelforge.yaml` in feature; its settings are not compared"]
    # a contract that does not load (an unknown field type) is not "removed" either
    bad = CONTRACTS.replace("type: forbid", "type: forbid\n  severity: 12")
    diff = diff_of(tmp_path / "one", {"contracts/world.yaml": bad})
    assert [c.id for c in diff.contracts if c.status == "removed"] == []
    assert any("world.no-guns" in n for n in diff.notes), diff.notes


def test_code_spans_hold_any_backticks():
    from novelforge.canon.model import code

    assert code("Vell") == "`Vell`"
    assert code("a`b") == "``a`b``"
    assert code("a``b`") == "``` a``b` ```"
    assert code("`quoted`") == "`` `quoted` ``"
    assert code(" padded ") == "`  padded  `"


def test_knowledge_and_long_text(tmp_path):
    old_aria = ARIA + "knows:\n  - fact: the king is her father\n    learned_in: the-letter\n"
    new_aria = (ARIA.replace("Heir of the Ember line.", "The last heir of the Ember line, raised in a forge far "
                                                          "from the court that cast her out.")
                + "knows:\n  - fact: the king is her father\n    learned_in: the-fall\n"
                  "  - fact: the crown is cursed\n    learned_in: the-vault\n")
    diff = diff_of(tmp_path, {"canon/characters/aria.yaml": new_aria}, {"canon/characters/aria.yaml": old_aria})
    assert messages(diff)[2:5] == [
        "characters/aria: summary rewritten",
        "characters/aria: now knows `the crown is cursed` (learned in the-vault)",
        "characters/aria: learns `the king is her father` in the-fall instead of the-letter",
    ]
    summary = diff.entities[0].changes[0]
    assert summary.old == "Heir of the Ember line." and summary.new.endswith("cast her out.")
