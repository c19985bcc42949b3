import re
from collections import Counter

from novelforge.rules.registry import rule, world_feature
from novelforge.text.attributes import BODY, attribute_key, colour_words, compatible, description_regex


def _facts(ctx) -> dict[str, dict[str, str]]:
    """character id → {body attribute → canon value} for the attributes prose can describe:
    canon `attributes`, then `attribute` contracts (which win)."""
    out: dict[str, dict[str, str]] = {}
    sources = [(cid, ent.model.attributes) for cid, ent in ctx.project.characters.items()]
    sources += [(c.entity, c.facts) for _cid, c in sorted(ctx.project.contracts.items()) if c.type == "attribute"]
    for cid, attributes in sources:
        if cid not in ctx.project.characters:
            continue
        for key, value in attributes.items():
            k = attribute_key(str(key))
            if k and isinstance(value, (str, int, float)) and colour_words(str(value)):
                out.setdefault(cid, {})[k] = str(value)
            elif str(key).lower() in _HAND_KEYS and _side(str(value)):
                out.setdefault(cid, {})["hand"] = _side(str(value))
            elif str(key).lower() == "height" and _stature(str(value)):
                out.setdefault(cid, {})["height"] = _stature(str(value))
    return out


_HAND_KEYS = frozenset({"handedness", "hand", "handed", "dominant_hand", "dominant-hand"})
_HANDED = re.compile(r"(?i)\b(left|right)[- ]handed\b")
_TALL = frozenset({"tall", "towering", "lanky", "gangling", "long-legged", "lofty"})
_SHORT = frozenset({"short", "small", "tiny", "petite", "diminutive", "squat", "stubby", "little"})
_STATURE = "|".join(sorted(_TALL | _SHORT, key=len, reverse=True))


def _side(value: str) -> str | None:
    v = value.lower()
    if "ambidextrous" in v or ("left" in v and "right" in v):
        return None
    return "left" if "left" in v else "right" if "right" in v else None


def _stature(value: str) -> str | None:
    words = set(re.findall(r"[a-z-]+", value.lower()))
    if words & _TALL:
        return "tall"
    if words & _SHORT:
        return "short"
    return None


def _other_facts(scene, index, ctx, facts, masked):
    """Handedness (`left-handed`) and stature (`Bram was short`, `the tall Aria`), whose
    owner must be named right there: a lone `tall` is too often a tree or a tale."""
    chars = ctx.project.characters
    wants_hand = any("hand" in f for f in facts.values())
    if wants_hand and "handed" in ctx.lower(scene):
        for m in _HANDED.finditer(masked, scene.body_start):
            if index.in_dialogue(m.start()):
                continue
            sentence = index.unit_at(m.start(), "sentence")
            if sentence is None:
                continue
            mentions = [x for x in index.mentions if sentence[0] <= x.start < sentence[1] and not x.in_dialogue
                        and any(k == "characters" for k, _ in x.entities)]
            owner = _owner(masked, m.start(), mentions)
            canon = facts.get(owner, {}).get("hand") if owner else None
            if canon and canon != m.group(1).lower():
                yield ctx.at(scene, m.start(), m.end(),
                             f"`{m.group(0)}` contradicts canon: {chars[owner].name} is {canon}-handed", entity=owner,
                             help=f"write {canon}-handed, "
                                  f"or change `attributes: {{handedness: …}}` in `{chars[owner].path}`")
    if not any("height" in f for f in facts.values()):
        return
    for m in index.mentions:
        if m.in_dialogue or len(m.entities) != 1 or m.entities[0][0] != "characters":
            continue
        cid = m.entities[0][1]
        canon = facts.get(cid, {}).get("height")
        if not canon:
            continue
        after = _STATURE_AFTER.match(masked, m.end)
        before = _STATURE_BEFORE.search(masked, max(0, m.start - 30), m.start)
        for hit, word in ((after, after and after.group(1)), (before, before and before.group(1))):
            if hit and _stature(word) not in (None, canon):
                start, end = (m.start, hit.end()) if hit is after else (hit.start(1), m.end)
                yield ctx.at(scene, start, end,
                             f"`{' '.join(masked[start:end].split())}` contradicts canon: "
                             f"{chars[cid].name} is {canon}", entity=cid,
                             help=f"change the description, or `attributes: {{height: …}}` in `{chars[cid].path}`")


_STATURE_AFTER = re.compile(rf"(?i)\s+(?:was|is|stood|looked|seemed)\s+(?:very\s+|so\s+|quite\s+"
                            rf"|rather\s+)?({_STATURE})\b(?!\s+(?:of|with|on|while|in))")
_STATURE_BEFORE = re.compile(rf"(?i)\bthe\s+({_STATURE})\s+\Z")


@rule("NF402", "attribute-contradiction", "error", "scene", reads=("prose", "canon", "contracts:attribute", "book"))
def check(scene, index, ctx):
    """The narration describes a character's eyes, hair, beard, skin, hand or height against canon.

    ## What it does
    For characters whose canon `attributes` give a colour for `eyes`, `hair`, `beard` or
    `skin`, finds descriptions in the narration — `grey eyes`, `dark-haired`, `her eyes
    were green` — and works out whose they are: the character named just before with a
    possessive (`Bram's blue eyes`), else the only character named in the sentence, or,
    after `his`/`her`, the only one of that sex named in it — or, if it names nobody, in
    the sentence before it in the paragraph when that sentence opens with them (sex from `pronouns:` or `gender:` in
    canon, else read from the prose). A
    description that shares no colour family with the canon value is reported (`silver`
    agrees with `grey`, `dark` with `black` or `brown`). `handedness: left` is checked
    against `right-handed` in the same way; `height: tall` (or `short`) against `Bram was
    short` and `the short Bram` — only with the name right there. Dialogue is left alone:
    characters may be wrong.

    ## Why is this bad
    Eye and hair colour are the facts readers remember and reviewers quote; a change
    halfway through a series reads as carelessness.

    ## Example
    ```markdown
    Aria turned, and her blue eyes caught the light.
    ```
    (canon: `aria` has `attributes: {eyes: grey}`)

    ## Use instead
    ```markdown
    Aria turned, and her grey eyes caught the light.
    ```
    """
    if not index.words:
        return
    facts = ctx.memo("attribute-facts", lambda: _facts(ctx))
    if not facts:
        return
    wanted_keys = ctx.memo("attribute-keys", lambda: sorted({k for f in facts.values() for k in f if k in BODY}))
    regexes = ctx.memo("attribute-regexes", lambda: {k: description_regex(BODY[k]) for k in wanted_keys})
    masked = ctx.masked(scene)
    lower = ctx.lower(scene)
    chars = ctx.project.characters
    yield from _other_facts(scene, index, ctx, facts, masked)
    for key in wanted_keys:
        for m in _descriptions(regexes[key], masked, lower, BODY[key], scene.body_start):
            if index.in_dialogue(m.start()):
                continue
            sentence = index.unit_at(m.start(), "sentence")
            if sentence is None:
                continue
            start, end = sentence
            mentions = [x for x in index.mentions if start <= x.start < end and not x.in_dialogue
                        and any(k == "characters" for k, _ in x.entities)]
            owner = _owner(masked, m.start(), mentions)
            pronoun = _PRONOUN_BEFORE.search(masked, max(start, m.start() - 12), m.start())
            if pronoun:
                genders = ctx.memo("genders", lambda: _genders(ctx))
                wanted_gender = _PRONOUN_GENDER[pronoun.group(1).lower()]
                if owner is None:
                    # `Mevrian turned her brown eyes upon Corinius`: the one woman named;
                    # with nobody named, the one named in the paragraph before this sentence
                    pool = mentions or _earlier_in_paragraph(index, start)
                    fits = {i for x in pool for k, i in x.entities
                            if k == "characters" and genders.get(i) == wanted_gender}
                    owner = fits.pop() if len(fits) == 1 else None
                elif genders.get(owner) != wanted_gender:
                    continue  # `his pale eyes` next to a named woman are someone else's
            if owner is None or key not in facts.get(owner, {}):
                continue
            described = colour_words(m.group("pre") or m.group("post") or "")
            canon = facts[owner][key]
            if compatible(canon, described):
                continue
            name = chars[owner].name
            shown = " ".join(m.group(0).split())
            verb = "are" if key == "eyes" else "is"
            yield ctx.at(scene, m.start(), m.end(),
                         f"`{shown}` contradicts canon: {name}'s {key} {verb} `{canon}`", entity=owner,
                         help=f"describe it as {canon}, or change `attributes: {{{key}: …}}` in `{chars[owner].path}`")


def _earlier_in_paragraph(index, sentence_start: int) -> list:
    """Character mentions in narration earlier in the same paragraph (the last sentence
    that names anyone)."""
    para = index.unit_at(sentence_start, "paragraph")
    if para is None:
        return []
    before = [x for x in index.mentions if para[0] <= x.start < sentence_start and not x.in_dialogue
              and any(k == "characters" for k, _ in x.entities)]
    if not before:
        return []
    last_sentence = index.unit_at(before[-1].start, "sentence")
    if last_sentence is None:
        return []
    named = [x for x in before if x.start >= last_sentence[0]]
    # only a sentence that opens with its character (`Mevrian turned…`): in `the most
    # beautiful person Aria had ever seen. Her hair…`, `her` is someone else
    return named if named and named[0].start - last_sentence[0] <= 2 else []


def _descriptions(regex, masked: str, lower: str, nouns: tuple[str, ...], start: int):
    """Matches of the description regex, searched only in small windows around each
    occurrence of a body noun (a whole-book scan with the colour alternation is slow)."""
    seen: set[tuple[int, int]] = set()
    spots = []
    for noun in nouns:
        at = lower.find(noun, start)
        while at != -1:
            spots.append(at)
            at = lower.find(noun, at + len(noun))
    for at in sorted(set(spots)):
        for m in regex.finditer(masked, max(start, at - 50), min(len(masked), at + 50)):
            if (m.start(), m.end()) not in seen and m.start() <= at < m.end():
                seen.add((m.start(), m.end()))
                yield m


_PRONOUN_BEFORE = re.compile(r"(?i)\b(his|her|their)\s+(?:[a-z]+\s+)?\Z")
_PRONOUN_GENDER = {"his": "he", "her": "she", "their": "they"}
# subject and reflexive pronouns: in a sentence that names one character they mostly
# refer to that character (objects and possessives often do not)
_PRONOUNS = re.compile(r"(?i)\b(he|himself|she|herself|they|themselves)\b")
_GENDER_OF = {"he": "he", "him": "he", "his": "he", "himself": "he", "she": "she", "her": "she", "hers": "she",
              "herself": "she", "they": "they", "them": "they", "their": "they", "themselves": "they"}


@world_feature
def _book_genders(ctx, codes):
    if "NF402" not in codes or not ctx.memo("attribute-facts", lambda: _facts(ctx)):
        return None
    return sorted(ctx.memo("genders", lambda: _genders(ctx)).items())


def _genders(ctx) -> "_Genders":
    return _Genders(ctx)


class _Genders:
    """The pronoun the book uses for each character: canon `attributes: {gender|pronouns}`
    first, else the subject pronouns in narration sentences that open with the only
    character they name (at least three, and three in five of one kind). Each scene's
    votes are counted once; a character's are summed over the scenes whose prose names
    them (the only ones that can vote), worked out when a finding first needs them."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.decided: dict[str, str | None] = dict(_canon_genders(ctx))

    def get(self, cid, default=None):
        if cid not in self.decided:
            self.decided[cid] = self._decide(cid) if cid in self.ctx.project.characters else None
        found = self.decided[cid]
        return default if found is None else found

    def items(self):
        """Every character's pronoun (for the key of the cached findings)."""
        for cid in sorted(self.ctx.project.characters):
            self.get(cid)
        return [(cid, g) for cid, g in self.decided.items() if g is not None]

    def _decide(self, cid: str) -> str | None:
        words = {t.lower() for toks, keys in self.ctx.names.entries.items()
                 if ("characters", cid) in keys for t in toks}
        if not words:
            return None
        pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        total: Counter = Counter()
        for scene in self.ctx.session.scenes_naming(pattern, lower=True):
            total.update(self.ctx.memo(("NF402-votes", scene.path), lambda s=scene: _votes(self.ctx, s)).get(cid, {}))
        total.pop("they", None)
        if total:
            top, n = total.most_common(1)[0]
            if n >= 3 and n >= 0.6 * sum(total.values()):
                return top
        return None


def _canon_genders(ctx) -> dict[str, str]:
    out: dict[str, str] = {}
    for cid, ent in ctx.project.characters.items():
        for key in ("pronouns", "gender", "sex"):
            value = str(ent.model.attributes.get(key, "")).lower()
            if value:
                if value.startswith(("she", "f", "woman", "girl")):
                    out[cid] = "she"
                elif value.startswith(("he", "m", "man", "boy")):
                    out[cid] = "he"
                elif value.startswith("they"):
                    out[cid] = "they"
                break
    return out


def _votes(ctx, scene) -> dict[str, Counter]:
    """The subject pronouns each character gets in one scene's narration sentences that
    open with that character alone."""
    votes: dict[str, Counter] = {}
    idx = ctx.session.index(scene)
    if idx is None or not idx.mentions:
        return votes
    masked = ctx.masked(scene)
    mi = 0
    for start, end in idx.sentences:
        first = None
        named = set()
        while mi < len(idx.mentions) and idx.mentions[mi].start < end:
            m = idx.mentions[mi]
            if m.start >= start and not m.in_dialogue:
                first = first or m
                named |= {i for k, i in m.entities if k == "characters"}
            mi += 1
        # a sentence that opens with the only character it names: its subject pronouns
        # (outside dialogue) are mostly that character's
        if len(named) != 1 or first is None or first.start - start > 2:
            continue
        (cid,) = named
        c = votes.setdefault(cid, Counter())
        for p in _PRONOUNS.finditer(masked, start, end):
            if not idx.in_dialogue(p.start()):
                c[_GENDER_OF[p.group(1).lower()]] += 1
    return votes


def _owner(masked: str, at: int, mentions) -> str | None:
    """Whose feature a description at ``at`` is: `Bram's grey eyes` → bram; otherwise the
    only character named in the sentence."""
    before = [m for m in mentions if m.end <= at]
    if before:
        last = before[-1]
        gap = masked[last.end:at]
        if gap[:2] in ("'s", "’s") and len(gap.split()) <= 3:
            ids = [i for k, i in last.entities if k == "characters"]
            return ids[0] if len(ids) == 1 else None
    ids = {i for m in mentions for k, i in m.entities if k == "characters"}
    if len(ids) == 1:
        return next(iter(ids))
    return None
