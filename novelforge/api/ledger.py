"""The promise ledger: its report, and the candidate setups found in the prose (with
accepting and rejecting them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from novelforge.api.projects import Warn, open_cache, project_root
from novelforge.errors import OptionError, UsageError

if TYPE_CHECKING:
    from novelforge.ledger.report import LedgerReport


def promises(root: Path | str | None = None, *, open_only: bool = False, kind: str | None = None) -> LedgerReport:
    """The ledger of the project around ``root`` (default: the current folder): one row per
    promise with where it is planted and paid, how far apart, and its status. ``open_only``
    keeps the open and overdue ones, ``kind`` one kind (render it with
    :data:`novelforge.formats.PROMISES`).

    Raises :class:`~novelforge.errors.OptionError` for an unknown kind,
    :class:`~novelforge.errors.PathNotFound` and :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.analysis import Session
    from novelforge.ledger.report import KINDS, build_report
    from novelforge.project.loader import load_project

    if kind is not None and kind not in KINDS:
        raise OptionError(f"{{value}} is not a promise kind; use one of: {', '.join(KINDS)}", option="kind", value=kind)
    project = load_project(project_root(root))
    return build_report(project, Session(project).indexes(), open_only=open_only, kind=kind)


@dataclass
class Suggestions:
    """What :func:`suggest` found or did: ``candidates`` (most confident first), or with
    ``payoffs`` the later scenes that may pay off ``promise``; or the file ``accepted``
    wrote, or the id ``rejected`` recorded."""

    root: Path
    candidates: list = field(default_factory=list)
    payoffs: list | None = None
    promise: str | None = None
    accepted: Path | None = None
    accepted_scene: str | None = None   # the scene file the setup marker went into
    rejected: str | None = None
    rejected_file: str = ""      # where rejections are recorded, inside the project
    llm: object | None = None    # with ``llm``: what the model did (novelforge.room.promises.LLMSuggestStats)

    @property
    def accepted_rel(self) -> str | None:
        return self.accepted.relative_to(self.root).as_posix() if self.accepted is not None else None


def suggest(root: Path | str | None = None, *, min_confidence: float = 0.0, limit: int | None = None,
            accept: str | None = None, reject: str | None = None, payoffs: str | None = None,
            use_cache: bool = True, warn: Warn | None = None, llm: bool = False, room=None) -> Suggestions:
    """Candidate setups in the prose of the project around ``root`` — vows, prophecies,
    unanswered questions, Chekhov objects, canon named once — at least ``min_confidence``
    confident, at most ``limit`` of them. ``payoffs`` (a declared promise) instead
    suggests later scenes that may pay it off. ``accept`` writes the candidate with that
    id to ``canon/promises/<id>.yaml`` and marks where it is planted with a
    ``<!-- setup: id -->`` line above its paragraph (the prose itself is unchanged); ``reject`` records it in
    ``.novelforge/promises-rejected.json`` so it is not offered again. ``llm`` has a model
    judge the candidates and propose setups the patterns miss, quotes verified
    (:mod:`novelforge.room.promises`; ``room`` is a :class:`~novelforge.room.run.RoomOptions`,
    ``Suggestions.llm`` what it did; raises :class:`~novelforge.llm.types.LLMNotConfigured`).

    Raises :class:`~novelforge.errors.OptionError` (``accept`` with ``reject``),
    :class:`~novelforge.errors.UsageError` (an id that is already a declared promise or
    is not a current suggestion, an unknown promise for ``payoffs``, a rejected-list file
    that cannot be read or written), :class:`~novelforge.errors.PathNotFound` and
    :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.analysis import Session, keys
    from novelforge.analysis.gcpause import paused_gc
    from novelforge.ledger import store
    from novelforge.ledger.book import Candidate
    from novelforge.ledger.suggest import suggest as find_candidates
    from novelforge.ledger.suggest import suggest_payoffs
    from novelforge.project.loader import load_project

    if accept and reject:
        raise OptionError("give {accept} or {reject}, not both")
    root = project_root(root)
    listing = not (payoffs or accept or reject or llm)   # the candidates, and nothing done with them
    kept = key = None
    # the collector paused while the book is read and analysed, as a check pauses it
    # (novelforge/analysis/gcpause.py: some 100,000 objects, almost no cycles)
    with paused_gc(), open_cache(root, use_cache, warn) as cache:
        project = load_project(root, cache)
        if listing and cache is not None:
            # the candidates of these very files, rejections and code, when a run listed them
            key = keys.suggest_key(project, store.load_rejected(root))
            kept = cache.get(key, _is_listing)
        if kept is None:
            session = Session(project, cache)
            indexes = session.indexes()
            words = hits = None
            if not payoffs:
                # each scene's words (the book's word index) and what the detectors' patterns match
                # in it: from the cache where the scene is unchanged, else worked out
                found = session.summaries("suggest", _scene_facts(), _is_scene_facts, beside=True)
                words = {path: w for path, (w, _h) in found.items()}
                hits = {path: h for path, (_w, h) in found.items()}
    result = Suggestions(root, rejected_file=store.REJECTED_FILE)
    if kept is not None:
        candidates = [Candidate(**c) for c in kept]
        result.candidates = [c for c in candidates if c.confidence >= min_confidence][:limit]
        return result
    if payoffs:
        result.payoffs, result.promise = suggest_payoffs(project, indexes, payoffs), payoffs
        return result
    wanted = accept or reject
    if wanted and wanted in project.promises:
        raise UsageError(f"`{wanted}` is already a declared promise ({project.promises[wanted].path}); "
                         "not overwriting it")
    with paused_gc():
        candidates = find_candidates(project, indexes, rejected=store.load_rejected(root), words=words, hits=hits)
    if key is not None:    # kept for the next listing of the same files (the cache was closed meanwhile)
        from novelforge.cache import ProjectCache

        with ProjectCache(root) as cache:
            cache.set(key, [c.to_dict() for c in candidates])
    if llm:
        from novelforge.room.promises import with_llm

        candidates, result.llm = with_llm(project, candidates, skip=store.load_rejected(root) | set(project.promises),
                                          options=room)
    if wanted:
        match = next((c for c in candidates if c.id == wanted), None)
        if match is None:
            raise UsageError(f"`{wanted}` is not a current suggestion",
                             help="run `novelforge promises suggest` to list candidate ids")
        if accept:
            scene = next((s for s in project.scenes if s.path == match.path), None)
            body_line = scene.text.count("\n", 0, scene.body_start) + 1 if scene is not None else 1
            result.accepted = store.accept(root, match, body_line)
            result.accepted_scene = match.path
        else:
            store.reject(root, match.id)
            result.rejected = match.id
        return result
    result.candidates = [c for c in candidates if c.confidence >= min_confidence][:limit]
    return result


def _scene_facts():
    """A scene's (:func:`~novelforge.ledger.book.scene_words`, :func:`~novelforge.ledger.book.scene_hits`),
    normalising each distinct word once across the scenes it is asked about."""
    from novelforge.ledger.book import prepare_scans, scene_hits, scene_words

    prepare_scans()
    memo: dict[str, str] = {}
    return lambda scene: (scene_words(scene, memo), scene_hits(scene))


def _is_scene_facts(value) -> bool:
    from novelforge.ledger.book import is_scene_hits, is_scene_words

    return isinstance(value, tuple) and len(value) == 2 and is_scene_words(value[0]) and is_scene_hits(value[1])


def _is_listing(value) -> bool:
    """The shape of a kept listing: candidates as the dictionaries of their fields."""
    from dataclasses import fields

    from novelforge.ledger.book import Candidate

    names = {f.name for f in fields(Candidate)}
    return isinstance(value, list) and all(isinstance(c, dict) and set(c) == names for c in value)
