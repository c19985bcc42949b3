from collections import Counter, defaultdict

from novelforge.rules.registry import rule
from novelforge.text.fuzzy import NearMiss

from novelforge.text.index import MIN_NAME_CANDIDATE as _MIN_LEN


def _allowed_distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


def _is_inflection(word: str, canon: str) -> bool:
    """Plurals and feminine forms of a name are not typos: `Bennets`, `Rostova`."""
    longer, shorter = (word, canon) if len(word) > len(canon) else (canon, word)
    return longer.startswith(shorter) and longer[len(shorter):] in ("s", "es", "a", "e", "'", "’")


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
    when it is a plural or feminine form of the name, when it is listed under
    `check: known-names`, or when it is used as often as a real name would be.

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
            if len(t) >= _MIN_LEN and t[:1].isupper():
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
    for word in sorted(occurrences):
        if word in known or word.isupper():
            continue
        cands = finder.candidates(word, _allowed_distance(word))
        cands = [(d, c) for d, c in cands if not _is_inflection(word, c) and c.lower() != word.lower()]
        if not cands:
            continue
        dist, target = cands[0]
        keys = canon_tokens[target]
        occs = occurrences[word]
        expected = max(named_count[k] for k in keys)
        if len(occs) > 3 and len(occs) * 10 > expected:
            continue  # used like a name of its own, not a slip
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
