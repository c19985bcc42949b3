from novelforge.rules.promise_sites import at_site, ledger
from novelforge.rules.registry import rule


@rule("NF502", "payoff-without-setup", "warning", "project", reads=("promises", "structure"))
def check(ctx):
    """A promise is paid off but never planted.

    ## What it does
    Reports every payoff (`payoffs:` in front matter or a `<!-- payoff: id -->` marker)
    of a promise that no scene sets up.

    ## Why is this bad
    A payoff the reader was never prepared for lands as a coincidence or a cheat — the
    gun that goes off without ever having hung on the wall.

    ## Example
    ```markdown
    ---
    payoffs: [hidden-heir]
    ---
    "You are the queen's daughter," Corvane said.
    ```
    (no scene has `setups: [hidden-heir]`)

    ## Use instead
    ```markdown
    ---
    setups: [hidden-heir]
    ---
    Corvane looked at Aria's hands a moment too long, as if he knew them.
    ```
    """
    for pid, entry in ledger(ctx).items():
        if entry.payoffs and not entry.setups:
            for site in entry.payoffs:
                yield at_site(ctx, site, pid, f"the promise `{pid}` is paid off here but never set up",
                              help=f"plant it in an earlier scene (`setups: [{pid}]` or `<!-- setup: {pid} -->`)")
