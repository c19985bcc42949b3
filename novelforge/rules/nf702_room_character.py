from novelforge.rules.registry import rule


@rule("NF702", "room-character", "warning", "room",
      reads=("prose", "front-matter", "structure", "timeline", "cast", "canon:characters", "book",
             "contracts:attribute", "contracts:lifecycle", "contracts:knowledge"))
def reviewer():
    """The Writers' Room's character reviewer (an LLM) reports a character out of character or time, quoting it.

    ## What it does
    Runs only with `novelforge check --room` or `novelforge review`, and only with a model
    configured. For each scene it sends a model the scene with its line numbers, the
    canon characters the scene lists or names as of that point in the story (their
    `knows` facts only once learned, `status: dead` only after the death scene), and
    summaries of the five scenes before it, and asks for a character who knows what they
    have not learned yet, acts against an established trait without a reason the scene
    gives, or is described against canon. Quotes are verified as for NF701; a finding
    whose quote is not in the scene is dropped. Advisory unless `llm: {room: {gate: true}}`.
    Its prompt reads exactly the scene, its canon characters and the story so far
    (`reads=`: prose, front matter, structure, timeline, cast, canon:characters, the
    attribute, lifecycle and knowledge contracts, book).

    ## Why is this bad
    Readers forgive a plot hole sooner than a character who suddenly knows the secret or
    forgets their own brother.

    ## Example
    ```markdown
    "Your father is the king," Bram told her.    (Bram learns it three chapters later)
    ```

    ## Use instead
    ```markdown
    "Your father is someone important," Bram guessed.
    ```
    """
    from novelforge.room.reviewers import BY_CODE

    return BY_CODE["NF702"]
