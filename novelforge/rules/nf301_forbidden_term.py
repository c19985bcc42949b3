from novelforge.rules.contracts_common import (
    RunawayPattern,
    because,
    compiled,
    contracts_of,
    matches,
    scene_in_scope,
    term_of,
    terms_regex,
)
from novelforge.rules.registry import rule


@rule("NF301", "forbidden-term", "error", "scene", reads=("prose", "front-matter", "structure", "contracts:forbid"))
def check(scene, index, ctx):
    """The prose uses a term that a `forbid` contract bans.

    ## What it does
    For every `forbid` contract, finds its `terms` (whole words or phrases, any case by
    default) with their regular English forms — a contract forbidding `motor` also
    finds `motors`, `motored` and `motoring`, one forbidding `telephone` finds
    `telephoned` (Vale's substitution rules do the same); `exact: true` matches the terms
    only as written. Irregular forms (`drove` for `drive`) are not derived: list them. It
    also finds the contract's `patterns` (regular expressions) in the prose of the scenes, scope
    (`all`, `narration`, `dialogue`), speakers, POV characters, scene range and chapters
    the contract names. The finding's severity is the contract's `severity`.

    ## Why is this bad
    Anachronisms and banned words break the reader's trust in the world: a musket in a
    world without gunpowder, "okay" at a medieval court.

    ## Example
    ```yaml
    # contracts/world.yaml
    no-gunpowder:
      type: forbid
      terms: [gunpowder, musket, pistol]
      message: The Ember world has no gunpowder
    ```
    ```markdown
    The guard raised his musket.
    ```

    ## Use instead
    ```markdown
    The guard raised his crossbow.
    ```
    """
    if not index.words:
        return
    for cid, c in contracts_of(ctx, "forbid"):
        if not scene_in_scope(c, scene, ctx):
            continue
        regexes = []
        if c.terms:
            regexes.append(ctx.memo(("terms", cid),
                                    lambda c=c: terms_regex(c.terms, c.ignore_case, inflect=not c.exact)))
        regexes += [compiled(ctx, cid, p, c.ignore_case, ("patterns", i)) for i, p in enumerate(c.patterns)]
        for rx in regexes:
            try:
                found = list(matches(c, rx, scene, index, ctx))
            except RunawayPattern as exc:
                stop = exc.finding(ctx, scene)
                found = []
                if stop is not None:
                    yield stop
            for m in found:
                base = term_of(c.terms, m.group(0), c.ignore_case) if rx is regexes[0] and c.terms else None
                form = f" (a form of `{base}`)" if base else ""
                d = ctx.at(scene, m.start(), m.end(), f"`{m.group(0)}` is forbidden{form}{because(c, cid)}",
                           contract=cid, help=c.help or "rewrite the passage without it")
                yield d.with_severity(c.severity)
