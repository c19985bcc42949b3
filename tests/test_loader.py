"""The loader: bad input never crashes, and every problem is a diagnostic with the right
code and a precise ``path:line:col`` (file lines, 1-based, columns in code points)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from novelforge.diagnostics import Severity
from novelforge.errors import ProjectNotFound
from novelforge.project.loader import default_scene_id, find_project_root, load_project, natural_key

CONFIG = "title: Test\n"
SCENE = "manuscript/01-one/01-first.md"
PROSE = "Aria walked to the gate.\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))  # no newline translation: CRLF stays CRLF
    return root


def load(root: Path, files: dict[str, str | bytes]):
    files = {"novelforge.yaml": CONFIG, SCENE: PROSE, **files}
    return load_project(write(root, {k: v for k, v in files.items() if v is not None}))


def where(d) -> tuple[str, str, int, int]:
    return d.code, d.path, d.line, d.column


def only(project, code: str):
    found = [d for d in project.diagnostics if d.code == code]
    assert len(found) == 1, f"expected one {code}, got {[(where(d), d.message) for d in project.diagnostics]}"
    return found[0]


# ----------------------------------------------------------------------------- project discovery
def test_no_config_raises_project_not_found(tmp_path):
    write(tmp_path, {SCENE: PROSE})
    with pytest.raises(ProjectNotFound) as exc:
        load_project(tmp_path)
    assert "novelforge.yaml" in str(exc.value)
    assert exc.value.help and "init" in exc.value.help
    with pytest.raises(ProjectNotFound):
        find_project_root(tmp_path / "manuscript")


def test_find_project_root_walks_up(tmp_path):
    write(tmp_path, {"novelforge.yaml": CONFIG, SCENE: PROSE})
    assert find_project_root(tmp_path / SCENE) == tmp_path.absolute()
    assert find_project_root(tmp_path / "manuscript" / "01-one") == tmp_path.absolute()


def test_clean_project_has_no_diagnostics(tmp_path):
    project = load(tmp_path, {"canon/characters/aria.yaml": "name: Aria Vell\naliases: [Aria]\n"})
    assert project.diagnostics == []
    assert [s.id for s in project.scenes] == ["first"]
    assert project.characters["aria"].names == ["Aria Vell", "Aria"]


# ----------------------------------------------------------------------------- broken YAML
def test_broken_yaml_in_config(tmp_path):
    project = load(tmp_path, {"novelforge.yaml": "title: Test\nlanguage: en\nauthor: Mara: Quill\n"})
    d = only(project, "NF001")
    assert where(d) == ("NF001", "novelforge.yaml", 3, 13)
    assert d.severity is Severity.ERROR
    assert d.message.startswith("broken YAML")
    assert d.help
    # the rest of the project is still loaded, with the default config
    assert project.config.title == "Untitled"
    assert [s.id for s in project.scenes] == ["first"]


def test_broken_yaml_in_canon_file(tmp_path):
    project = load(tmp_path, {
        "canon/characters/aria.yaml": "name: Aria\naliases: [Aria, Vell\nsummary: x\n",
        "canon/characters/bram.yaml": "name: Bram\n",
    })
    d = only(project, "NF001")
    assert (d.path, d.line) == ("canon/characters/aria.yaml", 3)
    assert d.column >= 1
    assert "aria" not in project.characters
    assert "bram" in project.characters  # the other files are still read


def test_broken_yaml_in_front_matter_reports_file_lines(tmp_path):
    scene = "---\ntitle: The Gate\nwhen: day 1\npov: aria: x\n---\n\nAria walked.\n"
    project = load(tmp_path, {SCENE: scene})
    d = only(project, "NF001")
    # line 4 of the FILE (the YAML's line 3), at the second `:`
    assert where(d) == ("NF001", SCENE, 4, 10)
    scene_obj = project.scenes[0]
    assert scene_obj.readable is False
    assert scene_obj.text == scene


def test_broken_yaml_in_canon_markdown_front_matter(tmp_path):
    project = load(tmp_path, {
        "canon/characters/aria.md": "---\nname: Aria\naliases: [a, b\n---\nHeir of the Ember line.\n"})
    d = only(project, "NF001")
    assert d.path == "canon/characters/aria.md"
    assert d.line == 4  # the YAML gives up at the closing line; file lines, not YAML lines


def test_canon_markdown_front_matter_positions_are_file_lines(tmp_path):
    project = load(tmp_path, {"canon/characters/aria.md": "---\nname: Aria\nstatus: zombie\n---\nHeir.\n"})
    d = only(project, "NF004")
    assert where(d) == ("NF004", "canon/characters/aria.md", 3, 9)
    assert "alive, dead, unknown" in d.message
    # the body becomes the description
    assert project.characters["aria"].model.description == "Heir."


def test_broken_yaml_at_end_of_file_stays_inside_the_file(tmp_path):
    project = load(tmp_path, {"canon/characters/aria.yaml": "name: Aria\naliases: [Aria, Vell"})
    d = only(project, "NF001")
    # the parser gives up past the last character; the report points at the end of line 2
    assert where(d) == ("NF001", "canon/characters/aria.yaml", 2, 21)
    assert "never closed" in d.message or "broken YAML" in d.message


def test_value_that_cannot_be_built_is_a_finding(tmp_path):
    project = load(tmp_path, {
        "canon/events/fall.yaml": "name: The Fall\nwhen: 2024-02-30\n",
        SCENE: "---\ntitle: A\ntarget_words: !!int many\n---\nAria.\n",
    })
    found = {d.path: d for d in project.diagnostics}
    # an impossible date is text YAML-wise: the event's time is a value finding, not broken YAML
    date = found["canon/events/fall.yaml"]
    assert where(date) == ("NF004", "canon/events/fall.yaml", 2, 7)
    assert "day 30 does not exist" in date.message
    tagged = found[SCENE]
    assert where(tagged) == ("NF001", SCENE, 3, 15)
    assert "`many`" in tagged.message


def test_unclosed_front_matter(tmp_path):
    project = load(tmp_path, {SCENE: "---\ntitle: The Gate\npov: aria\n\nAria walked to the gate.\n"})
    d = only(project, "NF002")
    assert where(d) == ("NF002", SCENE, 1, 1)
    assert "never closed" in d.message
    assert project.scenes[0].readable is False


def test_front_matter_closed_with_dots_and_empty_front_matter(tmp_path):
    project = load(tmp_path, {
        SCENE: "---\ntitle: A\n...\nAria.\n",
        "manuscript/01-one/02-second.md": "---\n---\nBram.\n",
    })
    assert project.diagnostics == []
    first, second = project.scenes
    assert first.meta.title == "A" and first.body == "Aria.\n"
    assert second.body == "Bram.\n"


def test_yaml_that_is_not_a_mapping(tmp_path):
    project = load(tmp_path, {"novelforge.yaml": "- just\n- a list\n", "canon/characters/aria.yaml": "plain text\n"})
    codes = sorted(where(d) for d in project.diagnostics)
    assert ("NF004", "canon/characters/aria.yaml", 1, 1) in codes
    assert ("NF004", "novelforge.yaml", 1, 1) in codes


# ----------------------------------------------------------------------------- unreadable files
def test_non_utf8_reports_position_of_bad_byte(tmp_path):
    raw = "Ça va.\nnaïve ".encode("utf-8") + b"\xff rest\n"
    project = load(tmp_path, {SCENE: raw})
    d = only(project, "NF003")
    # line 2, after the six code points "naïve " (ï is two bytes, one column)
    assert where(d) == ("NF003", SCENE, 2, 7)
    assert "0xff" in d.message and "UTF-8" in d.message
    assert project.scenes == []


def test_non_utf8_after_bom_reports_the_real_byte(tmp_path):
    raw = b"\xef\xbb\xbfline one\nab\xe9cd\n"  # latin-1 é after a UTF-8 BOM
    project = load(tmp_path, {SCENE: raw})
    d = only(project, "NF003")
    assert where(d) == ("NF003", SCENE, 2, 3)
    assert "0xe9" in d.message


def test_non_utf8_canon_and_config(tmp_path):
    project = load(tmp_path, {"novelforge.yaml": b"title: Caf\xe9\n", "canon/characters/a.yaml": b"name: \x80\n"})
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF003", "canon/characters/a.yaml", 1, 7),
        ("NF003", "novelforge.yaml", 1, 11),
    ]


def test_binary_file_with_nul(tmp_path):
    project = load(tmp_path, {SCENE: b"PK\x03\x04\nab\x00cd"})
    d = only(project, "NF003")
    assert (d.code, d.path) == ("NF003", SCENE)
    assert (d.line, d.column) in ((1, 1), (2, 3))  # the file, or the first NUL byte in it
    assert "binary" in d.message
    assert project.scenes == []


@pytest.mark.parametrize("content", ["", "   \n\n\t\n"])
def test_empty_scene_and_canon(tmp_path, content):
    project = load(tmp_path, {SCENE: content, "canon/characters/aria.yaml": content})
    found = sorted(where(d) for d in project.diagnostics)
    assert found == [("NF008", "canon/characters/aria.yaml", 1, 1), ("NF008", SCENE, 1, 1)]
    assert all(d.severity is Severity.WARNING for d in project.diagnostics)


def test_empty_config_is_fine(tmp_path):
    project = load(tmp_path, {"novelforge.yaml": ""})
    assert project.diagnostics == []
    assert project.config.title == "Untitled"


# ----------------------------------------------------------------------------- canon ids
def test_duplicate_canon_ids(tmp_path):
    project = load(tmp_path, {
        "canon/characters/aria.yaml": "id: aria\nname: Aria\n",
        "canon/characters/heir.yaml": "name: The Heir\nid: aria\n",
        "canon/locations/aria.yaml": "name: Aria Falls\n",  # same id, other kind: fine
    })
    d = only(project, "NF005")
    assert where(d) == ("NF005", "canon/characters/heir.yaml", 2, 5)
    assert "canon/characters/aria.yaml" in d.message and "`aria`" in d.message
    assert d.entity == "aria"
    assert project.characters["aria"].name == "Aria"
    assert "aria" in project.locations


def test_duplicate_promise_ids(tmp_path):
    project = load(tmp_path, {
        "canon/promises/door.yaml": "description: The locked door.\n",
        "canon/promises/other.yaml": "id: door\ndescription: Again.\n",
    })
    d = only(project, "NF005")
    assert d.path == "canon/promises/other.yaml"


def test_default_entity_id_is_file_name(tmp_path):
    project = load(tmp_path, {"canon/items/dawn-breaker.yaml": "name: Dawnbreaker\n"})
    assert list(project.canon["items"]) == ["dawn-breaker"]


# ----------------------------------------------------------------------------- unknown keys, types
def test_unknown_key_in_front_matter_suggests(tmp_path):
    project = load(tmp_path, {SCENE: "---\ntitle: A\ncharaters: [aria]\n---\nAria.\n"})
    d = only(project, "NF009")
    assert where(d) == ("NF009", SCENE, 3, 1)
    assert d.severity is Severity.WARNING
    assert "`charaters`" in d.message and "did you mean `characters`?" in d.message
    assert project.scenes[0].meta.title == "A"  # the rest of the front matter is kept


def test_unknown_keys_in_config_and_canon_suggest(tmp_path):
    project = load(tmp_path, {
        "novelforge.yaml": "title: T\nchek:\n  fail-on: warning\n",
        "canon/characters/aria.yaml": "name: Aria\nalises: [Vell]\n",
    })
    found = {d.path: d for d in project.diagnostics}
    assert where(found["novelforge.yaml"]) == ("NF009", "novelforge.yaml", 2, 1)
    assert "did you mean `check`?" in found["novelforge.yaml"].message
    assert where(found["canon/characters/aria.yaml"]) == ("NF009", "canon/characters/aria.yaml", 2, 1)
    assert "did you mean `aliases`?" in found["canon/characters/aria.yaml"].message


def test_nested_unknown_key_suggests_and_keeps_the_rest_of_the_block(tmp_path):
    config = "title: T\ncheck:\n  fail-on: warning\n  select: [NF2]\n  max-warning: 3\n"
    project = load(tmp_path, {"novelforge.yaml": config})
    d = only(project, "NF009")
    assert where(d) == ("NF009", "novelforge.yaml", 5, 3)
    assert "did you mean `max-warnings`?" in d.message
    # one typo inside `check:` does not throw away the rest of the block
    assert project.config.check.fail_on is Severity.WARNING
    assert project.config.check.select == ["NF2"]


def test_nested_unknown_key_in_list_item(tmp_path):
    project = load(tmp_path, {"canon/characters/aria.yaml":
                              "name: Aria\nknows:\n  - fact: the king is her father\n    learnt_in: x\n"})
    d = only(project, "NF009")
    assert where(d) == ("NF009", "canon/characters/aria.yaml", 4, 5)
    assert "did you mean `learned_in`?" in d.message
    assert project.characters["aria"].model.knows[0].fact == "the king is her father"


def test_wrong_types_in_front_matter(tmp_path):
    scene = "---\ntitle: A\ncharacters: {a: 1}\nstatus: drafted\nflashback: perhaps\n---\nAria.\n"
    project = load(tmp_path, {SCENE: scene})
    by_line = {d.line: d for d in project.diagnostics}
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF004", SCENE, 3, 13), ("NF004", SCENE, 4, 9), ("NF004", SCENE, 5, 12)]
    assert "`characters`" in by_line[3].message and "list" in by_line[3].message
    status = by_line[4].message
    assert "drafted" in status
    for allowed in ("idea", "outline", "draft", "revised", "final"):
        assert allowed in status
    assert "did you mean `draft`?" in status
    assert "true or false" in by_line[5].message
    meta = project.scenes[0].meta
    assert (meta.title, meta.characters, meta.status, meta.flashback) == ("A", [], "draft", False)


def test_wrong_types_in_config(tmp_path):
    project = load(tmp_path, {"novelforge.yaml": "title: T\ncheck:\n  fail-on: fatal\n  max-warnings: lots\n"})
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF004", "novelforge.yaml", 3, 12), ("NF004", "novelforge.yaml", 4, 17)]
    fail_on = next(d for d in project.diagnostics if d.line == 3)
    assert "error" in fail_on.message and "warning" in fail_on.message and "info" in fail_on.message


def test_scalar_is_accepted_for_a_one_item_list(tmp_path):
    project = load(tmp_path, {SCENE: "---\ncharacters: aria\nwhen: 402-03-14\n---\nAria.\n"})
    assert project.diagnostics == []
    assert project.scenes[0].meta.characters == ["aria"]
    assert project.scenes[0].meta.when == "402-03-14"  # a YAML date stays the text written


# ----------------------------------------------------------------------------- size and links
def test_file_larger_than_configured_limit(tmp_path):
    project = load(tmp_path, {"novelforge.yaml": "title: T\ncheck:\n  max-file-size: 100\n",
                              "manuscript/01-one/02-long.md": "word " * 40})
    d = only(project, "NF006")
    assert where(d) == ("NF006", "manuscript/01-one/02-long.md", 1, 1)
    assert "200 bytes" in d.message and "100 bytes" in d.message
    assert [s.id for s in project.scenes] == ["first"]


def test_huge_file_is_reported_quickly_without_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "manuscript/01-one/02-huge.md"
    big.parent.mkdir(parents=True)
    chunk = ("Aria walked to the gate and waited for the king. " * 20 + "\n\n").encode()
    with open(big, "wb") as fh:
        for _ in range(50_000_000 // len(chunk) + 1):
            fh.write(chunk)
    assert big.stat().st_size >= 50_000_000
    real_read_bytes = Path.read_bytes

    def guarded(self):
        assert self.name != "02-huge.md", "the loader read a file larger than the limit"
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    started = time.perf_counter()
    project = load(tmp_path, {})
    elapsed = time.perf_counter() - started
    d = only(project, "NF006")
    assert where(d) == ("NF006", "manuscript/01-one/02-huge.md", 1, 1)
    assert "MB" in d.message and "10 MB" in d.message
    assert elapsed < 1.0
    assert [s.id for s in project.scenes] == ["first"]


@pytest.fixture
def outside(tmp_path):
    out = tmp_path / "outside"
    write(out, {"secret.md": "Secret prose.\n", "folder/01-s.md": "More secret.\n", "villain.yaml": "name: Villain\n"})
    project = tmp_path / "novel"
    project.mkdir()
    return out, project


def test_symlink_to_file_outside_is_not_followed(outside):
    out, root = outside
    write(root, {"novelforge.yaml": CONFIG, SCENE: PROSE})
    os.symlink(out / "secret.md", root / "manuscript/01-one/02-secret.md")
    (root / "canon/characters").mkdir(parents=True)
    os.symlink(out / "villain.yaml", root / "canon/characters/villain.yaml")
    project = load_project(root)
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF007", "canon/characters/villain.yaml", 1, 1),
        ("NF007", "manuscript/01-one/02-secret.md", 1, 1),
    ]
    assert all("outside the project" in d.message for d in project.diagnostics)
    assert [s.id for s in project.scenes] == ["first"]
    assert "villain" not in project.characters


def test_symlink_to_folder_outside_is_not_followed(outside):
    out, root = outside
    write(root, {"novelforge.yaml": CONFIG, SCENE: PROSE})
    os.symlink(out / "folder", root / "manuscript/02-linked")
    (root / "canon").mkdir()
    os.symlink(out, root / "canon/characters")
    project = load_project(root)
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF007", "canon/characters", 1, 1),
        ("NF007", "manuscript/02-linked", 1, 1),
    ]
    assert [s.id for s in project.scenes] == ["first"]
    assert project.canon == {}


def test_symlink_inside_project_is_fine(tmp_path):
    write(tmp_path, {"novelforge.yaml": CONFIG, SCENE: PROSE, "drafts/x.md": "Bram.\n"})
    os.symlink(tmp_path / "drafts/x.md", tmp_path / "manuscript/01-one/02-x.md")
    project = load_project(tmp_path)
    assert project.diagnostics == []
    assert [s.id for s in project.scenes] == ["first", "x"]


# ----------------------------------------------------------------------------- newlines, BOM
def test_crlf_files_keep_line_numbers(tmp_path):
    project = load(tmp_path, {
        "novelforge.yaml": "title: T\r\ncheck:\r\n  fail-on: fatal\r\n",
        SCENE: "---\r\ntitle: A\r\nstatus: drafted\r\n---\r\n\r\nAria walked.\r\n",
        "canon/characters/aria.yaml": "name: Aria\r\nstatus: zombie\r\n",
    })
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF004", "canon/characters/aria.yaml", 2, 9),
        ("NF004", SCENE, 3, 9),
        ("NF004", "novelforge.yaml", 3, 12),
    ]
    scene = project.scenes[0]
    assert "\r" not in scene.text
    assert scene.body == "\nAria walked.\n"
    assert scene.position(scene.text.index("Aria walked")) == (6, 1)


def test_old_mac_newlines(tmp_path):
    project = load(tmp_path, {SCENE: "---\rtitle: A\rstatus: drafted\r---\rAria.\r"})
    assert [where(d) for d in project.diagnostics] == [("NF004", SCENE, 3, 9)]


def test_bom_is_ignored(tmp_path):
    project = load(tmp_path, {
        "novelforge.yaml": "\ufefftitle: The Ember Crown\n",
        SCENE: "\ufeff---\ntitle: A\nstatus: drafted\n---\nAria.\n",
        "canon/characters/aria.yaml": "\ufeffname: Aria\n",
    })
    assert [where(d) for d in project.diagnostics] == [("NF004", SCENE, 3, 9)]
    assert project.config.title == "The Ember Crown"
    assert project.scenes[0].meta.title == "A"
    assert project.characters["aria"].name == "Aria"


# ----------------------------------------------------------------------------- reading order
def test_natural_key_compares_numbers_as_numbers():
    names = ["10-j", "2-b", "1-a", "02-c", "part-10", "part-9"]
    assert sorted(names, key=natural_key) == ["1-a", "2-b", "02-c", "10-j", "part-9", "part-10"]


def test_reading_order_numeric_prefixes(tmp_path):
    project = load(tmp_path, {
        SCENE: None,
        "manuscript/10-ten/1-a.md": "A.\n",
        "manuscript/2-two/10-z.md": "Z.\n",
        "manuscript/2-two/2-y.md": "Y.\n",
        "manuscript/2-two/notes.txt": "not a scene\n",
        "manuscript/2-two/README.md": "not a scene either\n",
        "manuscript/2-two/.hidden.md": "hidden\n",
    })
    assert project.diagnostics == []
    assert [s.path for s in project.scenes] == [
        "manuscript/2-two/2-y.md", "manuscript/2-two/10-z.md", "manuscript/10-ten/1-a.md"]
    assert [s.index for s in project.scenes] == [0, 1, 2]
    assert [(c.id, c.number) for c in project.chapters] == [("2-two", 1), ("10-ten", 2)]


def test_order_in_config(tmp_path):
    project = load(tmp_path, {
        "novelforge.yaml": "title: T\norder: [03-c, 01-one]\n",
        "manuscript/02-b/01-x.md": "X.\n",
        "manuscript/03-c/01-y.md": "Y.\n",
    })
    assert project.diagnostics == []
    assert [c.id for c in project.chapters] == ["03-c", "01-one", "02-b"]  # unlisted chapters follow
    assert [s.id for s in project.scenes] == ["y", "first", "x"]
    assert [c.number for c in project.chapters] == [1, 2, 3]


def test_order_naming_a_missing_chapter(tmp_path):
    project = load(tmp_path, {"novelforge.yaml": "title: T\norder:\n  - 01-one\n  - 02-onn\n"})
    d = only(project, "NF004")
    assert where(d) == ("NF004", "novelforge.yaml", 4, 5)
    assert "`02-onn`" in d.message


def test_parts_chapter_yaml_and_scene_ids(tmp_path):
    project = load(tmp_path, {
        SCENE: None,
        "manuscript/part-1/01-ashes/chapter.yaml": "title: Ashes\nsummary: It burns.\n",
        "manuscript/part-1/01-ashes/01-the-summons.md": "Aria.\n",
        "manuscript/part-1/01-ashes/02_the-road.md": "---\nid: road\n---\nBram.\n",
        "manuscript/part-2/01-night/1. the night.md": "Night.\n",
    })
    assert project.diagnostics == []
    assert [(s.id, s.chapter.id, s.chapter.part) for s in project.scenes] == [
        ("the-summons", "01-ashes", "part-1"),
        ("road", "01-ashes", "part-1"),
        ("the night", "01-night", "part-2"),
    ]
    ashes = project.chapters[0]
    assert (ashes.title, ashes.summary, ashes.path) == ("Ashes", "It burns.", "manuscript/part-1/01-ashes")


def test_chapter_yaml_problems_are_reported(tmp_path):
    project = load(tmp_path, {"manuscript/01-one/chapter.yaml": "title: One\ntitel: Two\nnumber: first\n"})
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF004", "manuscript/01-one/chapter.yaml", 3, 9),
        ("NF009", "manuscript/01-one/chapter.yaml", 2, 1),
    ]
    assert project.chapters[0].title == "One"


def test_default_scene_id():
    assert default_scene_id("01-the-summons.md") == "the-summons"
    assert default_scene_id("2_road.markdown") == "road"
    assert default_scene_id("epilogue.md") == "epilogue"
    assert default_scene_id("07.md") == "07"


# ----------------------------------------------------------------------------- promises, contracts
def test_promises_from_canon_promises(tmp_path):
    project = load(tmp_path, {
        "canon/promises/locked-door.yaml": "description: The locked door.\nkind: clue\nimportance: high\n",
        "canon/promises/prophecy.md": "---\nname: The prophecy\n---\nThe queen will burn.\n",
        "canon/promises/bad.yaml": "kind: riddle\n",
    })
    assert set(project.promises) == {"locked-door", "prophecy", "bad"}
    door = project.promises["locked-door"]
    assert (door.model.kind, door.model.importance, door.path) == ("clue", "high", "canon/promises/locked-door.yaml")
    assert project.promises["prophecy"].model.description == "The queen will burn."
    d = only(project, "NF004")
    assert where(d) == ("NF004", "canon/promises/bad.yaml", 1, 7)
    assert "foreshadowing" in d.message
    assert "promises" not in project.canon  # promises are not canon entities


def test_contracts_load_with_ids_from_file_name(tmp_path):
    project = load(tmp_path, {"contracts/world.yaml":
                              "no-gunpowder:\n  type: forbid\n  terms: [musket]\n"})
    assert project.diagnostics == []
    assert list(project.contracts) == ["world.no-gunpowder"]
    assert project.contracts["world.no-gunpowder"].terms == ["musket"]


def test_every_problem_in_a_contract_is_reported_at_its_line(tmp_path):
    project = load(tmp_path, {"contracts/world.yaml":
                              "good:\n  type: forbid\n  terms: [musket]\n"
                              "bad:\n  type: require-with\n  if: '\\b(cast'\n  then: blood\n  withn: scene\n"
                              "worse:\n  type: forbid\n  severity: fatal\n"})
    found = sorted((d.code, d.line, d.column, d.contract) for d in project.diagnostics)
    assert found == [("NF004", 6, 7, "world.bad"), ("NF004", 11, 13, "world.worse"), ("NF009", 8, 3, "world.bad")]
    messages = " ".join(d.message for d in project.diagnostics)
    assert "not a valid regular expression" in messages and "did you mean `within`" in messages
    assert list(project.contracts) == ["world.good"]  # a broken contract is not half-enforced


def test_contract_with_unknown_type(tmp_path):
    project = load(tmp_path, {"contracts/world.yaml":
                              "ok:\n  type: forbid\n  terms: [x]\nbad:\n  message: hm\n  type: forbit\n"})
    d = only(project, "NF004")
    assert where(d) == ("NF004", "contracts/world.yaml", 6, 9)  # the value of `type:`
    assert d.contract == "world.bad"
    assert "`type: forbit`" in d.message and "did you mean `forbid`?" in d.message
    for choice in ("forbid", "prefer", "consistency", "require-with", "pattern"):
        assert choice in d.help
    assert list(project.contracts) == ["world.ok"]


def test_contract_without_type_or_not_a_mapping(tmp_path):
    project = load(tmp_path, {"contracts/world.yaml": "a:\n  terms: [x]\nb: just text\n",
                              "contracts/list.yaml": "- a\n- b\n"})
    assert sorted(where(d) for d in project.diagnostics) == [
        ("NF004", "contracts/list.yaml", 1, 1),
        ("NF004", "contracts/world.yaml", 1, 1),
        ("NF004", "contracts/world.yaml", 3, 1),
    ]
    no_type = next(d for d in project.diagnostics if d.path == "contracts/world.yaml" and d.line == 1)
    assert "no `type`" in no_type.message and "forbid" in no_type.help
    assert project.contracts == {}


def test_broken_contract_yaml(tmp_path):
    project = load(tmp_path, {"contracts/world.yaml": "a:\n  type: forbid\n  terms: [x\n"})
    d = only(project, "NF001")
    assert (d.path, d.line) == ("contracts/world.yaml", 4)
