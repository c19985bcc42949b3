import re

from novelforge.rules.contracts_common import RunawayPattern, because, compiled, contracts_of, matches, scene_in_scope
from novelforge.rules.registry import rule


def readable(pattern: str) -> str:
    """`\\b(blood|bled)\\b` → `blood` or `bled`; other patterns are shown as written."""
    simple = re.sub(r"\\b|\(\?[aiLmsux]+\)|\?:", "", pattern).strip()
    while simple.startswith("(") and simple.endswith(")") and simple.count("(") == 1:
        simple = simple[1:-1]
    if re.fullmatch(r"[\w' -]+(?:\|[\w' -]+)*", simple):
        words = [f"`{w.strip()}`" for w in simple.split("|")]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"`{pattern}`"


@rule("NF304", "missing-required-context", "error", "scene",
      reads=("prose", "front-matter", "structure", "contracts:require-with"))
def check(scene, index, ctx):
    """Something a `require-with` contract ties to a condition appears without it.

    ## What it does
    For every `require-with` contract, finds each match of `if` in the prose and checks
    that `then` matches within the same sentence, paragraph or scene (`within`). Reports
    the `if` match when it does not.

    ## Why is this bad
    Magic systems and rules of the world are promises to the reader: if every spell costs
    blood, a spell cast for free is a plot hole.

    ## Example
    ```yaml
    blood-price:
      type: require-with
      if: '\\b(cast|spell)\\b'
      then: '\\b(blood|bled)\\b'
      within: paragraph
    ```
    ```markdown
    She cast the spell and the door swung open.
    ```

    ## Use instead
    ```markdown
    She cut her palm and cast the spell; the door drank the blood and swung open.
    ```
    """
    if not index.words:
        return
    for cid, c in contracts_of(ctx, "require-with"):
        if not scene_in_scope(c, scene, ctx):
            continue
        masked, lower = ctx.masked(scene), ctx.lower(scene)
        trigger = compiled(ctx, cid, c.if_, c.ignore_case, ("if",))
        needed = compiled(ctx, cid, c.then, c.ignore_case, ("then",))
        try:
            found = list(_missing(c, cid, trigger, needed, scene, index, ctx, masked, lower))
        except RunawayPattern as exc:
            found = [d for d in [exc.finding(ctx, scene)] if d is not None]
        yield from found


def _missing(c, cid, trigger, needed, scene, index, ctx, masked, lower):
    """The findings of one `require-with` contract on one scene."""
    scene_has = None
    reported: set[tuple[int, int]] = set()
    for m in matches(c, trigger, scene, index, ctx):
        if c.within == "scene":
            if scene_has is None:
                scene_has = needed.search(masked, lower, scene.body_start) is not None
            ok = scene_has
            unit = (scene.body_start, len(masked))
        else:
            unit = index.unit_at(m.start(), c.within) or (m.start(), m.end())
            ok = needed.search(masked, lower, *unit) is not None
        if not ok and unit not in reported:  # one finding per sentence, paragraph or scene
            reported.add(unit)
            d = ctx.at(scene, m.start(), m.end(),
                       f"`{m.group(0)}` without {readable(c.then)} in the same {c.within}{because(c, cid)}",
                       contract=cid, help=c.help or f"add what the contract requires to this {c.within}")
            yield d.with_severity(c.severity)
