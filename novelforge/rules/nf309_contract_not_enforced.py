from novelforge.contracts.models import ENFORCED
from novelforge.rules.registry import rule


@rule("NF309", "contract-not-enforced", "info", "project")
def check(ctx):
    """A contract of a type whose check has not landed yet is loaded but not enforced.

    ## What it does
    Reports contracts of the types `attribute`, `lifecycle`, `knowledge`, `order` and
    `travel`: their files are validated, but this version of NovelForge does not yet check
    the prose against them.

    ## Why is this bad
    A rule that silently does nothing is worse than no rule: the author believes the
    manuscript is checked when it is not.

    ## Example
    ```yaml
    aria-eyes:
      type: attribute
      entity: aria
      facts: {eyes: grey}
    ```

    ## Use instead
    Keep the contract (it will be enforced when its check lands), or select the rule off
    with `ignore: [NF309]` once you know.
    """
    for cid, c in sorted(ctx.project.contracts.items()):
        if c.type in ENFORCED:
            continue
        doc = ctx.project.contract_docs.get(cid)
        local = cid.split(".", 1)[1]
        line, col = doc.position((local,), key=True) if doc is not None else (1, 1)
        path = doc.path if doc is not None else "contracts"
        yield ctx.at_file("NF309", path, line, col,
                          f"contract `{cid}` (`type: {c.type}`) is not enforced by this version of NovelForge",
                          contract=cid, help="it is validated and kept; the check for its type lands in a later version")
