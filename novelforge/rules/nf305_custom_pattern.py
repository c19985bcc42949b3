from novelforge.rules.contracts_common import RunawayPattern, compiled, contracts_of, matches, scene_in_scope
from novelforge.rules.registry import rule


def _format(template: str, m) -> str:
    groups = [m.group(0), *[(g or "") for g in m.groups()]]
    try:
        return template.format(*groups, **{k: (v or "") for k, v in m.groupdict().items()})
    except (IndexError, KeyError, ValueError):
        return template


@rule("NF305", "custom-pattern", "warning", "scene", reads=("prose", "front-matter", "structure", "contracts:pattern"))
def check(scene, index, ctx):
    """The prose matches a `pattern` contract: a rule the author wrote as a regular expression.

    ## What it does
    For every `pattern` contract, reports each match of `pattern` in its scope with the
    contract's `message`, where `{0}` is the whole match and `{1}`, `{2}`… (or
    `{name}`) its groups. The severity is the contract's.

    ## Why is this bad
    Every book has its own tics and house rules that no built-in rule knows: modern
    words at court, a character's catchphrase used by someone else, "suddenly".

    ## Example
    ```yaml
    court-speech:
      type: pattern
      pattern: '(?i)\\b(o\\.?k\\.?|okay)\\b'
      scope: dialogue
      message: "`{0}` is too modern for the court"
    ```
    ```markdown
    "Okay," said the queen.
    ```

    ## Use instead
    ```markdown
    "Very well," said the queen.
    ```
    """
    if not index.words:
        return
    for cid, c in contracts_of(ctx, "pattern"):
        if not scene_in_scope(c, scene, ctx):
            continue
        rx = compiled(ctx, cid, c.pattern, c.ignore_case)
        try:
            found = list(matches(c, rx, scene, index, ctx))
        except RunawayPattern as exc:
            stop = exc.finding(ctx, scene)
            if stop is not None:
                yield stop
            continue
        for m in found:
            message = _format(c.message, m) if c.message else f"`{m.group(0)}` matches contract `{cid}`"
            d = ctx.at(scene, m.start(), m.end(), message, contract=cid, help=c.help)
            yield d.with_severity(c.severity)
