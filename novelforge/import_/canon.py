"""``--suggest-canon``: candidate characters and places from the most frequent proper names.

Statistics only, no language model:

1. **Name words**: capitalised words used often, that (almost) never appear in lower case
   (``Hope`` and ``Will`` are words first), or rarely and then mostly as a person's name,
   with a title or a speech verb (``Flask``: "said Flask", and once in a while a flask),
   and are not mostly sentence-initial (``The``, ``When``), minus a short list of
   capitalised non-names (days, months, ``God``, nationalities, interjections).
2. **Name runs**: consecutive capitalised words with their title (``Mr. Sherlock Holmes``,
   ``Sherlock Holmes``, ``Baker Street``), with sentence-initial common words dropped.
3. **Places**: runs ending in a place word (``Street``, ``Lodge``, ``Gardens``…) and
   name words mostly seen after ``in``/``at``/``from``/``near`` and never with a title or a
   speech verb (``London``, ``Utah``).
4. **Characters**: name words seen with a title (``Mr.``, ``Lady``) or a speech verb
   (``said Holmes``); a word always used beside a more frequent one joins it
   (``Sherlock`` → ``Holmes``); the variants become aliases (``Holmes``, ``Sherlock
   Holmes``, ``Mr. Holmes``). A surname used with titles of both sexes (``Mr. Bennet``,
   ``Mrs. Bennet``), or with a married and an unmarried woman's title (``Mrs. Westenra``,
   ``Miss Westenra``: mother and daughter), gives one character per title, and a name
   with several regnal numbers one per number (``King Gorice XI``, ``Gorice XII``).
   Short and pet forms of a first name join it (``Lizzy``, ``Eliza`` → ``Elizabeth``;
   import_/variants.py).

Every file says in a comment that it is a suggestion; ``status`` is left to its default.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from novelforge.import_.book import Book
from novelforge.text import lexicon
from novelforge.text.grammar import sentence_initial
from novelforge.text.inline import without_markup
from novelforge.text.lexicon import as_written
from novelforge.text.slug import slug

# the lexicon's lists, as written (this module compares words as they appear); a title
# before a place (`St. Petersburg`) is no evidence of a person
TITLES = as_written(lexicon.TITLES - lexicon.PLACE_TITLES)
ABBREVIATED = as_written(lexicon.ABBREVIATED_TITLES)
MALE = as_written(lexicon.MALE_TITLES)
FEMALE = as_written(lexicon.FEMALE_TITLES)
MARRIED = as_written(lexicon.MARRIED_TITLES)
UNMARRIED = as_written(lexicon.UNMARRIED_TITLES)
NOT_NAMES = lexicon.NOT_NAMES
SPEECH = lexicon.PERSON_VERBS
PLACE_WORDS = lexicon.PLACE_WORDS
PLACE_PREPOSITIONS = lexicon.PLACE_PREPOSITIONS

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
_REGNAL = re.compile(r"(?=[XVI])X{0,3}(?:IX|IV|V?I{0,3})")      # I to XXXIX after a name


@dataclass
class Entry:
    id: str
    name: str
    aliases: list[str]
    count: int


@dataclass
class CanonSuggestion:
    characters: list[Entry] = field(default_factory=list)
    locations: list[Entry] = field(default_factory=list)

    def files(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for kind, entries, what in (("characters", self.characters, "character"),
                                    ("locations", self.locations, "place")):
            for e in entries:
                lines = [
                    f"# Suggested by `novelforge import --suggest-canon`: a {what} named {e.count} times in",
                    "# the imported text. It is only a suggestion: check the name and aliases, merge or",
                    "# delete it, and add what the story needs (summary, attributes, status).",
                    f"name: {_q(e.name)}",
                ]
                if e.aliases:
                    lines.append("aliases: [" + ", ".join(_q(a) for a in e.aliases) + "]")
                out[f"canon/{kind}/{e.id}.yaml"] = "\n".join(lines) + "\n"
        return out


    def cast(self, prose: str) -> tuple[list[str], list[str]]:
        """(characters, mentions) of one scene's prose: suggested characters who speak or
        act in it, and the others it names — so the imported project starts with casts
        that `novelforge check` agrees with."""
        from novelforge.text.index import build_index
        from novelforge.text.names import NameTable

        names = getattr(self, "_names", None)
        if names is None:
            names = NameTable.build([(("characters", e.id), [e.name, *e.aliases]) for e in self.characters])
            self._names = names
        idx = build_index(prose, 0, names)
        present = {d.speaker for d in idx.dialogue if d.speaker and d.how in ("tag", "beat")}
        present |= {m.entities[0][1] for m in idx.mentions if m.acts and len(m.entities) == 1}
        named = {i for m in idx.mentions for _k, i in m.entities}
        order = [e.id for e in self.characters]
        return ([i for i in order if i in present], [i for i in order if i in named and i not in present])


def _q(text: str) -> str:
    from novelforge.import_.render import yaml_str

    return yaml_str(text)


def suggest_canon(book: Book, max_characters: int = 30, max_locations: int = 15) -> CanonSuggestion:
    paragraphs = [without_markup(p) for s in book.scenes for p in s.paragraphs]
    total_words = sum(len(p.split()) for p in paragraphs)
    min_count = max(4, total_words // 25_000)

    lower: Counter = Counter()
    cap: Counter = Counter()
    initial: Counter = Counter()
    person: Counter = Counter()
    placey: Counter = Counter()
    runs: Counter = Counter()            # (title, words) → count
    for para in paragraphs:
        toks = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(para)]
        run: list[tuple[str, int, int]] = []
        run_initial = False

        def close_run() -> None:
            if not run:
                return
            words = [_POSSESSIVE.sub("", t[0]) for t in run]
            first_initial = run_initial
            while words and words[0] not in TITLES and (words[0] in NOT_NAMES or (
                    first_initial and lower[words[0].lower()] > 0)):
                words = words[1:]
                first_initial = False
            title = ""
            while words and words[0] in TITLES:
                title = words[0]
                words = words[1:]
            if words and len(words) <= 4 and all(len(w) > 1 for w in words) and not any(w in NOT_NAMES for w in words):
                runs[(title, tuple(words))] += 1
            run.clear()

        prev_word = ""
        prev_end = -1
        for k, (tok, s, e) in enumerate(toks):
            word = _POSSESSIVE.sub("", tok)
            first = word[:1]
            if run and _REGNAL.fullmatch(word) and para[run[-1][2]:s] == " ":
                run.append((tok, s, e))            # "King Gorice XII": a regnal number ends the name
                close_run()
                prev_word, prev_end = word, e
                continue
            if first.isupper() and word != "I" and not (len(word) > 1 and word.isupper()):
                cap[word] += 1
                is_initial = sentence_initial(para, s)
                if is_initial:
                    initial[word] += 1
                gap = para[prev_end:s] if prev_end >= 0 else None
                if gap in (" ", ". "):
                    if prev_word in TITLES:
                        person[word] += 1
                    elif prev_word in SPEECH and gap == " ":
                        person[word] += 1
                if gap == " " and prev_word in PLACE_PREPOSITIONS:
                    placey[word] += 1
                if k + 1 < len(toks) and para[e:toks[k + 1][1]] == " " and toks[k + 1][0] in SPEECH:
                    person[word] += 1
                if run:
                    sep = para[run[-1][2]:s]
                    last = _POSSESSIVE.sub("", run[-1][0])
                    joined = sep == " " or (sep == ". " and (last in TITLES or last in ABBREVIATED or len(last) == 1))
                    if not joined or (word in TITLES and last not in TITLES):
                        close_run()
                if not run:
                    run_initial = is_initial
                run.append((tok, s, e))
                if tok != word:
                    close_run()                   # a possessive ends the name
            else:
                close_run()
                if not first.isupper():
                    lower[word.lower()] += 1
            prev_word, prev_end = word, e
        close_run()

    def name_word(w: str) -> bool:
        n = cap[w]
        low = lower[w.lower()]
        # a word in lower case too is a name only when it is (almost) never one, or rarely
        # one and used as a person's name at least once in ten (`said Flask`, `Mr. Flask`)
        return (n >= min_count and len(w) >= 2 and w not in NOT_NAMES and w not in TITLES
                and (low <= 0.02 * n or (low <= 0.1 * n and person[w] >= 0.1 * n))
                and n - initial[w] >= 0.2 * n)

    # ---------------------------------------------------------------- places
    locations: list[Entry] = []
    place_forms: Counter = Counter()
    for (title, words), n in runs.items():
        if title or len(words) < 2 or words[-1] not in PLACE_WORDS:
            continue
        if all(w in PLACE_WORDS for w in words):
            continue
        place_forms[" ".join(words)] += n
    in_place_run: Counter = Counter()
    for form, n in place_forms.items():
        for w in form.split()[:-1]:
            in_place_run[w] += n
    place_tokens = {w for w in cap if name_word(w) and len(w) >= 3 and placey[w] >= max(3, 0.3 * cap[w])
                    and person[w] <= 0.02 * cap[w]}
    for w in place_tokens:
        if in_place_run[w] < 0.5 * cap[w]:
            place_forms[w] += cap[w]
    taken: set[str] = set()
    for form, n in sorted(place_forms.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < min_count or form in taken or len(locations) >= max_locations:
            continue
        taken.add(form)
        locations.append(Entry("", form, [], n))

    # ---------------------------------------------------------------- characters
    cands = {w: cap[w] for w in cap if name_word(w) and w not in place_tokens
             and person[w] >= max(2, 0.02 * cap[w])
             and not (w.endswith("s") and cap.get(w[:-1], 0) >= 3)}
    order = sorted(cands, key=lambda w: (-cands[w], w))
    pair: Counter = Counter()             # (candidate, any name word) → runs with both
    titled: dict[str, Counter] = defaultdict(Counter)
    full: dict[str, Counter] = defaultdict(Counter)   # candidate → untitled full names starting with it
    regnal: dict[str, Counter] = defaultdict(Counter)  # candidate → its names with a regnal number
    for (title, words), n in runs.items():
        for a in words:
            if a not in cands:
                continue
            for b in words:
                if a != b:
                    pair[(a, b)] += n
        if title and len(words) == 1 and words[0] in cands:
            titled[words[0]][title] += n
        if not title and len(words) > 1 and words[0] in cands:
            full[words[0]][words] += n
        if len(words) == 2 and words[0] in cands and _REGNAL.fullmatch(words[1]):
            regnal[words[0]][words] += n                  # "Gorice XI", "King Gorice XII"

    owner: dict[str, int] = {}
    groups: list[dict] = []
    for t in order:
        if t in owner:
            continue
        strong = sorted((ti for ti, n in titled[t].items() if n >= max(3, 0.1 * cands[t])),
                        key=lambda ti: (-titled[t][ti], ti))
        if (set(strong) & MALE and set(strong) & FEMALE) or (set(strong) & MARRIED and set(strong) & UNMARRIED):
            owner[t] = -1                          # "Bennet": Mr. Bennet and Mrs. Bennet; Mrs. and Miss Westenra
            for ti in strong:
                groups.append({"primary": t, "members": {t}, "title": ti, "full": None, "count": titled[t][ti]})
            continue
        fulls = sorted((f for f, n in full[t].items() if n >= max(5, 0.1 * cands[t])), key=lambda f: (-full[t][f], f))
        kings = sorted((f for f, n in regnal[t].items() if n >= 3), key=lambda f: (-regnal[t][f], f))
        counts = full[t]
        if len(kings) > 1:
            fulls, counts = kings, regnal[t]       # "Gorice XI" and "Gorice XII": two kings
        if len(fulls) > 1:
            owner[t] = -1                          # "Anna Pávlovna" and "Anna Mikháylovna"
            for f in fulls:
                groups.append({"primary": t, "members": set(f), "title": None, "full": f, "count": counts[f]})
                for u in f:
                    if u in cands and u not in owner:
                        owner[u] = -1
            continue
        owner[t] = len(groups)
        g = {"primary": t, "members": {t}, "title": None, "full": None, "count": cands[t]}
        groups.append(g)
        for u in order:
            if u not in owner and pair[(t, u)] >= 3 and pair[(t, u)] >= 0.5 * cands[u]:
                g["members"].add(u)
                owner[u] = owner[t]

    _merge_variants(groups, cands, titled, pair, "\n".join(paragraphs))

    characters: list[Entry] = []
    used_forms = set(taken)
    for g in sorted(groups, key=lambda g: (-g["count"], g["primary"], g["title"] or "")):
        if len(characters) >= max_characters:
            break
        forms: Counter = Counter()
        for (title, words), n in runs.items():
            if g["full"] is not None:
                if words != g["full"]:
                    continue
            elif g["primary"] not in words and not g.get("also", set()) & set(words):
                continue
            if any(w in cands and w not in g["members"] for w in words):
                continue                           # another character's name
            strangers = [w for w in words if w not in g["members"]]
            if strangers and (n < 0.1 * g["count"] or any(pair[(g["primary"], w)] < 0.5 * cap[w] for w in strangers)):
                continue                           # "Lucy Ferrier" is not John Ferrier
            if g["title"] and title != g["title"]:
                continue
            if words[-1] in PLACE_WORDS:
                continue
            bare = " ".join(words)
            if title:
                forms[f"{title}. {bare}" if title in ABBREVIATED else f"{title} {bare}"] += n
            if not g["title"]:
                forms[bare] += n
        floor = max(2, 0.01 * g.get("own", g["count"]))
        forms = Counter({f: n for f, n in forms.items() if n >= floor and f not in used_forms})
        # titles of the other sex name another person ("Miss Darcy" is not Mr. Darcy)
        male = sum(n for f, n in forms.items() if f.split()[0].rstrip(".") in MALE)
        female = sum(n for f, n in forms.items() if f.split()[0].rstrip(".") in FEMALE)
        if male and female:
            other = FEMALE if male >= female else MALE
            forms = Counter({f: n for f, n in forms.items() if f.split()[0].rstrip(".") not in other})
        if g["full"] is not None:
            name = " ".join(g["full"])
        elif g["title"]:
            t = g["title"]
            name = f"{t}. {g['primary']}" if t in ABBREVIATED else f"{t} {g['primary']}"
        else:
            multi = [f for f in forms if len(f.split()) > 1 and f.split()[0].rstrip(".") not in TITLES
                     and forms[f] >= 0.1 * g["count"]]
            name = sorted(multi, key=lambda f: (-forms[f], f))[0] if multi else g["primary"]
        if name in used_forms:
            continue
        aliases = [f for f in sorted(forms, key=lambda f: (-forms[f], f)) if f != name][:8]
        if (not g["title"] and not g["full"] and g["primary"] != name and g["primary"] not in aliases
                and g["primary"] not in used_forms):
            aliases.insert(0, g["primary"])
        for other in sorted(g.get("also", ()), key=lambda w: (-cands[w], w)):
            if other not in aliases and other != name and other not in used_forms:
                aliases.append(other)          # `Lizzy` of Elizabeth, however rare its runs
        used_forms.add(name)
        used_forms.update(aliases)
        characters.append(Entry("", name, aliases, g["count"]))

    _assign_ids(characters)
    _assign_ids(locations)
    return CanonSuggestion(characters, locations)


def _merge_variants(groups: list[dict], cands: dict[str, int], titled, pair, text: str) -> None:
    """Join the character of a short or pet first name to the one of its full name
    (``Eliza`` and ``Lizzy`` to ``Elizabeth``; import_/variants.py says when)."""
    from novelforge.import_.variants import variant_of

    for g in sorted(list(groups), key=lambda g: (g["count"], g["primary"])):
        if g["title"] or g["full"] is not None or g.get("also"):
            continue
        others = [h for h in groups if h is not g]
        i = variant_of(g["primary"], others, cands, titled, pair, text)
        if i is None:
            continue
        target = others[i]
        target["members"] |= g["members"]
        target.setdefault("also", set()).add(g["primary"])
        target.setdefault("own", target["count"])
        target["count"] += g["count"]
        groups.remove(g)


def _assign_ids(entries: list[Entry]) -> None:
    used: set[str] = set()
    for e in entries:
        base = slug(e.name) or "entry"
        eid, n = base, 2
        while eid in used:
            eid, n = f"{base}-{n}", n + 1
        used.add(eid)
        e.id = eid
