from novelforge.project.loader import suggest
from novelforge.rules.promise_sites import at_site, ledger
from novelforge.rules.registry import rule


@rule("NF507", "unknown-promise-id", "error", "project", reads=("promises", "structure"))
def check(ctx):
    """A setup or payoff names a promise id that is not declared.

    ## What it does
    When the project declares promises (`canon/promises/*.yaml` or `promises.yaml`),
    checks every id in `setups:`/`payoffs:` and in `<!-- setup: id -->` /
    `<!-- payoff: id -->` markers against them and suggests the closest one. A project
    that declares no promises is not checked.

    ## Why is this bad
    A misspelled id silently starts a second, undeclared promise: the real one looks
    unpaid, and the typo looks like a payoff without a setup.

    ## Example
    ```markdown
    ---
    payoffs: [corvane-keys]
    ---
    ```
    (the declared promise is `corvane-key`)

    ## Use instead
    ```markdown
    ---
    payoffs: [corvane-key]
    ---
    ```
    """
    declared = sorted(ctx.project.promises)
    if not declared:
        return
    for pid, entry in ledger(ctx).items():
        if entry.declared:
            continue
        hint = suggest(pid, declared)
        for site in sorted(entry.setups + entry.payoffs, key=lambda s: (s.path, s.line, s.column)):
            yield at_site(ctx, site, pid,
                          f"`{pid}` is not a declared promise" + (f" — did you mean `{hint}`?" if hint else ""),
                          help="promises are declared in `canon/promises/<id>.yaml` or `promises.yaml`")
