"""What the API's project routes compute, through the library API: the project's
scenes, one scene, the findings of the book or of one scene, and the check a write must
pass before it is committed."""

from __future__ import annotations

import threading

from novelforge.errors import NovelForgeError
from novelforge.project.layout import CONFIG_FILE
from novelforge.project.problems import NOT_READ
from novelforge.server.checking import stamp as _stamp
from novelforge.server.projects import ServedProject, read_bytes, revision

_LOADED: dict[str, tuple[tuple, object]] = {}
_LOADED_LOCK = threading.Lock()
_LOAD_LOCKS: dict[str, threading.Lock] = {}
_PARSES: dict[str, "_Parses"] = {}


class _Parses:
    """The YAML parses of one served project, kept in memory between loads (the cache
    interface :func:`~novelforge.project.loader.load_project` takes): after a save only
    the saved file is parsed again. Keys are content digests; each hit is a copy, so a
    load can never change what the next one gets."""

    LIMIT = 20_000

    def __init__(self) -> None:
        self._data: dict[str, object] = {}

    def get(self, key, valid=None):
        import copy

        hit = self._data.get(key)
        if hit is None or (valid is not None and not valid(hit)):
            return None
        return hit if _shared(key) else copy.deepcopy(hit)

    def set(self, key, value) -> None:
        import copy

        if len(self._data) >= self.LIMIT:
            self._data.clear()
        self._data[key] = value if _shared(key) else copy.deepcopy(value)


def _shared(key: str) -> bool:
    """Whether the value kept under ``key`` is given as it is: the validated documents'
    records (``valid:``), which no load changes (project/record.py: a change is a new
    record), and which would cost more to copy than to validate again."""
    return key.startswith("valid:")


def load(project: ServedProject):
    """The project as loaded from disk, reused while no file of it has changed (read-only:
    callers never change it). After a save, one request loads it again and the others
    that ask meanwhile wait for that load rather than each loading it."""
    from novelforge.project.loader import load_project

    key = str(project.root)
    now = _stamp(project.root)
    hit = _LOADED.get(key)
    if hit is not None and hit[0] == now:
        return hit[1]
    with _LOADED_LOCK:
        lock = _LOAD_LOCKS.setdefault(key, threading.Lock())
        parses = _PARSES.setdefault(key, _Parses())
    with lock:
        hit = _LOADED.get(key)
        now = _stamp(project.root)
        if hit is not None and hit[0] == now:
            return hit[1]                       # loaded while this request waited
        model = load_project(project.root, cache=parses)
        _LOADED[key] = (now, model)
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


def findings(project: ServedProject, rel: str) -> list[dict]:
    """The book's findings in the file ``rel`` (:mod:`.checking` computes the check once
    per state of the files, in the checking process)."""
    from novelforge.server.checking import checker

    return [d for d in checker().checked(project.root).diagnostics if d.get("path") == rel]


def rendered(project: ServedProject, fmt: str) -> str:
    """The whole book's check report as ``json`` or ``sarif``."""
    from novelforge.server.checking import checker

    return checker().checked(project.root).report(fmt)


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
