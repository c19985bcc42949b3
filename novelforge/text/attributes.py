"""Physical descriptions in prose (`grey eyes`, `her hair was black`) and whether they
agree with an entity's canon `attributes`."""

from __future__ import annotations

import re

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


def description_regex(nouns: tuple[str, ...]) -> re.Pattern[str]:
    """`grey eyes`, `dark green eyes`, `grey-eyed`, and `eyes were grey` / `eyes, grey as`."""
    colour = r"(?:[a-z]+-)?(?:" + "|".join(sorted((re.escape(c) for c in COLOURS), key=len, reverse=True)) + r")"
    noun = "|".join(re.escape(n) for n in nouns)
    before = rf"(?P<pre>(?:{colour}[\s,]+(?:and\s+)?){{0,2}}{colour})[\s-]+(?:{noun})\b"
    linking = r"(?:were|was|are|is|gleamed|shone|burned|glittered|glinted|looked|seemed|turned|had\s+turned|went)"
    after = (rf"\b(?:{noun})\s*(?:,\s*|\s+{linking}\s+(?:a\s+)?(?:[a-z]+ly\s+)?)"
             rf"(?P<post>{colour}(?:[\s-]+{colour})?)\b")
    return re.compile(rf"(?i)\b(?:{before}|{after})")
