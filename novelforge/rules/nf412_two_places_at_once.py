from novelforge.rules.nf411_travel_too_fast import appearances
from novelforge.rules.registry import rule


@rule("NF412", "two-places-at-once", "error", "project", reads=("timeline", "cast", "canon:characters"))
def check(ctx):
    """A character is in two scenes at the same story time in different locations.

    ## What it does
    Reports a character listed (in `characters` or as `pov`) in two scenes whose `when`
    is the same moment and whose `location` differs. Flashbacks are skipped.

    ## Why is this bad
    Parallel storylines are drafted separately; when they are interleaved, a character
    needed in both ends up in both.

    ## Example
    ```yaml
    # scene A: when: 402-03-20 09:00, location: emberfall, characters: [aria, bram]
    # scene B: when: 402-03-20 09:00, location: greywood,  characters: [bram]
    ```

    ## Use instead
    Take Bram out of one cast, or move one scene in time.
    """
    chars = ctx.project.characters
    for cid, seen in sorted(ctx.memo("appearances", lambda: appearances(ctx)).items()):
        for (t1, s1), (t2, s2) in zip(seen, seen[1:]):
            if t1 == t2 and s1.meta.location != s2.meta.location:
                name = chars[cid].name if cid in chars else cid
                later = s2 if s2.index > s1.index else s1
                other = s1 if later is s2 else s2
                key = ("characters", later.meta.characters.index(cid)) if cid in later.meta.characters else ("pov",)
                yield ctx.at_meta(later, key,
                                  f"{name} is in `{later.meta.location}` here and in `{other.meta.location}` "
                                  f"(`{other.id}`) at the same time (`{later.meta.when}`)",
                                  entity=cid, help="remove the character from one of the scenes, or change a `when`")
