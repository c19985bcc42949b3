"""The analysis session: one project, its cache, and everything computed about it in one run.

Every consumer asks the session — the rules (through their :class:`~novelforge.rules.context.Context`,
a view of it), the promise ledger, the promise commands, ``impact`` and, next, the
Writers' Room and the server — and the session decides how much to analyse:

* :meth:`Session.index` — a scene's full text index (paragraphs, sentences, dialogue and
  speakers, name mentions…), from the cache when the scene's text is unchanged, else
  analysed; many scenes at once are analysed in two processes.
* :meth:`Session.light` — the cheap facts of a scene (words, promise markers,
  suppressions) without a full analysis, for book-wide rules that need no more.
* :meth:`Session.first_person` — the first-person test alone.
* :meth:`Session.scenes_naming` — the scenes whose prose may contain some words, analysed:
  what a book-wide rule needs to count those words across the book.
* :meth:`Session.ledger`, :meth:`Session.book_map`, :meth:`Session.timeline` — the
  book-wide structures, built once.

A session made with ``focus`` (``check --changed``: the scenes whose findings are wanted)
analyses those up front and every other scene only when something asks for it; without
``focus`` every readable scene is analysed up front. Rules never ask which kind of
session they run in: the same questions get the same answers, only the cost differs.
"""

from __future__ import annotations

from functools import cached_property
from typing import Callable, Iterable

from novelforge.analysis import keys
from novelforge.analysis.parallel import in_two_processes
from novelforge.project.models import Project, Scene
from novelforge.text.index import INDEX_VERSION, TextIndex, build_index
from novelforge.text.names import NameTable


def build_names(project: Project) -> NameTable:
    """Every canon name and alias (and ``check: known-names``), for finding them in prose."""
    named = [((e.kind, e.id), e.names) for e in project.entities()]
    extra = [(("known", n), [n]) for n in project.config.check.known_names]
    return NameTable.build(named + extra)


def _full_index(found) -> bool:
    return isinstance(found, TextIndex) and found.version == INDEX_VERSION and not found.light


class _LightView:
    """``get(path)``: the session's lightest sufficient index of a scene (for the ledger,
    which reads markers and word counts only)."""

    def __init__(self, session: "Session") -> None:
        self.session = session

    def get(self, path, default=None):
        found = self.session.light(path)
        return default if found is None else found


class Session:
    def __init__(self, project: Project, cache=None, *, focus: Iterable[str] | None = None) -> None:
        self.project = project
        self.cache = cache
        self.focus: set[str] | None = set(focus) if focus is not None else None
        self.by_path: dict[str, Scene] = {s.path: s for s in project.scenes if s.readable}
        self.hits = 0                       # scenes whose full index came from the cache
        self._full: dict[str, TextIndex] = {}
        self._light: dict[str, TextIndex] = {}
        self._person: dict[str, bool] = {}
        self._memo: dict = {}
        self.complete = False               # every readable scene analysed

    # ------------------------------------------------------------------ names
    @cached_property
    def names(self) -> NameTable:
        return build_names(self.project)

    # ------------------------------------------------------------------ full indexes
    def start(self) -> "Session":
        """Analyse what the run is about up front: the focus, or the whole book."""
        self.analyse(self.focus)
        return self

    def analyse(self, paths: Iterable[str] | None = None) -> None:
        """Give every scene of ``paths`` (default: all) its full index, in one batch: from
        the cache where the text is unchanged, else analysed (in two processes when many)."""
        wanted = None if paths is None else set(paths)
        want = [s for p, s in self.by_path.items() if p not in self._full and (wanted is None or p in wanted)]
        if want:
            self._index_scenes(want)
        if len(self._full) == len(self.by_path):
            self.complete = True

    def _index_scenes(self, scenes: list[Scene]) -> None:
        cache = self.cache
        names = self.names
        todo: list[tuple[Scene, str | None]] = []
        for scene in scenes:
            key = keys.index_key(scene, names) if cache is not None else None
            found = cache.get(key, _full_index) if cache is not None else None
            if found is not None:
                self._full[scene.path] = found
                self.hits += 1
            else:
                todo.append((scene, key))
        jobs = [(s.text, s.body_start, s.meta.pov, s.meta.pov_mode) for s, _k in todo]
        for (scene, key), idx in zip(todo, _build_all(jobs, names)):
            self._full[scene.path] = idx
            if cache is not None and key is not None:
                cache.set(key, idx)
                # the first-person test alone, for `--changed` runs (a bool, cheaper to read back)
                cache.set(keys.person_key(scene), idx.first_person)
        if cache is not None:
            cache.flush()

    def index(self, scene: Scene | str) -> TextIndex | None:
        """The full index of a readable scene (analysed now if need be), else None."""
        path = scene if isinstance(scene, str) else scene.path
        found = self._full.get(path)
        if found is None and path in self.by_path:
            self.analyse([path])
            found = self._full.get(path)
        return found

    def indexes(self) -> dict[str, TextIndex]:
        """Every readable scene's full index, by path in reading order."""
        self.analyse()
        return {p: self._full[p] for p in self.by_path}

    def _cached(self, scene: Scene) -> TextIndex | None:
        """The full index from the cache, if a run left it there (then it is kept)."""
        if self.cache is None:
            return None
        found = self.cache.get(keys.index_key(scene, self.names), _full_index)
        if found is not None:
            self._full[scene.path] = found
            self.hits += 1
        return found

    # ------------------------------------------------------------------ focus
    def focus_scenes(self) -> list[Scene]:
        """The readable scenes whose findings the run wants, in reading order."""
        if self.focus is None:
            return list(self.by_path.values())
        return [s for p, s in self.by_path.items() if p in self.focus]

    def wanted(self, path: str) -> bool:
        return self.focus is None or path in self.focus

    def scenes_naming(self, pattern, lower: bool = False) -> list[Scene]:
        """Readable scenes, analysed, among which are all those whose prose ``pattern``
        matches (lower-cased with ``lower``): the only scenes that can hold the words a
        book-wide rule counts. Once every scene is analysed this is every scene (a
        superset costs nothing then, and the rule's own count is exact either way)."""
        if self.complete:
            return list(self.by_path.values())
        out = []
        for path, scene in self.by_path.items():
            if path in self._full:
                out.append(scene)
                continue
            text = self.masked(scene)
            if pattern.search(self.lower(scene) if lower else text, scene.body_start):
                out.append(scene)
        self.analyse([s.path for s in out])
        return out

    # ------------------------------------------------------------------ cheap facts
    def light(self, path: str) -> TextIndex | None:
        """The full index when there is one, else words, markers and suppressions only."""
        found = self._full.get(path)
        if found is not None:
            return found
        scene = self.by_path.get(path)
        if scene is None:
            return None
        found = self._light.get(path)
        if found is None:   # cheaper to work out than to read a full index back from the cache
            found = self._light[path] = build_index(scene.text, scene.body_start, self.names, light=True)
        return found

    def light_view(self) -> _LightView:
        return _LightView(self)

    def first_person(self, scene: Scene) -> bool:
        """Whether the scene reads as first person, analysing no more than that."""
        self.first_persons([scene])
        if scene.path in self._full:
            return self._full[scene.path].first_person
        return self._person.get(scene.path, False)

    def first_persons(self, scenes: list[Scene]) -> None:
        """Work out whether each of ``scenes`` reads as first person: from a full index
        already analysed, else from the answer a run left in the cache (or its full
        index), else by the first-person test alone — many at once in two processes."""
        todo = []
        for scene in scenes:
            if scene.path in self._person or scene.path in self._full or scene.path not in self.by_path:
                continue
            key = keys.person_key(scene)
            found = self.cache.get(key, lambda v: isinstance(v, bool)) if self.cache is not None else None
            if found is not None:
                self._person[scene.path] = found
            elif self._cached(scene) is None:
                todo.append((scene, key))
        answers = in_two_processes(_persons_some, [(s.text, s.body_start, s.meta.pov_mode) for s, _k in todo])
        for (scene, key), found in zip(todo, answers):
            self._person[scene.path] = found
            if self.cache is not None:
                self.cache.set(key, found)

    def summaries(self, name: str, compute: Callable[[Scene], object],
                  shape: Callable[[object], bool], *, beside: bool = False,
                  memo: str | None = None) -> dict[str, object]:
        """``compute(scene)`` for every readable scene, by path: a compact fact that depends on
        the scene's text alone (and NovelForge's code), read back from the analysis cache
        for every scene whose text is unchanged (:func:`keys.summary_key`, ``name`` naming
        the fact) and worked out, then stored, for the others. A value in the cache that is
        not of ``shape`` is worked out again. With ``beside``, many scenes to work out are
        shared with a second process (:meth:`shared`):
        for a ``compute`` that leaves nothing behind this run needs (what it memoises in the
        worker is lost with it) and a small fact (a scene's distinct words and pattern
        matches: about 25 ms to send War and Peace's back), the second core halves the time.
        With ``memo``, ``compute`` gives ``(fact, by-product)``: the fact is the summary (and
        is cached), the by-product, unless None, is what the run memoises for the scene
        under ``(memo, scene.path)`` (:meth:`memo`) — sent back from the worker too, so
        that what the worker worked out on the way (NF406's pairs) is not lost."""
        cache = self.cache
        out: dict[str, object] = {}
        todo: list[tuple[str, Scene, str]] = []
        for path, scene in self.by_path.items():
            key = keys.summary_key(name, scene) if cache is not None else ""
            found = cache.get(key, shape) if cache is not None else None
            out[path] = found
            if found is None:
                todo.append((path, scene, key))
        scenes = [scene for _p, scene, _k in todo]
        values = (self.shared(lambda some: [compute(scene) for scene in some], scenes) if beside
                  else [compute(scene) for scene in scenes])
        for (path, _scene, key), found in zip(todo, values):
            if memo is not None:
                found, extra = found  # type: ignore[misc]
                if extra is not None:
                    self._memo.setdefault((memo, path), extra)
            out[path] = found
            if cache is not None:
                cache.set(key, found)
        if cache is not None:
            cache.flush()
        return out

    def shared(self, work: Callable[[list], list], jobs: list) -> list:
        """``work(jobs)``, half of the jobs in a forked worker when there are many
        (:func:`~novelforge.analysis.parallel.in_two_processes`) — once every scene is
        analysed: before, the worker would analyse the scenes it asks for, and that
        analysis would be lost with it."""
        return in_two_processes(work, jobs) if self.complete else work(jobs)

    def kept(self, name: str, basis: object, shape: Callable[[object], bool]) -> object | None:
        """The value :meth:`keep` stored for ``name`` computed from ``basis``, or None."""
        if self.cache is None:
            return None
        return self.cache.get(keys.kept_key(name, basis), shape)

    def keep(self, name: str, basis: object, value: object) -> None:
        """Store ``value``, computed from ``basis`` (plain, sorted data) alone, for later runs."""
        if self.cache is not None:
            self.cache.set(keys.kept_key(name, basis), value)

    def words(self, paths: Iterable[str] | None = None) -> int:
        """Words of the analysed scenes among ``paths`` (default: the focus)."""
        wanted = self.focus if paths is None else set(paths)
        return sum(i.words for p, i in self._full.items() if wanted is None or p in wanted)

    # ------------------------------------------------------------------ text, memo
    def masked(self, scene: Scene) -> str:
        """The scene's file text with front matter and comments blanked out (same offsets)."""
        store = self._memo.setdefault("masked", {})
        text = store.get(scene.path)
        if text is None:
            from novelforge.text.index import mask

            text = store[scene.path] = mask(scene.text, scene.body_start)[0]
        return text

    def lower(self, scene: Scene) -> str:
        """``masked(scene).lower()``, for prefilters (same length for almost all text)."""
        store = self._memo.setdefault("lower", {})
        text = store.get(scene.path)
        if text is None:
            text = store[scene.path] = self.masked(scene).lower()
        return text

    def memo(self, key: object, make):
        """A value computed once per session (compiled contract patterns and the like)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    # ------------------------------------------------------------------ book-wide structures
    def ledger(self):
        """The promise ledger (declared and inline promises, planted and paid sites)."""
        from novelforge.ledger import build_ledger

        return self.memo("promise-ledger", lambda: build_ledger(self.project, self.light_view()))

    def book_map(self):
        """Where each scene sits in the book in words and chapters (promise distances)."""
        from novelforge.ledger.measure import book_map

        return self.memo("promise-book-map", lambda: book_map(self.project, self.light_view()))

    def promise_summary(self) -> dict:
        """Counts of the ledger by status, for the check summary line."""
        from novelforge.ledger import summarize

        return self.memo("promise-summary", lambda: summarize(self.project, self.light_view()))

    def timeline(self):
        """Story times (and their errors) by scene id."""
        from novelforge.timeline import timeline

        return self.memo("timeline", lambda: timeline(self.project))


# ---------------------------------------------------------------------- workers
# (a forked worker inherits what these close over: only the answers are sent back)
def _build_all(jobs: list[tuple], names: NameTable) -> list[TextIndex]:
    return in_two_processes(
        lambda some: [build_index(text, start, names, pov, mode) for text, start, pov, mode in some], jobs)


def _persons_some(jobs: list[tuple]) -> list[bool]:
    from novelforge.text.index import scene_first_person

    return [scene_first_person(text, start, mode) for text, start, mode in jobs]
