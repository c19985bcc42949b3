import re

from novelforge.rules.registry import rule

# relation word → (kind, gender); a contradiction is another kind, or the same kind with
# the other gender (`sister` for a canon `brother`)
RELATIONS = {
    "brother": ("sibling", "m"), "sister": ("sibling", "f"), "sibling": ("sibling", None),
    "father": ("parent", "m"), "mother": ("parent", "f"), "parent": ("parent", None),
    "son": ("child", "m"), "daughter": ("child", "f"), "child": ("child", None),
    "husband": ("spouse", "m"), "wife": ("spouse", "f"), "spouse": ("spouse", None),
    "uncle": ("auncle", "m"), "aunt": ("auncle", "f"),
    "nephew": ("nibling", "m"), "niece": ("nibling", "f"),
    "grandfather": ("grandparent", "m"), "grandmother": ("grandparent", "f"),
    "grandson": ("grandchild", "m"), "granddaughter": ("grandchild", "f"),
    "cousin": ("cousin", None),
}
_WORDS = "|".join(sorted(RELATIONS, key=len, reverse=True))
# `her brother Bram`, `Aria's sister, Bram`, `Bram, her brother`
_FORWARD = re.compile(rf"(?i)\b(his|her|their"
                      rf"|my)\s+(?:(?:half|step|foster|elder|younger|older|little|big|twin)[\s-]+)?({_WORDS})\b,?\s+")
_POSSESSIVE_REL = re.compile(rf"(?i)['’]s\s+(?:(?:half|step|foster|elder|younger|older|little|big"
                             rf"|twin)[\s-]+)?({_WORDS})\b,?\s+")


def _kind(text: str) -> tuple[str, str | None] | None:
    words = re.findall(r"[a-z]+", str(text).lower())
    for w in reversed(words):
        if w in RELATIONS:
            return RELATIONS[w]
    return None


def _contradicts(canon: str, written: str) -> bool:
    a, b = _kind(canon), RELATIONS.get(written.lower())
    if b is None:
        return False
    if a is None:
        return True  # canon says `secretary`, the prose says `brother`
    if a[0] != b[0]:
        return True
    return a[1] is not None and b[1] is not None and a[1] != b[1]


@rule("NF408", "relationship-contradiction", "error", "scene", reads=("prose", "front-matter", "canon:characters"))
def check(scene, index, ctx):
    """The narration names a family relationship between two characters that canon contradicts.

    ## What it does
    Finds `her brother Bram`, `Aria's sister, Bram` and `my father Oswin` in the narration,
    works out whose relative is meant (the possessor named just before, or the only other
    character in the sentence for `his`/`her`, or the POV character for `my` in a
    first-person scene), and compares the word with `relationships:` in canon (read in
    both directions). Another relation (`father` for a canon `brother`) or the other sex
    (`sister` for `brother`) is reported, and so is a family word for a pair whose canon
    relation is not a family one (`brother` for a canon `secretary`).

    ## Why is this bad
    Family ties are the backbone of a saga; a brother who becomes a cousin in book two is
    the kind of error readers write in about.

    ## Example
    ```markdown
    Aria waited at the gate for her sister Bram.
    ```
    (canon: `aria` has `relationships: {bram: brother}`)

    ## Use instead
    ```markdown
    Aria waited at the gate for her brother Bram.
    ```
    """
    if not index.words or not index.mentions:
        return
    rels = ctx.memo("relationships", lambda: _relationships(ctx))
    if not rels:
        return
    masked = ctx.masked(scene)
    chars = ctx.project.characters
    starts = {m.start: m for m in index.mentions if not m.in_dialogue}
    ends = {m.end: m.start for m in index.mentions}
    for rx in (_FORWARD, _POSSESSIVE_REL):
        for m in rx.finditer(masked, scene.body_start):
            target = starts.get(m.end())
            if target is None or index.in_dialogue(m.start()):
                continue
            target_id = _char(target)
            if target_id is None:
                continue
            word = m.group(2) if rx is _FORWARD else m.group(1)
            owner = _owner(scene, index, masked, m, rx is _FORWARD, target_id)
            if owner is None or owner == target_id:
                continue
            canon = rels.get((owner, target_id))
            if canon is None or not _contradicts(canon, word):
                continue
            start = m.start() if rx is _FORWARD else ends.get(m.start(), m.start())
            yield ctx.at(scene, start, target.end,
                         f"{chars[target_id].name} is {chars[owner].name}'s {canon} in canon, not {word.lower()}",
                         entity=target_id,
                         help=f"write `{canon}`, or fix `relationships:` in `{chars[owner].path}`")


def _relationships(ctx) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for cid, ent in ctx.project.characters.items():
        for other, rel in ent.model.relationships.items():
            if other in ctx.project.characters and str(rel).strip():
                out[(cid, other)] = str(rel)
    return out


def _char(mention) -> str | None:
    ids = [i for k, i in mention.entities if k == "characters"]
    return ids[0] if len(ids) == 1 else None


def _owner(scene, index, masked, m, pronoun: bool, target_id: str) -> str | None:
    if not pronoun:
        before = [x for x in index.mentions if x.end == m.start()]
        return _char(before[0]) if before else None
    word = m.group(1).lower()
    if word == "my":
        return scene.meta.pov if index.first_person else None
    sentence = index.unit_at(m.start(), "sentence")
    if sentence is None:
        return None
    others = {_char(x) for x in index.mentions
              if sentence[0] <= x.start < sentence[1] and not x.in_dialogue and _char(x) and _char(x) != target_id}
    return others.pop() if len(others) == 1 else None
