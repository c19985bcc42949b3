from novelforge.rules.nf401_dead_character_present import dead_here
from novelforge.rules.registry import rule


@rule("NF204", "unlisted-character-present", "warning", "scene",
      reads=("prose", "front-matter", "structure", "canon:characters", "contracts:lifecycle"))
def check(scene, index, ctx):
    """A canon character speaks or acts in the prose but is not in the scene's cast.

    ## What it does
    Finds characters who are the speaker of a line of dialogue (by a said-tag, an action
    beat, or alternation in a two-person exchange) or the subject of an action in the
    narration ("Bram drew his sword") and reports those missing from `characters`. A
    character listed under `mentions` who acts is reported too: mentions are for the
    absent (memories, letters, rumours). A character who has died (`died_in`, outside a
    flashback) is left to NF401: adding the dead to the cast would not fix the scene.

    ## Why is this bad
    The cast in the front matter is what continuity (who is where, who is dead), search
    and the Writers' Room rely on. A character who is present but not listed escapes
    those checks.

    ## Example
    ```markdown
    ---
    characters: [aria]
    ---
    "Open the gate," Bram said.
    ```

    ## Use instead
    ```markdown
    ---
    characters: [aria, bram]
    ---
    "Open the gate," Bram said.
    ```
    """
    if not index.words:
        return
    cast = set(scene.meta.characters)
    if scene.meta.pov:
        cast.add(scene.meta.pov)
    mentions = set(scene.meta.mentions)
    chars = ctx.project.characters
    reported: set[str] = dead_here(scene, ctx)   # NF401 reports the dead, with its own advice
    speaking = {}
    for d in index.dialogue:
        if d.speaker and d.how in ("tag", "beat") and d.speaker not in cast:
            speaking.setdefault(d.speaker, d)
    acting = {}
    for m in index.mentions:
        if not m.acts or len(m.entities) != 1:
            continue
        kind, cid = m.entities[0]
        if kind == "characters" and cid not in cast:
            acting.setdefault(cid, m)
    for cid in sorted(set(speaking) | set(acting)):
        if cid in reported or cid not in chars:
            continue
        reported.add(cid)
        name = chars[cid].name
        where = "only under `mentions`" if cid in mentions else "not in `characters`"
        if cid in speaking:
            d = speaking[cid]
            start = d.start
            end = min(d.end, start + 60)
            msg = f"{name} (`{cid}`) speaks here but is {where}"
        else:
            m = acting[cid]
            start, end = m.start, m.end
            msg = f"{name} (`{cid}`) acts here (`{m.text}`) but is {where}"
        yield ctx.at(scene, start, end, msg, entity=cid,
                     help=f"add `{cid}` to `characters` if {name} is present in the scene")
