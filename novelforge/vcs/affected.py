"""Which scenes a change touches: the scenes ``check --changed`` checks and ``impact`` lists.

A scene is checked when

* its file changed (added or edited) since the base;
* it names or lists a canon entry that changed (any of the entry's names or aliases, old
  or new, in the prose; its id in the front matter; or a scene the entry names, such as
  ``died_in`` or ``learned_in``);
* it falls in the scope of a contract that was added, changed or removed;
* it plants or pays off a promise whose ledger entry changed, or one that a changed or
  deleted scene plants or pays off (so an unpaid promise shows up when its payoff is cut);
* it is the previous or next appearance of a character listed in a changed or deleted
  scene, or shares a story time with one (story time running backwards, travel too fast
  and two places at once are judged between such pairs);
* anything in ``novelforge.yaml`` changed: then every scene is checked.

The findings reported for these scenes are exactly those of a full run. They are the
scenes a change can be expected to touch, not a proof that nothing else moved: a new
canon name can make a near-miss word in a scene that never names it look like a slip
(NF205); a full ``check`` finds such a finding, ``--changed`` does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from novelforge.project.layout import CONFIG_FILE, in_manuscript, is_world_file
from novelforge.project.models import Project, Scene


@dataclass
class ChangeSet:
    """What changed since a base, and the scenes that follows from it."""

    base: str                                   # commit id
    base_label: str                             # how the user would say it: `HEAD`, `the merge base with origin/main`
    files: dict[str, str] = field(default_factory=dict)        # path → added | modified | deleted
    scenes: dict[str, list[str]] = field(default_factory=dict)  # scene path → why it is checked
    everything: bool = False                    # novelforge.yaml changed: the whole book is checked
    entities: list[str] = field(default_factory=list)    # `characters/aria` changed, added or removed
    contracts: list[str] = field(default_factory=list)
    promises: list[str] = field(default_factory=list)

    @property
    def report_paths(self) -> set[str]:
        """Files whose findings are reported: the checked scenes and every changed file."""
        return set(self.scenes) | {p for p, st in self.files.items() if st != "deleted"}

    def add(self, path: str, why: str) -> None:
        reasons = self.scenes.setdefault(path, [])
        if why not in reasons:
            reasons.append(why)


def _dump(model) -> object:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True) if model is not None else None


def changed_entities(old: Project, new: Project) -> dict[tuple[str, str], tuple]:
    """(kind, id) → (old entity or None, new entity or None) for every entry that differs."""
    keys = {(e.kind, e.id) for e in old.entities()} | {(e.kind, e.id) for e in new.entities()}
    out = {}
    for kind, eid in sorted(keys):
        a = old.canon.get(kind, {}).get(eid)
        b = new.canon.get(kind, {}).get(eid)
        if _dump(a.model if a else None) != _dump(b.model if b else None):
            out[(kind, eid)] = (a, b)
    return out


def changed_contracts(old: Project, new: Project) -> dict[str, tuple]:
    out = {}
    for cid in sorted(set(old.contracts) | set(new.contracts)):
        a, b = old.contracts.get(cid), new.contracts.get(cid)
        if _dump(a) != _dump(b):
            out[cid] = (a, b)
    return out


def changed_promises(old: Project, new: Project) -> set[str]:
    out = set()
    for pid in set(old.promises) | set(new.promises):
        a, b = old.promises.get(pid), new.promises.get(pid)
        if _dump(a.model if a else None) != _dump(b.model if b else None):
            out.add(pid)
    return out


def _word_regex(terms: Iterable[str]) -> re.Pattern | None:
    terms = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")


def _meta_ids(scene: Scene) -> set[str]:
    """Every id a scene's front matter names (cast, mentions, pov, place, promises, items)."""
    m = scene.meta
    ids = set(m.characters) | set(m.mentions) | set(m.setups) | set(m.payoffs)
    ids |= {x for x in (m.pov, m.location) if x}
    for t in m.transfers:
        ids |= {x for x in (t.item, t.to, t.from_) if x}
    return ids


def promise_ids(scene: Scene | None, markers: Iterable[str] = ()) -> set[str]:
    if scene is None:
        return set()
    return set(scene.meta.setups) | set(scene.meta.payoffs) | set(markers)


def _markers(scene: Scene) -> set[str]:
    """The promise ids of a scene's inline markers, read the way the text index reads them."""
    if "<!--" not in scene.text:
        return set()
    from novelforge.text.index import mask

    return {m.id for m in mask(scene.text, scene.body_start)[2]}


# How far a change to each input a rule may read (``rules.registry.READS``) reaches: the
# scenes it adds to a ``--changed`` run when some selected rule declares that input. The
# scene's own prose and front matter reach the changed scenes themselves (always checked);
# book-wide facts gathered from prose are not followed into unchanged scenes (see the
# module docstring: a full check finds those).
REACHES = {
    "prose": "the changed scenes",
    "front-matter": "the changed scenes",
    "structure": "the scenes of a changed chapter.yaml",
    "timeline": "the scene after a changed one, scenes at the same story time, later scenes dated before it",
    "cast": "the previous and next appearance of each character a changed or deleted scene lists",
    "canon": "scenes that list or name a changed entry, or that it names (`died_in`, `learned_in`)",
    "contracts": "scenes in the scope of a changed contract",
    "promises": "scenes that share a promise with a changed promise or scene",
    "book": "the changed scenes",
}


def _reads(codes: set[str] | None):
    """The rules a run uses (all rules without ``codes``)."""
    from novelforge.rules.registry import all_rules

    return [r for r in all_rules() if r.check is not None and (codes is None or r.code in codes)]


def affected_scenes(old: Project, new: Project, files: dict[str, str], changes: ChangeSet,
                    world: bool = True, codes: set[str] | None = None) -> ChangeSet:
    """Fill ``changes`` with the scenes of ``new`` that the differences between ``old``
    (the base: canon, contracts, promises and, when available, scenes) and ``new`` touch,
    as far as the rules of the run (``codes``; all rules when None) declare they read.
    ``world=False``: no canon, contract or promise file changed, so ``old`` holds only
    the old versions of the changed scenes."""
    from novelforge.rules.contracts_common import scene_in_scope

    rules = _reads(codes)
    reads = {t for r in rules for t in r.reads}
    scenes = new.scenes
    changes.files = dict(files)
    if files.get(CONFIG_FILE):
        changes.everything = True
        for s in scenes:
            changes.add(s.path, "novelforge.yaml changed")
        return changes

    by_path = {s.path: s for s in scenes}
    old_by_path = {s.path: s for s in old.scenes}
    changed_scene_paths = [p for p, st in files.items() if st != "deleted" and p in by_path]
    for p in changed_scene_paths:
        changes.add(p, "changed" if files[p] == "modified" else "added")
    # a chapter.yaml edit (title, number) concerns its scenes
    for p, st in files.items():
        if p.endswith("/chapter.yaml") and "structure" in reads:
            folder = p.rsplit("/", 1)[0]
            for s in scenes:
                if s.path.startswith(folder + "/"):
                    changes.add(s.path, f"{p} changed")

    # canon entries: every scene that names or lists one, old names and new
    for (kind, eid), (a, b) in (changed_entities(old, new) if world else {}).items():
        key = f"{kind}/{eid}"
        changes.entities.append(key)
        if not any(r.reads_canon(kind) for r in rules):
            continue
        names = set((a.names if a else []) + (b.names if b else []))
        rx = _word_regex(names)
        named_scenes: dict[str, str] = {}
        for ent in (a, b):
            if ent is not None:
                dump = ent.model.model_dump(mode="json")
                for fld in ("died_in", "revived_in"):
                    if dump.get(fld):
                        named_scenes[dump[fld]] = fld
                for k in dump.get("knows", []):
                    if k.get("learned_in"):
                        named_scenes[k["learned_in"]] = "learned_in"
        for s in scenes:
            if eid in _meta_ids(s):
                changes.add(s.path, f"{key} changed; the scene lists `{eid}`")
            elif s.id in named_scenes:
                changes.add(s.path, f"{key} changed; its `{named_scenes[s.id]}` is this scene")
            elif rx is not None:
                m = rx.search(s.text, s.body_start)
                if m:
                    changes.add(s.path, f"{key} changed; the scene names {m.group(0)}")

    # contracts: every scene in the scope of the old or the new version
    from novelforge.analysis import Session

    new_scope = Session(new)   # scope rules only memoise; nothing is analysed
    for cid, (a, b) in (changed_contracts(old, new) if world else {}).items():
        changes.contracts.append(cid)
        if not any(r.reads_contracts(c.type) for r in rules for c in (a, b) if c is not None):
            continue
        for s in scenes:
            # the old version's scene range is judged loosely (the base's scenes are not all
            # loaded): ignoring it can only check more scenes, never fewer
            if (b is not None and scene_in_scope(b, s, new_scope)) or \
                    (a is not None and scene_in_scope(a.model_copy(update={"scenes": None}), s, new_scope)):
                changes.add(s.path, f"contract `{cid}` changed")

    # promises: changed ledger entries, and those a changed or deleted scene plants or pays off
    touched = changed_promises(old, new) if world else set()
    changes.promises = sorted(touched)
    for p, st in files.items():
        if p in by_path:
            touched |= promise_ids(by_path[p], _markers(by_path[p]))
        if p in old_by_path:
            touched |= promise_ids(old_by_path[p], _markers(old_by_path[p]))
    if touched and "promises" in reads:
        for s in scenes:
            if promise_ids(s, _markers(s)) & touched:
                changes.add(s.path, "shares a promise with a change")

    # neighbours in time: the previous and next appearance of each listed character (as
    # the scene lists them now and as it did at the base), and scenes at the same story
    # time, around every changed or deleted scene
    around: list[tuple[Scene, str | None]] = []
    for p, st in files.items():
        if p in by_path:
            around.append((by_path[p], p))
        if p in old_by_path:
            around.append((old_by_path[p], p if p in by_path else None))
    if around:
        _neighbours(scenes, around, changes, cast="cast" in reads, timeline="timeline" in reads)
        if "timeline" in reads:
            _later_in_time(old, new, around, changes)
    return changes


def _later_in_time(old: Project, new: Project, around: list[tuple[Scene, str | None]], changes: ChangeSet) -> None:
    """Later scenes dated before a changed scene (as it is or as it was): story time
    runs backwards there, or did, and the book-wide order rules judge them."""
    from novelforge.timeline import timeline

    now, _ = timeline(new)
    before, _ = timeline(old)
    position = {s.path: i for i, s in enumerate(new.scenes)}
    for version, path in around:
        t = (now if any(version is s for s in new.scenes) else before).get(version.path)
        if t is None:
            continue
        start = position.get(path, -1) if path else -1
        for s in new.scenes[start + 1:]:
            ts = now.get(s.path)
            if ts is not None and ts.scale == t.scale and ts.minutes < t.minutes:
                changes.add(s.path, "dated before a changed scene that comes earlier")


def _neighbours(scenes: list[Scene], around: list[tuple[Scene, str | None]], changes: ChangeSet,
                cast: bool = True, timeline: bool = True) -> None:
    """``around``: (a version of a changed scene, its path in the book now or None when
    it was deleted). ``cast``: the previous and next appearances of its characters;
    ``timeline``: the next scene and those at the same story time."""
    appearances: dict[str, list[Scene]] = {}
    by_when: dict[str, list[Scene]] = {}
    for s in scenes:
        for c in _cast(s):
            appearances.setdefault(c, []).append(s)
        if s.meta.when:
            by_when.setdefault(s.meta.when.strip(), []).append(s)
    position = {s.path: i for i, s in enumerate(scenes)}
    for version, path in around:
        here = position.get(path) if path else None
        for c in (sorted(_cast(version)) if cast else ()):
            seq = appearances.get(c, [])
            if here is None:
                # a deleted scene has no place in the book any more: every appearance of
                # its cast is checked
                for s in seq:
                    changes.add(s.path, f"{c} was in a deleted scene")
                continue
            before = [s for s in seq if position[s.path] < here]
            after = [s for s in seq if position[s.path] > here]
            for s in ([before[-1]] if before else []) + ([after[0]] if after else []):
                changes.add(s.path, f"{c}'s previous or next scene")
        if not timeline:
            continue
        if here is not None and here + 1 < len(scenes):
            changes.add(scenes[here + 1].path, "follows a changed scene")
        if version.meta.when:
            for s in by_when.get(version.meta.when.strip(), []):
                if s.path != path:
                    changes.add(s.path, "same story time as a changed scene")


def _cast(scene: Scene) -> set[str]:
    return set(scene.meta.characters) | ({scene.meta.pov} if scene.meta.pov else set())


def compute_changes(repo, project: Project, base: str, base_label: str, cache=None,
                    files: dict[str, str] | None = None, codes: set[str] | None = None) -> ChangeSet:
    """The change set of ``project`` (on disk, or ``files`` given: staged) against commit
    ``base`` (empty: the repository has no commits yet), for the rules ``codes`` (all
    when None)."""
    from novelforge.vcs.snapshot import project_at

    changes = ChangeSet(base=base, base_label=base_label)
    if files is None:
        from novelforge.analysis.keys import listing_key

        files = repo.changed_files(base, cache, listing_key)
    if not base:
        from novelforge.project.models import ProjectConfig

        return affected_scenes(Project(root=project.root, config=ProjectConfig()), project, files, changes,
                               codes=codes)
    if not files:
        return changes
    # the base version: canon, contracts, promises and settings, plus the old versions of
    # the changed and deleted scenes (the promises and cast they had); not the whole book.
    # When only scenes changed, the base's canon is the same as today's: leave it out.
    old_scenes = {p for p in files if in_manuscript(p)}
    world = any(is_world_file(p) for p in files)
    keep = None if world else (lambda rel: rel == CONFIG_FILE or in_manuscript(rel))
    with project_at(repo, base, manuscript=old_scenes, cache=cache, missing_ok=True, keep=keep) as old:
        return affected_scenes(old, project, files, changes, world=world, codes=codes)
