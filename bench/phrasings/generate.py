"""Generate the phrasings benchmark's contradictions from a novel's canon and material.

``generate(spec, scenes, seed)`` returns injection entries in ``bench/seeded``'s format
(``insert`` / ``append`` / ``cast`` / ``auto: time``, each with its ``where``) plus the
``phrasing`` and ``template`` they come from. For each kind and each of its phrasings it
writes ``per_phrasing`` contradictions (material ``per_phrasing``, default 2), the
templates of the phrasing taken in a shuffled cycle and the subject at random, all from
one ``random.Random`` seeded with the seed and the novel. ``where`` keeps each one a real
contradiction: a colour where the character is in the cast, a dead character after the
death scene, a keyword before ``learned_in``, an item after its loss.

The entries are placed by ``bench.seeded.inject.Injector`` (random scene, random
paragraph), see ``place``.
"""

from __future__ import annotations

import random
import re
import string

from bench.phrasings.templates import INVERSE, TEMPLATES

PRONOUNS = {
    "he": {"He": "He", "he": "he", "His": "His", "his": "his", "him": "him", "man": "man"},
    "she": {"He": "She", "he": "she", "His": "Her", "his": "her", "him": "her", "man": "woman"},
    "I": {"He": "I", "he": "I", "His": "My", "his": "my", "him": "me", "man": "man"},
}


# the colours written for each attribute, and the ones too near a canon colour to
# contradict it (a reader would not call chestnut hair "brown" a mistake)
PALETTES = {"eyes": ["blue", "grey", "brown", "green", "black", "hazel"],
            "hair": ["black", "brown", "red", "fair", "grey", "white", "golden"]}
NEAR = {"black": {"dark", "brown"}, "dark": {"black", "brown"}, "brown": {"chestnut", "hazel", "dark", "auburn"},
        "chestnut": {"brown", "auburn", "red"}, "flaxen": {"fair", "golden", "blond", "yellow", "white"},
        "fair": {"flaxen", "golden", "blond"}, "red": {"auburn", "ginger", "chestnut", "golden"},
        "grey": {"white", "silver"}, "hazel": {"brown", "green"}, "blue": {"grey"}}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def fill(template: str, values: dict, apostrophe: str = "'") -> str | None:
    """The template with its placeholders filled (the book's apostrophe for ``'``), or
    None if one has no value."""
    if not _fields(template) <= set(values):
        return None
    out = template.format(**values)
    out = re.sub(r"\bI's\b", "my", out)         # the narrator's possessive
    out = out.replace("'", apostrophe)
    return out[:1].upper() + out[1:]


def gender(char: dict) -> str:
    pron = str((char.get("attributes") or {}).get("pronouns") or "he/him")
    return "she" if pron.startswith("she") else "he"


class Generator:
    def __init__(self, spec: dict, scenes: list, seed: int) -> None:
        self.spec = spec
        self.novel = spec["novel"]
        self.mat = spec.get("material") or {}
        self.chars: dict[str, dict] = dict((spec.get("canon") or {}).get("characters") or {})
        self.scenes = scenes
        self.index = {s.id: s.index for s in scenes}
        self.rng = random.Random(f"phrasings:{seed}:{self.novel}")
        q = self.mat.get("quotes") or ['"', '"']
        self.base = {"q": q[0], "Q": q[1]}
        self.apostrophe = self.mat.get("apostrophe", "'")
        self.per = int(self.mat.get("per_phrasing", 2))
        self.entries: list[dict] = []

    # -- helpers
    def name(self, cid: str) -> str:
        return (self.mat.get("names") or {}).get(cid) or self.chars.get(cid, {}).get("name") or cid.title()

    def person(self, cid: str, narrator_as_i: bool = False) -> dict:
        g = "I" if narrator_as_i and cid == self.mat.get("narrator") else gender(self.chars.get(cid, {}))
        vals = dict(PRONOUNS[g])
        vals["N"] = "I" if g == "I" else self.name(cid)
        role = (self.mat.get("roles") or {}).get(cid)
        if role:
            vals["R"] = role
        return vals

    def speaker(self) -> str:
        return self.rng.choice(self.mat.get("speakers") or ["the stranger"])

    def after(self, scene_id: str) -> str | None:
        i = self.index[scene_id] + 1
        return self.scenes[i].id if i < len(self.scenes) else None

    def before(self, scene_id: str) -> str | None:
        i = self.index[scene_id] - 1
        return self.scenes[i].id if i >= 0 else None

    def emit(self, family: str, kind: str, phrasing: str, subjects: list, make) -> None:
        """``per`` entries of one kind and phrasing: ``make(subject)`` gives (values, where)."""
        if not subjects:
            return
        templates = list(enumerate(TEMPLATES[kind][phrasing]))
        self.rng.shuffle(templates)
        made = 0
        tries = 0
        while made < self.per and tries < 4 * self.per + len(templates):
            k, tpl = templates[tries % len(templates)]
            tries += 1
            subject = self.rng.choice(subjects)
            got = make(subject)
            if got is None:
                continue
            values, where = got
            values = {**self.base, "S": self.speaker(), **values}
            text = fill(tpl, values, self.apostrophe)
            if text is None:
                continue
            entry = {"family": family, "phrasing": phrasing, "template": f"{kind}/{phrasing}/{k}", "where": where}
            has_quote = values["q"] in text
            entry["append" if not has_quote and self.rng.random() < 0.5 else "insert"] = text
            self.entries.append(entry)
            made += 1

    # -- kinds
    def colours(self, family: str, attr: str) -> None:
        subjects = [cid for cid, c in self.chars.items() if (c.get("attributes") or {}).get(attr)]
        palette = list((self.mat.get("colours") or {}).get(attr) or PALETTES[attr])

        def make(cid):
            true = str(self.chars[cid]["attributes"][attr])
            wrong = [c for c in palette if c != true and c not in NEAR.get(true, ())]
            c = self.rng.choice(wrong)
            v = self.person(cid)
            v.update(C=c, Cc=c.capitalize(), T=true)
            return v, {"cast": [cid]}
        for ph in TEMPLATES[family]:
            self.emit(family, family, ph, subjects, make)

    def height(self) -> None:
        subjects = [cid for cid, c in self.chars.items() if (c.get("attributes") or {}).get("height") == "tall"]
        for ph in TEMPLATES["height"]:
            self.emit("height", "height", ph, subjects, lambda cid: (self.person(cid), {"cast": [cid]}))

    def dead(self) -> None:
        subjects = [cid for cid, c in self.chars.items() if c.get("died_in") and self.after(c["died_in"])]

        def make(cid):
            return self.person(cid), {"from": self.after(self.chars[cid]["died_in"])}
        for ph in TEMPLATES["dead-character"]:
            if ph == "front-matter":
                for _ in range(self.per):
                    if subjects:
                        cid = self.rng.choice(subjects)
                        self.entries.append({"family": "dead-character", "phrasing": ph,
                                             "template": "dead-character/front-matter/0", "cast": cid,
                                             "where": make(cid)[1]})
                continue
            self.emit("dead-character", "dead-character", ph, subjects, make)

    def forbidden(self) -> None:
        forms = self.mat.get("forms") or {}
        terms = [t for body in (self.spec.get("contracts") or {}).values() for c in (body or {}).values()
                 if c.get("type") == "forbid" for t in c.get("terms") or []]
        subjects = [t for t in terms if t in forms]

        def make(term):
            f = forms[term]
            v = {"term": term, "Term": term.capitalize(), "him": "them"}
            for key, ph in (("s", "terms"), ("ed", "termed"), ("ing", "terming")):
                if f.get(key):
                    v[ph] = f[key]
            return v, {}
        for ph in TEMPLATES["forbidden-term"]:
            self.emit("forbidden-term", "forbidden-term", ph, subjects, make)

    def misspelled(self, typo) -> None:
        names = list(self.mat.get("misspell") or [])

        def make(name):
            x = typo(name)
            return ({"X": x}, {}) if x else None
        for ph in TEMPLATES["misspelled-name"]:
            self.emit("misspelled-name", "misspelled-name", ph, names, make)

    def time(self) -> None:
        for _ in range(int(self.mat.get("time", 0))):
            self.entries.append({"family": "time-backwards", "phrasing": "front-matter",
                                 "template": "time-backwards/front-matter/0", "auto": "time"})

    def items(self) -> None:
        transfers = {}
        for rule in self.spec.get("scenes") or []:
            for t in (rule.get("set") or {}).get("transfers") or []:
                if t.get("destroyed") or not t.get("to"):
                    for sid in (rule.get("where") or {}).get("ids") or []:
                        transfers[t["item"]] = sid
        subjects = [it for it in self.mat.get("items") or [] if it["item"] in transfers]

        def make(it):
            v = self.person(it["who"])
            v["I"] = it.get("name") or it["item"]
            return v, {"from": self.after(transfers[it["item"]]), "cast": [it["who"]]}
        for ph in TEMPLATES["item-after-lost"]:
            self.emit("item-after-lost", "item-after-lost", ph, subjects, make)

    def knowledge(self) -> None:
        subjects = [(cid, k) for cid, c in self.chars.items() for k in c.get("knows") or []
                    if k.get("learned_in") and self.before(k["learned_in"])]

        def make(s):
            cid, k = s
            v = self.person(cid, narrator_as_i=True)
            v["K"] = k["keywords"][0]
            where = {"to": self.before(k["learned_in"])}
            if cid != self.mat.get("narrator"):
                where["cast"] = [cid]
            return v, where
        for ph in TEMPLATES["knowledge-before-learned"]:
            self.emit("knowledge-before-learned", "knowledge-before-learned", ph, subjects, make)

    def pov(self) -> None:
        p = self.mat.get("pov") or {}
        where = dict(p.get("where") or {})
        if p.get("first"):
            cid = p["first"]
            for ph in TEMPLATES["pov-slip"]:
                self.emit("pov-slip", "pov-slip", ph, [cid], lambda c: (self.person(c), dict(where)))
        if p.get("third"):
            def make(cid):
                return self.person(cid), {**where, "cast": [cid]}
            for ph in TEMPLATES["pov-slip-third"]:
                self.emit("pov-slip", "pov-slip-third", ph, list(p["third"]), make)

    def tense(self) -> None:
        t = self.mat.get("tense") or {}
        where = dict(t.get("where") or {})

        def make(cid):
            return self.person(cid), {**where, "cast": [cid]}
        for ph in TEMPLATES["tense-slip"]:
            self.emit("tense-slip", "tense-slip", ph, list(t.get("subjects") or []), make)

    def relations(self) -> None:
        rels = list(self.mat.get("relations") or [])

        def make(r):
            w = self.rng.choice(r["wrong"])
            v = self.person(r["a"])
            b = self.person(r["b"])
            v.update(A=v["N"], B=b["N"], W=w, B_his=b["his"])
            inv = INVERSE.get(w, {}).get(gender(self.chars.get(r["a"], {})))
            if inv:
                v["Winv"] = inv
            return v, {"cast": [r["a"]]}
        for ph in TEMPLATES["relationship-flip"]:
            self.emit("relationship-flip", "relationship-flip", ph, rels, make)

    def contracts(self) -> None:
        avoided: dict[str, list[str]] = {"prefer": [], "consistency": []}
        for body in (self.spec.get("contracts") or {}).values():
            for c in (body or {}).values():
                if c.get("type") == "prefer":
                    avoided["prefer"] += list((c.get("replace") or {}).keys())
                elif c.get("type") == "consistency":
                    avoided["consistency"] += list((c.get("either") or {}).values())
        names = [self.name(cid) for cid in sorted(self.chars)]
        for kind, forms in avoided.items():
            def make(f, names=names):
                return {"F": f, "Fc": f[:1].upper() + f[1:], "N": self.rng.choice(names)}, {}
            for ph in TEMPLATES[kind]:
                self.emit(kind, kind, ph, forms, make)
        titles = [tuple(t) for t in self.mat.get("titles") or []]
        for ph in TEMPLATES["pattern"]:
            def make_p(t):
                return ({"Title": t[0], "N": t[1]} if t else {}), {}
            self.emit("pattern", "pattern", ph, titles or [()], make_p)

    def run(self, typo) -> list[dict]:
        self.colours("eye-colour", "eyes")
        self.colours("hair-colour", "hair")
        self.height()
        self.dead()
        self.forbidden()
        self.misspelled(typo)
        self.time()
        self.items()
        self.knowledge()
        self.pov()
        self.tense()
        self.relations()
        self.contracts()
        return self.entries


def generate(spec: dict, scenes: list, seed: int, typo) -> list[dict]:
    """The injection entries for one novel (deterministic for a seed); ``typo(name)`` gives
    a one-edit misspelling that is not a word of the book (``Injector._typo``)."""
    return Generator(spec, scenes, seed).run(typo)
