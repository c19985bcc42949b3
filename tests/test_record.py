"""Validated documents kept as records (novelforge/project/record.py): a record reads as
the pydantic model it was made from, the cache serves it only for the same values, a
document with a finding is validated every run, and a run whose documents are all in the
cache never imports pydantic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from novelforge import cache as C
from novelforge.project import schema
from novelforge.project.loader import load_project
from novelforge.project.record import Record, Validated, record_of
from novelforge.rules.engine import CheckOptions, check_project

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ember-crown"
PACKAGE_HOME = str(Path(schema.__file__).resolve().parents[2])


@pytest.fixture()
def book(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(EXAMPLE, root)
    return root


def load(root: Path):
    with C.ProjectCache(root) as cache:
        return load_project(root, cache)


def findings(root: Path) -> list[tuple]:
    with C.ProjectCache(root) as cache:
        report = check_project(load_project(root, cache), CheckOptions(), cache)
    return [(d.sort_key(), d.message) for d in report.diagnostics]


def documents(project) -> list[tuple[str, object, str]]:
    """(where, record, the model's name) of every validated document of ``project``."""
    out = [("novelforge.yaml", project.config, "ProjectConfig")]
    out += [(s.path, s.meta, "SceneMeta") for s in project.scenes]
    out += [(e.path, e.model, "EntityModel") for e in project.entities()]
    out += [(p.path, p.model, "PromiseModel") for p in project.promises.values()]
    out += [(cid, c, type(c.to_model()).__name__) for cid, c in project.contracts.items()]
    return out


def test_a_record_reads_as_its_model_cold_and_warm(book):
    cold, warm = load(book), load(book)
    assert warm.contracts and warm.promises and warm.entities()
    for (where, a, name), (_w, b, _n) in zip(documents(cold), documents(warm)):
        assert isinstance(a, Record) and isinstance(b, Record), where
        assert a == b, where
        model = a.to_model()
        assert type(model).__name__ == name
        assert repr(a) == repr(b) == repr(model), where
        assert a.model_fields_set == b.model_fields_set == model.model_fields_set, where
        assert b.model_dump(mode="json", by_alias=True) == model.model_dump(mode="json", by_alias=True), where
        for field in type(model).model_fields:
            if field not in schema.LAZY.get(name, ()):
                assert getattr(b, field) == _plain(getattr(model, field)), (where, field)


def _plain(value):
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return record_of(value)[0] if hasattr(type(value), "model_fields") else value


def test_the_second_run_validates_nothing_and_finds_the_same(book, monkeypatch):
    first = findings(book)
    calls = []
    real = schema.SceneMeta.model_validate.__func__

    def counting(cls, *a, **k):
        calls.append(cls.__name__)
        return real(cls, *a, **k)

    for name in ("SceneMeta", "ProjectConfig", "EntityModel", "PromiseModel", "ChapterMeta"):
        monkeypatch.setattr(getattr(schema, name), "model_validate", classmethod(counting))
    assert findings(book) == first
    assert calls == []


def test_a_warm_check_never_imports_pydantic(book):
    """The point of the records: the CLI, run twice on an unchanged book (no stored run in
    between), imports pydantic the first time only, and prints the same report."""
    code = "from novelforge.cli.entry import main\nmain()\n"
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_HOME, env.get("PYTHONPATH")]))
    runs = []
    for _ in range(2):
        shutil.rmtree(Path(env["NOVELFORGE_CACHE_DIR"]) / "replay", ignore_errors=True)
        runs.append(subprocess.run([sys.executable, "-X", "importtime", "-c", code, "check", str(book), "--format",
                                    "json"], capture_output=True, env=env, text=True))

    def imported(run):
        return {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if "|" in line}

    assert "pydantic" in imported(runs[0]) and "novelforge.project.schema" in imported(runs[0])
    assert not any(m.split(".")[0] in ("pydantic", "pydantic_core") for m in imported(runs[1])), runs[1].stderr
    assert "novelforge.rules.engine" in imported(runs[1])
    assert runs[1].stdout == runs[0].stdout and runs[0].stdout


def test_a_document_with_a_finding_is_validated_and_reported_every_run(book):
    scene = next((book / "manuscript" / "01-ashes").glob("01-*.md"))
    scene.write_text(scene.read_text().replace("---\n", "---\npov_mode: fourth\nsetting: dusk\n", 1))
    first = findings(book)
    mine = [f for f in first if f[0][0] == scene.relative_to(book).as_posix() and f[0][3] in ("NF004", "NF009")]
    assert len(mine) == 2, first
    assert findings(book) == first
    project = load(book)
    assert project.scenes[0].meta.pov_mode is None           # the bad value was dropped, as before


def test_changed_values_are_validated_again(book):
    scene = next((book / "manuscript" / "01-ashes").glob("01-*.md"))
    assert load(book).scenes[0].meta.tags == []
    scene.write_text(scene.read_text().replace("---\n", "---\ntags: [opening]\n", 1))
    assert load(book).scenes[0].meta.tags == ["opening"]


def test_a_canon_entry_whose_text_changed_under_the_same_front_matter(book):
    """A Markdown canon entry's text is its description: a kept record is never changed by
    that, so new text under the same front matter is read."""
    entry = book / "canon" / "characters" / "wren.md"
    entry.write_text("---\nname: Wren\n---\nA ferry girl.\n")
    assert load(book).characters["wren"].model.description == "A ferry girl."
    entry.write_text("---\nname: Wren\n---\nA ferry girl with a scar.\n")
    model = load(book).characters["wren"].model
    assert model.description == "A ferry girl with a scar."
    assert model.model_dump()["description"] == "A ferry girl with a scar."
    assert "description" in model.model_fields_set


def test_an_event_time_the_calendar_cannot_read_is_reported_every_run(book):
    config = book / "novelforge.yaml"
    config.write_text(config.read_text() + "calendar:\n  months:\n    - {name: Frost, days: 30}\n")
    event = book / "canon" / "events" / "the-fall.yaml"
    event.write_text("name: The Fall\nwhen: 402-07-01\n")

    def event_findings():
        return [f for f in findings(book) if f[0][0] == "canon/events/the-fall.yaml"]

    first = event_findings()
    assert first and "cannot be read" in first[0][1]
    assert event_findings() == first
    assert load(book).canon["events"]["the-fall"].model.when is None
    config.write_text(config.read_text().replace("calendar:\n  months:\n    - {name: Frost, days: 30}\n", ""))
    assert event_findings() == []
    assert load(book).canon["events"]["the-fall"].model.when == "402-07-01"


def test_model_copy_gives_a_new_record_and_a_model_with_the_update(book):
    meta = load(book).scenes[0].meta
    copy = meta.model_copy(update={"pov": "nobody"})
    assert copy.pov == "nobody" and meta.pov != "nobody"
    assert copy.to_model().pov == "nobody" and "pov" in copy.model_fields_set
    assert meta.to_model().pov == meta.pov


def test_the_llm_block_is_its_model_read_on_first_use(book):
    load(book)
    config = load(book).config              # from the cache: no model yet
    assert "_model" not in config.__dict__ and "llm" not in config.__dict__
    from novelforge.llm.settings import LLMSettings

    assert isinstance(config.llm, LLMSettings) and config.llm.model == "openai/gpt-4o-mini"
    state = config.__getstate__()
    assert "llm" not in state and "_model" not in state    # the cache keeps values only


def test_records_go_through_the_cache_decoder(book):
    project = load(book)
    key = os.urandom(32)
    for where, record, _name in documents(project):
        back = C.decode(key, "k", C.encode(key, "k", record))
        assert back == record, where


def test_a_record_names_novelforge_models_only():
    forged = Record("os:system", ("x",), {"x": 1}, frozenset(), {"x": 1})
    with pytest.raises(TypeError):
        forged.to_model()
    key = os.urandom(32)
    back = C.decode(key, "k", C.encode(key, "k", forged))    # decoding looks nothing up
    with pytest.raises(TypeError):
        back.to_model()


def test_values_the_cache_cannot_keep_leave_the_document_to_its_model():
    class Odd:
        pass

    model = schema.SceneMeta(id="x")
    object.__setattr__(model, "notes", Odd())
    _record, plain = record_of(model, {"id": "x"})
    assert not plain


def test_a_kept_value_of_the_wrong_shape_is_a_miss(book):
    with C.ProjectCache(book) as cache:
        memo = Validated(cache)
        cache.set(memo.key, {("a", (), "SceneMeta"): ("digest", "not a record")})
    with C.ProjectCache(book) as cache:
        assert Validated(cache).kept == {}
    assert findings(book) == findings(book)
