from collections import Counter

from novelforge.rules.contracts_common import because, contracts_of, matches, scene_in_scope, terms_regex
from novelforge.rules.registry import rule


@rule("NF303", "inconsistent-variant", "warning", "project",
      reads=("book", "front-matter", "structure", "contracts:consistency"))
def check(ctx):
    """The book uses both variants of a pair that a `consistency` contract says to keep to one.

    ## What it does
    For every `consistency` contract, counts each variant of each pair in `either`
    (`grey: gray`) across the whole book, and reports every use of the variant used less
    often (on a tie, the right-hand one), saying which one the book mostly uses.

    ## Why is this bad
    Mixed spellings (grey and gray, Ashvale and Ash Vale) look like mistakes to readers
    and copy-editors, and an editor's first pass spends its time on them.

    ## Example
    ```yaml
    spelling:
      type: consistency
      either: {grey: gray}
    ```
    ```markdown
    Her grey cloak. … His gray beard.
    ```

    ## Use instead
    ```markdown
    Her grey cloak. … His grey beard.
    ```
    """
    for cid, c in contracts_of(ctx, "consistency"):
        for left, right in c.either.items():
            found: dict[str, list] = {left: [], right: []}
            rx = ctx.memo(("either", cid, left), lambda c=c, a=left, b=right: terms_regex([a, b], c.ignore_case))
            for scene in ctx.project.scenes:
                if not scene.readable or not scene_in_scope(c, scene, ctx):
                    continue
                # only a scene the terms occur in needs analysing (for dialogue and speakers)
                if next(rx.finditer(ctx.masked(scene), ctx.lower(scene), scene.body_start), None) is None:
                    continue
                idx = ctx.session.index(scene)
                if idx is None or not idx.words:
                    continue
                for m in matches(c, rx, scene, idx, ctx):
                    word = m.group(0)
                    key = left if word.lower() == left.lower() or (not c.ignore_case and word == left) else right
                    found[key].append((scene, m))
            if not found[left] or not found[right]:
                continue
            counts = Counter({k: len(v) for k, v in found.items()})
            keep = left if counts[left] >= counts[right] else right
            drop = right if keep == left else left
            for scene, m in found[drop]:
                d = ctx.at(scene, m.start(), m.end(),
                           f"`{m.group(0)}` and `{keep}` are both used; the book mostly uses `{keep}`"
                           f" ({counts[keep]} to {counts[drop]}){because(c, cid) if c.message else ''}",
                           contract=cid, help=c.help or f"write `{keep}`")
                yield d.with_severity(c.severity)
