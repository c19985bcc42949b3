"""Who a pronoun is: one resolver for the rules that read attributes, knowledge, speech
and presence (issue #16).

The owner of `he`, `she`, `his`, `her` is the nearest character the sentence (or, when it
names nobody who fits, the sentences before it in the paragraph, then the last sentence of
the paragraph before) names in narration with the pronoun's gender; where a sentence
names several who fit, the one it opens with (its grammatical subject), else nobody — an
unresolved pronoun says nothing, so the rules stay silent rather than guess. Genders come
from canon (`pronouns:`, `gender:`, `sex:`), else from the book's own usage
(:class:`Genders`). Someone unnamed brought in by a noun of one sex (`a lady sat at ease`)
stops the search: a `her` after it is hers, not a name's further back.
:func:`described_person` says whom a paragraph of description is about, for a feature it
gives no owner. The resolution is computed from the text index of one scene and the
book's genders; nothing here changes the cached index.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from functools import cache

from novelforge.text.lexicon import INNER_LIFE_VERBS

PRONOUN_GENDER = {"he": "he", "him": "he", "his": "he", "himself": "he", "she": "she", "her": "she",
                  "hers": "she", "herself": "she", "they": "they", "them": "they", "their": "they",
                  "themselves": "they"}
# subject and reflexive pronouns: in a sentence that names one character they mostly
# refer to that character (objects and possessives often do not)
_SUBJECT_PRONOUNS = re.compile(r"(?i)\b(he|himself|she|herself|they|themselves)\b")
# words a sentence may open with before its subject (`Then Aria`, `But Bram`)
_OPENERS = frozenset("then but and so yet now still at last presently suddenly here there".split())
_WORD = re.compile(r"[A-Za-z]+")
# someone unnamed brought in by a noun of one sex (`a lady sat at ease`, `an old man`): the
# nearest antecedent of a `she` or a `he` after it, whom no name in the text can be
_GENDERED_NOUNS = {
    "she": "lady woman girl maid maiden dame queen princess countess duchess nun widow wife mother daughter "
           "sister aunt lass landlady hostess mistress",
    "he": "man gentleman boy fellow lad youth king prince count duke lord knight monk priest husband father "
          "son brother uncle landlord host master",
}
# (`like a man who hears`, `as a woman might`, `such a man`: a likeness, nobody brought in)
_UNNAMED = {g: re.compile(r"(?i)(?<!\blike\s)(?<!\bas\s)(?<!\bthan\s)(?<!\bsuch\s)\b(?:a|an)\s+"
                          r"(?:(?!(?:a|an|the|like|as|than|such)\s)[a-z][a-z-]*,?\s+){0,3}?"
                          r"(?:" + words.replace(" ", "|") + r")\b")
            for g, words in _GENDERED_NOUNS.items()}


def character_of(mention) -> str | None:
    """The one character a mention names (None for places, items, or a shared name)."""
    ids = [i for k, i in mention.entities if k == "characters"]
    return ids[0] if len(ids) == 1 else None


def narration_characters(index, start: int, end: int) -> list:
    """The narration mentions of one character each between two offsets, in order."""
    ms = index.mentions
    i = bisect_left(ms, start, key=lambda m: m.start)
    out = []
    while i < len(ms) and ms[i].start < end:
        m = ms[i]
        if not m.in_dialogue and character_of(m):
            out.append(m)
        i += 1
    return out


def opens_sentence(masked: str, sentence_start: int, mention) -> bool:
    """Whether a mention is the first thing in its sentence (bar an opener word)."""
    gap = masked[sentence_start:mention.start]
    words = _WORD.findall(gap)
    return len(gap.strip(" \t\n\"“”‘’'_*—–-(")) == 0 or (len(words) == 1 and words[0].lower() in _OPENERS
                                                        and len(gap) <= len(words[0]) + 3)


def subject_of(masked: str, index, sentence: tuple[int, int]) -> str | None:
    """The character a narration sentence opens with (its grammatical subject), if any."""
    found = narration_characters(index, sentence[0], sentence[1])
    if found and opens_sentence(masked, sentence[0], found[0]):
        return character_of(found[0])
    return None


def antecedent(masked: str, index, at: int, gender: str, genders, before: int | None = None) -> str | None:
    """The character a pronoun of ``gender`` at ``at`` refers to, or None when it cannot be
    told. ``before`` limits the candidates in the pronoun's own sentence to those ending
    before it (default ``at``)."""
    if gender not in ("he", "she"):
        return None
    si = index.sentence_of(at)
    para = index.unit_at(at, "paragraph")
    if si is None or para is None:
        return None
    # its own sentence up to the pronoun, the three before it in the paragraph, and when
    # those are all there is of the paragraph, the last sentence of the one before
    order = [(si, at if before is None else before)]
    j = si - 1
    while j >= 0 and index.sentences[j][0] >= para[0] and len(order) < 4:
        order.append((j, None))
        j -= 1
    if j >= 0 and index.sentences[j + 1][0] <= para[0] + 2:
        order.append((j, None))
    for k, limit in order:
        s, e = index.sentences[k]
        cands = narration_characters(index, s, e if limit is None else limit)
        fits = [m for m in cands if genders.get(character_of(m)) in (gender, None)]
        sure = [m for m in fits if genders.get(character_of(m)) == gender]
        ids = list(dict.fromkeys(character_of(m) for m in (sure or fits)))
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            subject = subject_of(masked, index, (s, e))
            return subject if subject in ids else None
        if _UNNAMED[gender].search(masked, s, e if limit is None else limit):
            return None      # `Aria left. A lady sat at ease, and her women…`: the lady's
    return None


_SAME_GENDER = {"he": re.compile(r"(?i)\b(?:he|his|him|himself)\b"),
                "she": re.compile(r"(?i)\b(?:she|her|hers|herself)\b")}


def sure_antecedent(masked: str, index, at: int, gender: str, genders) -> str | None:
    """:func:`antecedent`, for readings that report an error on it: the character's gender
    must be known to be the pronoun's, and the sentence that names them must not have the
    pronoun before the name (`She was older than Aria. Her hair…`, `As he listened he did
    not think of Andrew. He…`: the pronoun goes on being someone else, whom a resolver of
    names cannot see)."""
    cid = antecedent(masked, index, at, gender, genders)
    if cid is None or genders.get(cid) != gender:
        return None
    si = index.sentence_of(at)
    for j in range(si, max(-1, si - 5), -1):
        s0, s1 = index.sentences[j]
        upto = at if j == si else s1
        named = [m.start for m in narration_characters(index, s0, upto) if character_of(m) == cid]
        if named:
            return None if _SAME_GENDER[gender].search(masked, s0, named[0]) else cid
    return cid


# ----------------------------------------------------------------------------- description
# nouns of the body: a paragraph that names several of them is describing someone
_BODY_PARTS = re.compile(r"(?i)\b(?:face|forehead|brows?|eyebrows|head|chin|jaw|mouth|lips|nose|nostrils|cheeks?"
                         r"|eyes|hair|beard|moustache|mustache|ears|neck|shoulders|chest|hands|teeth|skin|complexion"
                         r"|features|feet|limbs)\b")
_PERSONAL = re.compile(r"(?i)\b(he|him|his|himself|she|her|hers|herself)\b")
_NAME_ONLY = re.compile(r"[\"“”‘’'\s.,!?;:—–-]*")


def described_person(masked: str, index, at: int, genders, *, own: int | None = None, cast=()) -> str | None:
    """The one character a paragraph describes, for a description at ``at`` that names no
    owner (`Big, dark blue eyes are set widely apart`, or `Her eyes were green` whose
    `her` the sentences before cannot resolve; ``own``: the offset of that possessive).

    A paragraph describes someone when its narration names three or more parts of the
    body and refers to one person only: one character named (and no pronoun of the other
    gender), or none named and every `he`/`his` or every `she`/`her` in it one person. The
    description's own sentence must say nothing of anyone else (no name, no pronoun but
    ``own``: in `Grey eyes watched him` the eyes are not his). That person is the character
    named, else the antecedent of the paragraph's first pronoun (:func:`antecedent`), else
    the one character of that gender the paragraph before names in its last sentence — in
    narration, or a quotation that is nothing but the name (`announced "Dr. Van Helsing."`:
    the person shown in), else, when nobody of that gender is named in the scene before
    it (a scene that introduces someone before naming her, `a lady sat at ease… Her eyes
    were green`), the one character of that gender the scene names later in narration or
    lists in ``cast``. None when any of this cannot be told."""
    para = index.unit_at(at, "paragraph")
    sentence = index.unit_at(at, "sentence")
    if para is None or sentence is None:
        return None
    p0, p1 = para
    pronouns = [m for m in _PERSONAL.finditer(masked, p0, p1) if not index.in_dialogue(m.start())]
    if any(sentence[0] <= m.start() < sentence[1] and m.start() != own for m in pronouns):
        return None
    if narration_characters(index, *sentence):
        return None
    parts = sum(1 for m in _BODY_PARTS.finditer(masked, p0, p1) if not index.in_dialogue(m.start()))
    if parts < 3:
        return None
    kinds = {PRONOUN_GENDER[m.group(1).lower()] for m in pronouns}
    if len(kinds) > 1:
        return None
    named = list(dict.fromkeys(character_of(m) for m in narration_characters(index, p0, p1)))
    if len(named) > 1:
        return None
    if named:
        return named[0] if not kinds or genders.get(named[0]) in kinds else None
    if not kinds:
        return None
    (gender,) = kinds
    first = pronouns[0].start()
    if _UNNAMED[gender].search(masked, p0, first):
        # `a lady sat at ease… her`: someone the paragraph brings in, named (if at all) later
        return _named_later(index, first, gender, genders, cast)
    found = antecedent(masked, index, first, gender, genders)
    if found is not None:
        return found if genders.get(found) == gender else None
    return _introduced(masked, index, p0, gender, genders) or _named_later(index, first, gender, genders, cast)


def _introduced(masked: str, index, para_start: int, gender: str, genders) -> str | None:
    """The one character of ``gender`` the last sentence of the paragraph before names,
    in narration or in a quotation that holds nothing but the name."""
    si = bisect_left(index.sentences, (para_start, -1)) - 1
    if si < 0 or index.sentences[si][1] > para_start:
        return None
    s0, s1 = index.sentences[si]
    ids = set()
    for m in index.mentions:
        if not s0 <= m.start < s1 or character_of(m) is None:
            continue
        d = index.dialogue_at(m.start) if m.in_dialogue else None
        if d is not None and (_NAME_ONLY.fullmatch(masked, d.start, m.start) is None
                              or _NAME_ONLY.fullmatch(masked, m.end, d.end) is None):
            continue
        if genders.get(character_of(m)) == gender:
            ids.add(character_of(m))
    return ids.pop() if len(ids) == 1 else None


def _named_later(index, at: int, gender: str, genders, cast) -> str | None:
    """The one character of ``gender`` in a scene that names none before ``at``: named
    after it in narration, or in the cast."""
    before, after = set(), set()
    for m in index.mentions:
        cid = character_of(m)
        if cid is None or m.in_dialogue or genders.get(cid, gender) != gender:
            continue
        if m.start < at:
            before.add(cid)      # a character who may be the one (gender unknown too)
        elif genders.get(cid) == gender:
            after.add(cid)
    if before:
        return None
    ids = after | {c for c in cast if genders.get(c) == gender}
    return ids.pop() if len(ids) == 1 else None


class Genders:
    """The pronoun the book uses for each character: canon `attributes: {gender|pronouns}`
    first, else the subject pronouns in narration sentences that open with the only
    character they name (at least three, and three in five of one kind). Each scene's
    votes are counted once; a character's are summed over the scenes whose prose names
    them (the only ones that can vote), worked out when a finding first needs them."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.decided: dict[str, str | None] = dict(canon_genders(ctx))

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
        names = self.ctx.names
        tables = [*names.entries.items(), *((t, k) for t, opts in names.lead_in.items() for _h, k in opts)]
        words = {t.lower() for toks, keys in tables if ("characters", cid) in keys for t in toks}
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


def genders(ctx) -> Genders:
    """The book's genders, computed once per check."""
    return ctx.memo("genders", lambda: Genders(ctx))


def canon_genders(ctx) -> dict[str, str]:
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
        for p in _SUBJECT_PRONOUNS.finditer(masked, start, end):
            if not idx.in_dialogue(p.start()):
                c[PRONOUN_GENDER[p.group(1).lower()]] += 1
    return votes


# ----------------------------------------------------------------------------- thought
@cache
def _inner() -> re.Pattern[str]:
    """A character or pronoun before an inner-life verb (compiled on first use)."""
    return re.compile(r"(?<![\w’'])(?:(?P<pron>he|she|He|She)\s+|)(?:(?:had|now|still|then|[a-z]+ly)\s+)?"
                      r"(?:" + "|".join(INNER_LIFE_VERBS) + r")\b")


def thinker_at(masked: str, index, at: int, book_genders) -> str | None:
    """Whose thought a stretch of narration at ``at`` reports: a character (or a pronoun
    the resolver gives an owner) right before an inner-life verb earlier in the sentence
    (`Aria thought of the letter`, `she remembered that Bram …`)."""
    sentence = index.unit_at(at, "sentence")
    if sentence is None:
        return None
    for m in _inner().finditer(masked, sentence[0], at):
        if m.group("pron"):
            return antecedent(masked, index, m.start(), m.group("pron").lower(), book_genders)
        before = narration_characters(index, sentence[0], m.start())
        if before and masked[before[-1].end:m.start()].strip() == "":
            return character_of(before[-1])
    return None
