"""What changed in the story world between two versions of a project, in words.

:func:`diff_canon` compares two loaded projects (no git here: the caller loads them) and
returns a :class:`~novelforge.canon.model.CanonDiff`: canon entries added, removed, renamed or changed (field by
field), contracts and promises added, removed or changed, and top-level settings of
``novelforge.yaml`` that changed. Everything is sorted, so the same two versions always
give the same diff.

Entries are matched by kind and id. **Renames**: within one kind, an id that disappears
and an id that appears are taken for one entry renamed when

1. both have the same ``name`` (ignoring case and surrounding spaces), or
2. everything apart from ``id`` and ``name`` is the same (and says something: an entry
   with nothing but an id and a name is matched by its name only), or
3. everything apart from ``id`` and ``name`` is very similar: the similarity of the two
   entries written out as sorted JSON is at least :data:`RENAME_SIMILARITY` (0.8), and both
   are long enough (:data:`RENAME_MIN_CONTENT` characters) for the measure to mean something.

Pairs are taken best first (name, then identical content, then similarity; ties by id),
each id at most once; the rest are plain additions and removals.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from novelforge.canon.model import LONG_TEXT, CanonDiff, Change, EntityChange, ItemChange, code, show_value
from novelforge.project.layout import CONFIG_FILE, in_contracts, in_manuscript
from novelforge.project.models import Entity, Project

__all__ = ["diff_canon", "diff_entities", "diff_settings", "entity_changes", "rename_score",
           "CanonDiff", "Change", "EntityChange", "ItemChange", "code", "show_value",
           "RENAME_SIMILARITY", "RENAME_MIN_CONTENT", "unreadable", "unread_notes", "without_paths"]

RENAME_SIMILARITY = 0.8
RENAME_MIN_CONTENT = 30

# entry fields in the order their changes are listed; anything else comes after, by name
ENTITY_FIELDS = ("name", "aliases", "summary", "description", "status", "died_in", "revived_in",
                 "attributes", "relationships", "knows", "travel", "holder", "when", "before",
                 "after", "tags", "notes")
PROSE_FIELDS = {"summary", "description", "notes", "message", "help"}
ITEM_LABELS = {"aliases": "alias", "tags": "tag", "before": "before", "after": "after",
               "terms": "term", "patterns": "pattern", "pov": "POV character", "speakers": "speaker",
               "chapters": "chapter", "keywords": "keyword", "select": "selected rule",
               "ignore": "ignored rule", "known-names": "known name", "order": "chapter in `order`"}


def _dump(model: Any, **kw: Any) -> dict:
    if model is None:
        return {}
    return model.model_dump(mode="json", by_alias=True, exclude_none=True, **kw)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted keys (`appearance.eyes`); lists and scalars are leaves."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value} if prefix else {}


# ----------------------------------------------------------------------------- comparing
def _scalar(out: list[Change], fld: str, label: str, old: Any, new: Any) -> None:
    if old == new:
        return
    empty_old = old is None or old == "" or old == [] or old == {}
    empty_new = new is None or new == "" or new == [] or new == {}
    if empty_old and empty_new:
        return
    prose = fld.split(".")[-1] in PROSE_FIELDS and (
        len(show_value(old)) >= LONG_TEXT or len(show_value(new)) >= LONG_TEXT)
    if empty_old:
        out.append(Change(fld, "added", f"{label} added" if prose else f"{label} set to {{new}}", None, new))
    elif empty_new:
        out.append(Change(fld, "removed", f"{label} removed" if prose else f"{label} removed (was {{old}})", old, None))
    else:
        out.append(Change(fld, "changed", f"{label} rewritten" if prose else f"{label} changed from {{old}} to {{new}}",
                          old, new))


def _items(out: list[Change], fld: str, label: str, old: Iterable[Any], new: Iterable[Any]) -> None:
    old_list, new_list = list(old or []), list(new or [])
    for item in new_list:
        if item not in old_list:
            out.append(Change(fld, "added", f"{label} {code(show_value(item))} added", None, item))
    for item in old_list:
        if item not in new_list:
            out.append(Change(fld, "removed", f"{label} {code(show_value(item))} removed", item, None))


def _mapping(out: list[Change], fld: str, label: Callable[[str], str], old: dict, new: dict,
             flatten: bool = True) -> None:
    a = _flatten(old or {}) if flatten else dict(old or {})
    b = _flatten(new or {}) if flatten else dict(new or {})
    for key in [k for k in b if k not in a] + [k for k in a if k not in b] + [k for k in b if k in a]:
        _scalar(out, f"{fld}.{key}", label(key), a.get(key), b.get(key))


def _knowledge(out: list[Change], old: list[dict], new: list[dict]) -> None:
    a = {k.get("fact", ""): k for k in old or []}
    b = {k.get("fact", ""): k for k in new or []}
    for fact, k in b.items():
        if fact not in a:
            where = f" (learned in {k['learned_in']})" if k.get("learned_in") else ""
            out.append(Change(f"knows.{fact}", "added", f"now knows {code(fact)}{where}", None, k))
    for fact, k in a.items():
        if fact not in b:
            out.append(Change(f"knows.{fact}", "removed", f"no longer knows {code(fact)}", k, None))
    for fact, k in b.items():
        if fact in a and a[fact] != k:
            old_k = a[fact]
            if old_k.get("learned_in") and k.get("learned_in") and old_k["learned_in"] != k["learned_in"]:
                out.append(Change(f"knows.{fact}.learned_in", "changed",
                                  f"learns {code(fact)} in {{new}} instead of {{old}}",
                                  old_k["learned_in"], k["learned_in"]))
            elif old_k.get("learned_in") != k.get("learned_in"):
                _scalar(out, f"knows.{fact}.learned_in", f"the scene where {code(fact)} is learned",
                        old_k.get("learned_in"), k.get("learned_in"))
            _items(out, f"knows.{fact}.keywords", f"keyword for {code(fact)}",
                   old_k.get("keywords", []), k.get("keywords", []))


def _status(out: list[Change], a: dict, b: dict) -> set[str]:
    """Status with the scene of death or revival folded in; returns the fields it covered."""
    old, new = a.get("status", "alive"), b.get("status", "alive")
    if old == new:
        return set()
    note = ""
    covered = {"status"}
    if new == "dead" and b.get("died_in"):
        note = f" (died in {b['died_in']})"
        covered.add("died_in")
    elif old == "dead" and b.get("revived_in"):
        note = f" (revived in {b['revived_in']})"
        covered.add("revived_in")
    out.append(Change("status", "changed", f"status changed from {{old}} to {{new}}{note}", old, new))
    return covered


def entity_changes(old: Entity | None, new: Entity | None) -> list[Change]:
    """Field-by-field differences of one canon entry (ids are compared by the caller)."""
    a = _dump(old.model if old else None)
    b = _dump(new.model if new else None)
    out: list[Change] = []
    covered = _status(out, a, b)
    rest = sorted((set(a) | set(b)) - set(ENTITY_FIELDS) - {"id"})
    for fld in [*ENTITY_FIELDS, *rest]:
        if fld in covered or fld == "status" or a.get(fld) == b.get(fld):
            continue
        va, vb = a.get(fld), b.get(fld)
        if fld == "attributes":
            _mapping(out, fld, lambda k: k, va, vb)
        elif fld == "relationships":
            _mapping(out, fld, lambda k: f"relationship with {k}", va, vb, flatten=False)
        elif fld == "travel":
            _mapping(out, fld, lambda k: f"travel to {k}", va, vb, flatten=False)
        elif fld == "knows":
            _knowledge(out, va, vb)
        elif fld in ITEM_LABELS:
            _items(out, fld, ITEM_LABELS[fld], va, vb)
        else:
            label = {"died_in": "scene of death", "revived_in": "scene of revival"}.get(fld, fld.replace("_", " "))
            _scalar(out, fld, label, va, vb)
    if old is not None and new is not None and old.id == new.id and old.path != new.path:
        out.append(Change("path", "changed", "file moved from {old} to {new}", old.path, new.path))
    return out


def _model_changes(old: Any, new: Any, skip: Iterable[str] = ()) -> list[Change]:
    """Field-by-field differences of two contracts or promises."""
    a, b = _dump(old), _dump(new)
    out: list[Change] = []
    order = list(b) + [k for k in a if k not in b]
    if "type" in order:
        order.remove("type")
        order.insert(0, "type")
    for fld in order:
        if fld in skip or a.get(fld) == b.get(fld):
            continue
        va, vb = a.get(fld), b.get(fld)
        if isinstance(va, list) or isinstance(vb, list):
            _items(out, fld, ITEM_LABELS.get(fld, fld), va or [], vb or [])
        elif fld in ("replace", "either"):
            _pairs(out, fld, va or {}, vb or {})
        elif isinstance(va, dict) or isinstance(vb, dict):
            _mapping(out, fld, lambda k, f=fld: f"{f}.{k}", va or {}, vb or {})
        else:
            _scalar(out, fld, fld.replace("_", " "), va, vb)
    return out


def _pairs(out: list[Change], fld: str, a: dict, b: dict) -> None:
    noun = "replacement" if fld == "replace" else "variant pair"
    for k, v in b.items():
        if k not in a:
            out.append(Change(f"{fld}.{k}", "added", f"{noun} {code(k)} → {code(v)} added", None, v))
    for k, v in a.items():
        if k not in b:
            out.append(Change(f"{fld}.{k}", "removed", f"{noun} {code(k)} → {code(v)} removed", v, None))
    for k, v in b.items():
        if k in a and a[k] != v:
            out.append(Change(f"{fld}.{k}", "changed", f"{noun} of {code(k)} changed from {{old}} to {{new}}", a[k], v))


# ----------------------------------------------------------------------------- renames
def _content(entity: Entity) -> str:
    data = entity.model.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    data.pop("id", None)
    data.pop("name", None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def rename_score(old: Entity, new: Entity) -> float:
    """How sure we are that ``new`` is ``old`` under another id: 1.0 same name, 0.99 same
    content, else the similarity of the contents (0 when too short to judge)."""
    import difflib

    na, nb = (old.model.name or "").strip().casefold(), (new.model.name or "").strip().casefold()
    if na and na == nb:
        return 1.0
    ca, cb = _content(old), _content(new)
    if ca == cb:
        return 0.99 if ca != "{}" else 0.0
    if min(len(ca), len(cb)) < RENAME_MIN_CONTENT:
        return 0.0
    return min(difflib.SequenceMatcher(None, ca, cb, autojunk=False).ratio(), 0.98)


def _match_renames(removed: dict[str, Entity], added: dict[str, Entity]) -> list[tuple[str, str]]:
    scored = []
    for rid, r in removed.items():
        for aid, a in added.items():
            score = rename_score(r, a)
            if score >= RENAME_SIMILARITY:
                scored.append((-score, rid, aid))
    pairs, used_r, used_a = [], set(), set()
    for _neg, rid, aid in sorted(scored):
        if rid not in used_r and aid not in used_a:
            pairs.append((rid, aid))
            used_r.add(rid)
            used_a.add(aid)
    return pairs


# ----------------------------------------------------------------------------- diffs
def diff_entities(old: dict[str, dict[str, Entity]], new: dict[str, dict[str, Entity]]) -> list[EntityChange]:
    """Changes between two canons (kind → id → entry), sorted by kind and id."""
    out: list[EntityChange] = []
    for kind in sorted(set(old) | set(new)):
        a, b = old.get(kind, {}), new.get(kind, {})
        removed = {i: e for i, e in a.items() if i not in b}
        added = {i: e for i, e in b.items() if i not in a}
        for rid, aid in _match_renames(removed, added):
            r, n = removed.pop(rid), added.pop(aid)
            out.append(EntityChange(kind, aid, "renamed", n.model.name, n.path, rid, r.path, entity_changes(r, n)))
        for i, e in added.items():
            out.append(EntityChange(kind, i, "added", e.model.name, e.path))
        for i, e in removed.items():
            out.append(EntityChange(kind, i, "removed", e.model.name, None, None, e.path))
        for i in sorted(set(a) & set(b)):
            changes = entity_changes(a[i], b[i])
            if changes:
                out.append(EntityChange(kind, i, "changed", b[i].model.name, b[i].path, None,
                                        a[i].path if a[i].path != b[i].path else None, changes))
    out.sort(key=lambda c: (c.kind, c.id, c.status))
    return out


def _diff_items(old: dict[str, Any], new: dict[str, Any], model: Callable[[Any], Any],
                type_of: Callable[[Any], str | None], name_of: Callable[[Any], str | None]) -> list[ItemChange]:
    out: list[ItemChange] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None:
            out.append(ItemChange(key, "added", type_of(model(b)), name_of(model(b))))
        elif b is None:
            out.append(ItemChange(key, "removed", type_of(model(a)), name_of(model(a))))
        else:
            changes = _model_changes(model(a), model(b), skip=("id",))
            if changes:
                out.append(ItemChange(key, "changed", type_of(model(b)), name_of(model(b)), changes))
    return out


def diff_settings(old: Any, new: Any) -> list[Change]:
    """Changed settings of ``novelforge.yaml``, as dotted keys (`check.fail-on`)."""
    a, b = _flatten(_dump(old)), _flatten(_dump(new))
    out: list[Change] = []
    for key in sorted(set(a) | set(b)):
        _scalar(out, key, key, a.get(key), b.get(key))
    return out


# problems that leave a whole file unread (broken YAML, unclosed front matter, not text,
# too large, a link outside the project): its entries are missing from that version
UNREAD_CODES = frozenset({"NF001", "NF002", "NF003", "NF006", "NF007"})


def unreadable(project: Project) -> dict[str, tuple]:
    """Files of the story world (canon, contracts, promises, settings) this version could
    not read, and contracts it could not load: ``path`` or ``contract:<id>`` → what went
    wrong (comparable between two versions: the same problem gives the same value)."""
    out: dict[str, list] = {}
    for d in project.diagnostics:
        sev = getattr(d.severity, "value", d.severity)
        if sev != "error" or in_manuscript(d.path):
            continue
        if d.code in UNREAD_CODES:
            out.setdefault(d.path, []).append((d.code, d.line, d.column, d.message))
        elif d.contract:
            out.setdefault(f"contract:{d.contract}", []).append((d.code, d.line, d.column, d.message))
    return {key: tuple(sorted(v)) for key, v in out.items()}


def _what(key: str) -> str:
    if key.startswith("contract:"):
        return f"the contract `{key[9:]}` could not be loaded in {{label}}; it is not compared"
    if key == CONFIG_FILE:
        noun = "settings"
    elif in_contracts(key):
        noun = "contracts"
    else:
        noun = "entries"
    return f"could not read `{key}` in {{label}}; its {noun} are not compared"


def unread_notes(old: dict[str, tuple], new: dict[str, tuple], old_label: str, new_label: str) -> list[str]:
    """A note per unreadable file or contract, except those broken the same way on both sides."""
    notes: dict[str, None] = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        for side, label in ((old, old_label), (new, new_label)):
            if key in side:
                notes.setdefault(_what(key).format(label=label), None)
    return list(notes)


def without_paths(canon: dict[str, dict[str, Entity]], paths: set[str] | dict) -> dict[str, dict[str, Entity]]:
    """The canon without the entries read from ``paths``."""
    if not paths:
        return canon
    return {kind: {i: e for i, e in entries.items() if e.path not in paths} for kind, entries in canon.items()}


def diff_canon(old: Project, new: Project, *, old_label: str = "before", new_label: str = "after") -> CanonDiff:
    """Everything that changed in the story world from ``old`` to ``new``. Entries, contracts
    and promises from a file that one version could not read are left out (on both sides,
    since they would look removed or added) and named in a note instead."""
    bad_old, bad_new = unreadable(old), unreadable(new)
    skip = set(bad_old) | set(bad_new)

    def contracts(project: Project) -> dict[str, Any]:
        docs = project.contract_docs
        return {cid: c for cid, c in project.contracts.items()
                if f"contract:{cid}" not in skip and getattr(docs.get(cid), "path", None) not in skip}

    def promises(project: Project) -> dict[str, Any]:
        return {pid: p for pid, p in project.promises.items() if p.path not in skip}

    diff = CanonDiff(old_label=old_label, new_label=new_label)
    diff.entities = diff_entities(without_paths(old.canon, skip), without_paths(new.canon, skip))
    diff.contracts = _diff_items(contracts(old), contracts(new), lambda m: m,
                                 lambda m: getattr(m, "type", None), lambda m: None)
    diff.promises = _diff_items(promises(old), promises(new), lambda p: p.model,
                                lambda m: m.kind, lambda m: m.name)
    if CONFIG_FILE not in skip:
        diff.settings = diff_settings(old.config, new.config)
    diff.notes = unread_notes(bad_old, bad_new, old_label, new_label)
    return diff
