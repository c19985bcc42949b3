from novelforge.rules.registry import rule


@rule("NF701", "room-continuity", "warning", "room",
      reads=("prose", "front-matter", "structure", "timeline", "cast", "canon", "book",
             "contracts:forbid", "contracts:prefer", "contracts:consistency", "contracts:require-with",
             "contracts:pattern", "contracts:attribute", "contracts:lifecycle", "contracts:knowledge",
             "contracts:order", "contracts:travel"))
def reviewer():
    """The Writers' Room's continuity reviewer (an LLM) reports a contradiction, quoting the scene.

    ## What it does
    Runs only with `novelforge check --room` or `novelforge review`, and only with a model
    configured (`llm: model` in `novelforge.yaml`). For each scene it sends a model the
    scene with its line numbers, the canon entries the scene lists or names **as of that
    point in the story** (a death, a `knows` fact or an item's move that comes later is
    left out), the contracts in scope and summaries of the five scenes before it, and
    asks for contradictions of those facts or inside the scene. Each finding must quote
    the scene; the quote is looked up verbatim (only whitespace, quote marks, dashes and
    the ellipsis are normalised) and gives the finding its line and column. A finding
    whose quote is not in the scene is dropped and counted. The message ends with the
    finding's category (ConStory-Bench's five: `characterization`, `factual-detail`,
    `narrative-style`, `timeline-plot`, `world-setting`). Advisory: an `error` from the
    model is reported as a warning unless `llm: {room: {gate: true}}`. See docs/room.md.
    Its prompt reads exactly the scene, its canon entries and contracts, and the story so
    far (`reads=`: prose, front matter, structure, timeline, cast, canon, every contract
    type, book), so the answer cache reuses it until one of those changes.

    ## Why is this bad
    The deterministic rules find the contradictions canon states outright (NF401, NF402,
    NF404…); a reader also notices the ones nobody wrote down: a wound that changes arms,
    a door locked and then walked through, a season that turns back.

    ## Example
    ```markdown
    Aria bolted the cellar door behind her and pocketed the key.
    …
    She walked back through the open cellar door.
    ```

    ## Use instead
    ```markdown
    She unbolted the cellar door and walked back through it.
    ```
    """
    from novelforge.room.reviewers import BY_CODE

    return BY_CODE["NF701"]
