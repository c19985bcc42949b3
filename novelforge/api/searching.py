"""``novelforge search``: full text over the project's prose and canon."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from novelforge.api.projects import Warn, open_cache, project_root
from novelforge.errors import UsageError


@dataclass
class SearchResult:
    """What :func:`search` found: ``hits`` (best first), the FTS5 ``expression`` the
    query became (a character's name: all of its names), and the index's ``updated``
    counts (files in it, re-indexed now, removed)."""

    query: str
    expression: str | None
    options: object
    hits: list = field(default_factory=list)
    updated: object = None
    character: str | None = None       # the character the query (or --character) names
    as_of: str | None = None           # the scene the search stops at


def search(query: str, root: Path | str | None = None, *, where: str | None = None, character: str | None = None,
           who: bool = False, chapter: str | None = None, pov: str | None = None, as_of: str | None = None,
           limit: int = 50, use_cache: bool = True, warn: Warn | None = None) -> SearchResult:
    """Search the project around ``root`` for ``query`` — words, ``"a phrase"``,
    ``prefix*``, ``AND``/``OR``/``NOT``/``NEAR`` (SQLite FTS5), case and accents folded —
    ranked by BM25. A query that is a character's name or alias finds all of its names;
    with ``who`` it gives instead the lines where that character speaks or acts.
    ``where`` is ``prose``, ``dialogue``, ``narration`` or ``canon``; ``character`` keeps
    lines that name that character; ``chapter`` (folder name or number) and ``pov`` keep
    those scenes; ``as_of`` (a scene id or path) keeps the prose up to that scene and gives
    canon as it is known there (no later death, learning or event: the Writers' Room's
    fact sheet), for a reader who has not read ahead.

    The index lives in the project's cache folder (outside the project) and is updated
    file by file by content hash; with ``use_cache`` off it is built in memory.

    Raises :class:`~novelforge.errors.UsageError` (an empty or malformed query, an
    unknown scene or character, ``who`` without a character),
    :class:`~novelforge.errors.PathNotFound` and :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.analysis import Session
    from novelforge.analysis.keys import code_fingerprint
    from novelforge.project.loader import load_project
    from novelforge.search import query as Q
    from novelforge.search.build import update
    from novelforge.search.store import SearchStore

    if not query.strip() and not who:
        raise UsageError("the query is empty", help="give words, a \"phrase\", a prefix* or a character's name")
    if where is not None and where not in Q.WHERE:
        raise UsageError(f"`{where}` is not a place to search", help="prose, dialogue, narration or canon")
    options = Q.SearchOptions(where=where, character=character, who=who, chapter=chapter, pov=pov, as_of=as_of,
                              limit=max(1, limit))
    root = project_root(root)
    with open_cache(root, use_cache, warn) as cache:
        project = load_project(root, cache)
        session = Session(project, cache)
        expression, named = Q.expand(project, query)       # named: the character the query is
        chosen = None
        if character is not None:
            chosen = Q.find_character(project, character)
            if chosen is None:
                raise UsageError(f"`{character}` is no character of the canon",
                                 help="give a character's id, name or alias (canon/characters/)")
        if who:
            if named is None and chosen is None:
                raise UsageError("--who needs a query (or --character) that names a character",
                                 help="for example: novelforge search Aria --who")
            if named is not None or not query.strip():
                expression = None                              # every line where that character speaks or acts
            named = named or chosen
        scene = _scene(project, as_of) if as_of is not None else None
        store = SearchStore(_store_path(root) if cache is not None else None, code_fingerprint())
        try:
            updated = update(store, project, session)
            facts = _facts(session, scene) if scene is not None else None
            try:
                hits = Q.run(store.db, project, expression, options, character=named, as_of=scene, facts=facts)
            except Q.BadQuery as exc:
                raise UsageError(f"the query `{query}` is not one search reads: {exc}",
                                 help='words, "a phrase", prefix*, AND, OR, NOT, NEAR(a b, 5); quote odd characters')
        finally:
            store.close()
    return SearchResult(query, expression, options, hits, updated, named.id if named is not None else None,
                        scene.id if scene is not None else None)


def _store_path(root: Path) -> Path:
    from novelforge.cache import _private_dir, project_cache_dir

    folder = project_cache_dir(root)
    _private_dir(folder)
    return folder / "search.sqlite"


def _scene(project, ref: str):
    for s in project.scenes:
        if ref in (s.id, s.path):
            return s
    raise UsageError(f"`{ref}` is not a scene of the book", help="give a scene id (its file name without the "
                     "number) or its path")


def _facts(session, scene) -> list[tuple[str, str]]:
    """Every canon entry as known at ``scene``, one line per fact: ``(path, text)``."""
    from novelforge.room.facts import Facts

    facts = Facts(session)
    out = []
    for kind in sorted(session.project.canon):
        for entity in session.project.canon[kind].values():
            entry = facts.entry(entity, scene)
            for key, value in entry.items():
                if key in ("kind", "id"):
                    continue
                if isinstance(value, dict):
                    value = "; ".join(f"{k}: {v}" for k, v in value.items())
                elif isinstance(value, (list, tuple)):
                    value = "; ".join(map(str, value))
                out.append((entity.path, f"{entity.name} ({kind}/{entity.id}) — {key}: {value}"))
    return out
