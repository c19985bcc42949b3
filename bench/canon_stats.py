"""The canon ``bench/make_project.py`` gives a corpus novel: up to 50 characters found by
statistics (capitalised words almost never in lower case, used with a title or a speech
verb, variants grouped as aliases), each scene's cast as a reader sees it, and the canon
files. The word lists are NovelForge's own (``novelforge/text/lexicon.py``)."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from novelforge.text import lexicon  # noqa: E402
from novelforge.text.grammar import sentence_initial  # noqa: E402
from novelforge.text.lexicon import as_written  # noqa: E402
from novelforge.text.slug import slug  # noqa: E402

# ----------------------------------------------------------------------------- names
# NovelForge's own word lists (novelforge/text/lexicon.py), as written in the text.
TITLES = as_written(lexicon.TITLES | lexicon.EPITHETS)      # `Mr.`, `Prince`, `Old`
PLACE_TITLES = as_written(lexicon.PLACE_TITLES)               # `St. Petersburg`: no person
NOT_NAMES = lexicon.NOT_NAMES
SPEECH = lexicon.PERSON_VERBS
PLACE_WORDS = lexicon.PLACE_WORDS
MALE = as_written(lexicon.MALE_TITLES)
FEMALE = as_written(lexicon.FEMALE_TITLES)
FAMILY = as_written(lexicon.FAMILY_TITLES)
ABBREV_TITLES = as_written(lexicon.ABBREVIATED_TITLES)
_WORD = re.compile(r"[^\W\d_](?:[^\W_]|[’'\-])*")
_POSS = re.compile(r"(?:['’]s|['’])$")


def ascii_slug(text: str, limit: int = 40) -> str:
    return slug(text, limit, fallback="x")


def yaml_str(value: str) -> str:
    """A YAML scalar: plain where that is unambiguous, otherwise JSON-quoted (valid YAML)."""
    if (re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,’'\-]*[A-Za-z0-9]|[A-Za-z]", value)
            and value.lower() not in {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}):
        return value
    return json.dumps(value, ensure_ascii=False)


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_str(v) if re.fullmatch(r"[\w\- ’'.]+", v) and "." not in v
                           else json.dumps(v, ensure_ascii=False) for v in values) + "]"


# ----------------------------------------------------------------------------- canon
@dataclass
class Character:
    id: str
    name: str
    aliases: list[str]
    count: int


def _strip(tok: str) -> str:
    return _POSS.sub("", tok)


def find_characters(paragraphs: list[str], limit: int = 50) -> list[Character]:
    """The most frequent personal names with their variants, found statistically.

    1. Name tokens: capitalised words used at least 8 times, almost never in lower case,
       mostly not sentence-initial, with evidence of being a person (after a title such as
       `Mr.`/`Prince`, or next to a speech verb: `said Holmes`, `Holmes replied`).
    2. Name runs: consecutive capitalised words (`Mr. Sherlock Holmes`, `Prince Andrew`,
       `Anna Pávlovna Schérer`), with their title and without sentence-initial words
       that are not names.
    3. Characters: the most frequent tokens; a token always used together with a more
       frequent one joins it (`Sherlock` → `Holmes`). A first name used in several
       frequent full names is split into one character per full name (`Anna Pávlovna`,
       `Anna Mikháylovna`); a surname used with several gendered titles into one
       character per title (`Mr. Bennet`, `Mrs. Bennet`).
    """
    lower: Counter = Counter()
    for para in paragraphs:
        for m in _WORD.finditer(para):
            if not m.group(0)[:1].isupper():
                lower[m.group(0).lower()] += 1
    cap: Counter = Counter()
    initial: Counter = Counter()
    person: Counter = Counter()        # evidence that a token names a person
    placey: Counter = Counter()        # followed by Street, Castle, …: part of a place name
    runs: Counter = Counter()          # (title or "", name tokens) → count
    for para in paragraphs:
        toks = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(para)]
        run: list[tuple[str, int, int]] = []

        def close_run() -> None:
            if not run:
                return
            words = [_strip(t[0]) for t in run]
            initial0 = sentence_initial(para, run[0][1])
            # drop leading words that are not part of the name ("But Holmes", "October Pierre")
            while len(words) > 1 and words[0] not in TITLES and (
                    words[0] in NOT_NAMES or (initial0 and lower[words[0].lower()] > 0)):
                words = words[1:]
                initial0 = False
            title = ""
            while words and words[0] in TITLES:
                title = words[0]
                words = words[1:]
            if 0 < len(words) <= 4 and all(len(w) > 1 or w.isupper() for w in words):
                runs[(title, tuple(w for w in words if len(w) > 1))] += 1
            run.clear()

        for k, (tok, s, e) in enumerate(toks):
            word = _strip(tok)
            if word[:1].isupper() and word != "I":
                cap[word] += 1
                if sentence_initial(para, s):
                    initial[word] += 1
                if k and para[toks[k - 1][2]:s] in (" ", ". "):
                    prev = _strip(toks[k - 1][0])
                    spaced = para[toks[k - 1][2]:s] == " "
                    if (prev in TITLES and prev not in PLACE_TITLES) or (prev in SPEECH and spaced):
                        person[word] += 1
                if k + 1 < len(toks) and para[e:toks[k + 1][1]] == " ":
                    if toks[k + 1][0] in SPEECH:
                        person[word] += 1
                    elif toks[k + 1][0] in PLACE_WORDS:
                        placey[word] += 1
                if run:
                    sep = para[run[-1][2]:s]
                    last = _strip(run[-1][0])
                    joined = sep == " " or (sep == ". " and (last in TITLES or len(last) == 1))
                    if not joined or (word in TITLES and last not in TITLES):
                        close_run()
                run.append((tok, s, e))
                if tok != word:           # a possessive ends the name
                    close_run()
            else:
                close_run()
        close_run()

    cands: dict[str, int] = {}
    for w, n in cap.items():
        if (len(w) < 3 or w.isupper() or w in TITLES or w in NOT_NAMES or "-" in w
                or re.match(r"I['’]", w) or not re.fullmatch(r".[^A-Z]*(?:[A-Z][^A-Z]+)?", w)):
            continue
        if n < 8 or lower[w.lower()] > 0.03 * n or n - initial[w] < 0.25 * n:
            continue
        if person[w] < max(2, 0.02 * n):
            continue
        if w.endswith("s") and (cap[w[:-1]] >= 3 or w.endswith("es") and cap[w[:-2]] >= 3):
            continue                  # a plural: "the Rostóvs", "Cossacks", "Witches"
        if placey[w] >= 0.2 * n:
            continue                  # "Baker Street": a place more often than not
        cands[w] = n
    order = sorted(cands, key=lambda w: (-cands[w], w))

    # full names (no title) and titles used with a single token
    full: dict[str, Counter] = defaultdict(Counter)     # token → full name → count
    pair: Counter = Counter()
    titled: dict[str, Counter] = defaultdict(Counter)
    for (title, words), n in runs.items():
        cw = [w for w in words if w in cands]
        for a in cw:
            if len(words) > 1:
                full[a][words] += n
            for b in cw:
                if a != b:
                    pair[(a, b)] += n
        if title and len(words) == 1 and words[0] in cands:
            titled[words[0]][title] += n

    owner: dict[str, int] = {}
    groups: list[dict] = []
    for t in order:
        if t in owner:
            continue
        n_t = cands[t]
        # one surname used for several people ("Mr. Bennet", "Mrs. Bennet")
        tc = titled.get(t, Counter())
        strong = sorted((ti for ti, n in tc.items() if n >= max(5, 0.1 * n_t)), key=lambda ti: (-tc[ti], ti))
        if len(strong) > 1 and (len(set(strong) & FAMILY) > 1 or (set(strong) & MALE and set(strong) & FAMILY & FEMALE)
                                or (set(strong) & FEMALE and set(strong) & FAMILY & MALE)):
            owner[t] = -1
            for ti in strong:
                groups.append({"primary": t, "members": [t], "title": ti, "full": None, "count": tc[ti]})
            continue
        # one first name in several full names ("Anna Pávlovna", "Anna Mikháylovna")
        fulls = sorted((f for f, n in full[t].items() if f[0] == t and n >= max(5, 0.1 * n_t)),
                       key=lambda f: (-full[t][f], f))
        if len(fulls) > 1:
            owner[t] = -1
            for f in fulls:
                owner_id = len(groups)
                groups.append({"primary": t, "members": [], "title": None, "full": f, "count": full[t][f]})
                for u in f:
                    if u in cands and u not in owner and u != t:
                        owner[u] = owner_id
                        groups[owner_id]["members"].append(u)
            continue
        g = {"primary": t, "members": [t], "title": None, "full": None, "count": n_t}
        owner[t] = len(groups)
        groups.append(g)
        for u in order:
            if u not in owner and pair[(t, u)] >= 0.5 * cands[u] and pair[(t, u)] >= 3:
                g["members"].append(u)
                owner[u] = owner[t]

    def forms_of(g: dict) -> Counter:
        members = set(g["members"])
        out: Counter = Counter()
        for (title, words), n in runs.items():
            if g["full"] is not None:
                if not (words[:len(g["full"])] == g["full"] and len(words) <= len(g["full"]) + 1
                        or words and all(w in members for w in words)):
                    continue
            elif g["primary"] not in words:
                continue
            if any(w in cands and w not in members and owner.get(w) != -1 and (g["full"] is None or w not in g["full"])
                   for w in words):
                continue            # another character's token: a different person
            if g["title"] and title != g["title"]:
                continue
            if title in PLACE_TITLES or any(w in PLACE_WORDS for w in words):
                continue
            bare = " ".join(words)
            if title:
                out[f"{title}. {bare}" if title in ABBREV_TITLES else f"{title} {bare}"] += n
            if not g["title"] and (g["full"] is None or words == g["full"] or len(words) > 1):
                if len(words) > 1 or words[0] in members:
                    out[bare] += n
        return out

    chars: list[Character] = []
    used_ids: set[str] = set()
    for g in sorted(groups, key=lambda g: (-g["count"], g["primary"], g["title"] or "", g["full"] or ())):
        if len(chars) >= limit:
            break
        forms = forms_of(g)
        floor = max(2, 0.004 * g["count"])
        keep = Counter({f: n for f, n in forms.items() if n >= floor})
        if g["title"]:
            name = f"{g['title']}. {g['primary']}" if g["title"] in ABBREV_TITLES else f"{g['title']} {g['primary']}"
            base = f"{g['title']}-{g['primary']}"
        elif g["full"]:
            name = " ".join(g["full"])
            base = name
        else:
            base = g["primary"]
            multi = [f for f in keep if len(f.split()) > 1 and f.split()[0].rstrip(".") not in TITLES
                     and keep[f] >= 0.1 * g["count"]]
            name = sorted(multi, key=lambda f: (-keep[f], f))[0] if multi else g["primary"]
            allowed = set(g["members"]) | set(name.split()) | TITLES | ABBREV_TITLES
            # a full name the text uses for this character alone ("Natásha Rostóva"); a first
            # name with several (Michael Ivánovich, Michael Ilariónovich) is several people
            extra = {f for f in keep if f.split()[0] in g["members"] and len(f.split()) > 1
                     and not all(w.rstrip(".") in allowed for w in f.split())}
            if len(name.split()) == 1 and len(extra) == 1:
                allowed |= set(next(iter(extra)).split())
            keep = Counter({f: n for f, n in keep.items()
                            if all(w.rstrip(".") in allowed for w in f.split())})
            # titles of the other sex name another person ("Miss Darcy" is not Mr. Darcy)
            tcount: Counter = Counter()
            for f, n in keep.items():
                if f.split()[0].rstrip(".") in TITLES:
                    tcount[f.split()[0].rstrip(".")] += n
            if tcount:
                top = sorted(tcount, key=lambda t: (-tcount[t], t))[0]
                other = FEMALE if top in MALE else MALE if top in FEMALE else set()
                keep = Counter({f: n for f, n in keep.items() if f.split()[0].rstrip(".") not in other})
        if g["full"]:
            keep = Counter({f: n for f, n in keep.items()
                            if " ".join(g["full"]) in f or all(w.rstrip(".") in TITLES or w in g["members"]
                                                               for w in f.split())})
        keep[name] += 0
        aliases = sorted((f for f in keep if f != name), key=lambda f: (-keep[f], f))[:8]
        cid, n = ascii_slug(base), 2
        while cid in used_ids:
            cid, n = f"{ascii_slug(base)}-{n}", n + 1
        used_ids.add(cid)
        chars.append(Character(cid, name, aliases, g["count"]))
    return chars


class NameFinder:
    """Which characters a text names, as a reader sees it: their names and aliases as whole
    words, case-sensitive, the longest name winning where names overlap, possessives
    included and Markdown emphasis (`_Mina_`) ignored."""

    def __init__(self, chars: list[Character]) -> None:
        by_form: dict[str, set[str]] = defaultdict(set)
        for c in chars:
            for f in [c.name, *c.aliases]:
                by_form[f].add(c.id)
        self.by_form = by_form
        forms = sorted(by_form, key=lambda f: (-len(f), f))
        body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
        # Markdown emphasis (`_Mina Murray_`, `*Mina*`) does not hide a name from a reader
        edges = (rf"(?<![^\W_])(?<![’'\-])(?:{body})(?![^\W_])(?![’'](?!s\b)[^\W_])(?!-[^\W_])")
        self.pattern = re.compile(edges) if forms else None

    def find(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        found: dict[str, None] = {}
        for m in self.pattern.finditer(text):
            ids = self.by_form.get(re.sub(r"\s+", " ", m.group(0)), set())
            if len(ids) == 1:
                found.setdefault(next(iter(ids)), None)
        return sorted(found)


class BenchCanon:
    """The canon this benchmark finds, in the shape ``novelforge import`` writes a project
    with (:func:`novelforge.import_.render.render_project`): its characters, each scene's
    cast (every character the scene names, as :class:`NameFinder` reads it) and the
    canon files."""

    def __init__(self, chars: list[Character]) -> None:
        self.characters = chars
        self.finder = NameFinder(chars)

    def cast(self, prose: str) -> tuple[list[str], list[str]]:
        return self.finder.find(prose), []

    def files(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for c in self.characters:
            body = [f"name: {yaml_str(c.name)}"]
            if c.aliases:
                body.append(f"aliases: {yaml_list(c.aliases)}")
            body.append(f"summary: {yaml_str(f'Named {c.count} times in the novel.')}")
            out[f"canon/characters/{c.id}.yaml"] = "\n".join(body) + "\n"
        return out
