from novelforge.project.loader import suggest
from novelforge.rules.registry import rule

# canon fields that name a scene: (field, nested key)
FIELDS = (("died_in", None), ("revived_in", None), ("knows", "learned_in"))


@rule("NF206", "unknown-scene-reference", "error", "project", reads=("structure", "canon"))
def check(ctx):
    """A canon entry names a scene id that no scene has.

    ## What it does
    Checks the scene ids in canon — `died_in`, `revived_in` and `knows: [{learned_in}]` —
    against the ids of the scenes in the manuscript, and suggests the closest one.

    ## Why is this bad
    Continuity checks hang on these ids: a character whose `died_in` names no scene is
    never checked for acting after death.

    ## Example
    ```yaml
    # canon/characters/corvane.yaml
    status: dead
    died_in: blood-in-the-vaults
    ```
    (the scene's id is `blood-in-the-vault`)

    ## Use instead
    ```yaml
    died_in: blood-in-the-vault
    ```
    """
    ids = {s.id for s in ctx.project.scenes}
    if not ids:
        return
    for entity in ctx.project.entities():
        model = entity.model
        for field, sub in FIELDS:
            if sub is None:
                refs = [((field,), getattr(model, field))]
            else:
                refs = [((field, i, sub), getattr(item, sub)) for i, item in enumerate(getattr(model, field))]
            for keypath, ref in refs:
                if not ref or ref in ids:
                    continue
                hint = suggest(ref, ids)
                line, col = entity.doc.position(keypath) if entity.doc is not None else (1, 1)
                message = f"`{keypath[-1]}: {ref}` names no scene" + (f" — did you mean `{hint}`?" if hint else "")
                yield ctx.at_file(entity.path, line, col, message, end=(line, col + len(ref)), entity=entity.id,
                                  help="scene ids come from `id:` in a scene's front matter, "
                                       "or its file name without the number")
