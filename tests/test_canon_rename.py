"""``canon rename`` and ``canon merge``: every reference rewritten, nothing else touched,
every file written or none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from novelforge import api
from tests.test_cli import assert_one_line_error, call

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ember-crown"
CORPUS = Path("/work/shared/corpus/pride_and_prejudice.txt")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def findings(capsys, project: Path, rename: tuple[str, str] = ("", "")) -> list[tuple]:
    code, out, err = call(capsys, "check", str(project), "--format", "json", "--no-cache")
    assert code in (0, 1), err
    old, new = rename
    return sorted((d["code"], d["path"].replace(f"/{old}.yaml", f"/{new}.yaml") if old else d["path"], d["line"])
                  for d in json.loads(out)["diagnostics"])


@pytest.fixture
def book(tmp_path) -> Path:
    target = tmp_path / "ember"
    shutil.copytree(EXAMPLE, target)
    return target


# ----------------------------------------------------------------------------- rename
def test_rename_rewrites_every_reference_and_the_book_checks_the_same(book, capsys):
    before = findings(capsys, book)
    contracts = book / "contracts/world.yaml"
    contracts.write_text(contracts.read_text("utf-8") + "\nbram-eyes:   # Bram's eyes never change\n"
                         "  type: attribute\n  entity: bram\n  attribute: eyes\n"
                         "  speakers: [bram, aria]\n", "utf-8")
    before = findings(capsys, book)
    code, out, err = call(capsys, "canon", "rename", str(book), "bram", "bram-kettering")
    assert code == 0, err
    assert "Renamed `characters/bram` to `characters/bram-kettering`" in out
    assert not (book / "canon/characters/bram.yaml").exists()
    moved = (book / "canon/characters/bram-kettering.yaml").read_text("utf-8")
    assert moved.startswith("id: bram-kettering\nname: Bram Kettering\n")
    assert findings(capsys, book, ("bram", "bram-kettering")) == before
    # every slot: pov, cast, relationships, holder, contracts (entity, speakers); comments stay
    text = "".join(p.read_text("utf-8") for p in book.rglob("*.md")) + \
        "".join(p.read_text("utf-8") for p in book.rglob("*.yaml"))
    import re

    assert not re.search(r"(?<![\w-])bram(?![\w-])", re.sub(r"<!--.*?-->", "", text)
                         .replace("Bram", "")), "a reference to `bram` is left"
    assert "holder: bram-kettering\n" in (book / "canon/items/dawnbreaker.yaml").read_text("utf-8")
    world = contracts.read_text("utf-8")
    assert "  entity: bram-kettering\n  attribute: eyes\n  speakers: [bram-kettering, aria]\n" in world
    assert "# Bram's eyes never change" in world and world.startswith("# Canon contracts for The Ember Crown.")


def test_rename_touches_only_the_ids(book, capsys):
    before = snapshot(book)
    call(capsys, "canon", "rename", str(book), "characters/corvane", "tobias")
    after = snapshot(book)
    changed = {p for p in before if before[p] != after.get(p)} | (set(after) - set(before))
    assert changed
    for rel in changed:
        if rel not in before:      # the renamed entry
            old = before["canon/characters/corvane.yaml"].decode()
            assert after[rel].decode() == old.replace("id: corvane", "id: tobias")
            continue
        if rel not in after:
            continue
        old, new = before[rel].decode(), after[rel].decode()
        assert old.count("\n") == new.count("\n")
        for a, b in zip(old.split("\n"), new.split("\n")):
            assert a == b or a.replace("corvane", "tobias") == b, (rel, a, b)


def test_rename_a_promise_rewrites_front_matter_and_markers(book, capsys):
    scene = book / "manuscript/01-ashes/02-the-wardens-answer.md"
    assert "<!-- setup: bram-oath -->" in scene.read_text("utf-8")
    before = findings(capsys, book)
    code, out, err = call(capsys, "canon", "rename", str(book), "promises/bram-oath", "the-oath")
    assert code == 0, err
    text = scene.read_text("utf-8")
    assert "<!-- setup: the-oath -->" in text and "setups: [pale-lights, the-oath]" in text
    assert "<!-- payoff: the-oath -->" in (book / "manuscript/07-the-kindling/02-home.md").read_text("utf-8")
    assert (book / "canon/promises/the-oath.yaml").exists() and not (book / "canon/promises/bram-oath.yaml").exists()
    assert findings(capsys, book, ("bram-oath", "the-oath")) == before


def test_dry_run_shows_the_diff_and_writes_nothing(book, capsys):
    before = snapshot(book)
    code, out, err = call(capsys, "canon", "rename", str(book), "bram", "bram-kettering", "--dry-run")
    assert code == 0, err
    assert snapshot(book) == before
    assert out.startswith("Would rename `characters/bram` to `characters/bram-kettering`")
    assert "-pov: bram\n+pov: bram-kettering\n" in out
    assert "rename canon/characters/bram.yaml → canon/characters/bram-kettering.yaml" in out
    code, out, _ = call(capsys, "canon", "rename", str(book), "bram", "bram-kettering", "--dry-run", "-f", "json")
    data = json.loads(out)
    assert data["version"] == 1 and data["written"] is False and data["references"] > 20


def test_a_baselined_finding_about_the_entry_stays_in_the_baseline(book, capsys):
    assert call(capsys, "check", str(book), "--update-baseline")[0] == 0
    code, out, _err = call(capsys, "check", str(book), "--format", "json", "--no-cache")
    assert json.loads(out)["diagnostics"] == []        # the open promise `pale-lights` is baselined
    code, out, err = call(capsys, "canon", "rename", str(book), "pale-lights", "pale-fire")
    assert code == 0, err
    code, out, _err = call(capsys, "check", str(book), "--format", "json", "--no-cache")
    assert json.loads(out)["diagnostics"] == [], "the renamed promise's finding came back as new"
    recorded = json.loads((book / ".novelforge/baseline.json").read_text("utf-8"))["findings"]
    assert [e["message"] for e in recorded] == ["the promise `pale-fire` is planted here but never paid off"]


def test_the_baseline_follows_the_moved_file_and_quoted_ids_only(book, capsys):
    baseline = book / ".novelforge/baseline.json"
    baseline.parent.mkdir(exist_ok=True)
    entries = [
        {"path": "canon/characters/bram.yaml", "code": "NF004", "message": "unknown key `hieght` in `characters/bram`",
         "count": 1},
        {"path": "manuscript/01-ashes/01-the-summons.md", "code": "NF202", "message": "`bram` and `bramble`: bram",
         "count": 2},
        {"path": "manuscript/01-ashes/01-the-summons.md", "code": "NF202",
         "message": "`bram-kettering` and `bramble`: bram", "count": 1},
        {"path": "manuscript/01-ashes/01-the-summons.md", "code": "NF301", "message": "`aria` only", "count": 1},
    ]
    baseline.write_text(json.dumps({"version": 1, "findings": entries}, indent=1) + "\n", "utf-8")
    code, out, err = call(capsys, "canon", "rename", str(book), "bram", "bram-kettering", "--dry-run")
    assert code == 0 and ".novelforge/baseline.json" in out
    assert json.loads(baseline.read_text("utf-8"))["findings"] == entries      # a dry run writes nothing
    assert call(capsys, "canon", "rename", str(book), "bram", "bram-kettering")[0] == 0
    after = json.loads(baseline.read_text("utf-8"))["findings"]
    assert after == [
        {"path": "canon/characters/bram-kettering.yaml", "code": "NF004",
         "message": "unknown key `hieght` in `characters/bram-kettering`", "count": 1},
        # two records that became one finding are one entry with both counts
        {"path": "manuscript/01-ashes/01-the-summons.md", "code": "NF202",
         "message": "`bram-kettering` and `bramble`: bram", "count": 3},
        {"path": "manuscript/01-ashes/01-the-summons.md", "code": "NF301", "message": "`aria` only", "count": 1},
    ]


def test_merge_rewrites_the_baselined_messages_of_the_absorbed_entry(book, capsys):
    (book / "canon/characters/kett.yaml").write_text("name: Sir Kettering\n", "utf-8")
    baseline = book / ".novelforge/baseline.json"
    baseline.parent.mkdir(exist_ok=True)
    entries = [{"path": "manuscript/01-ashes/01-the-summons.md", "code": "NF202",
                "message": "`characters/kett` is listed but never named", "count": 1}]
    baseline.write_text(json.dumps({"version": 1, "findings": entries}), "utf-8")
    assert call(capsys, "canon", "merge", str(book), "bram", "kett")[0] == 0
    assert [e["message"] for e in json.loads(baseline.read_text("utf-8"))["findings"]] == [
        "`characters/bram` is listed but never named"]


def test_a_baseline_that_is_not_one_is_left_alone(book, capsys):
    baseline = book / ".novelforge/baseline.json"
    baseline.parent.mkdir(exist_ok=True)
    baseline.write_text("{not json", "utf-8")
    assert call(capsys, "canon", "rename", str(book), "bram", "bram-kettering")[0] == 0
    assert baseline.read_text("utf-8") == "{not json"


def test_rename_keeps_quotes_crlf_bom_and_comments(tmp_path, capsys):
    root = tmp_path / "novel"
    (root / "canon/characters").mkdir(parents=True)
    (root / "manuscript/01-one").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    (root / "canon/characters/ann.yaml").write_text("name: Ann Ré\naliases: [Ann]\n", "utf-8")
    (root / "canon/characters/bo.yaml").write_text("name: Bo\nrelationships:\n  'ann': sister  # é\n", "utf-8")
    scene = "\ufeff---\r\ntitle: Été\r\npov: \"ann\"   # who sees\r\ncharacters: [ 'ann' , bo ]\r\n---\r\n\r\n" \
            "Ann saw Bo. ann is a word here too.\r\n"
    (root / "manuscript/01-one/01-a.md").write_bytes(scene.encode("utf-8"))
    code, _out, err = call(capsys, "canon", "rename", str(root), "ann", "anne")
    assert code == 0, err
    assert (root / "manuscript/01-one/01-a.md").read_bytes().decode("utf-8") == scene.replace(
        '"ann"', '"anne"').replace("'ann'", "'anne'")
    assert (root / "canon/characters/bo.yaml").read_text("utf-8") == "name: Bo\nrelationships:\n  'anne': sister  # é\n"


@pytest.mark.parametrize("args,message", [
    (["nobody", "x"], "no canon entry or promise `nobody`"),
    (["bram", "aria"], "`aria` is already the id of `characters/aria`"),
    (["bram", "not an id"], "`not an id` cannot be an id"),
    (["bram", "locations/bram"], "cannot become a `locations` entry"),
])
def test_rename_refusals(book, capsys, args, message):
    before = snapshot(book)
    code, _out, err = call(capsys, "canon", "rename", str(book), *args)
    assert code == 2 and message in err, err
    assert_one_line_error(err)
    assert snapshot(book) == before


def test_an_ambiguous_id_needs_its_kind(book, capsys):
    (book / "canon/locations/bram.yaml").write_text("name: Bram's Hill\n", "utf-8")
    code, _out, err = call(capsys, "canon", "rename", str(book), "bram", "bram-x")
    assert code == 2 and "`bram` is the id of several entries" in err and "characters/bram" in err
    code, _out, err = call(capsys, "canon", "rename", str(book), "characters/bram", "bram-x")
    assert code == 0, err
    assert (book / "canon/locations/bram.yaml").exists()


def test_a_broken_file_naming_the_id_stops_everything(book, capsys):
    scene = book / "manuscript/01-ashes/01-the-summons.md"
    scene.write_text(scene.read_text("utf-8").replace("characters: [aria, bram, corvane]",
                                                      "characters: [aria, bram, corvane"), "utf-8")
    before = snapshot(book)
    code, _out, err = call(capsys, "canon", "rename", str(book), "bram", "bram-kettering")
    assert code == 2 and "01-the-summons.md` cannot be edited: its YAML is broken" in err
    assert snapshot(book) == before


def test_all_files_or_none(book, capsys, monkeypatch):
    import novelforge.util as util

    before = snapshot(book)
    real = util.atomic_write
    calls = []

    def failing(path, data, **kw):
        calls.append(path)
        if len(calls) == 5:
            raise OSError(28, "No space left on device", str(path))
        return real(path, data, **kw)

    monkeypatch.setattr(util, "atomic_write", failing)
    code, _out, err = call(capsys, "canon", "rename", str(book), "bram", "bram-kettering")
    assert code == 2 and "No space left on device" in err and "put back" in err
    assert snapshot(book) == before


# ----------------------------------------------------------------------------- merge
def test_merge_folds_names_fields_and_references_in(book, capsys):
    (book / "canon/characters/kett.yaml").write_text(
        "name: Sir Kettering\naliases: [Ketter]\nattributes:\n  height: tall\n  eyes: brown\n"
        "relationships:\n  bram: himself\n", "utf-8")
    scene = book / "manuscript/01-ashes/01-the-summons.md"
    scene.write_text(scene.read_text("utf-8").replace("characters: [aria, bram, corvane]",
                                                      "characters: [aria, bram, kett, corvane]")
                     .replace("mentions: [the-king, isolde]", "mentions: [the-king, isolde, kett]"), "utf-8")
    other = book / "manuscript/02-the-road/01-the-iron-key.md"
    other.write_text(other.read_text("utf-8").replace("characters: [aria, corvane, bram]",
                                                      "characters: [aria, corvane, kett]"), "utf-8")
    code, out, err = call(capsys, "canon", "merge", str(book), "bram", "kett")
    assert code == 0, err
    assert not (book / "canon/characters/kett.yaml").exists()
    bram = (book / "canon/characters/bram.yaml").read_text("utf-8")
    assert "aliases: [Bram, Sir Bram, Kettering, Sir Kettering, Ketter]\n" in bram
    assert "  height: tall\n" in bram and "himself" not in bram
    assert "characters: [aria, bram, corvane]\n" in scene.read_text("utf-8")
    assert "mentions: [the-king, isolde]\n" in scene.read_text("utf-8")
    assert "characters: [aria, corvane, bram]\n" in other.read_text("utf-8")
    code, out, _ = call(capsys, "check", str(book), "--format", "json", "--no-cache")
    assert not [d for d in json.loads(out)["diagnostics"] if d["code"] in ("NF201", "NF001")]


def test_merge_refuses_a_conflict_unless_told_which_wins(book, capsys):
    (book / "canon/characters/kett.yaml").write_text("name: Kett\nattributes:\n  eyes: green\n", "utf-8")
    before = snapshot(book)
    code, _out, err = call(capsys, "canon", "merge", str(book), "bram", "kett")
    assert code == 2 and "`attributes.eyes` differs: `brown` for `bram`, `green` for `kett`" in err
    assert "--keep a" in err
    assert snapshot(book) == before
    code, _out, err = call(capsys, "canon", "merge", str(book), "bram", "kett", "--keep", "b")
    assert code == 0, err
    assert "  eyes: green\n" in (book / "canon/characters/bram.yaml").read_text("utf-8")
    code, _out, err = call(capsys, "canon", "merge", str(book), "bram", "aria", "--keep", "c")
    assert code == 2 and "--keep" in err


def test_merge_refuses_different_kinds(book, capsys):
    code, _out, err = call(capsys, "canon", "merge", str(book), "bram", "greywood")
    assert code == 2 and "different kinds" in err


@pytest.mark.skipif(not CORPUS.exists(), reason="the corpus is not on this machine")
def test_merge_two_split_entries_of_an_imported_novel(tmp_path, capsys):
    """Pride and Prejudice, imported with suggested canon: two entries for one person
    (Jane, and Miss Bennet as the eldest daughter is called) merge into one and the
    project has no NF201 (or any new finding)."""
    excerpt = tmp_path / "pride.txt"
    excerpt.write_bytes(CORPUS.read_bytes()[:120_000])
    done = api.import_(excerpt, tmp_path / "pride", suggest_canon=True)
    root = done.target
    people = {p.stem: p.read_text("utf-8") for p in (root / "canon/characters").glob("*.yaml")}
    a, b = "jane", "miss-bennet"
    assert {a, b} <= set(people), sorted(people)
    before = findings(capsys, root)
    edit = api.canon_merge(a, b, root)
    assert edit.written and not (root / f"canon/characters/{b}.yaml").exists()
    after = findings(capsys, root)
    assert not [f for f in after if f[0] == "NF201"]
    assert set(after) <= set(before)
    merged = (root / f"canon/characters/{a}.yaml").read_text("utf-8")
    assert merged.startswith("# Suggested by `novelforge import --suggest-canon`")   # the comments stay
    import yaml

    data = yaml.safe_load(merged)
    assert yaml.safe_load(people[b])["name"] in data["aliases"]
    for scene in (root / "manuscript").rglob("*.md"):
        head = scene.read_text("utf-8").split("\n---", 1)[0]
        assert f" {b}," not in head and f" {b}]" not in head and f"[{b}," not in head and f"[{b}]" not in head
    # then a rename of the merged entry: the same findings, no NF201
    edit = api.canon_rename(a, f"{a}-bennet", root)
    assert edit.written and edit.references > 10
    assert findings(capsys, root, (a, f"{a}-bennet")) == after
