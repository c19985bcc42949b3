from novelforge.diagnostics import Severity
from novelforge.rules.promise_sites import at_site, ledger
from novelforge.rules.registry import rule


@rule("NF501", "unpaid-promise", "warning", "project", reads=("promises", "structure"))
def check(ctx):
    """A promise is planted but never paid off.

    ## What it does
    Reports every promise with a setup (`setups:` in front matter or a
    `<!-- setup: id -->` marker) and no payoff anywhere in the book, at its first setup.
    It is a warning while the book is in progress and an error once the project's
    `status` in `novelforge.yaml` is `final`.

    ## Why is this bad
    A promise is a debt to the reader: the locked door must open, the question must be
    answered. A finished book that leaves one unpaid reads as forgotten, not as mystery.

    ## Example
    ```markdown
    ---
    setups: [locked-door]
    ---
    The east door was locked, and nobody would say why.
    ```
    (no scene has `payoffs: [locked-door]`)

    ## Use instead
    ```markdown
    ---
    payoffs: [locked-door]
    ---
    Behind the east door was the queen's forge, cold for twenty years.
    ```
    """
    final = ctx.project.config.status == "final"
    for pid, entry in ledger(ctx).items():
        if entry.setups and not entry.payoffs:
            site = min(entry.setups, key=lambda s: (s.order, s.line))
            d = at_site(ctx, site, pid, f"the promise `{pid}` is planted here but never paid off",
                        help=f"pay it off in a later scene (`payoffs: [{pid}]` or `<!-- payoff: {pid} -->`), "
                             "or cut the setup")
            yield d.with_severity(Severity.ERROR) if final else d
