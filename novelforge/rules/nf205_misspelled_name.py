from collections import defaultdict

from novelforge.rules.registry import rule
from novelforge.text.fuzzy import NearMiss
from novelforge.text.lexicon import TITLES
from novelforge.text.mentions import MIN_NAME_CANDIDATE as _MIN_LEN
from novelforge.text.slug import without_accents


def _allowed_distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


_ENDINGS = ("s", "es", "a", "e", "'", "’")
# a feminine `-a` or `-e` follows a consonant (`Rostov` → `Rostova`); after a vowel it is a
# letter typed twice (`Natáshaa`, `Pierree`)
_VOWEL_ENDINGS = ("a", "e")
_VOWELS = frozenset("aeiouy")
# Capitalised words that are never names of characters (and are near some: June/Jane).
_CALENDAR = frozenset("""
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter
""".split())


# the endings of a people or an adjective made of a name (`Transylvanian`, `Napoleonic`)
_DERIVED = ("ian", "an", "ese", "ish", "ic", "ite", "ean")


def _is_inflection(word: str, canon: set[str]) -> bool:
    """Plurals and feminine forms of any canon name are not typos: `Bennets`, `Rostova`;
    nor are the words made of one (`Transylvanian`, `Italian` of `Italy`), nor a name
    spelled out in syllables (`Na-tásha`)."""
    for end in _ENDINGS:
        if word.endswith(end) and word[: -len(end)] in canon \
                and not (end in _VOWEL_ENDINGS and _fold(word[-len(end) - 1:-len(end)]) in _VOWELS):
            return True          # `Rostova` of `Rostov`; not `Natáshaa` of `Natásha`, `Pierree` of `Pierre`
        if word + end in canon:
            return True
    if word.endswith("ian") and len(word) >= 7 and word[:-1] in canon:
        return True                      # `Russian`, `Transylvanian`
    for end in _DERIVED:
        if word.endswith(end) and len(word) - len(end) >= 4:
            stem = word[: -len(end)]
            if stem in canon or any(stem + v in canon for v in "aeiyo"):
                return True
    return "-" in word and word.replace("-", "") in canon


def _fold(word: str) -> str:
    """Without accents or stress marks: `Natásha` → `natasha`."""
    return without_accents(word).lower()


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


_UNSEEN = object()


def _is_answers(value) -> bool:
    """The shape of the kept answers: word → the canon word it may be a slip of, or None."""
    return isinstance(value, dict) and all(isinstance(k, str) and (v is None or isinstance(v, str))
                                           for k, v in value.items())


def _collect(ctx, scenes, canon_tokens, wanted: set[str] | None = None) -> dict[str, list]:
    """Capitalised words that are not canon names → [(scene, occurrence)], in reading order."""
    occurrences: dict[str, list] = defaultdict(list)
    for scene in scenes:
        idx = ctx.session.index(scene)
        if idx is None:
            continue
        for c in idx.capitalised:
            if len(c.word) >= _MIN_LEN and c.word not in canon_tokens and (wanted is None or c.word in wanted):
                occurrences[c.word].append((scene, c))
    return occurrences


def _occurrences(ctx, canon_tokens, near_miss):
    """The capitalised words of the scenes the run reports on that look like slips of a
    canon name, with all their occurrences in the book. Only the scenes whose text holds a
    suspect word can add occurrences: the session analyses those (every scene, in a full
    run)."""
    import re

    session = ctx.session
    # one pass for the distinct words of each scene, then the occurrences of the suspects
    # in the scenes that have some (most scenes of a book have none)
    mine = []
    for scene in session.focus_scenes():
        idx = session.index(scene)
        if idx is not None:
            mine.append((scene, {c.word for c in idx.capitalised}))
    seen: set[str] = set().union(*(words for _s, words in mine))
    suspects = {w for w in seen
                if len(w) >= _MIN_LEN and w not in canon_tokens and near_miss(w) is not None}
    if not suspects:
        return {}
    occurrences = _collect(ctx, [s for s, words in mine if not suspects.isdisjoint(words)], canon_tokens, suspects)
    needle = re.compile("|".join(re.escape(w) for w in sorted(suspects, key=len, reverse=True)))
    others = [s for s in session.scenes_naming(needle) if not session.wanted(s.path)]
    for word, occs in _collect(ctx, others, canon_tokens, suspects).items():
        occurrences[word] = sorted(occurrences.get(word, []) + occs, key=lambda o: (o[0].index, o[1].start))

    return occurrences


@rule("NF205", "misspelled-name", "warning", "project", reads=("book", "canon"))
def check(ctx):
    """A capitalised word in the prose looks like a misspelling of a canon name.

    ## What it does
    Compares every capitalised word that is not a canon name or alias with the words of
    every canon name and alias, and reports near misses (one edit for names under eight
    letters, two for longer ones; swapped letters count as one edit) with a "did you mean".
    A word is left alone when it is also used in lower case in the book (`Then`, `Will`),
    when it is a plural or feminine form of a canon name (`Bennets`, `Rostova`; a final
    `a` or `e` after a vowel is a letter typed twice, `Natáshaa`, `Pierree`, and is
    reported), a word
    made of one (`Transylvanian`, `Italian`) or the name spelled out (`Na-tásha`), when it
    differs only by accents (`Napoléon`), when it is a month or weekday, when it is listed
    under `check: known-names`, or when the book spells it so three times or more, as a
    name of its own is spelled (a different person, `Dórokhov` beside `Dólokhov`, or a
    dialect), where a slip of the pen comes once or twice. Title words
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
    vocabulary = set(canon_tokens)
    finder = None

    def slip_of(word: str):
        """The canon word ``word`` may be a slip of, or None (the cheap tests first)."""
        nonlocal finder
        if word in known or word.isupper() or word in _CALENDAR or _is_inflection(word, vocabulary):
            return None
        if finder is None:
            finder = NearMiss(vocabulary)
        cands = finder.candidates(word, _allowed_distance(word))
        cands = [(d, c) for d, c in cands if _fold(c) != _fold(word)]  # an accent is a variant, not a slip
        return cands[0][1] if cands else None

    # each word's answer depends on the canon words and `known-names` alone: kept between
    # runs, so a run after an edit works out only the words it has not seen (issue #17)
    session = ctx.session
    basis = (sorted(vocabulary), sorted(known))
    answers: dict = session.kept("nf205-slips", basis, _is_answers) or {}
    asked: dict = {}

    def near_miss(word: str):
        found = asked.get(word, _UNSEEN)
        if found is _UNSEEN:
            found = answers.get(word, _UNSEEN)
            if found is _UNSEEN:
                found = slip_of(word)
            asked[word] = found
        return found

    occurrences = _occurrences(ctx, canon_tokens, near_miss)
    if any(w not in answers for w in asked):
        # a whole-book run keeps the words of this book; a run on some scenes adds its own
        session.keep("nf205-slips", basis, asked if session.focus is None else {**answers, **asked})
    if not occurrences:
        return
    lower_text = None
    for word in sorted(occurrences):
        target = near_miss(word)
        if target is None:
            continue
        keys = canon_tokens[target]
        occs = occurrences[word]
        if len(occs) >= 3:
            continue  # spelled the same way three times: a name of its own (`Dórokhov` is not
            #           `Dólokhov`), where a slip of the pen is once, or twice
        if lower_text is None:
            lower_text = "\n".join(s.body for s in ctx.project.scenes if s.readable)
        if _used_in_lower_case(word.lower(), lower_text):
            continue  # an ordinary word at the start of a sentence
        ent = ctx.entity_keys.get(keys[0])
        full = ent.name if ent is not None else target
        also = f" ({full})" if full != target else ""
        for scene, c in occs:
            yield ctx.at(scene, c.start, c.end,
                         f"`{word}` is not a canon name — did you mean `{target}`{also}?",
                         entity=keys[0][1],
                         help=f"fix the spelling, or add `{word}` to an entry's `aliases` or to `check: known-names`")
