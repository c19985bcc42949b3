from novelforge.project.layout import CANON, PROMISES_FILE
from novelforge.rules.promise_sites import ledger
from novelforge.rules.registry import rule


@rule("NF508", "unplanted-promise", "warning", "project", reads=("promises", "structure"))
def check(ctx):
    """A declared promise is never planted: no scene sets it up or pays it off.

    ## What it does
    Reports every promise declared in `canon/promises/` (or `promises.yaml`) that no
    scene names — in `setups:` or `payoffs:` of its front matter, or in a
    `<!-- setup: id -->` / `<!-- payoff: id -->` marker — at the promise's file. A
    promise paid off but never set up is NF502's finding instead.

    ## Why is this bad
    The ledger shows such a promise as open, planted "—": nothing tells where the book
    makes it, so no rule can say whether it is paid in time, or paid at all. It is a
    promise `promises suggest --accept` recorded for a scene the text has since lost,
    or one written down and never put into the book.

    ## Example
    ```yaml
    # canon/promises/bram-oath.yaml
    description: Bram swears to bring Aria home.
    ```
    (no scene has `setups: [bram-oath]` or `<!-- setup: bram-oath -->`)

    ## Use instead
    ```markdown
    <!-- setup: bram-oath -->
    "Whatever happens in the capital, I will bring you home."
    ```
    """
    entries = ledger(ctx)
    for pid, promise in sorted(ctx.project.promises.items()):
        entry = entries.get(pid)
        if entry is not None and (entry.setups or entry.payoffs):
            continue
        line, column = 1, 1
        if promise.doc is not None and promise.path in (PROMISES_FILE, f"{CANON}/{PROMISES_FILE}"):
            line, column = promise.doc.position((pid,), key=True)
        yield ctx.at_file(promise.path, line, column, f"the promise `{pid}` is declared but no scene plants it",
                          entity=pid,
                          help=f"mark where it is planted (`<!-- setup: {pid} -->` in the scene, or "
                               f"`setups: [{pid}]` in its front matter), or delete the promise")
