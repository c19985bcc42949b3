import re

from novelforge.rules.contracts_common import WORD_EDGE_AFTER, WORD_EDGE_BEFORE, because, contracts_of, matches, scene_in_scope
from novelforge.rules.registry import rule


@rule("NF302", "avoided-term", "warning", "scene")
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
    masked = None
    for cid, c in contracts_of(ctx, "prefer"):
        if not c.replace or not scene_in_scope(c, scene, ctx):
            continue

        def build(c=c):
            flags = re.IGNORECASE if c.ignore_case else 0
            parts = [re.escape(k).replace(r"\ ", r"\s+") for k in sorted(c.replace, key=len, reverse=True)]
            return re.compile(WORD_EDGE_BEFORE + "(?:" + "|".join(parts) + ")" + WORD_EDGE_AFTER, flags)

        rx = ctx.memo(("prefer", cid), build)
        lookup = {(k.lower() if c.ignore_case else " ".join(k.split())): v for k, v in c.replace.items()}
        masked = masked if masked is not None else ctx.masked(scene)
        for m in matches(c, rx, scene, index, masked):
            found = " ".join(m.group(0).split())
            better = lookup.get(found.lower() if c.ignore_case else found, "")
            d = ctx.at("NF302", scene, m.start(), m.end(), f"`{found}` should be `{better}`{because(c, cid)}",
                       contract=cid, help=c.help or f"write `{better}`")
            yield d.with_severity(c.severity)
