from novelforge.ledger.measure import describe, distance, first, window_for
from novelforge.rules.promise_sites import at_site, book, ledger
from novelforge.rules.registry import rule


@rule("NF504", "distant-payoff", "warning", "project", reads=("promises", "structure"))
def check(ctx):
    """A promise is paid off further from its setup than its payoff window allows.

    ## What it does
    Measures the distance from a promise's first setup to its first payoff in chapters,
    scenes or words, and reports the payoff when it exceeds the promise's own
    `payoff_within` (`5 chapters`, `20 scenes`, `20000 words`) or, for promises without
    one, the project's `promises: {max-distance: …}` in `novelforge.yaml`.

    ## Why is this bad
    A reader holds a promise only so long. Paid too late, the payoff lands on a reader
    who has forgotten the setup, and the moment meant to click does not.

    ## Example
    ```yaml
    # canon/promises/iron-key.yaml
    payoff_within: 2 chapters
    ```
    (set up in chapter 1, paid off in chapter 6)

    ## Use instead
    Pay it off sooner, remind the reader of it on the way, or widen `payoff_within`.
    """
    bm = None                # the book's measures, built only for a promise that has a window to measure
    for pid, entry in ledger(ctx).items():
        window = window_for(ctx.project, entry)
        if window is None or not entry.setups or not entry.payoffs:
            continue
        setup, payoff = first(entry.setups), first(entry.payoffs)
        if payoff.order < setup.order:
            continue  # premature: NF503
        n, unit = window
        if bm is None:
            bm = book(ctx)
        gap = distance(bm, setup, payoff)[unit]
        if gap > n:
            yield at_site(ctx, payoff, pid,
                          f"the promise `{pid}` is paid off {gap} {unit} after its setup in `{setup.scene}`, "
                          f"beyond its window of {describe(window)}",
                          help="pay it off sooner, remind the reader of it on the way, or widen `payoff_within`")
