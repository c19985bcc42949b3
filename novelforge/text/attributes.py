"""Physical descriptions in prose (`grey eyes`, `her hair was black`) and whether they
agree with an entity's canon `attributes`."""

from __future__ import annotations

import re
from functools import cache

# canon attribute key → the nouns that describe it in prose
BODY = {
    "eyes": ("eyes", "eye", "eyed"),
    "hair": ("hair", "haired", "curls", "locks", "braid", "braids", "plait", "plaits", "mane"),
    "beard": ("beard", "bearded"),
    "skin": ("skin", "skinned"),
}
ALIASES = {"eye": "eyes", "eye_colour": "eyes", "eye_color": "eyes", "eye-colour": "eyes", "eye-color": "eyes",
           "hair_colour": "hair", "hair_color": "hair", "hair-colour": "hair", "hair-color": "hair"}

# words of one colour family describe the same fact
FAMILIES = [
    {"grey", "gray", "silver", "silvery", "ashen", "steel", "slate", "pewter", "smoke", "smoky"},
    {"black", "dark", "raven", "jet", "ebony", "inky", "sable"},
    {"brown", "dark", "chestnut", "umber", "walnut", "chocolate", "mahogany", "nut-brown", "hazel"},
    {"blue", "azure", "sapphire", "cornflower", "cerulean", "sky-blue", "ice-blue"},
    {"green", "emerald", "jade", "sea-green", "moss"},
    {"hazel", "brown", "green", "amber"},
    {"amber", "golden", "gold", "yellow", "honey", "tawny"},
    {"red", "auburn", "ginger", "copper", "russet", "flame", "scarlet", "crimson", "rust", "red-gold"},
    {"blonde", "blond", "fair", "golden", "gold", "yellow", "flaxen", "straw", "sandy", "wheat", "honey"},
    {"white", "snowy", "snow-white", "silver", "grey", "gray", "hoary"},
    {"violet", "purple", "lilac", "lavender", "mauve"},
    {"pale", "fair", "white", "ivory", "pallid"},
    {"olive", "tan", "tanned", "bronze", "bronzed", "brown", "dusky"},
]
COLOURS = frozenset(w for fam in FAMILIES for w in fam)
_SPLIT = re.compile(r"[\s,/]+|-(?=(?:eyed|haired|skinned)$)")


def attribute_key(key: str) -> str | None:
    k = key.strip().lower()
    k = ALIASES.get(k, k)
    return k if k in BODY else None


def colour_words(text: str) -> set[str]:
    """Colour words in a description; a hyphenated colour counts whole and by its parts
    (`raven-black` is black, `blue-grey` is blue and grey)."""
    out: set[str] = set()
    for w in _SPLIT.split(text.lower()):
        if w in COLOURS:
            out.add(w)
        if "-" in w:
            out |= {part for part in w.split("-") if part in COLOURS}
    return out


def compatible(canon_value: str, described: set[str]) -> bool:
    """Whether words describing a feature agree with the canon value (`grey` ~ `silver`)."""
    canon_words = colour_words(canon_value)
    if not canon_words or not described:
        return True  # not a colour we know (`mismatched`, `one blue one green`): nothing to say
    allowed = set(canon_words)
    for fam in FAMILIES:
        if fam & canon_words:
            allowed |= fam
    return bool(described & allowed)


# words that may stand between `eyes were` and the colour (`a clear, light blue`)
_MODIFIERS = frozenset("""clear light deep pale bright soft cold warm vivid rich dull faded brilliant intense
strange startling curious piercing icy steely luminous limpid liquid very quite rather most so almost nearly
such fine lovely beautiful wonderful striking peculiar vivid""".split())


def description_regex(nouns: tuple[str, ...]) -> re.Pattern[str]:
    """`grey eyes`, `dark green eyes`, `grey-eyed`, and `eyes were grey` / `eyes, grey as`."""
    colour = r"(?:[a-z]+-)?(?:" + "|".join(sorted((re.escape(c) for c in COLOURS), key=len, reverse=True)) + r")"
    noun = "|".join(re.escape(n) for n in nouns)
    before = rf"(?P<pre>(?:{colour}[\s,]+(?:and\s+)?){{0,2}}{colour})[\s-]+(?:{noun})\b"
    linking = r"(?:were|was|are|is|gleamed|shone|burned|glittered|glinted|looked|seemed|turned|had\s+turned|went)"
    mods = rf"(?:(?:[a-z]+ly|{'|'.join(sorted(_MODIFIERS))})(?:\s*,\s*|\s+)){{0,3}}"
    negated = rf"(?:not\s+(?:{mods}){colour}\s*,?\s+but\s+(?:a\s+|an\s+)?{mods})?"   # `not blue but grey`
    after = (rf"\b(?:{noun})\s*(?:,\s*|\s+{linking}\s+(?:a\s+|an\s+)?{mods}{negated})"
             rf"(?P<post>{colour}(?:[\s-]+{colour})?)\b")
    return re.compile(rf"(?i)\b(?:{before}|{after})")


def reply_regex() -> re.Pattern[str]:
    """A reply in speech that gives a colour and nothing else first (`“They were blue,” said
    the old sailor`, `“It was black.”`, `“Grey, very pale.”`), matched at the opening quote:
    the feature is the one the question before it named (NF402)."""
    colour = r"(?:[a-z]+-)?(?:" + "|".join(sorted((re.escape(c) for c in COLOURS), key=len, reverse=True)) + r")"
    mods = rf"(?:(?:[a-z]+ly|{'|'.join(sorted(_MODIFIERS))})(?:\s*,\s*|\s+)){{0,3}}"
    return re.compile(rf"(?i)[\"“‘']\s*(?:(?:oh|why|well|yes)\s*,\s*)?(?:(?P<pron>they|it)\s+(?:were|are|was|is)\s+"
                      rf"(?:a\s+|an\s+)?)?{mods}(?P<post>{colour}(?:[\s-]+{colour})?)\b")


# the nouns a question names a feature by (not the adjectives: `grey-eyed` asks nothing)
QUESTION_NOUNS = {"eyes": ("eyes", "eye"), "hair": ("hair",), "beard": ("beard",), "skin": ("skin",)}


# ----------------------------------------------------------------------------- stature
TALL = frozenset({"tall", "towering", "lanky", "gangling", "long-legged", "lofty"})
SHORT = frozenset({"short", "small", "tiny", "petite", "diminutive", "squat", "stubby", "little"})
# words that say "short" only of a person: without a noun after them (`she was small`)
# they are as often about a voice, a room or a while
_NEEDS_NOUN = frozenset({"small", "little", "tiny", "squat", "stubby"})
PERSON_NOUNS = frozenset("""man woman girl boy fellow lady gentleman person figure creature child youth lad lass
maid maiden soul personage individual chap gentlewoman stripling giant""".split())
_STAT = "|".join(sorted((re.escape(w) for w in TALL | SHORT), key=len, reverse=True))
_SEP = r"(?:\s*,\s*|\s+and\s+|\s+)"
_ADJ = r"[a-z][a-z\-]*"
_ADV = r"(?:very|rather|quite|so|remarkably|unusually|exceedingly|extremely|particularly|too)"
@cache
def _claim_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The stature claim and what leads to it, compiled on first use (not at import)."""
    claim = re.compile(
        rf"(?P<neg>\bnot\s+(?:at\s+all\s+)?)?"
        rf"(?:\b(?:a|an)\s+(?:{_ADV}\s+)?(?:{_ADJ}{_SEP}){{0,2}}?|\b(?:{_ADV}\s+)?)(?P<st>{_STAT})"
        rf"(?:(?P<post>{_SEP}(?:{_ADJ}{_SEP}){{0,3}}?(?P<noun>{'|'.join(sorted(PERSON_NOUNS))}))\b"
        rf"|(?=\s*[.,;:!?—–]|\s+(?:and|but|as|enough)\b|\s+for\s+(?:a|an|his|her|their|one)\b))")
    link = r"(?:was|is|stood|looked|seemed|appeared|had\s+been|remained|grew)"
    lead = re.compile(rf"(?:(?P<rel>,\s*(?:who|that)\s+{link}\s+)|(?P<app>[,:]\s*)|(?P<pred>\s+{link}\s+))\Z")
    return claim, lead


_PRONOUN_END = re.compile(r"(?<![\w’'])(he|she|He|She)\Z")


def stature(value: str) -> str | None:
    """`tall` or `short` for a canon value or a description (`very tall` → tall)."""
    words = set(re.findall(r"[a-z-]+", value.lower()))
    if words & TALL:
        return "tall"
    if words & SHORT:
        return "short"
    return None


def stature_claims(text: str, start: int, end: int):
    """What a stretch of narration says of someone's height, as (claim start, claim end,
    owner end, owner kind, value): `Bram, a short and stout man` (apposition), `Bram, who
    was not a tall man` (a relative clause), `Bram was tall`, `He was a small, shy boy`
    (owner kind ``pronoun``: the caller resolves it). Negation turns the value over (`not
    a tall man` says short); `small`, `little` and `tiny` need a person noun after them."""
    claim, lead_rx = _claim_regexes()
    for m in claim.finditer(text, start, end):
        word = m.group("st").lower()
        if word in _NEEDS_NOUN and not m.group("noun"):
            continue
        lead = lead_rx.search(text, max(start, m.start() - 40), m.start())
        if not lead:
            continue
        if lead.group("app") is not None and not (m.group("noun") and (m.group(0)[:1] in "aAn" or m.group("neg"))):
            continue  # `Bram, tall …` is as often a list as an apposition: want `, a tall man`
        value = stature(word)
        if m.group("neg"):
            value = "short" if value == "tall" else "tall"
        pronoun = _PRONOUN_END.search(text, max(start, lead.start() - 4), lead.start())
        if pronoun and lead.group("pred") is not None:
            yield m.start(), m.end(), pronoun.end(), "pronoun", value, pronoun.start()
        elif not pronoun:
            yield m.start(), m.end(), lead.start(), "name", value, None
