from novelforge.rules.registry import rule


@rule("NF414", "status-contradicts-death", "error", "project", reads=("canon:characters",))
def check(ctx):
    """A character's canon says `status: alive` but also `died_in`, with no `revived_in`.

    ## What it does
    Reports a character whose file writes `status: alive` and names the scene of a death
    (`died_in`) without naming a scene of return (`revived_in`). A file that leaves
    `status` out is not reported: `died_in` alone is how a death is written.

    ## Why is this bad
    The continuity checks follow `died_in` (NF401 reports the character in every later
    scene), while the file tells its reader the character lives. One of the two is out of
    date, and changing `status` alone changes nothing the checks see.

    ## Example
    ```yaml
    # canon/characters/oswin.yaml
    status: alive
    died_in: the-siege
    ```

    ## Use instead
    ```yaml
    status: dead
    died_in: the-siege
    ```
    or, if Oswin survives, delete `died_in` (or add `revived_in: the-return`).
    """
    for cid, entity in sorted(ctx.project.characters.items()):
        model = entity.model
        if "status" not in model.model_fields_set or model.status != "alive":
            continue
        if not model.died_in or model.revived_in:
            continue
        keypath = ("status",)
        line, col = entity.doc.position(keypath) if entity.doc is not None else (1, 1)
        yield ctx.at_file(entity.path, line, col,
                          f"`status: alive`, but {entity.name} (`{cid}`) dies in `{model.died_in}` (`died_in`)",
                          end=(line, col + len("alive")), entity=cid,
                          help="write `status: dead`, or delete `died_in` if the character survives")
