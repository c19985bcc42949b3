"""Analysing scenes: the text index of every scene (cached, in two processes on a cold
run), and the lazy indexes ``check --changed`` uses, which analyse a scene only as far
as a book-wide rule needs it."""

from __future__ import annotations

from typing import Iterable

from novelforge.cache import ProjectCache
from novelforge.project.models import Project, Scene
from novelforge.text.index import INDEX_VERSION, TextIndex, build_index
from novelforge.text.names import NameTable


def code_fingerprint() -> str:
    from novelforge.rules.engine import code_fingerprint as fingerprint

    return fingerprint()


PARALLEL_MIN_SCENES = 40


def index_project(project: Project, names: NameTable, cache: ProjectCache | None = None,
                  only: set[str] | None = None) -> tuple[dict[str, TextIndex], int]:
    """The text index of every readable scene, from the cache where the text is unchanged.

    When many scenes need analysing (a cold run on a long book) and the machine has a
    second core, half of them are analysed in a forked worker process at the same time.
    """
    indexes: dict[str, TextIndex] = {}
    hits = 0
    code = code_fingerprint()
    todo: list[tuple[Scene, str | None]] = []
    for scene in project.scenes:
        if not scene.readable or (only is not None and scene.path not in only):
            continue
        key = _index_key(code, scene, names)
        found = cache.get(key, _index_shape) if cache is not None else None
        if found is not None:
            indexes[scene.path] = found
            hits += 1
        else:
            todo.append((scene, key))
    jobs = [(s.text, s.body_start, s.meta.pov, s.meta.pov_mode) for s, _k in todo]
    for (scene, key), idx in zip(todo, _build_all(jobs, names)):
        indexes[scene.path] = idx
        if cache is not None and key is not None:
            cache.set(key, idx)
            # the first-person test alone, for `--changed` runs (a bool, cheaper to read back)
            cache.set(_person_key(code, scene), idx.first_person)
    if cache is not None:
        cache.flush()
    return indexes, hits


def _index_shape(found) -> bool:
    return isinstance(found, TextIndex) and found.version == INDEX_VERSION


def _index_key(code: str, scene: Scene, names: NameTable) -> str:
    return f"idx:{code}:{scene.content_hash}:{names.fingerprint}:{scene.meta.pov}:{scene.meta.pov_mode}"


def _person_key(code: str, scene: Scene) -> str:
    return f"person:{code}:{scene.content_hash}:{scene.meta.pov_mode}"


class LazyIndexes(dict):
    """Scene path → full text index, analysed (or read from the cache) when first asked for.

    ``check --changed`` starts it with the checked scenes only. Book-wide rules ask for
    what they need: :meth:`light` (words, markers) and :meth:`first_person` cost little;
    :meth:`fill` analyses a batch of scenes (in parallel when there are many); ``values``
    and ``items`` analyse every scene, as a full run does.
    """

    def __init__(self, project: Project, names: NameTable, cache: ProjectCache | None) -> None:
        super().__init__()
        self.project, self.names, self.cache = project, names, cache
        self.by_path = {s.path: s for s in project.scenes if s.readable}
        self.complete = False
        self.hits = 0
        self.checked: set[str] = set()   # the scenes analysed up front: those ``--changed`` checks
        self._light: dict[str, TextIndex] = {}
        self._person: dict[str, bool] = {}

    def has(self, path: str) -> bool:
        """Whether ``path`` is analysed already (asking does not analyse it)."""
        return dict.__contains__(self, path)

    def fill(self, paths: Iterable[str] | None = None) -> None:
        """Analyse every scene not analysed yet, or those of ``paths``, in one batch."""
        want = {p for p in (paths if paths is not None else self.by_path) if p in self.by_path and not self.has(p)}
        if want:
            built, hits = index_project(self.project, self.names, self.cache, only=want)
            self.hits += hits
            dict.update(self, built)
        if paths is None or dict.__len__(self) == len(self.by_path):
            self.complete = True

    def get(self, path, default=None):  # type: ignore[override]
        if not self.has(path) and path in self.by_path:
            self.fill([path])
        return dict.get(self, path, default)

    def __getitem__(self, path):
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path) -> bool:
        return path in self.by_path

    def __len__(self) -> int:
        return len(self.by_path)

    def __iter__(self):
        self.complete or self.fill()
        return dict.__iter__(self)

    def values(self):  # type: ignore[override]
        self.complete or self.fill()
        return dict.values(self)

    def items(self):  # type: ignore[override]
        self.complete or self.fill()
        return dict.items(self)

    def keys(self):  # type: ignore[override]
        self.complete or self.fill()
        return dict.keys(self)

    def _cached(self, scene: Scene) -> TextIndex | None:
        """The full index from the cache, if a run left it there (then it is kept)."""
        if self.cache is None:
            return None
        found = self.cache.get(_index_key(code_fingerprint(), scene, self.names), _index_shape)
        if found is not None:
            dict.__setitem__(self, scene.path, found)
            self.hits += 1
            return found
        return None

    def light(self, path: str) -> TextIndex | None:
        """The full index when there is one, else words, markers and suppressions only."""
        if self.has(path):
            return dict.get(self, path)
        scene = self.by_path.get(path)
        if scene is None:
            return None
        found = self._light.get(path)
        if found is None:   # cheaper to work out than to read a full index back from the cache
            found = self._light[path] = build_index(scene.text, scene.body_start, self.names, light=True)
        return found

    def first_person(self, scene: Scene) -> bool:
        self.first_persons([scene])
        if self.has(scene.path):
            return dict.get(self, scene.path).first_person
        return self._person[scene.path]

    def first_persons(self, scenes: list[Scene]) -> None:
        """Work out whether each of ``scenes`` reads as first person: from a full index
        already analysed, else from the answer a run left in the cache (or its full
        index), else by the first-person test alone — many at once in two processes."""
        todo = []
        for scene in scenes:
            if scene.path in self._person or self.has(scene.path) or scene.path not in self.by_path:
                continue
            key = _person_key(code_fingerprint(), scene)
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

    def scenes_matching(self, pattern, lower: bool = False) -> list[Scene]:
        """Readable scenes whose prose (lower-cased with ``lower``) ``pattern`` matches:
        the only ones that can hold the words a book-wide rule counts."""
        from novelforge.text.index import mask

        out = []
        for path, scene in self.by_path.items():
            text = mask(scene.text, scene.body_start)[0]
            if pattern.search(text.lower() if lower else text, scene.body_start):
                out.append(scene)
        return out


def partial(indexes) -> bool:
    """Whether a rule sees only some scenes analysed (``check --changed``)."""
    return isinstance(indexes, LazyIndexes) and not indexes.complete


def light_index(indexes, path: str) -> TextIndex | None:
    """Words, markers and suppressions of a scene, analysing no more than that."""
    return indexes.light(path) if isinstance(indexes, LazyIndexes) else indexes.get(path)


def first_person(indexes, scene: Scene) -> bool:
    """Whether a scene reads as first person, analysing no more than that."""
    if isinstance(indexes, LazyIndexes):
        return indexes.first_person(scene)
    idx = indexes.get(scene.path)
    return bool(idx and idx.first_person)


_NAMES_FOR_WORKER: NameTable | None = None


def _build_some(jobs: list[tuple]) -> list[TextIndex]:
    names = _NAMES_FOR_WORKER
    return [build_index(text, start, names, pov, mode) for text, start, pov, mode in jobs]  # type: ignore[arg-type]


def _build_all(jobs: list[tuple], names: NameTable) -> list[TextIndex]:
    global _NAMES_FOR_WORKER
    _NAMES_FOR_WORKER = names
    return in_two_processes(_build_some, jobs)


def _persons_some(jobs: list[tuple]) -> list[bool]:
    from novelforge.text.index import scene_first_person

    return [scene_first_person(text, start, mode) for text, start, mode in jobs]


def in_two_processes(work, jobs: list) -> list:
    """``work(jobs)``, with half of the jobs done in a forked worker process at the same
    time when there are many and the machine has a second core."""
    import os
    import sys

    if len(jobs) < PARALLEL_MIN_SCENES or (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux") \
            or os.environ.get("NOVELFORGE_WORKERS") == "1":
        return work(jobs)
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # alternate jobs so both halves get a fair share of long and short scenes
        theirs, mine = jobs[0::2], jobs[1::2]
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(work, theirs)
            ours = work(mine)
            other = future.result()
    except Exception:  # no fork, no worker: do everything here
        return work(jobs)
    out = []
    for i in range(len(jobs)):
        out.append(other[i // 2] if i % 2 == 0 else ours[i // 2])
    return out
