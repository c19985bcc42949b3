"""What the search index holds of each file: one row per non-blank line, read with the
checker's own text index (dialogue spans, speakers, canon names, who acts)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from novelforge.search.store import SearchStore


@dataclass
class Updated:
    files: int = 0        # files in the index
    indexed: int = 0      # files (re)indexed by this update
    removed: int = 0      # files gone since the last update


def scene_rows(scene, idx) -> list[tuple]:
    """``(line, kind, text, dialogue, narration, speakers, actors, names)`` per prose line."""
    text = scene.text
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    first = bisect_right(starts, scene.body_start) - 1
    dialogue = idx.dialogue if idx is not None else []
    mentions = idx.mentions if idx is not None else []
    rows = []
    d = m = 0
    for n in range(first, len(starts)):
        a = max(starts[n], scene.body_start)
        b = starts[n + 1] - 1 if n + 1 < len(starts) else len(text)
        line = text[a:b]
        if not line.strip():
            continue
        spoken: list[str] = []
        speakers: set[str] = set()
        said: list[tuple[int, int]] = []
        while d < len(dialogue) and dialogue[d].end <= a:
            d += 1
        k = d
        while k < len(dialogue) and dialogue[k].start < b:
            s, e = max(a, dialogue[k].start), min(b, dialogue[k].end)
            if s < e:
                said.append((s, e))
                spoken.append(text[s:e])
                if dialogue[k].speaker:
                    speakers.add(dialogue[k].speaker)
            k += 1
        narration, pos = [], a
        for s, e in said:
            narration.append(text[pos:s])
            pos = e
        narration.append(text[pos:b])
        while m < len(mentions) and mentions[m].end <= a:
            m += 1
        names: set[str] = set()
        actors: set[str] = set()
        j = m
        while j < len(mentions) and mentions[j].start < b:
            for kind, eid in mentions[j].entities:
                names.add(f"{kind}:{eid}")
                if mentions[j].acts and kind == "characters":
                    actors.add(eid)
            j += 1
        rows.append((n + 1, "scene", line, " ".join(spoken), " ".join(narration), speakers, actors, names))
    return rows


def canon_rows(entity, source: str) -> list[tuple]:
    key = f"{entity.kind}:{entity.id}"
    return [(n, "canon", line, "", line, (), (), (key,))
            for n, line in enumerate(source.split("\n"), 1) if line.strip()]


def update(store: SearchStore, project, session) -> Updated:
    """Bring the index up to date with ``project``: files whose content (or, for a scene,
    the canon names it is read against and its POV) changed are indexed again, files gone
    are removed."""
    known = store.hashes()
    wanted: dict[str, tuple[str, object]] = {}
    fingerprint = session.names.fingerprint
    for scene in project.scenes:
        if scene.readable:
            wanted[scene.path] = (f"{scene.content_hash}:{fingerprint}:{scene.meta.pov}:{scene.meta.pov_mode}", scene)
    for kind in project.canon:
        for entity in project.canon[kind].values():
            source = project.source(entity.path)
            if source is not None:
                import hashlib

                wanted[entity.path] = (hashlib.blake2b(source.encode("utf-8", "surrogatepass"),
                                                       digest_size=16).hexdigest(), entity)
    out = Updated(files=len(wanted))
    stale = [p for p, (h, _v) in wanted.items() if known.get(p) != h]
    if any(p in session.by_path for p in stale):
        session.analyse([p for p in stale if p in session.by_path])
    for path in stale:
        digest, value = wanted[path]
        if path in session.by_path:
            rows = scene_rows(value, session.index(value))
        else:
            rows = canon_rows(value, project.source(path) or "")
        store.replace(path, digest, rows, known=path in known)
        out.indexed += 1
    for path in known.keys() - wanted.keys():
        store.remove(path)
        out.removed += 1
    store.commit()
    return out
