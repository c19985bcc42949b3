import re
from functools import cache

from novelforge.diagnostics import Severity
from novelforge.rules.registry import rule
from novelforge.text.reference import PRONOUN_GENDER, antecedent, genders
from novelforge.text.speakers import speaker_of

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
_MODS = r"(?:(?:half|step|foster|elder|younger|older|little|big|twin|only|eldest|youngest|dear|beloved)[\s-]+)?"
# after a character: `Bram, Aria's brother`, `Bram, her brother`, `Bram, the brother of Aria`,
# `Bram was the brother of Aria`, `Bram was Aria's brother` (the name after is matched apart)
@cache
def _rx() -> dict[str, re.Pattern[str]]:
    """The wordings after a name, compiled on first use (not at import)."""
    return dict(
        after_poss=re.compile(r"(?i),\s+(?=[^\W\d_])|\s+(?:was|is|had\s+been)\s+(?=[^\W\d_])"),
        after_pron=re.compile(rf"(?i)(?:,\s+|\s+(?:was|is|had\s+been)\s+)(his|her|their)\s+{_MODS}({_WORDS})\b"),
        after_of=re.compile(rf"(?i)(?:,\s+|\s+(?:was|is|had\s+been)\s+)(?:the|a|an)\s+{_MODS}({_WORDS})\s+of\s+"),
        poss_word=re.compile(rf"(?i)['’]s\s+{_MODS}({_WORDS})\b"),
        # before a character: `the brother of Aria, Bram`
        the_of=re.compile(rf"(?i)\bthe\s+{_MODS}({_WORDS})\s+of\s+\Z"),
    )


# the relation a tie has from the other side, by kind (`uncle` ↔ `niece`/`nephew`)
_INVERSE = {"sibling": "sibling", "parent": "child", "child": "parent", "spouse": "spouse", "auncle": "nibling",
            "nibling": "auncle", "grandparent": "grandchild", "grandchild": "grandparent", "cousin": "cousin"}
_WORD_OF = {(kind, g): w for w, (kind, g) in RELATIONS.items()}
_POSSESSIVE_REL = re.compile(rf"(?i)['’]s\s+(?:(?:half|step|foster|elder|younger|older|little|big"
                             rf"|twin)[\s-]+)?({_WORDS})\b,?\s+")


def _kind(text: str) -> tuple[str, str | None] | None:
    """The kind and sex of a canon relation (`elder brother` → sibling, m); `niece or
    nephew` is a nibling of either sex."""
    found = [RELATIONS[w] for w in re.findall(r"[a-z]+", str(text).lower()) if w in RELATIONS]
    if not found:
        return None
    if len({k for k, _g in found}) == 1 and len({g for _k, g in found}) > 1:
        return found[-1][0], None
    return found[-1]


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
    and after a name `Bram, Aria's brother`, `Bram, her brother`, `Bram, the brother of
    Aria`, `Bram was Aria's brother`, and `the brother of Aria, Bram`; works out whose
    relative is meant (the possessor named, or for `his`/`her` the only other character
    in the sentence, else the one the pronoun resolver finds in the sentences before; the
    POV character for `my` in a first-person scene), and compares the word with
    `relationships:` in canon. A tie recorded on one side only is read from the other by
    the canon genders: `aria: {bram: uncle}` makes Aria Bram's niece (`niece or nephew`
    when her gender is unknown), `father` ↔ `son`/`daughter`, `wife` ↔ `husband`.
    Another relation (`father` for a canon `brother`) or the other sex (`sister` for
    `brother`) is reported, and so is a family word for a pair whose canon relation is
    not a family one (`brother` for a canon `secretary`). In quoted speech, `my brother
    Bram` is the speaker's relative (`“My niece Mary will be here,” said Bram`; the
    speaker from said-tags before, after or inverted, beats and pronoun tags), reported as
    a **warning** whatever the rule's severity (a speaker may misspeak or lie), and
    nothing when the speaker is not known. Not read yet: other ties stated in dialogue
    (`“her brother Bram”`, `“Bram is my uncle”`), or across a clause (`Bram, whom Aria had
    always called her brother`).

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
    seen: set[tuple[int, str]] = set()
    claims = [(c, False) for c in _claims(scene, index, masked, ctx)]
    if index.dialogue and "my" in ctx.lower(scene):
        claims += [(c, True) for c in _spoken_claims(index, masked, ctx)]
    for (start, end, owner, target_id, word), spoken in claims:
        if owner is None or owner == target_id or (start, target_id) in seen:
            continue
        canon, where = rels.get((owner, target_id), (None, None))
        if canon is None or not _contradicts(canon, word):
            continue
        seen.add((start, target_id))
        said = f" (in {chars[owner].name}'s speech)" if spoken else ""
        d = ctx.at(scene, start, end,
                   f"{chars[target_id].name} is {chars[owner].name}'s {canon} in canon, not {word.lower()}{said}",
                   entity=target_id,
                   help=f"write `{canon}`, or fix `relationships:` in `{chars[where].path}`")
        yield d.at_most(Severity.WARNING) if spoken else d


def _spoken_claims(index, masked, ctx):
    """(start, end, speaker, relative, word) for `my brother Bram` in quoted speech: the
    speaker's relative (the speaker from novelforge/text/speakers.py; nobody when unknown)."""
    spoken = {m.start: m for m in index.mentions if m.in_dialogue and _char(m)}
    if not spoken:
        return
    book = genders(ctx)
    for m in _FORWARD.finditer(masked, index.dialogue[0].start):
        target = spoken.get(m.end())
        if target is None or m.group(1).lower() != "my":
            continue
        d = index.dialogue_at(m.start())
        if d is None or not d.start <= target.start < d.end:
            continue
        yield m.start(), target.end, speaker_of(masked, index, d, book), _char(target), m.group(2)


def _claims(scene, index, masked, ctx):
    """(start, end, owner, relative, word) for each family word the narration ties to two
    characters: `her brother Bram`, `Aria's sister, Bram` (the word before the name), and
    after it `Bram, Aria's brother`, `Bram, her brother`, `Bram, the brother of Aria`,
    `Bram was Aria's brother`, `the brother of Aria, Bram`."""
    narration = [m for m in index.mentions if not m.in_dialogue and _char(m)]
    starts = {m.start: m for m in narration}
    ends = {m.end: m for m in index.mentions}
    for rx in (_FORWARD, _POSSESSIVE_REL):
        for m in rx.finditer(masked, scene.body_start):
            target = starts.get(m.end())
            if target is None or index.in_dialogue(m.start()):
                continue
            word = m.group(2) if rx is _FORWARD else m.group(1)
            owner = _owner(scene, index, masked, m, rx is _FORWARD, _char(target), ctx)
            begin = m.start() if rx is _FORWARD else getattr(ends.get(m.start()), "start", m.start())
            yield begin, target.end, owner, _char(target), word
    for x in narration:
        target = _char(x)
        if (p := _rx()["after_pron"].match(masked, x.end)):
            owner = _pronoun_owner(masked, index, x.start, p.group(1), target, ctx)
            yield x.start, p.end(), owner, target, p.group(2)
        if (o := _rx()["after_of"].match(masked, x.end)) and (y := starts.get(o.end())):
            yield x.start, y.end, _char(y), target, o.group(1)
        if (a := _rx()["after_poss"].match(masked, x.end)) and (y := starts.get(a.end())):
            if (w := _rx()["poss_word"].match(masked, y.end)):
                yield x.start, w.end(), _char(y), target, w.group(1)
        if (t := _rx()["the_of"].search(masked, max(0, x.start - 40), x.start)):
            after = re.match(r",\s+", masked[x.end:x.end + 3])
            if after and (y := starts.get(x.end + after.end())):
                yield t.start(), y.end, target, _char(y), t.group(1)


def _relationships(ctx) -> dict[tuple[str, str], tuple[str, str]]:
    """(owner, relative) → what the relative is to the owner: canon `relationships:`, and
    each family tie read from the other side by the relative's gender (`aria: {bram:
    uncle}` makes Aria Bram's niece), where canon does not say it itself; with the id of
    the character whose file records it."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for cid, ent in ctx.project.characters.items():
        for other, rel in ent.model.relationships.items():
            if other in ctx.project.characters and str(rel).strip():
                out[(cid, other)] = (str(rel), cid)
    book = genders(ctx)
    for (owner, relative), (rel, _where) in list(out.items()):
        kind = _kind(rel)
        if (relative, owner) in out or kind is None:
            continue
        g = {"he": "m", "she": "f"}.get(book.get(owner) or "")
        inverse = _INVERSE[kind[0]]
        word = _WORD_OF.get((inverse, g)) or _WORD_OF.get((inverse, None)) or \
            " or ".join(w for (k, _g), w in sorted(_WORD_OF.items(), key=str) if k == inverse)
        out[(relative, owner)] = (word, owner)
    return out


def _char(mention) -> str | None:
    ids = [i for k, i in mention.entities if k == "characters"]
    return ids[0] if len(ids) == 1 else None


def _owner(scene, index, masked, m, pronoun: bool, target_id: str, ctx) -> str | None:
    if not pronoun:
        before = [x for x in index.mentions if x.end == m.start()]
        return _char(before[0]) if before else None
    word = m.group(1).lower()
    if word == "my":
        return scene.meta.pov if index.first_person else None
    return _pronoun_owner(masked, index, m.start(), word, target_id, ctx)


def _pronoun_owner(masked, index, at: int, word: str, target_id: str, ctx) -> str | None:
    """Whose relative `his`/`her` means: the only other character in the sentence, else
    the one the pronoun resolver finds (never the relative named)."""
    sentence = index.unit_at(at, "sentence")
    if sentence is None:
        return None
    others = {_char(x) for x in index.mentions
              if sentence[0] <= x.start < sentence[1] and not x.in_dialogue and _char(x) and _char(x) != target_id}
    if len(others) == 1:
        return others.pop()
    if others:
        return None
    found = antecedent(masked, index, at, PRONOUN_GENDER.get(word.lower(), ""), genders(ctx))
    return found if found != target_id else None
