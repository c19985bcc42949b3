"""What the model is given to draft one scene: the context, assembled deterministically
and kept within ``llm: draft: context_tokens``.

The parts, in the order the prompt gives them:

``card``
    the scene card: id, title, chapter, POV, POV mode, tense, location, story time,
    cast, mentions, target words, summary, beats (never cut);
``pov``
    the POV character's canon entry as of this scene, with its description and notes
    (the voice notes);
``canon``
    every other canon entry the card names (cast, mentions, location, items it moves,
    names in its title, summary and beats), **as of this scene**: a fact learned or
    changed later, a death later, an event after it are left out
    (:class:`novelforge.room.facts.Facts`, the same sheet the Writers' Room reads);
``contracts``
    the contracts in scope of the scene (never cut);
``due``
    the promises this scene must set up (``setups:``) or pay off (``payoffs:``) (never cut);
``open``
    the promises planted before this scene and not yet paid;
``story``
    a summary of every earlier scene, oldest first: its ``summary:`` front matter, or
    one the caller supplies (the model's summary of its prose);
``before``
    the last ``tail_paragraphs`` paragraphs of the scene before, to pick up from.

The scene's own prose is never part of the context (it is what is being replaced), so
the same project and card give byte-identical prompts whatever the body holds.

**The budget.** Each piece is counted at four characters a token (rounded up), the same
for every model, so the prompt never depends on which tokenizer is installed. When the
pieces pass ``context_tokens`` they are cut one at a time, in this order, until they fit
(:data:`CUT_ORDER`):

1. the story's summaries, oldest first;
2. the open promises, the first planted first;
3. the paragraphs of the scene before, the earliest first;
4. the canon entries the card only mentions (not in the cast);
5. the cast's canon entries (the location too), last listed first;
6. the POV character's profile.

The card, the contracts and the promises due are never cut; when they alone pass the
budget, the context is what they are, and the report says by how much it is over.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from novelforge.project.models import Project, Scene

CHARS_PER_TOKEN = 4

PARTS = ("card", "pov", "canon", "contracts", "due", "open", "story", "before")
LABELS = {"card": "the scene card", "pov": "the POV character", "canon": "canon as of this scene",
          "contracts": "contracts in scope", "due": "promises to set up or pay off here",
          "open": "open promises", "story": "the story so far", "before": "the end of the scene before"}
# (rank, what, why) — the order pieces are cut in when the context is over budget
CUT_ORDER = (
    (1, "story", "the oldest summaries are cut first"),
    (2, "open", "open promises the scene need not touch are cut next, the first planted first"),
    (3, "before", "then the paragraphs of the scene before, the earliest first"),
    (4, "canon", "then the canon entries the card only mentions"),
    (5, "canon", "then the cast's canon entries, last listed first"),
    (6, "pov", "the POV character's profile is cut last"),
)
_WHY = {rank: why for rank, _part, why in CUT_ORDER}


def tokens(text: str) -> int:
    """The token estimate of ``text``: four characters a token, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


@dataclass
class Piece:
    part: str
    label: str            # what it is, for the report (`summary of the-summons`)
    text: str
    rank: int | None      # cut order (None: never cut)
    order: int = 0        # within a rank: the lower is cut first
    cut: bool = False

    @property
    def tokens(self) -> int:
        return tokens(self.text) + 1      # its line break


@dataclass
class Cut:
    part: str
    label: str
    tokens: int
    why: str


@dataclass
class Context:
    """The assembled context of one scene: :meth:`text` of each part, and what was cut."""

    scene: Scene
    budget: int
    pieces: list[Piece] = field(default_factory=list)
    cuts: list[Cut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)    # what the author may want to know (no summary…)

    def text(self, part: str) -> str:
        return "\n".join(p.text for p in self.pieces if p.part == part and not p.cut)

    def part_tokens(self, part: str) -> int:
        return sum(p.tokens for p in self.pieces if p.part == part and not p.cut)

    def count(self, part: str) -> tuple[int, int]:
        """(pieces kept, pieces) of ``part``."""
        mine = [p for p in self.pieces if p.part == part]
        return sum(1 for p in mine if not p.cut), len(mine)

    @property
    def total(self) -> int:
        return sum(p.tokens for p in self.pieces if not p.cut)

    def values(self) -> dict[str, str]:
        """The template's values: one text per part."""
        return {name: self.text(name) for name in PARTS}

    def as_dict(self) -> dict[str, Any]:
        return {"scene": self.scene.id, "budget": self.budget, "tokens": self.total,
                "parts": [{"part": name, "label": LABELS[name], "tokens": self.part_tokens(name),
                           "kept": self.count(name)[0], "pieces": self.count(name)[1]} for name in PARTS],
                "cuts": [{"part": c.part, "what": c.label, "tokens": c.tokens, "why": c.why} for c in self.cuts],
                "notes": list(self.notes)}


def _line(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=False)


def _name_of(project: Project, cid: str) -> str:
    for kind in project.canon.values():
        if cid in kind:
            name = kind[cid].name
            return f"{cid} ({name})" if name and name != cid else cid
    return cid


def card(project: Project, scene: Scene) -> list[str]:
    """The scene card as lines, in a fixed order; absent fields left out."""
    m, cfg = scene.meta, project.config
    lines = [f"id: {scene.id}"]
    if m.title:
        lines.append(f"title: {m.title}")
    if scene.chapter is not None:
        chap = scene.chapter
        lines.append(f"chapter: {chap.number} ({chap.title})" if chap.title else f"chapter: {chap.number}")
    if m.pov:
        lines.append(f"pov: {_name_of(project, m.pov)}")
    mode = m.pov_mode or cfg.pov_mode
    if mode:
        lines.append(f"pov mode: {mode} person")
    if cfg.tense:
        lines.append(f"tense: {cfg.tense}")
    if m.location:
        lines.append(f"location: {_name_of(project, m.location)}")
    if m.when:
        lines.append(f"story time: {m.when}")
    if m.flashback:
        lines.append("flashback: yes")
    if m.characters:
        lines.append("cast (present): " + ", ".join(_name_of(project, c) for c in m.characters))
    if m.mentions:
        lines.append("mentioned (not present): " + ", ".join(_name_of(project, c) for c in m.mentions))
    for t in m.transfers:
        where = f"{t.item} is destroyed" if t.destroyed else f"{t.item} passes to {t.to or 'nobody'}"
        lines.append(f"in this scene: {where}")
    if m.target_words:
        lines.append(f"target length: about {m.target_words} words")
    if m.summary:
        lines.append(f"summary: {' '.join(m.summary.split())}")
    if m.beats:
        lines.append("beats, in order:")
        lines += [f"  {i}. {' '.join(str(b).split())}" for i, b in enumerate(m.beats, 1)]
    return lines


def named_in_card(project: Project, scene: Scene) -> list[tuple[str, str]]:
    """(kind, id) of canon entries the card's title, summary and beats name (whole words,
    any of their names), in a stable order."""
    m = scene.meta
    text = " ".join([m.title or "", m.summary or "", *[str(b) for b in m.beats]])
    if not text.strip():
        return []
    found = []
    for kind, entries in sorted(project.canon.items()):
        for eid, e in sorted(entries.items()):
            for name in e.names:
                if len(name) > 1 and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
                    found.append((kind, eid))
                    break
    return found


def _entries(project: Project, scene: Scene) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(the cast's and location's entries, the entries only mentioned), each (kind, id),
    without the POV character, without repeats, in the card's order."""
    m = scene.meta

    def keys(ids) -> list[tuple[str, str]]:
        out = []
        for cid in ids:
            for kind in sorted(project.canon):
                if cid in project.canon[kind]:
                    out.append((kind, cid))
                    break
        return out

    cast = keys(m.characters)
    if m.location and m.location in project.locations:
        cast.append(("locations", m.location))
    mentioned = keys(m.mentions) + [("items", t.item) for t in m.transfers if t.item in project.canon.get("items", {})]
    mentioned += named_in_card(project, scene)
    seen = {("characters", m.pov)} if m.pov else set()
    out_cast, out_mentioned = [], []
    for group, out in ((cast, out_cast), (mentioned, out_mentioned)):
        for key in group:
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out_cast, out_mentioned


def assemble(session, scene: Scene, *, budget: int, tail: int = 3,
             summaries: dict[str, str] | None = None, fresh: set[str] | None = None) -> Context:
    """The context of ``scene`` within ``budget`` tokens. ``summaries`` (scene path → text)
    supplies the story's summaries of scenes without ``summary:`` front matter, and
    replaces it for the paths in ``fresh`` (scenes drafted in this run)."""
    from novelforge.room.facts import Facts

    project: Project = session.project
    facts = Facts(session)
    summaries = summaries or {}
    fresh = fresh or set()
    ctx = Context(scene, budget)
    add = ctx.pieces.append
    for line in card(project, scene):
        add(Piece("card", "card", line, None))
    m = scene.meta
    pov = project.characters.get(m.pov) if m.pov else None
    if pov is not None:
        row = facts.entry(pov, scene)
        for key in ("description", "notes"):
            value = getattr(pov.model, key)
            if value:
                row["voice notes" if key == "notes" else key] = " ".join(str(value).split())
        add(Piece("pov", f"profile of {pov.id}", _line(row), 6))
    elif m.pov:
        ctx.notes.append(f"the POV character `{m.pov}` has no canon entry")
    cast, mentioned = _entries(project, scene)
    for i, (kind, eid) in enumerate(mentioned):
        add(Piece("canon", f"{kind}/{eid}", _line(facts.entry(project.canon[kind][eid], scene)), 4, i))
    for i, (kind, eid) in enumerate(cast):
        add(Piece("canon", f"{kind}/{eid}", _line(facts.entry(project.canon[kind][eid], scene)), 5, len(cast) - i))
    ids = {eid for _k, eid in cast + mentioned} | ({m.pov} if m.pov else set())
    for row in facts.contracts(scene, ids):
        add(Piece("contracts", f"contract {row['id']}", _line(row), None))
    due = set()
    for kind, ids_ in (("set up", m.setups), ("pay off", m.payoffs)):
        for pid in ids_:
            due.add(pid)
            row: dict[str, Any] = {"id": pid, "this scene must": kind}
            p = project.promises.get(pid)
            if p is not None:
                row["kind"] = p.model.kind
                if p.model.description:
                    row["description"] = " ".join(p.model.description.split())
            add(Piece("due", f"promise {pid}", _line(row), None))
    for i, row in enumerate(r for r in facts.open_promises(scene) if r["id"] not in due):
        add(Piece("open", f"promise {row['id']}", _line(row), 2, i))
    earlier = [s for s in project.scenes if s.index < scene.index]
    for i, s in enumerate(earlier):
        text = summaries.get(s.path) if s.path in fresh else None
        text = text or (s.meta.summary or None) or summaries.get(s.path)
        if not text:
            ctx.notes.append(f"`{s.id}` has no summary (no `summary:` in its front matter)")
            continue
        title = f" ({s.meta.title})" if s.meta.title else ""
        add(Piece("story", f"summary of {s.id}", f"- `{s.id}`{title}: {' '.join(text.split())}", 1, i))
    if earlier and tail:
        prev = earlier[-1]
        paragraphs = last_paragraphs(session, prev, tail)
        if not paragraphs:
            ctx.notes.append(f"the scene before, `{prev.id}`, has no prose yet")
        for i, para in enumerate(paragraphs):
            add(Piece("before", f"paragraph {i + 1} of the end of {prev.id}", para, 3, i))
    _cut(ctx)
    return ctx


def last_paragraphs(session, scene: Scene, n: int) -> list[str]:
    """The last ``n`` paragraphs of ``scene``'s prose (comments and markers left out), each
    on one line."""
    masked = session.masked(scene)[scene.body_start:]
    paras = [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", masked)]
    paras = [p for p in paras if p and not re.fullmatch(r"(?:#+|\*\*\*|\* \* \*)", p)]
    return paras[-n:] if n else []


def _cut(ctx: Context) -> None:
    over = ctx.total - ctx.budget
    if over <= 0:
        return
    cuttable = sorted((p for p in ctx.pieces if p.rank is not None), key=lambda p: (p.rank, p.order))
    for piece in cuttable:
        if ctx.total <= ctx.budget:
            break
        piece.cut = True
        ctx.cuts.append(Cut(piece.part, piece.label, piece.tokens,
                            f"over the budget of {ctx.budget:,} tokens: {_WHY[piece.rank]}"))
    if ctx.total > ctx.budget:
        ctx.notes.append(f"the card, the contracts and the promises due alone take {ctx.total:,} tokens, "
                         f"{ctx.total - ctx.budget:,} over `llm: draft: context_tokens` ({ctx.budget:,})")
