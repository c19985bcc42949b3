"""``novelforge search`` (issue #19): full text over prose and canon, ranked, with
path:line:col; phrases, prefixes and boolean queries; aliases; --who; the filters;
--as-of without spoilers; an index kept up to date file by file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from novelforge import api
from novelforge.cli.app import main
from novelforge.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ember-crown"
GOLDEN = Path(__file__).resolve().parent / "golden" / "search"


@pytest.fixture()
def book(tmp_path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "book"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def line_of(root: Path, hit) -> str:
    return (root / hit.path).read_text("utf-8").split("\n")[hit.line - 1]


def test_a_hit_is_the_line_and_the_column_of_the_word(book):
    result = api.search('"iron key"', book)
    assert result.hits
    for hit in result.hits:
        line = line_of(book, hit)
        found = line[hit.column - 1:hit.column - 1 + len("iron key")].lower()
        assert found.replace("-", " ") == "iron key", (hit, line)     # `iron-key`: the phrase across a hyphen


def test_phrases_prefixes_and_boolean_queries(book):
    phrase = {(h.path, h.line) for h in api.search('"iron key"', book, limit=500).hits}
    both = {(h.path, h.line) for h in api.search("iron AND key", book, limit=500).hits}
    assert phrase and phrase <= both
    without = api.search("key NOT iron", book, limit=500).hits
    assert without and all("iron" not in line_of(book, h).lower() for h in without)
    prefix = api.search("ember*", book, limit=500).hits
    assert any("emberfall" in line_of(book, h).lower() for h in prefix)
    assert any("ember-warden" in line_of(book, h).lower() or "embers" in line_of(book, h).lower() for h in prefix)


def test_case_and_accents_are_folded(book):
    scene = book / "manuscript" / "01-ashes" / "01-the-summons.md"
    scene.write_text(scene.read_text("utf-8") + "\nThe old word for it was Réveillé.\n", "utf-8")
    hits = api.search("reveille", book).hits
    assert [(h.path, line_of(book, h)) for h in hits] == [(scene.relative_to(book).as_posix(),
                                                          "The old word for it was Réveillé.")]
    assert hits[0].column == len("The old word for it was ") + 1


def test_a_characters_name_finds_every_alias(book):
    hits = api.search("Harrow", book, where="prose", limit=500)
    assert hits.character == "the-king"
    lines = [line_of(book, h) for h in hits.hits]
    assert any("King Oswin" in line for line in lines) and any("the King" in line for line in lines)
    assert sum("Harrow" in line for line in lines) < len(lines)     # more than the word itself


def test_who_gives_the_lines_where_the_character_speaks_or_acts(book):
    from novelforge.analysis import Session
    from novelforge.project.loader import load_project

    hits = api.search("Corvane", book, who=True, limit=1000).hits
    assert hits
    project = load_project(book)
    session = Session(project)
    by_path = {s.path: s for s in project.scenes}
    for h in hits:
        scene = by_path[h.path]
        idx = session.index(scene)
        start = sum(len(x) + 1 for x in scene.text.split("\n")[:h.line - 1])
        end = start + len(scene.text.split("\n")[h.line - 1])
        speaks = any(d.speaker == "corvane" and d.start < end and d.end > start for d in idx.dialogue)
        acts = any(m.acts and ("characters", "corvane") in m.entities and start <= m.start < end for m in idx.mentions)
        assert speaks or acts, (h.path, h.line)
    named = api.search("Corvane", book, where="prose", limit=1000).hits
    assert len(named) > len(hits)                      # named without speaking or acting: not a --who line


def test_dialogue_and_narration_are_apart(book):
    scene = book / "manuscript" / "01-ashes" / "01-the-summons.md"
    scene.write_text(scene.read_text("utf-8") + '\n"Zanzibar," she said, and the marigolds nodded.\n', "utf-8")
    assert [h.column for h in api.search("zanzibar", book, where="dialogue").hits] == [2]
    assert api.search("zanzibar", book, where="narration").hits == []
    assert api.search("marigolds", book, where="dialogue").hits == []
    assert len(api.search("marigolds", book, where="narration").hits) == 1
    assert api.search("zanzibar", book, where="canon").hits == []


def test_chapter_pov_and_character_filters(book):
    everywhere = api.search("key", book, where="prose", limit=1000).hits
    chapter = api.search("key", book, chapter="02-the-road", limit=1000).hits
    assert chapter and all(h.path.startswith("manuscript/02-the-road/") for h in chapter)
    assert api.search("key", book, chapter="2", limit=1000).hits == chapter
    assert len(chapter) < len(everywhere)
    from novelforge.project.loader import load_project

    project = load_project(book)
    povs = {s.path: s.meta.pov for s in project.scenes}
    pov = api.search("key", book, pov="Aria", limit=1000).hits
    assert pov and all(povs[h.path] == "aria" for h in pov)
    bram = api.search("key", book, character="Bram", limit=1000).hits
    assert bram and all("Bram" in line_of(book, h) for h in bram)


def test_as_of_shows_no_later_prose_and_canon_as_known_then(book):
    from novelforge.project.loader import load_project

    project = load_project(book)
    order = {s.path: s.index for s in project.scenes}
    death = next(s for s in project.scenes if s.id == "blood-in-the-vault")
    early = api.search("Corvane", book, as_of="the-summons", limit=1000).hits
    assert early and all(order[h.path] <= 0 for h in early if h.kind == "scene")
    facts_then = [h.text for h in api.search("Corvane", book, as_of="the-summons", where="canon", limit=1000).hits]
    last = project.scenes[-1].id
    facts_later = [h.text for h in api.search("Corvane", book, as_of=last, where="canon", limit=1000).hits]
    assert any(t.startswith("Tobias Corvane (characters/corvane)") for t in facts_then)
    assert not any("died_in" in t or "status: dead" in t for t in facts_then)
    assert any("died_in: blood-in-the-vault" in t for t in facts_later)
    assert death.index > 0
    with pytest.raises(UsageError, match="not a scene"):
        api.search("Corvane", book, as_of="no-such-scene")


def test_the_index_follows_every_edit_and_only_what_changed(book):
    first = api.search("key", book).updated
    assert first.indexed == first.files > 0
    assert api.search("key", book).updated.indexed == 0
    scene = book / "manuscript" / "01-ashes" / "01-the-summons.md"
    scene.write_text(scene.read_text("utf-8") + "\nA quokka watched them go.\n", "utf-8")
    again = api.search("quokka", book)
    assert (again.updated.indexed, len(again.hits)) == (1, 1)
    scene.unlink()
    gone = api.search("quokka", book)
    assert (gone.updated.removed, gone.hits) == (1, [])


def test_no_cache_builds_in_memory(book, tmp_path):
    import os

    api.search("key", book, use_cache=False)
    home = Path(os.environ["NOVELFORGE_CACHE_DIR"])
    assert not list(home.rglob("search.sqlite"))
    api.search("key", book)
    assert len(list(home.rglob("search.sqlite"))) == 1


def test_the_cli_json_golden_and_exit_codes(book, capsys, golden, monkeypatch):
    monkeypatch.chdir(book)
    code, out, err = run(capsys, "search", "key", "--in", "dialogue", "--format", "json")
    assert code == 0, err
    golden(GOLDEN / "key-in-dialogue.json", out)
    data = json.loads(out)
    assert data["version"] == 1 and data["count"] == len(data["hits"]) > 0
    code, out, err = run(capsys, "search", "key", "--in", "dialogue")
    golden(GOLDEN / "key-in-dialogue.txt", out)
    assert err.strip().endswith("lines") or err.strip().endswith("line")
    code, out, err = run(capsys, "search", "xylophonist")
    assert (code, out) == (1, "") and "0 lines" in err


@pytest.mark.parametrize("args,message", [
    (["search", "NEAR(("], "is not one search reads"),
    (["search", ""], "the query is empty"),
    (["search", "key", "--as-of", "nowhere"], "is not a scene of the book"),
    (["search", "key", "--in", "footnotes"], "is not a place to search"),
    (["search", "key", "--character", "Nobody"], "is no character"),
    (["search", "key", "--who"], "--who needs a query"),
])
def test_bad_input_is_one_line_and_exit_2(book, capsys, monkeypatch, args, message):
    monkeypatch.chdir(book)
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("error:") and message in err.splitlines()[0]
    assert "Traceback" not in err


def test_cache_clear_removes_the_search_index(book, capsys):
    import os

    api.search("key", book)
    home = Path(os.environ["NOVELFORGE_CACHE_DIR"])
    assert list(home.rglob("search.sqlite"))
    code, out, err = run(capsys, "cache", "clear", "--index", str(book))
    assert code == 0, err
    assert not list(home.rglob("search.sqlite*"))
