from novelforge.rules.contracts_common import terms_regex
from novelforge.rules.narration import book_narrator
from novelforge.rules.registry import rule
from novelforge.text.reference import genders, thinker_at
from novelforge.text.speakers import speaker_of


def _knowledge(ctx):
    """(character id, fact, learned-in scene, keyword finder) for every `knows` entry with keywords."""
    scenes = ctx.project.scene_by_id()
    out = []
    entries = [(cid, k.fact, k.learned_in, k.keywords)
               for cid, ent in ctx.project.characters.items() for k in ent.model.knows]
    entries += [(c.entity, c.fact, c.learned_in, c.keywords)
                for _cid, c in sorted(ctx.project.contracts.items()) if c.type == "knowledge"]
    for cid, fact, learned_in, keywords in entries:
        if keywords and learned_in in scenes and cid in ctx.project.characters:
            out.append((cid, fact, scenes[learned_in], terms_regex(keywords, True, possessive=True)))
    return out


def _earlier(ctx, scene, learned) -> bool:
    """Whether ``scene`` happens before ``learned``: by story time when both are dated on
    one scale, else by reading order."""
    times, _ = ctx.timeline()
    a, b = times.get(scene.path), times.get(learned.path)
    if a is not None and b is not None and a.scale == b.scale and a.minutes != b.minutes:
        return a.minutes < b.minutes
    return scene.index < learned.index  # undated, or the same time: reading order decides


@rule("NF404", "knowledge-before-learned", "error", "scene",
      reads=("prose", "front-matter", "timeline", "canon:characters", "contracts:knowledge", "book"))
def check(scene, index, ctx):
    """A character says or thinks something before the scene where they learn it.

    ## What it does
    For each `knows` entry in canon (`fact`, `learned_in`, `keywords`), looks at the
    scenes that happen before `learned_in` — by story time when both scenes have a `when`
    on the same scale and it differs, else by reading order — and reports a keyword in a line of
    dialogue that character speaks, or in the narration of a scene told from that
    character's point of view, or in a thought the narration gives them (`Aria thought of
    the letter`, `she remembered …`). Keywords match through possessives (`Mrs.
    Norton's address` for `Mrs. Norton`). The speaker is the one a said-tag, beat or
    exchange names, or for a pronoun tag (`"…?" she asked`) the character the pronoun
    resolver finds before it with that gender (:mod:`novelforge.text.speakers`); the
    narrator's `“…,” said I` in a scene without `pov:` is the book's narrator's (the `pov:`
    of its first-person scenes, novelforge/rules/narration.py). A
    keyword said aloud earlier in the scene by someone else (or by a speaker nobody can
    name) is heard there: the character may repeat it (`"Un-Dead! What do you mean?"`). Not read yet: reported
    speech (`she told him about …`) and knowledge implied without a keyword.

    ## Why is this bad
    A character who knows the secret two chapters early deflates the reveal, and it is
    the kind of slip that revision (moving scenes around) creates.

    ## Example
    ```yaml
    # canon/characters/aria.yaml
    knows:
      - fact: the king is her father
        learned_in: the-letter
        keywords: [my father, her father]
    ```
    ```markdown
    "My father will hear of this," Aria said.    (a scene before `the-letter`)
    ```

    ## Use instead
    ```markdown
    "The king will hear of this," Aria said.
    ```
    """
    if not index.words:
        return
    entries = ctx.memo("knowledge", lambda: _knowledge(ctx))
    if not entries:
        return
    masked, lower = ctx.masked(scene), ctx.lower(scene)
    chars = ctx.project.characters
    for cid, fact, learned, finder in entries:
        if scene is learned or not _earlier(ctx, scene, learned):
            continue
        for m in finder.finditer(masked, lower, scene.body_start):
            d = index.dialogue_at(m.start())
            if d is not None:
                narrator = book_narrator(ctx) if d.how == "narrator" else None
                if speaker_of(masked, index, d, genders(ctx), narrator) != cid:
                    break         # said aloud by someone else first: heard here, not known before
                how = "says"
            elif scene.meta.pov == cid or thinker_at(masked, index, m.start(), genders(ctx)) == cid:
                how = "thinks"
            else:
                continue
            yield ctx.at(scene, m.start(), m.end(),
                         f"{chars[cid].name} {how} `{m.group(0)}` before learning that {fact} (in `{learned.id}`)",
                         entity=cid, help=f"move the line after `{learned.id}`, or change `learned_in`")
            break  # one finding per fact and scene
