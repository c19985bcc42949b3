from novelforge.project.models import DRAFTED_STATUSES
from novelforge.rules.narration import book_narrator, scene_first_person
from novelforge.rules.registry import rule


@rule("NF203", "listed-character-not-named", "warning", "scene",
      reads=("prose", "front-matter", "canon:characters", "book"))
def check(scene, index, ctx):
    """A character listed in the scene's cast is never named in its prose.

    ## What it does
    Reports each id in `characters` whose name and aliases never occur in the scene's
    prose (narration or dialogue). A first-person narrator need not be named: the scene's
    `pov:` when the scene is told in the first person (its `pov_mode:`, its narration, or a
    book told in the first person), and in such a scene without `pov:` the book's narrator
    (the `pov:` of two thirds of its first-person scenes). Scenes without prose are skipped.

    ## Why is this bad
    Either the front matter is out of date (the character was cut from the scene) or the
    reader is never told the character is there. Both mislead the continuity checks and
    the Writers' Room.

    ## Example
    ```markdown
    ---
    characters: [aria, bram]
    ---
    Aria waited alone by the gate.
    ```

    ## Use instead
    ```markdown
    ---
    characters: [aria, bram]
    ---
    Aria waited by the gate while Bram saddled the horses.
    ```
    """
    if not index.words or scene.meta.status not in DRAFTED_STATUSES:
        return
    named = {i for m in index.mentions for k, i in m.entities if k == "characters"}
    chars = ctx.project.characters
    for i, cid in enumerate(scene.meta.characters):
        if cid in named or cid not in chars:
            continue
        if cid == (scene.meta.pov or book_narrator(ctx)) and scene_first_person(scene, index, ctx):
            continue
        ent = chars[cid]
        yield ctx.at_meta(scene, ("characters", i),
                          f"{ent.name} (`{cid}`) is listed in `characters` but never named in the scene",
                          entity=cid,
                          help=f"name {ent.name} in the prose, move `{cid}` to `mentions`, or remove it")
