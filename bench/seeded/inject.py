"""Inject contradictions into a copy of an untouched project, deterministically.

Each entry of a spec's ``injections:`` list is one contradiction (``auto`` entries make
``count`` of them). The kinds:

``insert: TEXT``
    a new paragraph after a narration paragraph of a scene chosen from ``where``;
``append: TEXT``
    a sentence added to the end of a narration paragraph (a slip inside a paragraph);
``replace: {find: REGEX, with: TEXT, scope: narration|dialogue|any}``
    one match of ``find`` (chosen at random among all matches in the ``where`` scenes)
    replaced, ``\\1`` etc. allowed in ``with``;
``when: VALUE`` (with ``where`` naming one scene)
    the scene's ``when`` set to VALUE;
``cast: ID``
    ID added to the ``characters`` of a scene chosen from ``where`` (a front-matter slip);
``auto: misspelling | prefer | consistency | time``
    generated from canon and contracts: a canon name with a one-edit typo; a preferred
    form (``to-day``) replaced by the avoided one (``today``); the book's variant of a
    ``consistency`` pair replaced by the other; a scene's ``when`` set before the previous
    dated scene.

Every injection is recorded with its family, file and the line it lands on (1-based, in
the seeded file). Randomness comes from one ``random.Random`` seeded with the seed and
the novel, used in the spec's order, so a run is reproducible; no two injections touch
the same or neighbouring paragraphs.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.seeded.build import SceneFile, read_scenes, render_front_matter, select

DEFAULT_SEED = 20240603


@dataclass
class Injection:
    novel: str
    family: str
    path: str
    line: int
    kind: str          # insert | append | replace | when | cast
    text: str          # what was written (the sentence, the new word, the new value)
    original: str = ""  # what it replaced, if anything
    scene: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


class _Line:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


@dataclass
class _Doc:
    scene: SceneFile
    fm: list[_Line]                      # front matter lines, including both `---`
    body: list[_Line]
    paragraphs: list[list[_Line]]
    after: dict[int, list[_Line]] = field(default_factory=dict)   # id(line) → inserted lines
    blocked: set[int] = field(default_factory=set)                # paragraph indexes in use

    def lines(self) -> list[_Line]:
        out: list[_Line] = []
        for ln in self.fm + self.body:
            out.append(ln)
            out.extend(self.after.get(id(ln), []))
        return out

    def line_no(self, target: _Line) -> int:
        for i, ln in enumerate(self.lines(), 1):
            if ln is target:
                return i
        raise ValueError("line not in document")

    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines())


def _parse(root: Path, scene: SceneFile) -> _Doc:
    text = (root / scene.path).read_text(encoding="utf-8")
    raw = text.split("\n")
    end = raw.index("---", 1)
    fm = [_Line(t) for t in raw[:end + 1]]
    body = [_Line(t) for t in raw[end + 1:]]
    paras: list[list[_Line]] = []
    cur: list[_Line] = []
    for ln in body:
        if ln.text.strip():
            cur.append(ln)
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    return _Doc(scene, fm, body, paras)


# ----------------------------------------------------------------------------- prose shape
_OPEN, _CLOSE = "“", "”"


def _quote_depth_ok(text: str) -> bool:
    """The paragraph closes every quote it opens (so it does not run on into the next)."""
    if _OPEN in text or _CLOSE in text:
        return text.count(_OPEN) == text.count(_CLOSE)
    return text.count('"') % 2 == 0


def _has_quotes(text: str) -> bool:
    return any(q in text for q in (_OPEN, _CLOSE, '"'))


def _is_prose(para: list[_Line], min_words: int) -> bool:
    text = " ".join(ln.text for ln in para)
    if len(text.split()) < min_words:
        return False
    if re.fullmatch(r"[^a-z]*", text):               # a heading in capitals
        return False
    if text.lstrip().startswith("_") and len(text.split()) < 25:   # a dateline or a caption
        return False
    return text.rstrip()[-1:] in ".!?”’\"')_—-;:"


def _ends_sentence(para: list[_Line]) -> bool:
    """A prose paragraph that ends a sentence (not `… saying:--`, which introduces the
    speech in the next paragraph)."""
    text = " ".join(ln.text for ln in para).rstrip()
    return _is_prose(para, 12) and text[-1:] in ".!?”’\"" and not text.endswith((":--", ":—"))


def _in_dialogue(line: str, pos: int) -> bool:
    before = line[:pos]
    if _OPEN in line or _CLOSE in line:
        return before.count(_OPEN) > before.count(_CLOSE)
    return before.count('"') % 2 == 1


# ----------------------------------------------------------------------------- injector
class Injector:
    def __init__(self, novel: str, root: Path, spec: dict, seed: int = DEFAULT_SEED) -> None:
        self.novel = novel
        self.root = Path(root)
        self.spec = spec
        self.rng = random.Random(f"{seed}:{novel}")
        self.scenes = read_scenes(self.root)
        self.docs: dict[str, _Doc] = {}
        self.records: list[tuple[dict, _Doc, _Line]] = []
        self.family_scenes: set[tuple[str, str]] = set()   # one injection per family and scene
        words: set[str] = set()
        for s in self.scenes:
            words |= {w.lower() for w in re.findall(r"[^\W\d_]+", s.body)}
        self.book_words = words

    def doc(self, scene: SceneFile) -> _Doc:
        if scene.path not in self.docs:
            self.docs[scene.path] = _parse(self.root, scene)
        return self.docs[scene.path]

    # -- recording
    def _scenes(self, where: dict | None, family: str) -> list[SceneFile]:
        """The scenes of ``where`` without an injection of ``family`` yet: two of one kind
        in a scene would be one finding (rules report a character once per scene)."""
        return [s for s in select(self.scenes, where) if (family, s.path) not in self.family_scenes]

    def _record(self, family: str, kind: str, doc: _Doc, line: _Line, text: str, original: str = "") -> None:
        self.family_scenes.add((family, doc.scene.path))
        self.records.append(({"family": family, "kind": kind, "text": text, "original": original}, doc, line))

    def _free(self, doc: _Doc, *paras: int) -> bool:
        return not any(p in doc.blocked for p in paras)

    def _block(self, doc: _Doc, *paras: int) -> None:
        doc.blocked.update(paras)

    # -- kinds
    def insert(self, family: str, text: str, where: dict | None) -> None:
        spots = []
        for s in self._scenes(where, family):
            doc = self.doc(s)
            paras = doc.paragraphs
            narr = [i for i in range(len(paras) - 1)
                    if _ends_sentence(paras[i]) and not _has_quotes(" ".join(ln.text for ln in paras[i]))
                    and _quote_depth_ok(" ".join(ln.text for ln in paras[i + 1])) and self._free(doc, i, i + 1)]
            if not narr:
                narr = [i for i in range(len(paras) - 1)
                        if _ends_sentence(paras[i]) and _quote_depth_ok(" ".join(ln.text for ln in paras[i]))
                        and self._free(doc, i, i + 1)]
            spots += [(doc, i) for i in narr]
        if not spots:
            raise ValueError(f"{self.novel}: no place to insert `{text[:40]}…` in {where}")
        doc, i = self.rng.choice(spots)
        new = _Line(text)
        doc.after.setdefault(id(doc.paragraphs[i][-1]), []).extend([_Line(""), new])
        self._block(doc, i, i + 1)
        self._record(family, "insert", doc, new, text)

    def append(self, family: str, text: str, where: dict | None) -> None:
        spots = []
        for s in self._scenes(where, family):
            doc = self.doc(s)
            for i, p in enumerate(doc.paragraphs):
                joined = " ".join(ln.text for ln in p)
                if (len(p) == 1 and _is_prose(p, 40) and not _has_quotes(joined) and joined.rstrip()[-1:] in ".!?"
                        and self._free(doc, i)):
                    spots.append((doc, i))
        if not spots:
            raise ValueError(f"{self.novel}: no paragraph to append `{text[:40]}…` to in {where}")
        doc, i = self.rng.choice(spots)
        line = doc.paragraphs[i][-1]
        line.text = line.text.rstrip() + " " + text
        self._block(doc, i)
        self._record(family, "append", doc, line, text)

    def _matches(self, rx: re.Pattern, where: dict | None, scope: str, family: str):
        out = []
        for s in self._scenes(where, family):
            doc = self.doc(s)
            for i, p in enumerate(doc.paragraphs):
                if not self._free(doc, i):
                    continue
                for ln in p:
                    for m in rx.finditer(ln.text):
                        inside = _in_dialogue(ln.text, m.start())
                        if scope == "narration" and inside or scope == "dialogue" and not inside:
                            continue
                        out.append((doc, i, ln, m))
        return out

    def replace(self, family: str, find: str, with_: str, where: dict | None, scope: str = "any") -> None:
        rx = re.compile(find)
        found = self._matches(rx, where, scope, family)
        if not found:
            raise ValueError(f"{self.novel}: `{find}` matches nothing in {where}")
        doc, i, ln, m = self.rng.choice(found)
        new = m.expand(with_)
        ln.text = ln.text[:m.start()] + new + ln.text[m.end():]
        self._block(doc, i)
        self._record(family, "replace", doc, ln, new, m.group(0))

    def set_when(self, family: str, value: str, where: dict | None) -> None:
        scenes = select(self.scenes, where)
        if len(scenes) != 1:
            raise ValueError(f"{self.novel}: `when` injection needs exactly one scene, got {len(scenes)}")
        doc = self.doc(scenes[0])
        self._write_meta(doc, "when", value, family, "when")

    def _write_meta(self, doc: _Doc, key: str, value, family: str, kind: str) -> None:
        meta = dict(doc.scene.meta)
        old = meta.get(key)
        meta[key] = value
        rendered = render_front_matter(meta).rstrip("\n").split("\n")
        # keep line identity: rewrite the front matter lines in place, adding lines if needed
        while len(doc.fm) < len(rendered):
            doc.fm.insert(len(doc.fm) - 1, _Line(""))
        for ln, text in zip(doc.fm, rendered):
            ln.text = text
        target = next(ln for ln in doc.fm if ln.text.startswith(f"{key}:"))
        doc.scene.meta = meta
        shown = value if isinstance(value, str) else ", ".join(value)
        self._record(family, kind, doc, target, f"{key}: {shown}", "" if old is None else str(old))

    def add_cast(self, family: str, cid: str, where: dict | None) -> None:
        scenes = [s for s in self._scenes(where, family) if cid not in (s.meta.get("characters") or [])]
        if not scenes:
            raise ValueError(f"{self.novel}: no scene to add `{cid}` to in {where}")
        s = self.rng.choice(scenes)
        doc = self.doc(s)
        self._write_meta(doc, "characters", sorted((s.meta.get("characters") or []) + [cid]), family, "cast")

    # -- generated kinds
    def auto_misspelling(self, count: int, where: dict | None, family: str) -> None:
        from bench.seeded.build import read_yaml

        names: set[str] = set()
        # title words of aliases (`King Gorice`, `Lord Juss`) are not names: NF205 does not
        # compare them either
        from novelforge.text import lexicon

        titles = set(lexicon.as_written(lexicon.TITLES | lexicon.EPITHETS)) | {"Van", "Doctor"}
        for path in sorted((self.root / "canon" / "characters").glob("*.yaml")):
            data = read_yaml(path) or {}
            for form in [data.get("name") or path.stem, *(data.get("aliases") or [])]:
                for w in str(form).split():
                    w = w.rstrip(".")
                    if len(w) >= 4 and w[0].isupper() and w not in titles:
                        names.add(w)
        alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
        rx = re.compile(r"(?<![\w’'\-])(" + alternatives + r")(?![\w\-])")
        for _ in range(count):
            found = self._matches(rx, where, "any", family)
            self.rng.shuffle(found)
            for doc, i, ln, m in found:
                typo = self._typo(m.group(1), names)
                if typo:
                    ln.text = ln.text[:m.start(1)] + typo + ln.text[m.end(1):]
                    self._block(doc, i)
                    self._record(family, "replace", doc, ln, typo, m.group(1))
                    break
            else:
                raise ValueError(f"{self.novel}: no name left to misspell")

    def _typo(self, word: str, names: set[str]) -> str | None:
        """A realistic one-edit typo that is not a word of the book nor another name."""
        ops = []
        inner = range(1, len(word) - 1)
        for k in inner:                                        # swapped neighbours: Holmse
            if word[k] != word[k + 1]:
                ops.append(word[:k] + word[k + 1] + word[k] + word[k + 2:])
        for k in range(1, len(word)):                          # a dropped letter: Lestade
            ops.append(word[:k] + word[k + 1:])
        for k in range(1, len(word)):                          # a doubled letter: Gregsson
            if word[k].isalpha():
                ops.append(word[:k] + word[k] + word[k:])
        vowels = "aeiou"
        for k in range(1, len(word)):                          # a wrong vowel: Drebbar
            if word[k] in vowels:
                ops += [word[:k] + v + word[k + 1:] for v in vowels if v != word[k]]
        # not a word of the book, not another name, and not the name's plural (`Hawkinss`,
        # which NF205 rightly leaves alone: "the Bennets")
        ops = [o for o in dict.fromkeys(ops)
               if o != word and o.lower() not in self.book_words and o not in names and len(o) >= 4
               and o not in (word + "s", word + "es")]
        return self.rng.choice(ops) if ops else None

    def auto_replace_pairs(self, count: int, pairs: dict[str, str], where: dict | None, family: str,
                           scope: str = "any") -> None:
        """Replace ``count`` occurrences of a key of ``pairs`` (any case) by its value."""
        alternatives = "|".join(sorted(map(re.escape, pairs), key=len, reverse=True))
        rx = re.compile(r"(?i)(?<![\w\-])(" + alternatives + r")(?![\w\-])")
        lower = {k.lower(): v for k, v in pairs.items()}
        for _ in range(count):
            found = self._matches(rx, where, scope, family)
            if not found:
                raise ValueError(f"{self.novel}: nothing left to replace for {family}")
            doc, i, ln, m = self.rng.choice(found)
            src = m.group(1)
            new = lower[src.lower()]
            if src[:1].isupper():
                new = new[:1].upper() + new[1:]
            ln.text = ln.text[:m.start(1)] + new + ln.text[m.end(1):]
            self._block(doc, i)
            self._record(family, "replace", doc, ln, new, src)

    def auto_time(self, count: int, where: dict | None, family: str) -> None:
        dated = [s for s in self.scenes if s.meta.get("when") and not s.meta.get("flashback")]
        # scenes that canon refers to (`learned_in`, `died_in`) keep their time: moving them
        # would change what another family's injection means
        protected = self._canon_scene_refs()
        eligible = {s.path for s in self._scenes(where, family) if s.id not in protected}
        used: set[int] = set()
        for _ in range(count):
            cands = [(k, s) for k, s in enumerate(dated) if k > 0 and s.path in eligible
                     and not ({k - 1, k, k + 1} & used) and _can_go_back(dated[k - 1].meta["when"])]
            if not cands:
                raise ValueError(f"{self.novel}: no dated scene left for a time injection")
            k, s = self.rng.choice(cands)
            used.add(k)
            value = _earlier(dated[k - 1].meta["when"], self.rng)
            self._write_meta(self.doc(s), "when", value, family, "when")

    def _canon_scene_refs(self) -> set[str]:
        from bench.seeded.build import read_yaml

        refs: set[str] = set()
        for path in sorted((self.root / "canon").rglob("*.yaml")):
            data = read_yaml(path) or {}
            refs |= {str(data[k]) for k in ("died_in", "revived_in") if data.get(k)}
            refs |= {str(k.get("learned_in")) for k in data.get("knows") or [] if isinstance(k, dict)}
        return refs

    # -- driver
    def run(self) -> list[Injection]:
        contracts = self.spec.get("contracts") or {}
        for entry in self.spec.get("injections") or []:
            fam = entry.get("family")
            where = entry.get("where")
            if "insert" in entry:
                self.insert(fam, entry["insert"], where)
            elif "append" in entry:
                self.append(fam, entry["append"], where)
            elif "replace" in entry:
                r = entry["replace"]
                self.replace(fam, r["find"], r["with"], where, r.get("scope", "any"))
            elif "when" in entry:
                self.set_when(fam, str(entry["when"]), where)
            elif "cast" in entry:
                self.add_cast(fam, entry["cast"], where)
            elif entry.get("auto") == "misspelling":
                self.auto_misspelling(int(entry.get("count", 1)), where, fam or "misspelled-name")
            elif entry.get("auto") in ("prefer", "consistency"):
                kind = entry["auto"]
                pairs: dict[str, str] = {}
                for body in contracts.values():
                    for c in (body or {}).values():
                        if c.get("type") == kind:
                            src = c.get("replace") if kind == "prefer" else c.get("either")
                            for a, b in (src or {}).items():
                                # prefer: write the avoided form where the book has the preferred
                                # one; consistency: the other variant where the book has its own
                                if kind == "prefer":
                                    pairs[b] = a
                                else:
                                    pairs[a] = b
                self.auto_replace_pairs(int(entry.get("count", 1)), pairs, where, fam or kind,
                                        entry.get("scope", "any"))
            elif entry.get("auto") == "time":
                self.auto_time(int(entry.get("count", 1)), where, fam or "time-backwards")
            else:
                raise ValueError(f"{self.novel}: unknown injection {entry}")
        for path, doc in self.docs.items():
            (self.root / path).write_text(doc.text(), encoding="utf-8")
        out = []
        for rec, doc, line in self.records:
            out.append(Injection(self.novel, rec["family"], doc.scene.path, doc.line_no(line), rec["kind"],
                                 rec["text"], rec["original"], doc.scene.id))
        return out


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(.*)$")
_DAYN = re.compile(r"^day (\d+)(.*)$")


def _can_go_back(prev: str) -> bool:
    m = _DAYN.match(str(prev))
    return bool(_ISO.match(str(prev))) or bool(m and int(m.group(1)) > 1)


def _earlier(prev: str, rng: random.Random) -> str | None:
    """A `when` a few days before ``prev`` (same format, same time of day), as a slip of
    the pen or a miscounted day would give."""
    m = _ISO.match(str(prev))
    if m:
        d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        back = d - dt.timedelta(days=rng.randint(1, 9))
        return back.isoformat() + m.group(4)
    m = _DAYN.match(str(prev))
    if m and int(m.group(1)) > 1:
        return f"day {rng.randint(1, int(m.group(1)) - 1)}{m.group(2)}"
    return None


def seed_project(novel: str, untouched: Path, target: Path, spec: dict, seed: int = DEFAULT_SEED) -> list[Injection]:
    """Copy ``untouched`` to ``target`` and inject the spec's contradictions there."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(untouched, target, ignore=shutil.ignore_patterns(".novelforge"))
    return Injector(novel, target, spec, seed).run()
