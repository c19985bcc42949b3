"""What the API's project routes compute, through the library API: the project's
scenes, one scene, the findings of the book or of one scene, and the check a write must
pass before it is committed."""

from __future__ import annotations

import os
import threading

from novelforge.errors import NovelForgeError
from novelforge.project.layout import CONFIG_FILE
from novelforge.project.problems import NOT_READ
from novelforge.server.projects import ServedProject, read_bytes, revision

_LOADED: dict[str, tuple[tuple, object]] = {}
_LOADED_LOCK = threading.Lock()


def _stamp(root) -> tuple:
    """What the loaded project depends on: every file's path, size and change time (the
    project's own folders; not .git or .novelforge)."""
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in (".git", ".novelforge"))
        for name in sorted(files):
            try:
                st = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            out.append((folder, name, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def load(project: ServedProject):
    """The project as loaded from disk, reused while no file of it has changed (read-only:
    callers never change it)."""
    from novelforge.project.loader import load_project

    stamp = _stamp(project.root)
    with _LOADED_LOCK:
        hit = _LOADED.get(str(project.root))
    if hit is not None and hit[0] == stamp:
        return hit[1]
    model = load_project(project.root)
    with _LOADED_LOCK:
        _LOADED[str(project.root)] = (stamp, model)
    return model


def scene_summary(scene) -> dict:
    meta = scene.meta
    return {"id": scene.id, "path": scene.path, "title": meta.title or scene.id,
            "chapter": scene.chapter.id if scene.chapter else None,
            "status": getattr(meta.status, "value", meta.status), "pov": meta.pov,
            "revision": revision(scene.text.encode("utf-8"))}


def outline(project: ServedProject) -> dict:
    model = load(project)
    chapters = [{"id": c.id, "path": c.path, "title": c.title or c.id, "number": c.number,
                 "scenes": [scene_summary(s) for s in c.scenes]} for c in model.chapters]
    return {"name": project.name, "title": model.config.title, "chapters": chapters}


def find(project: ServedProject, scene_id: str):
    """The scene with id ``scene_id`` (None: no such scene)."""
    model = load(project)
    return next((s for s in model.scenes if s.id == scene_id), None)


def scene_view(project: ServedProject, scene) -> dict:
    data = read_bytes(project, scene.path) or b""
    out = scene_summary(scene)
    out.update(text=data.decode("utf-8", "replace"), revision=revision(data))
    return out


def blocking(project: ServedProject, rel: str, text: str) -> list[dict]:
    """The findings that keep ``text`` from being committed as ``rel``: the loader could
    not read it (broken or unclosed front matter, a bad value), with their positions."""
    from novelforge.project.loader import load_files

    config = read_bytes(project, CONFIG_FILE) or b""
    try:
        model = load_files({CONFIG_FILE: config, rel: text})
    except NovelForgeError as exc:
        return [{"code": "NF000", "message": str(exc), "path": rel, "line": 1, "column": 1}]
    found = [d.to_dict() for d in model.diagnostics
             if d.path == rel and (d.code in NOT_READ or d.severity.value == "error")]
    if not found and not any(s.path == rel for s in model.scenes):
        found.append({"code": "NF000", "message": "the file is not read as a scene", "path": rel, "line": 1,
                      "column": 1, "severity": "error"})
    return found


_REPORTS: dict[str, tuple[tuple, object]] = {}
_REPORT_LOCKS: dict[str, threading.Lock] = {}


def report(project: ServedProject):
    """The check report of the whole book, computed once for each state of its files:
    every findings request, page and report between two saves reads the same one, and
    when many ask at once after a save, one checks and the others wait for its result
    (a check per request was the p95 of bench/server_load.py's mixed run)."""
    from novelforge import api

    key = str(project.root)
    with _LOADED_LOCK:
        hit = _REPORTS.get(key)
        lock = _REPORT_LOCKS.setdefault(key, threading.Lock())
    stamp = _stamp(project.root)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    with lock:
        with _LOADED_LOCK:
            hit = _REPORTS.get(key)
        stamp = _stamp(project.root)
        if hit is not None and hit[0] == stamp:
            return hit[1]                       # checked while this request waited
        rep = api.check(project.root)           # a file changed while it runs: the next request checks again
        with _LOADED_LOCK:
            _REPORTS[key] = (stamp, rep)
        return rep


def findings(project: ServedProject, rel: str) -> list[dict]:
    from novelforge.errors import NothingToCheck

    try:
        rep = report(project)
    except NothingToCheck:
        return []
    return [d.to_dict() for d in rep.diagnostics if d.path == rel]


def rendered(project: ServedProject, fmt: str) -> str:
    from novelforge.formats import CHECK

    return CHECK.render(fmt, report(project))


def promises_json(project: ServedProject) -> str:
    from novelforge import api
    from novelforge.formats import PROMISES

    return PROMISES.render("json", api.promises(project.root))


def promises_html(project: ServedProject) -> str:
    from novelforge import api
    from novelforge.formats import PROMISES

    return PROMISES.render("html", api.promises(project.root))


def canon(project: ServedProject) -> list[dict]:
    model = load(project)
    out = []
    for kind, entries in sorted(model.canon.items()):
        for entity_id, entity in sorted(entries.items()):
            out.append({"kind": kind, "id": entity_id, "name": entity.name, "path": entity.path,
                        "summary": entity.model.summary, "aliases": list(entity.model.aliases)})
    return out


def contracts(project: ServedProject) -> list[dict]:
    model = load(project)
    out = []
    for full_id, contract in sorted(model.contracts.items()):
        data = contract.model_dump(mode="json", exclude_none=True) if hasattr(contract, "model_dump") else {}
        out.append({"id": full_id, **{k: v for k, v in data.items() if k != "id"}})
    return out
