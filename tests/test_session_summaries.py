"""Per-scene summaries in the analysis cache (:meth:`novelforge.analysis.Session.summaries`):
``promises suggest``'s word index is read back for unchanged scenes and worked out again
for exactly the scenes whose text changed, with the same candidates either way."""

from __future__ import annotations

from pathlib import Path

from novelforge import api
from novelforge.analysis import Session
from novelforge.cache import ProjectCache
from novelforge.ledger import book as book_module
from novelforge.ledger.book import Book, is_scene_words, scene_words
from novelforge.project.loader import load_project

SCENES = {
    "01-one/01-gate.md": "Aria swore she would return for the locked box.\n\nShe never did say why.\n\n"
                         "\"I swear I will find whoever burned the mill,\" said Aria.\n\n"
                         "Little did she know that she was never to see the valley again.\n",
    "01-one/02-road.md": "Bram asked who had sent the letter. Nobody answered him.\n",
    "02-two/01-inn.md": "Little did Aria know that the box held her mother's letter.\n",
}


def make(root: Path) -> Path:
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: Test\n", "utf-8")
    (root / "canon/characters/aria.yaml").write_text("id: aria\nname: Aria\n", "utf-8")
    for rel, text in SCENES.items():
        path = root / "manuscript" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def counted(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = book_module.scene_words

    def counting(scene, memo=None):
        calls.append(scene.path)
        return real(scene, memo)

    monkeypatch.setattr(book_module, "scene_words", counting)
    return calls


def words_of(root: Path) -> dict[str, object]:
    project = load_project(root)
    with ProjectCache(project.root) as cache:
        return Session(project, cache).summaries("words", lambda s: book_module.scene_words(s), is_scene_words)


def test_unchanged_scenes_are_read_back_and_an_edited_one_is_worked_out_again(tmp_path, monkeypatch):
    root = make(tmp_path / "n")
    calls = counted(monkeypatch)
    first = words_of(root)
    assert sorted(calls) == sorted(f"manuscript/{p}" for p in SCENES)

    calls.clear()
    assert words_of(root) == first and calls == []          # nothing changed: nothing worked out

    edited = root / "manuscript/01-one/02-road.md"
    edited.write_text(edited.read_text("utf-8") + "\nThe lantern guttered.\n", "utf-8")
    calls.clear()
    third = words_of(root)
    assert calls == ["manuscript/01-one/02-road.md"]         # the edited scene only
    assert "lantern" in third["manuscript/01-one/02-road.md"]
    assert {p: w for p, w in third.items() if not p.endswith("02-road.md")} == \
           {p: w for p, w in first.items() if not p.endswith("02-road.md")}


def test_a_cached_word_index_is_the_one_worked_out(tmp_path):
    root = make(tmp_path / "n")
    project = load_project(root)
    indexes = Session(project).indexes()
    fresh = Book(project, indexes)
    kept = Book(project, indexes, {s.path: scene_words(s) for s in project.scenes})
    assert kept.first_seen == fresh.first_seen and kept.last_seen == fresh.last_seen
    assert kept.scene_count == fresh.scene_count


def test_suggestions_are_the_same_with_and_without_the_cache(tmp_path):
    root = make(tmp_path / "n")
    without = [c.to_dict() for c in api.suggest(root, use_cache=False).candidates]
    cold = [c.to_dict() for c in api.suggest(root).candidates]
    warm = [c.to_dict() for c in api.suggest(root).candidates]
    assert without == cold == warm


# ----------------------------------------------------------------------------- the kept listing
def counted_listings(monkeypatch) -> list[int]:
    from novelforge.ledger import suggest as suggest_module

    calls: list[int] = []
    real = suggest_module.suggest

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(suggest_module, "suggest", counting)
    return calls


def listing(root: Path, **options) -> list[dict]:
    return [c.to_dict() for c in api.suggest(root, **options).candidates]


def test_a_listing_of_unchanged_files_is_kept_and_an_edit_lists_again(tmp_path, monkeypatch):
    root = make(tmp_path / "n")
    calls = counted_listings(monkeypatch)
    first = listing(root)
    assert first and len(calls) == 1
    assert listing(root) == first and len(calls) == 1                       # kept: no detector ran
    assert listing(root, min_confidence=0.99, limit=1) == [c for c in first if c["confidence"] >= 0.99][:1]
    assert len(calls) == 1                                                   # options apply to the kept listing
    edited = root / "manuscript/02-two/01-inn.md"
    edited.write_text(edited.read_text("utf-8") + "\nShe swore she would burn it.\n", "utf-8")
    again = listing(root)
    assert len(calls) == 2 and again == listing(root, use_cache=False)


def test_a_rejection_lists_again_and_accepting_uses_fresh_candidates(tmp_path, monkeypatch):
    root = make(tmp_path / "n")
    calls = counted_listings(monkeypatch)
    first = listing(root)
    api.suggest(root, reject=first[0]["id"])
    after = listing(root)
    assert first[0]["id"] not in [c["id"] for c in after]
    assert after == listing(root, use_cache=False)
    n = len(calls)
    done = api.suggest(root, accept=after[0]["id"])
    assert done.accepted is not None and len(calls) == n + 1                 # accepting never reads the listing
    assert listing(root) == listing(root, use_cache=False)                   # the accepted promise is declared now


# ----------------------------------------------------------------------------- the detectors' scans
def test_a_hit_answers_as_the_match_it_stands_for():
    import re

    from novelforge.ledger.book import Hit

    pattern = re.compile(r"(?P<who>I|we)\s+(shall|will)(\s+never)?\s+(?P<what>\w+)")
    text = "Then I shall go. And we will never return."
    for m in pattern.finditer(text):
        spans = tuple(x for g in range(pattern.groups + 1) for x in m.span(g))
        h = Hit(text, spans, pattern.groupindex)
        for g in list(range(pattern.groups + 1)) + ["who", "what"]:
            assert (h.start(g), h.end(g), h.span(g), h.group(g), h[g]) == (m.start(g), m.end(g), m.span(g),
                                                                          m.group(g), m[g])
        assert h.group() == m.group() and h.group(1, "what") == m.group(1, "what")
        assert h.groups() == m.groups() and h.groups("") == m.groups("")


def test_scans_are_read_back_for_unchanged_scenes_and_worked_out_for_an_edited_one(tmp_path, monkeypatch):
    import novelforge.ledger.suggest  # noqa: F401  (the detectors register their scans)

    root = make(tmp_path / "n")
    calls: list[str] = []
    real = book_module.scene_hits

    def counting(scene, lower=None):
        calls.append(scene.path)
        return real(scene, lower)

    def hits_of() -> dict:
        project = load_project(root)
        with ProjectCache(project.root) as cache:
            return Session(project, cache).summaries("hits", counting, book_module.is_scene_hits)

    first = hits_of()
    assert len(calls) == len(SCENES) and first["manuscript/01-one/01-gate.md"]["prophecy"]
    calls.clear()
    assert hits_of() == first and calls == []
    edited = root / "manuscript/01-one/02-road.md"
    edited.write_text(edited.read_text("utf-8") + "\nIt was a strange noise, and he could not account for it.\n",
                      "utf-8")
    third = hits_of()
    assert calls == ["manuscript/01-one/02-road.md"]
    road = "manuscript/01-one/02-road.md"
    assert third[road]["unexplained"] and not first[road]["unexplained"]


def test_a_listing_after_an_edit_is_the_one_without_a_cache(tmp_path):
    root = make(tmp_path / "n")
    listing(root)
    edited = root / "manuscript/01-one/02-road.md"
    edited.write_text(edited.read_text("utf-8") + "\nLittle did he know that he was doomed to return.\n", "utf-8")
    assert listing(root) == listing(root, use_cache=False)


def test_only_a_summary_asked_to_shares_the_work_with_a_second_process(tmp_path, monkeypatch):
    """A compute may memoise what the run needs later (NF406's pairs): it runs here unless
    the caller says it leaves nothing behind (``beside``)."""
    import os

    from novelforge.analysis import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_SCENES", 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    project = load_project(make(tmp_path / "n"))
    here = Session(project).start().summaries("pids", lambda s: os.getpid(), lambda v: isinstance(v, int))
    assert set(here.values()) == {os.getpid()}
    shared = Session(project).start().summaries("pids", lambda s: os.getpid(), lambda v: isinstance(v, int),
                                                beside=True)
    assert len(set(shared.values())) == 2


def test_what_a_summary_works_out_on_the_way_is_kept_from_either_process(tmp_path, monkeypatch):
    """With ``memo``, the by-product of each scene's fact (NF406's pairs) reaches this
    process's memo, from the worker too; only the fact is the summary."""
    import os

    from novelforge.analysis import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_SCENES", 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    project = load_project(make(tmp_path / "n"))
    session = Session(project).start()
    facts = session.summaries("sizes", lambda s: (len(s.text), [os.getpid(), s.path]),
                              lambda v: isinstance(v, int), beside=True, memo="made")
    assert facts == {s.path: len(s.text) for s in project.scenes}
    made = {path: session.memo(("made", path), lambda: None) for path in facts}
    assert all(m is not None and m[1] == path for path, m in made.items())
    assert len({m[0] for m in made.values()}) == 2


def test_a_session_not_yet_analysed_shares_no_work(tmp_path, monkeypatch):
    """Before every scene is analysed a worker would analyse what it asks for, and lose it."""
    import os

    from novelforge.analysis import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_SCENES", 2)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    project = load_project(make(tmp_path / "n"))
    session = Session(project)
    assert not session.complete
    found = session.summaries("pids", lambda s: os.getpid(), lambda v: isinstance(v, int), beside=True)
    assert set(found.values()) == {os.getpid()}
