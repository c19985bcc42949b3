from novelforge.rules.registry import rule


@rule("NF703", "room-plot", "warning", "room", reads=("prose", "front-matter", "structure", "promises", "book"))
def reviewer():
    """The Writers' Room's plot reviewer (an LLM) reports broken plot logic, quoting the scene.

    ## What it does
    Runs only with `novelforge check --room` or `novelforge review`, and only with a model
    configured. For each scene it sends a model the scene with its line numbers, the
    promises planted before it and not yet paid (from the promise ledger) and summaries of
    the five scenes before it, and asks for an effect without its cause, a resolution
    from nowhere, or a promise paid off against how it was set up. Quotes are verified as
    for NF701; a finding whose quote is not in the scene is dropped. Advisory unless
    `llm: {room: {gate: true}}`.
    Its prompt reads exactly the scene, the open promises and the story so far (`reads=`:
    prose, front matter, structure, promises, book).

    ## Why is this bad
    A rescue nobody set up, or a prophecy fulfilled in a way that contradicts its words,
    breaks the contract the book made with its reader.

    ## Example
    ```markdown
    The gate, sealed by the witch's curse, simply swung open.
    ```

    ## Use instead
    ```markdown
    Aria spoke the word the witch had let slip, and the gate swung open.
    ```
    """
    from novelforge.room.reviewers import BY_CODE

    return BY_CODE["NF703"]
