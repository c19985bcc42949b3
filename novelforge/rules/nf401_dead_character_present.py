import re

from novelforge.rules.registry import rule

# a narration sentence whose subject is a pronoun followed by its verb (`He stepped forward`)
_PRONOUN_ACTS = re.compile(r"[\s\"“‘'(_*]*(?:(?:then|but|and|now)\s+)?(?P<p>he|she)\s+(?:[a-z]+ly\s+)?"
                           r"(?P<v>[a-z][a-z’'-]*)", re.I)


def death_windows(ctx) -> dict[str, tuple[int, int | None, str]]:
    """character id → (index of the death scene, index of the revival scene or None, death scene id)."""
    order = {s.id: s.index for s in ctx.project.scenes}
    lives = {cid: (ent.model.died_in, ent.model.revived_in) for cid, ent in ctx.project.characters.items()}
    for _cid, c in sorted(ctx.project.contracts.items()):
        if c.type == "lifecycle" and c.entity in lives:
            lives[c.entity] = (c.died_in, c.revived_in)  # a `lifecycle` contract wins over canon
    out = {}
    for cid, (died, revived) in lives.items():
        if died and died in order:
            out[cid] = (order[died], order.get(revived) if revived else None, died)
        elif not died and ctx.project.characters[cid].model.status == "dead":
            # `status: dead` with no `died_in`: dead before the story begins (a father
            # remembered, a first wife), so dead in every scene but flashbacks
            out[cid] = (-1, order.get(revived) if revived else None, "")
    return out


def dead_here(scene, ctx) -> set[str]:
    """The characters dead in ``scene`` (none in a flashback): NF401 reports them, and NF204
    leaves them to it, so a dead speaker gets one finding and one piece of advice."""
    if scene.meta.flashback:
        return set()
    windows = ctx.memo("death-windows", lambda: death_windows(ctx))
    return {cid for cid, (died, revived, _sid) in windows.items()
            if scene.index > died and (revived is None or scene.index < revived)}


@rule("NF401", "dead-character-present", "error", "scene",
      reads=("prose", "front-matter", "structure", "canon:characters", "contracts:lifecycle"))
def check(scene, index, ctx):
    """A character who has died is in a later scene's cast, is its POV, speaks, or acts.

    ## What it does
    For each character with `died_in: SCENE` in canon, checks every scene after that one
    in reading order (until `revived_in`, if any) — for one with `status: dead` and no
    `died_in` (dead before the story begins: a late father, a first wife), every scene —
    and reports the character in
    `characters`, as `pov`, as the speaker of dialogue (by a said-tag or an action beat),
    or as the subject of an action in the narration — named (`Corvane drew`), after an
    apposition or a relative clause (`Corvane, who had said nothing, rose`), or as the
    pronoun subject of the sentence (`…it was Corvane. He stepped forward`, its owner
    told by the pronoun resolver of `novelforge/text/reference.py`; an unresolved pronoun
    says nothing). Not read yet: an action in a clause after `and` with a pronoun (`and
    then he walked`), or a dead character's deeds told in dialogue. Mentions, memories and letters are
    fine: put the character under `mentions`. Scenes with `flashback: true` are skipped.
    A dead character who speaks or acts but is not in the cast is reported here only, not
    also by NF204 (which would advise adding them to `characters`).

    ## Why is this bad
    A dead character who walks into a later scene is the continuity error readers notice
    first, and in a 500-page draft the one an author is least likely to find alone.

    ## Example
    ```markdown
    ---
    characters: [aria, corvane]
    ---
    "Keep the key safe," Corvane said.
    ```
    (canon: `corvane` has `died_in: blood-in-the-vault`, an earlier scene)

    ## Use instead
    ```markdown
    ---
    characters: [aria]
    mentions: [corvane]
    ---
    Aria remembered what Corvane had said: keep the key safe.
    ```
    """
    dead = dead_here(scene, ctx)
    if not dead:
        return
    windows = ctx.memo("death-windows", lambda: death_windows(ctx))
    chars = ctx.project.characters

    def name(cid):
        return chars[cid].name

    def died(cid):
        sid = windows[cid][2]
        return f"died in `{sid}`" if sid else "died before the story (`status: dead`, no `died_in`)"

    reported = set()
    if scene.meta.pov in dead:
        reported.add(scene.meta.pov)
        yield ctx.at_meta(scene, ("pov",),
                          f"{name(scene.meta.pov)} (`{scene.meta.pov}`) is the POV character "
                          f"but {died(scene.meta.pov)}",
                          entity=scene.meta.pov, help="mark the scene `flashback: true`, or change the POV")
    for i, cid in enumerate(scene.meta.characters):
        if cid in dead and cid not in reported:
            reported.add(cid)
            yield ctx.at_meta(scene, ("characters", i),
                              f"{name(cid)} (`{cid}`) is in the cast but {died(cid)}",
                              entity=cid, help=f"move `{cid}` to `mentions`, or mark the scene `flashback: true`")
    for d in index.dialogue:
        if d.speaker in dead and d.how in ("tag", "beat") and d.speaker not in reported:
            reported.add(d.speaker)
            yield ctx.at(scene, d.start, min(d.end, d.start + 60),
                         f"{name(d.speaker)} (`{d.speaker}`) speaks here but {died(d.speaker)}",
                         entity=d.speaker, help="give the line to someone alive, or make it a memory")
    for m in index.mentions:
        if not m.acts or len(m.entities) != 1:
            continue
        kind, cid = m.entities[0]
        if kind == "characters" and cid in dead and cid not in reported:
            reported.add(cid)
            yield ctx.at(scene, m.start, m.end,
                         f"{name(cid)} (`{cid}`) acts here (`{m.text}`) but {died(cid)}",
                         entity=cid, help="rewrite it as a memory (`had`), or mark the scene `flashback: true`")
    if dead - reported and index.mentions:
        yield from _pronoun_actors(scene, index, ctx, dead - reported, name, died)


def _pronoun_actors(scene, index, ctx, dead, name, died):
    """`…it was Bram. He stepped forward`: a sentence whose subject is a pronoun and whose
    verb is an action, the pronoun's owner told by the resolver of text/reference.py."""
    from novelforge.text.grammar import past_action
    from novelforge.text.reference import genders, sure_antecedent

    masked = ctx.masked(scene)
    reported = set()
    for start, _end in index.sentences:
        m = _PRONOUN_ACTS.match(masked, start)
        if not m or not past_action(m.group("v")) or index.in_dialogue(m.start("p")):
            continue
        gender = m.group("p").lower()
        cid = sure_antecedent(masked, index, m.start("p"), gender, genders(ctx))
        if cid in dead and cid not in reported:
            reported.add(cid)
            yield ctx.at(scene, m.start("p"), m.end("v"),
                         f"{name(cid)} (`{cid}`) acts here (`{m.group('p')} {m.group('v')}`) but {died(cid)}",
                         entity=cid, help="rewrite it as a memory (`had`), or mark the scene `flashback: true`")

