from novelforge.rules.registry import rule


@rule("NF202", "pov-not-in-cast", "warning", "scene", reads=("front-matter", "canon:characters"))
def check(scene, index, ctx):
    """The point-of-view character is not listed among the scene's characters.

    ## What it does
    Reports a scene whose `pov` character is missing from its `characters` list (when the
    scene has such a list).

    ## Why is this bad
    The POV character is always present in their own scene. Continuity checks (two places
    at once, travel, death) read the cast; leaving the POV character out hides them there.

    ## Example
    ```yaml
    pov: aria
    characters: [bram]
    ```

    ## Use instead
    ```yaml
    pov: aria
    characters: [aria, bram]
    ```
    """
    meta = scene.meta
    if not meta.pov or not meta.characters or meta.pov in meta.characters:
        return
    if meta.pov not in ctx.project.characters:
        return  # NF201 already reports the unknown id
    yield ctx.at_meta(scene, ("pov",),
                      f"the POV character `{meta.pov}` is not in this scene's `characters`",
                      entity=meta.pov, help=f"add `{meta.pov}` to `characters`")
