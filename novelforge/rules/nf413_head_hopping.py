import re

from novelforge.rules.registry import rule
from novelforge.text.lexicon import INNER_LIFE_VERBS

_THOUGHT = re.compile(r"[ \t]+(?:[a-z]+ly[ \t]+)?(" + "|".join(INNER_LIFE_VERBS) + r")\b")


@rule("NF413", "head-hopping", "warning", "scene", reads=("prose", "front-matter", "canon:characters"))
def check(scene, index, ctx):
    """The narration of a limited third-person scene reports another character's thoughts.

    ## What it does
    In a scene with a `pov` character told in the third person, finds narration in which
    another named character is the subject of a verb of inner life — `thought`,
    `wondered`, `realised`, `feared`, `knew`, `felt`… (`Bram wondered whether she knew`) —
    and reports the first such sentence for each character.

    ## Why is this bad
    In close third person the reader lives in one head per scene; slipping into another's
    ("head-hopping") blurs whose story it is. It is a warning: omniscient narration does
    this on purpose (ignore the rule for such a book).

    ## Example
    ```markdown
    Aria watched the gate. Bram wondered whether she had seen the riders.
    ```
    (`pov: aria`)

    ## Use instead
    ```markdown
    Aria watched the gate. Bram looked as if he wondered whether she had seen the riders.
    ```
    """
    pov = scene.meta.pov
    if not pov or not index.words or index.first_person or scene.meta.pov_mode == "first":
        return
    masked = ctx.masked(scene)
    chars = ctx.project.characters
    reported = set()
    for m in index.mentions:
        if m.in_dialogue or len(m.entities) != 1 or m.entities[0][0] != "characters":
            continue
        cid = m.entities[0][1]
        if cid == pov or cid in reported:
            continue
        tm = _THOUGHT.match(masked, m.end)
        if tm is None:
            continue
        reported.add(cid)
        name = chars[cid].name if cid in chars else cid
        pov_name = chars[pov].name if pov in chars else pov
        yield ctx.at(scene, m.start, tm.end(),
                     f"the narration tells what {name} {tm.group(1)} in a scene told from {pov_name}'s point of view",
                     entity=cid, help=f"show it through what {pov_name} sees, or move it to a {name} scene")
