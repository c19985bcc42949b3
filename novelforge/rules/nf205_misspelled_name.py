from collections import Counter, defaultdict

from novelforge.rules.registry import rule
from novelforge.text.fuzzy import NearMiss
from novelforge.text.names import TITLES

from novelforge.text.index import MIN_NAME_CANDIDATE as _MIN_LEN


def _allowed_distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


_ENDINGS = ("s", "es", "a", "e", "'", "’")
# Capitalised words that are never names of characters (and are near some: June/Jane).
_CALENDAR = frozenset("""
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter
""".split())


def _is_inflection(word: str, canon: set[str]) -> bool:
    """Plurals and feminine forms of any canon name are not typos: `Bennets`, `Rostova`."""
    for end in _ENDINGS:
        if word.endswith(end) and word[: -len(end)] in canon:
            return True
        if word + end in canon:
            return True
    return False


def _fold(word: str) -> str:
    """Without accents or stress marks: `Natásha` → `Natasha`."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).lower()


def _used_in_lower_case(word: str, text: str) -> bool:
    """Whether ``word`` occurs as a whole word in ``text`` (str.find is far faster than a
    regex with look-behind on a whole book)."""
    at = text.find(word)
    n = len(word)
    while at != -1:
        before = text[at - 1] if at else " "
        after = text[at + n] if at + n < len(text) else " "
        if not (before.isalnum() or before in "’'_") and not (after.isalnum() or after in "’'_"):
            return True
        at = text.find(word, at + 1)
    return False


@rule("NF205", "misspelled-name", "warning", "project")
def check(ctx):
    """A capitalised word in the prose looks like a misspelling of a canon name.

    ## What it does
    Compares every capitalised word that is not a canon name or alias with the words of
    every canon name and alias, and reports near misses (one edit for names under eight
    letters, two for longer ones; swapped letters count as one edit) with a "did you mean".
    A word is left alone when it is also used in lower case in the book (`Then`, `Will`),
    when it is a plural or feminine form of a canon name (`Bennets`, `Rostova`), when it
    differs only by accents (`Napoléon`), when it is a month or weekday, when it is listed
    under `check: known-names`, or when it recurs (in three scenes or more) the way a
    name of its own does — a different person, or a dialect spelling. Title words
    of aliases (`Captain`, `Prince`) are not compared.

    ## Why is this bad
    Misspelled names are the commonest continuity slip in a long draft and the hardest for
    a spell checker to catch: invented names are not in its dictionary.

    ## Example
    ```markdown
    Arya drew the blade and Mr. Darcey bowed.
    ```
    (canon: `Aria`, `Mr. Darcy`)

    ## Use instead
    ```markdown
    Aria drew the blade and Mr. Darcy bowed.
    ```
    """
    names = ctx.names
    canon_tokens: dict[str, tuple] = {}
    for toks, keys in names.entries.items():
        for t in toks:
            # title words of aliases (`Captain Ahab`, `Prince Andrew`) are not names to misspell
            if len(t) >= _MIN_LEN and t[:1].isupper() and t.lower() not in TITLES:
                canon_tokens.setdefault(t, keys)
    if not canon_tokens:
        return
    known = {n for n in ctx.project.config.check.known_names}
    # how often each entity is actually named, for the frequency guard
    named_count: Counter = Counter()
    occurrences: dict[str, list] = defaultdict(list)
    for scene in ctx.project.scenes:
        idx = ctx.indexes.get(scene.path)
        if idx is None:
            continue
        for m in idx.mentions:
            for key in m.entities:
                named_count[key] += 1
        for c in idx.capitalised:
            if len(c.word) >= _MIN_LEN and c.word not in canon_tokens:
                occurrences[c.word].append((scene, c))
    if not occurrences:
        return
    finder = NearMiss(set(canon_tokens))
    lower_text = None
    vocabulary = set(canon_tokens)
    for word in sorted(occurrences):
        if word in known or word.isupper() or word in _CALENDAR or _is_inflection(word, vocabulary):
            continue
        cands = finder.candidates(word, _allowed_distance(word))
        cands = [(d, c) for d, c in cands if _fold(c) != _fold(word)]  # an accent is a variant, not a slip
        if not cands:
            continue
        dist, target = cands[0]
        keys = canon_tokens[target]
        occs = occurrences[word]
        expected = max(named_count[k] for k in keys)
        scenes = {scene.path for scene, _c in occs}
        if len(scenes) >= 3 or (len(occs) > 3 and len(occs) * 10 > expected):
            continue  # used like a name of its own (a different person, a dialect), not a slip
        if lower_text is None:
            lower_text = "\n".join(s.body for s in ctx.project.scenes if s.readable)
        if _used_in_lower_case(word.lower(), lower_text):
            continue  # an ordinary word at the start of a sentence
        ent = ctx.entity_keys.get(keys[0])
        full = ent.name if ent is not None else target
        also = f" ({full})" if full != target else ""
        for scene, c in occs:
            yield ctx.at("NF205", scene, c.start, c.end,
                         f"`{word}` is not a canon name — did you mean `{target}`{also}?",
                         entity=keys[0][1],
                         help=f"fix the spelling, or add `{word}` to an entry's `aliases` or to `check: known-names`")
