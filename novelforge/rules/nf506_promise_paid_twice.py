from novelforge.rules.promise_sites import at_site, ledger
from novelforge.rules.registry import rule


@rule("NF506", "promise-paid-twice", "warning", "project", reads=("promises", "structure"))
def check(ctx):
    """A promise is paid off in more than one place.

    ## What it does
    Reports every payoff of a promise after its first one (in reading order), whether
    each comes from front matter or from an inline marker. A marker and a front-matter
    entry for the same promise in one scene count once.

    ## Why is this bad
    A second payoff is usually a leftover from an earlier draft, or a sign that two
    different promises share one id; either way the ledger no longer says where the
    debt was settled.

    ## Example
    ```markdown
    ---
    payoffs: [iron-key]
    ---
    ```
    in two scenes.

    ## Use instead
    Keep the payoff in the scene that settles it; mark the other scene's mention as a
    reminder (no marker), or give the second promise its own id.
    """
    for pid, entry in ledger(ctx).items():
        if len(entry.payoffs) < 2:
            continue
        ordered = sorted(entry.payoffs, key=lambda s: (s.order, s.line, s.column))
        for site in ordered[1:]:
            yield at_site(ctx, site, pid,
                          f"the promise `{pid}` is paid off again here, after `{ordered[0].scene}`",
                          help="keep one payoff, or give the second promise its own id")
