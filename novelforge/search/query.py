"""A query and its filters, run against the index: FTS5 for the words (BM25 ranking),
SQL for the filters, a character's name expanded to every alias, and the column of the
first matching word found in the line itself."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from novelforge.text.slug import fold

WHERE = ("prose", "dialogue", "narration", "canon")
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_TERM = re.compile(r"[^\W_]+\*?")
EXCERPT = 200


@dataclass
class SearchOptions:
    where: str | None = None          # prose | dialogue | narration | canon (None: everywhere)
    character: str | None = None      # only lines naming this character (id, name or alias)
    who: bool = False                 # the query names a character: the lines where it speaks or acts
    chapter: str | None = None        # a chapter folder name or its number
    pov: str | None = None            # only scenes told from this character's point of view
    as_of: str | None = None          # a scene id or path: nothing after it, canon as known then
    limit: int = 50


@dataclass
class Hit:
    path: str
    line: int
    column: int
    kind: str              # scene | canon | canon-as-of
    text: str
    score: float
    scene: str | None = None
    chapter: str | None = None
    speakers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.column, "kind": self.kind,
                "scene": self.scene, "chapter": self.chapter, "speakers": self.speakers,
                "score": round(self.score, 4), "text": self.text}


def find_character(project, name: str):
    """The character whose id, name or alias is ``name`` (any case), or None."""
    wanted = " ".join(name.split()).casefold()
    for entity in project.canon.get("characters", {}).values():
        if wanted == entity.id.casefold() or any(wanted == " ".join(n.split()).casefold() for n in entity.names):
            return entity
    return None


def expand(project, query: str) -> tuple[str, object | None]:
    """The FTS5 expression for ``query``: a query that is a character's name or alias
    (quoted or not) becomes every one of its names, as phrases."""
    bare = query.strip().strip('"').strip()
    entity = find_character(project, bare) if bare and '"' not in bare else None
    if entity is None:
        return query, None
    return " OR ".join('"' + n.replace('"', "") + '"' for n in entity.names), entity


def terms(expression: str) -> list[list[str]]:
    """The phrases of an FTS5 expression, each as its words (a bare word is a phrase of
    one; a trailing ``*`` is kept: a prefix); the operators are left out."""
    out = [_TERM.findall(q) for q in re.findall(r'"([^"]*)"', expression)]
    rest = re.sub(r'"[^"]*"', " ", expression)
    out += [[t] for t in _TERM.findall(rest) if t not in _OPERATORS]
    return [p for p in out if p]


def column_of(text: str, phrases: list[list[str]]) -> tuple[int, int]:
    """Where the first of ``phrases`` starts in ``text`` and ends (0-based; words folded as
    the index folds them, any punctuation between them), or (0, 0) when none is found."""
    folded = fold(text)
    best = None
    for words in phrases:
        parts = [re.escape(fold(w.rstrip("*"))) + (r"\w*" if w.endswith("*") else r"(?!\w)") for w in words]
        m = re.search(r"(?<!\w)" + r"\W+".join(parts), folded)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), m.end())
    return best or (0, 0)


def excerpt(text: str, start: int, end: int) -> str:
    if len(text) <= EXCERPT:
        return text
    a = max(0, start - EXCERPT // 3)
    b = min(len(text), max(end, a + EXCERPT))
    return ("…" if a else "") + text[a:b].strip() + ("…" if b < len(text) else "")


class BadQuery(ValueError):
    """The query is not FTS5 syntax (the message says where)."""


def run(db: sqlite3.Connection, project, expression: str | None, options: SearchOptions, *,
        character=None, as_of=None, facts=None) -> list[Hit]:
    """The hits for ``expression`` (None: every line the filters keep, in reading order)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS pos(path TEXT PRIMARY KEY, ord INTEGER, scene TEXT, "
               "chapter TEXT, chapter_no INTEGER, pov TEXT)")
    db.execute("DELETE FROM temp.pos")
    db.executemany("INSERT INTO temp.pos VALUES (?, ?, ?, ?, ?, ?)",
                   [(s.path, s.index, s.id, s.chapter.id if s.chapter else None,
                     s.chapter.number if s.chapter else None, s.meta.pov) for s in project.scenes])
    match = expression
    if match is not None and options.where in ("dialogue", "narration"):
        match = f"{{{options.where}}} : ({match})"
    where, params = [], []
    if options.where in ("prose", "dialogue", "narration") or options.chapter or options.pov or as_of is not None \
            or (options.who and character is not None):
        where.append("l.kind = 'scene'")
    elif options.where == "canon":
        where.append("l.kind = 'canon'")
    if options.chapter:
        where.append("(p.chapter = ? OR CAST(p.chapter_no AS TEXT) = ?)")
        params += [options.chapter, options.chapter]
    if options.pov:
        pov = find_character(project, options.pov)
        where.append("p.pov = ?")
        params.append(pov.id if pov is not None else options.pov)
    if as_of is not None:
        where.append("p.ord <= ?")
        params.append(as_of.index)
    if character is not None and options.who:
        where.append("(l.speakers LIKE ? OR l.actors LIKE ?)")
        params += [f"% {character.id} %"] * 2
    elif options.character:
        who = find_character(project, options.character)
        where.append("l.names LIKE ?")
        params.append(f"% characters:{who.id if who is not None else options.character} %")
    cols = "l.path, l.line, l.kind, l.text, l.speakers, p.scene, p.chapter"
    if match is not None:
        sql = (f"SELECT {cols}, bm25(fts) FROM fts JOIN lines l ON l.id = fts.rowid "
               f"LEFT JOIN temp.pos p ON p.path = l.path WHERE fts MATCH ?"
               + "".join(f" AND {w}" for w in where)
               + " ORDER BY bm25(fts), COALESCE(p.ord, 1000000000), l.path, l.line LIMIT ?")
        args = [match, *params, options.limit]
    else:
        sql = (f"SELECT {cols}, 0.0 FROM lines l LEFT JOIN temp.pos p ON p.path = l.path"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY COALESCE(p.ord, 1000000000), l.path, l.line LIMIT ?")
        args = [*params, options.limit]
    try:
        rows = [] if as_of is not None and options.where == "canon" else db.execute(sql, args).fetchall()
        if facts is not None and match is not None and options.where in (None, "canon") \
                and not options.chapter and not options.pov and not (options.who and character):
            rows += _facts(db, facts, match, options.limit)
    except sqlite3.OperationalError as exc:
        raise BadQuery(str(exc).removeprefix("fts5: ")) from None
    rows.sort(key=lambda r: r[-1])
    words = terms(expression) if expression else []
    hits = []
    for path, line, kind, text, speakers, scene, chapter, score in rows[:options.limit]:
        start, end = column_of(text, words) if words else (0, 0)
        hits.append(Hit(path, line, start + 1, kind, excerpt(text, start, end), float(score), scene, chapter,
                        (speakers or "").split()))
    return hits


def _facts(db: sqlite3.Connection, facts: list[tuple[str, str]], match: str, limit: int) -> list[tuple]:
    """Canon as known at a scene: ``(path, line of fact)`` searched in a table of their own."""
    from novelforge.search.store import TOKENIZER

    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.asof USING fts5(dialogue, narration, path UNINDEXED, "
               f"tokenize='{TOKENIZER}')")
    db.execute("DELETE FROM temp.asof")
    db.executemany("INSERT INTO temp.asof(dialogue, narration, path) VALUES ('', ?, ?)",
                   [(text, path) for path, text in facts])
    return [(path, 1, "canon-as-of", text, "", None, None, score) for path, text, score in db.execute(
        "SELECT path, narration, bm25(asof) FROM temp.asof WHERE asof MATCH ? ORDER BY bm25(asof) LIMIT ?",
        (match, limit))]
