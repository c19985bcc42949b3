from novelforge.rules.registry import rule


@rule("NF101", "duplicate-scene-id", "error", "project", reads=("structure",))
def check(ctx):
    """Two scenes have the same id.

    ## What it does
    Reports every scene whose `id` (written in its front matter, or taken from its file
    name without the numeric prefix) is already used by an earlier scene.

    ## Why is this bad
    Scene ids are how canon (`died_in`, `learned_in`), promises and other tools refer to a
    scene. With two scenes of one id those references are ambiguous.

    ## Example
    `manuscript/01-ashes/02-the-road.md` and `manuscript/04-return/01-the-road.md` both
    get the id `the-road`.

    ## Use instead
    ```yaml
    id: the-road-home
    ```
    in the front matter of the second scene.
    """
    first: dict[str, object] = {}
    for scene in ctx.project.scenes:
        prev = first.setdefault(scene.id, scene)
        if prev is scene:
            continue
        if scene.doc is not None and "id" in scene.meta.model_fields_set:
            yield ctx.at_meta(scene, ("id",),
                              f"the scene id `{scene.id}` is already used by `{prev.path}`",
                              help="give this scene its own `id:` in the front matter")
        else:
            yield ctx.at_file(scene.path, 1, 1,
                              f"the scene id `{scene.id}` (from the file name) is already used by `{prev.path}`",
                              scene=scene.id, help="rename the file or set `id:` in its front matter")
