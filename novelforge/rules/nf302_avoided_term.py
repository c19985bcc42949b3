from novelforge.rules.contracts_common import because, contracts_of, matches, scene_in_scope, terms_regex
from novelforge.rules.registry import rule


@rule("NF302", "avoided-term", "warning", "scene", reads=("prose", "front-matter", "structure", "contracts:prefer"))
def check(scene, index, ctx):
    """The prose uses a form that a `prefer` contract replaces with another.

    ## What it does
    For every `prefer` contract, finds each avoided form (a key of `replace`, as a whole
    word or phrase, case-sensitive unless `ignore_case: true`) and reports it with the
    preferred form, in the contract's scope.

    ## Why is this bad
    Titles, names and house spellings drift over a long draft: Bram is knighted in
    chapter 3 and still called "Lord Bram" in chapter 20.

    ## Example
    ```yaml
    titles:
      type: prefer
      replace: {"Lord Bram": "Sir Bram"}
    ```
    ```markdown
    Lord Bram bowed to the queen.
    ```

    ## Use instead
    ```markdown
    Sir Bram bowed to the queen.
    ```
    """
    if not index.words:
        return
    for cid, c in contracts_of(ctx, "prefer"):
        if not c.replace or not scene_in_scope(c, scene, ctx):
            continue

        rx = ctx.memo(("prefer", cid), lambda c=c: terms_regex(list(c.replace), c.ignore_case))
        lookup = {(k.lower() if c.ignore_case else " ".join(k.split())): v for k, v in c.replace.items()}
        for m in matches(c, rx, scene, index, ctx):
            found = " ".join(m.group(0).split())
            better = lookup.get(found.lower() if c.ignore_case else found, "")
            d = ctx.at(scene, m.start(), m.end(), f"`{found}` should be `{better}`{because(c, cid)}",
                       contract=cid, help=c.help or f"write `{better}`")
            yield d.with_severity(c.severity)
