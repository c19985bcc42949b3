"""What a reviewer is told about one scene: the canon it touches **as of that point in the
story**, the contracts in scope and the promises still open.

Nothing learned or changed later is in it: a character who dies in a later scene is not
dead yet (and a death in this very scene is for the reviewer to read, not to be told), a
`knows` fact whose `learned_in` scene happens later (by story time when both scenes are
dated on one scale, else by reading order: what NF404 uses) is left out, an item's holder
is its `holder` moved by the `transfers` of the scenes before this one, an event after
this scene is left out. `summary` and `attributes` are given as written (canon that does
not change with time); keep a summary free of later events.

Each part is a plain, sorted structure, so a prompt built from it changes exactly when
one of its entries does (the response cache is keyed on the prompt).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novelforge.project.models import Entity, Project, Scene

# contract types whose facts are folded into the entries above (they carry time)
_FOLDED = ("lifecycle", "knowledge")


@dataclass
class FactSheet:
    scene: Scene
    entries: list[dict[str, Any]] = field(default_factory=list)     # canon entries, as of the scene
    contracts: list[dict[str, Any]] = field(default_factory=list)   # contracts in scope
    promises: list[dict[str, Any]] = field(default_factory=list)    # promises open before the scene

    @property
    def entry_ids(self) -> list[str]:
        """``kind/id`` of every canon entry given (what a canon edit must re-review)."""
        return [f"{e['kind']}/{e['id']}" for e in self.entries]

    def of_kinds(self, kinds: tuple[str, ...] | None) -> list[dict[str, Any]]:
        return [e for e in self.entries if kinds is None or e["kind"] in kinds]


class Facts:
    """Fact sheets of a project's scenes; book-wide structures are worked out once."""

    def __init__(self, session) -> None:
        self.session = session
        self.project: Project = session.project
        self.order = {s.id: s.index for s in self.project.scenes}
        self.by_id = self.project.scene_by_id()
        self._times = None

    # ------------------------------------------------------------------ time
    def _time(self, scene: Scene):
        if self._times is None:
            self._times = self.session.timeline()[0]
        return self._times.get(scene.path)

    def before(self, other_id: str | None, scene: Scene) -> bool:
        """Whether the scene ``other_id`` happens before ``scene`` (strictly): by story
        time when both are dated on one scale and differ, else by reading order."""
        other = self.by_id.get(other_id or "")
        if other is None or other is scene:
            return False
        a, b = self._time(other), self._time(scene)
        if a is not None and b is not None and a.scale == b.scale and a.minutes != b.minutes:
            return a.minutes < b.minutes
        return other.index < scene.index

    # ------------------------------------------------------------------ what a scene touches
    def touched(self, scene: Scene) -> list[Entity]:
        """Canon entries the scene lists (cast, POV, location, mentions, transfers) or names
        in its prose, in a stable order."""
        project = self.project
        keys: set[tuple[str, str]] = set()
        meta = scene.meta
        for cid in [*meta.characters, *([meta.pov] if meta.pov else []), *meta.mentions]:
            for kind in project.canon:
                if cid in project.canon[kind]:
                    keys.add((kind, cid))
        if meta.location and meta.location in project.locations:
            keys.add(("locations", meta.location))
        for t in meta.transfers:
            if t.item in project.canon.get("items", {}):
                keys.add(("items", t.item))
        idx = self.session.index(scene)
        if idx is not None:
            for m in idx.mentions:
                keys.update((k, i) for k, i in m.entities if k in project.canon and i in project.canon[k])
        return [project.canon[k][i] for k, i in sorted(keys)]

    # ------------------------------------------------------------------ the sheet
    def sheet(self, scene: Scene) -> FactSheet:
        entities = self.touched(scene)
        ids = {e.id for e in entities}
        return FactSheet(scene, [self.entry(e, scene) for e in entities],
                         self.contracts(scene, ids), self.open_promises(scene))

    def entry(self, entity: Entity, scene: Scene) -> dict[str, Any]:
        m = entity.model
        out: dict[str, Any] = {"kind": entity.kind, "id": entity.id, "name": entity.name}
        if m.aliases:
            out["aliases"] = list(m.aliases)
        if m.summary:
            out["summary"] = " ".join(m.summary.split())
        if m.attributes:
            out["attributes"] = {str(k): v for k, v in sorted(m.attributes.items())}
        if entity.kind == "characters":
            out.update(self._life(entity, scene))
            knows = self._knows(entity, scene)
            if knows:
                out["knows"] = knows
        if m.relationships:
            out["relationships"] = dict(sorted(m.relationships.items()))
        if entity.kind == "locations" and m.travel:
            out["travel"] = {k: str(v) for k, v in sorted(m.travel.items())}
        if entity.kind == "items":
            out.update(self._holder(entity, scene))
        if entity.kind == "events":
            if self._event_later(entity, scene):
                return {"kind": entity.kind, "id": entity.id, "name": entity.name,
                        "note": "has not happened yet at this point"}
            if m.when:
                out["when"] = m.when
        return out

    def _life(self, entity: Entity, scene: Scene) -> dict[str, Any]:
        m = entity.model
        died, revived = m.died_in, m.revived_in
        for _cid, c in sorted(self.project.contracts.items()):
            if c.type == "lifecycle" and c.entity == entity.id:
                died, revived = c.died_in, c.revived_in
        if died and died in self.order:
            if self.order[died] < scene.index and not (revived and revived in self.order
                                                       and self.order[revived] < scene.index):
                return {"status": "dead", "died_in": died}
            return {}          # dies later (or in this scene): not known here
        if m.status == "dead" and not died:
            return {"status": "dead"}
        return {}

    def _knows(self, entity: Entity, scene: Scene) -> list[str]:
        facts = [(k.fact, k.learned_in) for k in entity.model.knows]
        facts += [(c.fact, c.learned_in) for _cid, c in sorted(self.project.contracts.items())
                  if c.type == "knowledge" and c.entity == entity.id]
        out = []
        for fact, learned in facts:
            if not learned or self.before(learned, scene):
                out.append(fact + (f" (learned in `{learned}`)" if learned else ""))
        return out

    def _holder(self, entity: Entity, scene: Scene) -> dict[str, Any]:
        holder: str | None = entity.model.holder
        gone: str | None = None
        for other in self.project.scenes:
            if other.index >= scene.index:
                break
            for t in other.meta.transfers:
                if t.item != entity.id:
                    continue
                if t.destroyed:
                    gone, holder = other.id, None
                else:
                    holder = t.to
        if gone:
            return {"destroyed_in": gone}
        return {"holder": holder} if holder else {}

    def _event_later(self, entity: Entity, scene: Scene) -> bool:
        m = entity.model
        if m.when:
            from novelforge.timeline import calendar_of, parse_when

            here = self._time(scene)
            try:
                t = parse_when(m.when, calendar_of(self.project))
            except ValueError:
                t = None
            if t is not None and here is not None and t.scale == here.scale and t.minutes > here.minutes:
                return True
        # `after: [scene]`: the event follows that scene
        return any(a in self.order and not self.before(a, scene) for a in m.after)

    def contracts(self, scene: Scene, ids: set[str]) -> list[dict[str, Any]]:
        from novelforge.rules.context import Context
        from novelforge.rules.contracts_common import scene_in_scope

        ctx = Context(self.session)
        out = []
        for cid, c in sorted(self.project.contracts.items()):
            if c.type in _FOLDED:
                continue
            entity = getattr(c, "entity", None)
            if entity and entity not in ids:
                continue
            if not scene_in_scope(c, scene, ctx):
                continue
            data = c.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
            data.pop("scenes", None)
            data.pop("chapters", None)
            out.append({"id": cid, "type": c.type, **{k: v for k, v in sorted(data.items()) if k != "type"}})
        return out

    def open_promises(self, scene: Scene) -> list[dict[str, Any]]:
        """Promises planted before ``scene`` (reading order) and not paid before it."""
        out = []
        for pid, e in self.session.ledger().items():
            if not any(s.order < scene.index for s in e.setups):
                continue
            if any(p.order < scene.index for p in e.payoffs):
                continue
            row = {"id": pid, "kind": e.kind}
            if e.description:
                row["description"] = " ".join(e.description.split())
            out.append(row)
        return out
