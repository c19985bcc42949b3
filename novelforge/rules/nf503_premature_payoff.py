from novelforge.rules.promise_sites import at_site, ledger
from novelforge.rules.registry import rule


@rule("NF503", "premature-payoff", "warning", "project", reads=("promises", "structure"))
def check(ctx):
    """A promise is paid off before it is set up.

    ## What it does
    Reports every payoff of a promise that comes, in reading order, before the promise's
    first setup (in an earlier scene, or earlier in the same scene).

    ## Why is this bad
    The reader meets the answer before the question. Usually a scene was moved, or the
    setup was written into the wrong chapter.

    ## Example
    ```markdown
    <!-- chapter 2 -->
    ---
    payoffs: [iron-key]
    ---
    The iron key turned in the vault door at last.
    ```
    (the `setups: [iron-key]` scene is in chapter 5)

    ## Use instead
    Move the setup before the payoff, or the payoff after the setup.
    """
    for pid, entry in ledger(ctx).items():
        if not entry.setups or not entry.payoffs:
            continue
        setup = min(entry.setups, key=lambda s: (s.order, s.line, s.column))
        for site in entry.payoffs:
            if (site.order, site.line, site.column) < (setup.order, setup.line, setup.column):
                yield at_site(ctx, site, pid,
                              f"the promise `{pid}` is paid off here before it is set up in `{setup.scene}`",
                              help="move the setup earlier or the payoff later")
