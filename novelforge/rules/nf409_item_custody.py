import re

from novelforge.diagnostics import Severity
from novelforge.rules.contracts_common import terms_regex
from novelforge.rules.registry import rule

_USE = re.compile(r"(?i)\b(?:drew|draws|held|holds|raised|raises|wielded|wields|carried|carries|wore|wears|"
                  r"lifted|lifts|swung|swings|gripped|grips|clutched|clutches|used|uses|opened|opens|"
                  r"unlocked|unlocks|brandished|brandishes|sheathed|sheathes|pocketed|handed|hands|"
                  r"turned|turns|put\s+on|took\s+out|pulled\s+out|slid|laid|lays|let|lets|locked|locks|"
                  r"placed|places|put|puts|set\s+down|dropped|drops|threw|throws|hid|hides|showed|shows|"
                  r"gave|gives|offered|offers|passed|passes|slipped|slips|tucked|tucks|thrust|thrusts|"
                  r"pressed|presses|buckled|buckles|polished|polishes|sharpened|sharpens|"
                  # there to be seen or in a hand: `the key lay on the table`, `looked at his key`
                  r"lay|lies|looked\s+at|looks\s+at|examined|examines|studied|studies|"
                  r"in\s+(?:his|her|their|[A-Z][\w.]*['’]s)\s+hands?)\b")

# a request in speech for the item, right before it: `Bring me the key`, `hand him your
# sword`, `Let me have the quadrant once more`
_REQUEST = re.compile(r"(?i)(?<![\w’'])(?:(?:bring|give|hand|pass|fetch|lend|throw|toss|show)\s+(?:me|us|him|her|them)"
                      r"|let\s+(?:me|us)\s+(?:have|see|use|hold|take|borrow)|fetch|get\s+me)"
                      r"(?:\s+back)?\s+(?:(?:the|my|your|his|her|our|their|that|this)\s+)?\Z")


def custody(ctx):
    """item id → list over scenes (by index) of the state during that scene: a set of
    character ids who may hold it, or "lost"/"destroyed" strings."""
    items = ctx.project.canon.get("items", {})
    states: dict[str, dict[int, object]] = {}
    for iid, ent in items.items():
        holder = ent.model.holder
        current: object = {holder} if holder else set()
        per_scene: dict[int, object] = {}
        for scene in ctx.project.scenes:
            during = current
            for t in scene.meta.transfers:
                if t.item != iid:
                    continue
                before = current if isinstance(current, set) else set()
                if t.destroyed:
                    current = "destroyed"
                elif t.to:
                    current = {t.to}
                else:
                    current = "lost"
                after = current if isinstance(current, set) else set()
                during = before | after  # either may handle it while it changes hands
            per_scene[scene.index] = during
        states[iid] = per_scene
    return states


@rule("NF409", "item-custody", "error", "scene", reads=("prose", "front-matter", "structure", "cast", "canon"))
def check(scene, index, ctx):
    """A character uses an item they do not hold, or an item is used after it was lost or destroyed.

    ## What it does
    Follows every item in `canon/items/` from its `holder:` through the `transfers:` in
    scene front matter (`{item: dawnbreaker, to: bram}`, `{item: the-crown, destroyed:
    true}`, or no `to` for lost). In the narration, a sentence that mentions the item
    with a verb of use (`drew`, `held`, `wore`, `unlocked`…), of looking at it (`looked
    at`, `examined`), of its lying somewhere (`lay`) or with the item in a hand (`in his
    hand`) is checked: the item must
    still exist, and the character using it — the one named with a possessive (`Bram's
    Dawnbreaker`) or the only character named in the sentence — must hold it. In the
    scene of a transfer both the giver and the receiver may handle it. A `transfers`
    entry naming an unknown item is reported too. In dialogue, an item asked for right
    before it is named (`“Bring me the key”`, `“Hand him your sword”`, `“Let me have the
    quadrant once more”`) after it was lost or destroyed is reported as a **warning**
    whatever the rule's severity (the speaker may not know; suppress the line then); other
    talk of it (`“Where is the key?”`, `“I lost the key”`) is not. Not read yet: a
    possessive alone (`his key`) with no verb of use.

    ## Why is this bad
    The sword that is in two hands at once, the key used after it fell in the river:
    props are continuity too, and readers track the important ones closely.

    ## Example
    ```markdown
    Aria drew Dawnbreaker and stepped into the hall.
    ```
    (canon: `dawnbreaker` has `holder: bram`, and no scene transfers it)

    ## Use instead
    ```markdown
    Bram drew Dawnbreaker and stepped into the hall.
    ```
    """
    items = ctx.project.canon.get("items", {})
    for i, t in enumerate(scene.meta.transfers):
        if t.item not in items:
            yield ctx.at_meta(scene, ("transfers", i, "item"),
                              f"`transfers` names `{t.item}`, which is not an item in canon/items/",
                              entity=t.item, help="fix the id, or add the item to canon/items/")
    if not index.words or not items or scene.meta.flashback:
        return
    states = ctx.memo("custody", lambda: custody(ctx))
    # item names are often lower case (`the iron key`), which the name index does not
    # track: find them here, any case
    finders = ctx.memo("item-finders", lambda: {iid: terms_regex(e.names, True) for iid, e in items.items() if e.names})
    masked, lower = ctx.masked(scene), ctx.lower(scene)
    chars = ctx.project.characters
    for iid, finder in finders.items():
        for m in finder.finditer(masked, lower, scene.body_start):
            if index.in_dialogue(m.start()):
                state = states.get(iid, {}).get(scene.index)
                if isinstance(state, str) and _REQUEST.search(masked, max(scene.body_start, m.start() - 40), m.start()):
                    # `“Bring me the quadrant”`: asked for as if it were still there
                    yield ctx.at(scene, m.start(), m.end(), f"`{m.group(0)}` is asked for here but was {state} earlier",
                                 entity=iid, help=f"remove the request, or change the `transfers` that left "
                                                  f"{items[iid].name} {state}").at_most(Severity.WARNING)
                continue
            sentence = index.unit_at(m.start(), "sentence")
            if sentence is None:
                continue
            verb = _USE.search(masked, *sentence)
            if verb is None:
                continue
            state = states.get(iid, {}).get(scene.index)
            name = items[iid].name
            if isinstance(state, str):
                yield ctx.at(scene, m.start(), m.end(),
                             f"`{m.group(0)}` is used here but was {state} earlier", entity=iid,
                             help=f"remove the use, or change the `transfers` that left {name} {state}")
                continue
            user = _user(index, masked, m.start(), sentence, verb)
            if user is None or not state or user in state:
                continue
            holders = " or ".join(chars[h].name if h in chars else h for h in sorted(state))
            yield ctx.at(scene, m.start(), m.end(),
                         f"{chars[user].name if user in chars else user} uses `{m.group(0)}`, which {holders} holds",
                         entity=iid, help=f"add `transfers: [{{item: {iid}, to: {user}}}]` where it changes hands")


def _user(index, masked: str, at: int, sentence, verb) -> str | None:
    """Who uses the item: `Bram's Dawnbreaker` → bram; else the character named right
    before the verb (`Aria drew`); else the only character named in the sentence."""
    people = [x for x in index.mentions if sentence[0] <= x.start < sentence[1] and not x.in_dialogue
              and len(x.entities) == 1 and x.entities[0][0] == "characters"]
    for p in people:
        gap = masked[p.end:at]
        if gap.startswith(("'s ", "’s ")) and len(gap) <= 4:
            return p.entities[0][1]
    for p in people:
        between = masked[p.end:verb.start()]
        if p.end <= verb.start() and re.fullmatch(r"\s+(?:[a-z]+ly\s+)?", between):
            return p.entities[0][1]
    ids = {p.entities[0][1] for p in people}
    return ids.pop() if len(ids) == 1 else None
