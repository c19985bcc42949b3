from novelforge.project.models import DRAFTED_STATUSES
from novelforge.rules.registry import rule


@rule("NF102", "empty-drafted-scene", "warning", "scene", reads=("prose", "front-matter"))
def check(scene, index, ctx):
    """A scene marked as drafted has no prose.

    ## What it does
    Reports a scene whose `status` is `draft`, `revised` or `final` but whose body holds no
    words (only front matter, comments or scene breaks).

    ## Why is this bad
    The status tells collaborators, the exporter and the word-count reports that the scene
    is written. An empty scene with such a status is a placeholder that will be exported
    as a blank page.

    ## Example
    ```markdown
    ---
    title: The Ambush
    status: draft
    ---
    ```

    ## Use instead
    ```markdown
    ---
    title: The Ambush
    status: outline
    summary: Bandits on the pass.
    ---
    ```
    """
    if not scene.readable or index.words or scene.meta.status not in DRAFTED_STATUSES:
        return
    if "status" in scene.meta.model_fields_set:
        keypath: tuple = ("status",)
        message = f"the scene is marked `{scene.meta.status}` but has no prose"
    else:  # nothing was written: the default status is `draft`
        keypath = ()
        message = f"the scene has no prose, and without a `status` it counts as `{scene.meta.status}`"
    yield ctx.at_meta(scene, keypath, message,
                      help="write the scene, or set `status: idea` or `status: outline`")
