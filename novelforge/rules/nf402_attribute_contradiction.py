import re
from bisect import bisect_left
from dataclasses import replace

from novelforge.diagnostics import Severity
from novelforge.rules.registry import rule, world_feature
from novelforge.text.attributes import (
    BODY,
    QUESTION_NOUNS,
    SHORT,
    TALL,
    attribute_key,
    colour_words,
    compatible,
    description_regex,
    reply_regex,
    stature,
    stature_claims,
)
from novelforge.text.claims import named_in_speech, speech_owner
from novelforge.text.reference import antecedent, character_of, described_person, genders, sure_antecedent
from novelforge.text.speakers import speaker_of


def _facts(ctx) -> dict[str, dict[str, str]]:
    """character id → {body attribute → canon value} for the attributes prose can describe:
    canon `attributes`, then `attribute` contracts (which win)."""
    out: dict[str, dict[str, str]] = {}
    sources = [(cid, ent.model.attributes) for cid, ent in ctx.project.characters.items()]
    sources += [(c.entity, c.facts) for _cid, c in sorted(ctx.project.contracts.items()) if c.type == "attribute"]
    for cid, attributes in sources:
        if cid not in ctx.project.characters:
            continue
        for key, value in attributes.items():
            k = attribute_key(str(key))
            if k and isinstance(value, (str, int, float)) and colour_words(str(value)):
                out.setdefault(cid, {})[k] = str(value)
            elif str(key).lower() in _HAND_KEYS and _side(str(value)):
                out.setdefault(cid, {})["hand"] = _side(str(value))
            elif str(key).lower() == "height" and stature(str(value)):
                out.setdefault(cid, {})["height"] = stature(str(value))
    return out


_HAND_KEYS = frozenset({"handedness", "hand", "handed", "dominant_hand", "dominant-hand"})
_HANDED = re.compile(r"(?i)\b(left|right)[- ]handed\b")
_STATURE = "|".join(sorted(TALL | SHORT, key=len, reverse=True))
_STATURE_WORD = re.compile(rf"(?i)\b(?:{_STATURE})\b")


def _side(value: str) -> str | None:
    v = value.lower()
    if "ambidextrous" in v or ("left" in v and "right" in v):
        return None
    return "left" if "left" in v else "right" if "right" in v else None


def _other_facts(scene, index, ctx, facts, masked):
    """Handedness (`left-handed`) and stature (`Bram was short`, `the tall Aria`), whose
    owner must be named right there: a lone `tall` is too often a tree or a tale."""
    chars = ctx.project.characters
    wants_hand = any("hand" in f for f in facts.values())
    if wants_hand and "handed" in ctx.lower(scene):
        for m in _HANDED.finditer(masked, scene.body_start):
            if index.in_dialogue(m.start()):
                continue
            sentence = index.unit_at(m.start(), "sentence")
            if sentence is None:
                continue
            mentions = [x for x in index.mentions if sentence[0] <= x.start < sentence[1] and not x.in_dialogue
                        and any(k == "characters" for k, _ in x.entities)]
            owner = _owner(masked, m.start(), mentions)
            canon = facts.get(owner, {}).get("hand") if owner else None
            if canon and canon != m.group(1).lower():
                yield ctx.at(scene, m.start(), m.end(),
                             f"`{m.group(0)}` contradicts canon: {chars[owner].name} is {canon}-handed", entity=owner,
                             help=f"write {canon}-handed, "
                                  f"or change `attributes: {{handedness: …}}` in `{chars[owner].path}`")
    if not any("height" in f for f in facts.values()):
        return
    yield from _heights(scene, index, ctx, facts, masked)


def _heights(scene, index, ctx, facts, masked):
    """`Bram, a short man`, `Bram, who was not tall`, `Bram was short`, `He was a small
    man` (the pronoun resolved), and `the short Bram`, against canon `height`."""
    starts = [m.start for m in index.mentions]
    seen: set[int] = set()
    for w in _STATURE_WORD.finditer(masked, scene.body_start):
        sentence = index.unit_at(w.start(), "sentence")
        if sentence is None or sentence[0] in seen:
            continue
        d = index.dialogue_at(w.start())
        if d is not None:
            yield from _spoken_heights(scene, index, ctx, facts, masked, sentence, d, seen)
            continue
        seen.add(sentence[0])
        for c_start, c_end, owner_end, kind, value, p_start in stature_claims(masked, *sentence):
            if index.in_dialogue(c_start):
                continue
            if kind == "pronoun":
                gender = "he" if masked[p_start:owner_end].lower() == "he" else "she"
                cid, start = antecedent(masked, index, p_start, gender, genders(ctx)), p_start
            else:
                i = bisect_left(starts, owner_end) - 1
                m = index.mentions[i] if i >= 0 and index.mentions[i].end == owner_end else None
                cid, start = (character_of(m), m.start) if m and not m.in_dialogue else (None, 0)
            canon = facts.get(cid, {}).get("height") if cid else None
            if canon and value != canon:
                yield _height_finding(ctx, scene, masked, start, c_end, cid, canon)
    ends = {m.end: m for m in index.mentions}
    by_start = {m.start: m for m in index.mentions}
    for m in index.mentions:
        if m.in_dialogue or character_of(m) is None:
            continue
        cid = character_of(m)
        canon = facts.get(cid, {}).get("height")
        before = _STATURE_BEFORE.search(masked, max(0, m.start - 30), m.start) if canon else None
        if before and stature(before.group(1)) not in (None, canon):
            yield _height_finding(ctx, scene, masked, before.start(1), m.end, cid, canon)
    for w in _FIGURE.finditer(masked, scene.body_start):
        # `his short, thickset figure`, `Bram's tall figure`: the owner of the figure
        if index.in_dialogue(w.start()):
            continue
        if w.group("pron"):
            gender = "he" if w.group("pron").lower() == "his" else "she"
            cid = sure_antecedent(masked, index, w.start(), gender, genders(ctx))
        else:
            owner = ends.get(w.start())
            cid = character_of(owner) if owner is not None and not owner.in_dialogue else None
        canon = facts.get(cid, {}).get("height") if cid else None
        if canon and stature(w.group("st")) not in (None, canon):
            yield _height_finding(ctx, scene, masked, w.start(), w.end(), cid, canon)
    for s_start, _s_end in index.sentences:
        # `Short and stout, Bram made his way`: a sentence opening with the height of its subject
        lead = _STATURE_LEAD.match(masked, s_start)
        if not lead or index.in_dialogue(lead.start("st")):
            continue
        owner = by_start.get(lead.end())
        cid = character_of(owner) if owner is not None else None
        canon = facts.get(cid, {}).get("height") if cid else None
        if canon and stature(lead.group("st")) not in (None, canon):
            yield _height_finding(ctx, scene, masked, lead.start("st"), owner.end, cid, canon)


def _spoken_heights(scene, index, ctx, facts, masked, sentence, d, seen):
    """A height claimed in speech of a character the speech names (`“Bram is a short
    man,” said Aria`, `“You will know Bram: a little short man”`): a warning."""
    key = (max(sentence[0], d.start), min(sentence[1], d.end))
    if key[0] in seen:
        return
    seen.add(key[0])
    ends = {m.end: m for m in named_in_speech(index, d, *key)}
    for c_start, c_end, owner_end, kind, value, _p in stature_claims(masked, *key):
        owner = ends.get(owner_end) if kind == "name" else None
        cid = character_of(owner) if owner is not None else None
        canon = facts.get(cid, {}).get("height") if cid else None
        if canon and value != canon:
            speaker = speaker_of(masked, index, d, genders(ctx))
            f = _height_finding(ctx, scene, masked, owner.start, c_end, cid, canon)
            said = f"` {_by(ctx, speaker)} contradicts"
            yield replace(f, message=f.message.replace("` contradicts", said, 1)).at_most(Severity.WARNING)


def _height_finding(ctx, scene, masked, start, end, cid, canon):
    ent = ctx.project.characters[cid]
    return ctx.at(scene, start, end, f"`{' '.join(masked[start:end].split())}` contradicts canon: "
                                     f"{ent.name} is {canon}", entity=cid,
                  help=f"change the description, or `attributes: {{height: …}}` in `{ent.path}`")


_STATURE_BEFORE = re.compile(rf"(?i)\bthe\s+({_STATURE})\s+\Z")
_FIGURE = re.compile(rf"(?i)(?:\b(?P<pron>his|her)|['’]s)\s+(?:[a-z][a-z-]*,?\s+){{0,2}}?(?P<st>{_STATURE})"
                     rf"(?:,?\s+(?:and\s+)?[a-z][a-z-]*){{0,2}}?\s+(?:figure|form|frame|person)\b")
_STATURE_LEAD = re.compile(rf"(?i)[\s\"“‘'(_*]*(?P<st>{'|'.join(sorted(TALL - {'lofty'}, key=len, reverse=True))}"
                           rf"|short)(?:\s+and\s+[a-z][a-z-]*)?\s*,\s*")


@rule("NF402", "attribute-contradiction", "error", "scene", reads=("prose", "canon", "contracts:attribute", "book"))
def check(scene, index, ctx):
    """The narration describes a character's eyes, hair, beard, skin, hand or height against canon.

    ## What it does
    For characters whose canon `attributes` give a colour for `eyes`, `hair`, `beard` or
    `skin`, finds descriptions in the narration — `grey eyes`, `dark-haired`, `her eyes
    were green` — and works out whose they are: the character named just before with a
    possessive (`Bram's blue eyes`), else the only character named in the sentence, or,
    after `his`/`her`, the only one of that sex named in it — or, if it names nobody, in
    the sentence before it in the paragraph when that sentence opens with them (sex from `pronouns:` or `gender:` in
    canon, else read from the prose). A
    description that shares no colour family with the canon value is reported (`silver`
    agrees with `grey`, `dark` with `black` or `brown`). `handedness: left` is checked
    against `right-handed` in the same way. `height: tall` (or `short`) is checked
    against what the narration says of the character's height: an apposition (`Bram, a
    short and stout man`), a relative clause (`Bram, who was a small man`), a predicate
    (`Bram was short`, `Bram looked very tall`, `the short Bram`), with negation turning
    it over (`not a tall man` says short), and a pronoun subject (`She was a small, shy
    girl`), whose owner is the character the sentence or the ones before it name with
    that gender — the sentence's subject where several fit, nobody when it cannot be
    told (the resolver of `novelforge/text/reference.py`). `small`, `little` and `tiny`
    count only before a person noun (`a small man`, not `a small voice`). Colours may
    follow modifiers (`her eyes were a clear, light blue`). In quoted speech, a speaker
    describing themself (`“My eyes are blue,” said Aria`, `“I have blue eyes”`) or the one
    character they name before the description in the same sentence (`“Bram has grey
    eyes, I tell you”`, `“I remember Bram well: a man with grey eyes”`, `“Bram is a tall
    man”`, `“You will know Bram: a tall man”`) makes a claim, reported as a **warning**
    whatever the rule's severity (a character may be wrong or lying: suppress the line
    when they are meant to be); a name that addresses the listener (`“Bram, a man with
    grey eyes…”`), `your`/`their` and speech naming two characters say nothing. A reply
    that gives a colour first (`“They were blue,” said the old sailor`, `“It was black”`,
    `“Blue, I think”`) to the question just before it — in the same paragraph or the one
    before, with little between — about one named character's feature (`“And what of
    Tashtego's eyes?”`, `the eyes of Bram?`) is the speaker's claim about that feature
    (`they` for eyes, `it` for hair, a beard or skin), a warning too; a question about
    `his eyes` or naming nobody is not read. `eyes were not blue but grey` describes them as grey. A
    pronoun subject (`Bram turned away. He had grey eyes`, `His eyes were grey` after a
    sentence naming him) is resolved by the same resolver; so is `his short, thickset
    figure` (and `Bram's tall figure`), and a sentence opening with a height names its
    subject's (`Short and stout, Bram made his way`). A description that names no owner
    (`Big, dark blue eyes are set widely apart`, or a `her eyes` the sentences before
    cannot resolve) belongs to the one person its paragraph describes: a paragraph whose
    narration names three or more parts of the body and refers to one person only (one
    character named, or every `he`/`his` — or every `she`/`her` — in it one person), where
    the description's own sentence names no one else (`Blue eyes watched him` stays
    silent). That person is the character named, else the resolver's antecedent of the
    paragraph's first pronoun, else the one character of that sex the paragraph before
    brings in, in narration or in a quotation that is only the name (`announced "Dr. Van
    Helsing."`), else — in a scene that names nobody of that sex before it (`a lady sat at
    ease… Her eyes were green`, named later) — the one character of that sex the scene
    names later in narration or lists in `characters`. An unnamed person brought in by a
    noun of one sex (`a lady`, `an old man`) is the nearest antecedent of a `she` or `he`
    after it, so no name further back is taken for it. Not read yet: a bare adjective
    apposition (`Bram, tall and proud,`), comparisons (`taller than Aria`), `Nobody would
    have called Bram tall`, and `not blue` with no colour after it (which says nothing).

    ## Why is this bad
    Eye and hair colour are the facts readers remember and reviewers quote; a change
    halfway through a series reads as carelessness.

    ## Example
    ```markdown
    Aria turned, and her blue eyes caught the light.
    ```
    (canon: `aria` has `attributes: {eyes: grey}`)

    ## Use instead
    ```markdown
    Aria turned, and her grey eyes caught the light.
    ```
    """
    if not index.words:
        return
    facts = ctx.memo("attribute-facts", lambda: _facts(ctx))
    if not facts:
        return
    wanted_keys = ctx.memo("attribute-keys", lambda: sorted({k for f in facts.values() for k in f if k in BODY}))
    regexes = ctx.memo("attribute-regexes", lambda: {k: description_regex(BODY[k]) for k in wanted_keys})
    masked = ctx.masked(scene)
    lower = ctx.lower(scene)
    yield from _other_facts(scene, index, ctx, facts, masked)
    for key in wanted_keys:
        for m in _descriptions(regexes[key], masked, lower, BODY[key], scene.body_start):
            d = index.dialogue_at(m.start())
            if d is not None:
                yield from _spoken_description(scene, index, ctx, facts, masked, key, m, d)
                continue
            sentence = index.unit_at(m.start(), "sentence")
            if sentence is None:
                continue
            start, end = sentence
            mentions = [x for x in index.mentions if start <= x.start < end and not x.in_dialogue
                        and any(k == "characters" for k, _ in x.entities)]
            owner = _owner(masked, m.start(), mentions)
            pronoun = _PRONOUN_BEFORE.search(masked, max(start, m.start() - 12), m.start())
            if pronoun:
                book_genders = genders(ctx)
                wanted_gender = _PRONOUN_GENDER[pronoun.group(1).lower()]
                if owner is None:
                    # `Mevrian turned her brown eyes upon Corinius`: the one woman named;
                    # with nobody named, the one named in the paragraph before this sentence
                    pool = mentions or _earlier_in_paragraph(index, start)
                    fits = {i for x in pool for k, i in x.entities
                            if k == "characters" and book_genders.get(i) == wanted_gender}
                    owner = fits.pop() if len(fits) == 1 else None
                    if owner is None and not mentions:
                        # `Nobody spoke to Bram. His eyes were grey`: the resolver's antecedent,
                        # else the one person a paragraph of description is about
                        owner = sure_antecedent(masked, index, pronoun.start(1), wanted_gender, book_genders) \
                            or _described(masked, index, m.start(), book_genders, scene, pronoun.start(1),
                                          wanted_gender)
                elif book_genders.get(owner) != wanted_gender:
                    continue  # `his pale eyes` next to a named woman are someone else's
            elif owner is None and not mentions:
                # `Bram turned away. He had grey eyes`: a sentence whose subject is a pronoun
                subject = _SUBJECT_PRONOUN.match(masked, start, m.start())
                if subject:
                    owner = sure_antecedent(masked, index, subject.start(1),
                                            _PRONOUN_GENDER[subject.group(1).lower()], genders(ctx))
                else:
                    # `The face is broad… Big, dark blue eyes are set widely apart`: no owner
                    # named, in a paragraph describing one person
                    owner = _described(masked, index, m.start(), genders(ctx), scene)
            found = _colour_claim(ctx, scene, facts, owner, key, m.start(), m.end(), m.group(0),
                                  m.group("pre") or m.group("post") or "")
            if found is not None:
                yield found
    yield from _replies(scene, index, ctx, facts, masked, wanted_keys)


_NOT_SPOKEN = object()


def _colour_claim(ctx, scene, facts, owner, key, start, end, shown, colour, speaker=_NOT_SPOKEN):
    """The finding for ``colour`` said of ``owner``'s ``key`` at ``start``–``end`` when it
    shares no colour family with canon (None when it agrees, or canon says nothing); with
    a ``speaker`` (None: nobody known), a claim in dialogue, at most a warning."""
    if owner is None or key not in facts.get(owner, {}):
        return None
    canon = facts[owner][key]
    if compatible(canon, colour_words(colour)):
        return None
    ent = ctx.project.characters[owner]
    shown = " ".join(shown.split())
    verb = "are" if key == "eyes" else "is"
    fix = f"describe it as {canon}, or change `attributes: {{{key}: …}}` in `{ent.path}`"
    if speaker is _NOT_SPOKEN:
        return ctx.at(scene, start, end, f"`{shown}` contradicts canon: {ent.name}'s {key} {verb} `{canon}`",
                      entity=owner, help=fix)
    return ctx.at(scene, start, end,
                  f"`{shown}` {_by(ctx, speaker)} contradicts canon: {ent.name}'s {key} {verb} `{canon}`",
                  entity=owner, help=f"if the speaker is meant to be wrong, suppress this line; else {fix}"
                  ).at_most(Severity.WARNING)


_REPLY = reply_regex()


def _question_about(masked: str, index, q, keys) -> tuple[str, str] | None:
    """(character, feature) a question in speech asks about: a feature noun after a
    possessive name or before `of` and a name (`And what of Bram's eyes?`, `the colour of
    the eyes of Bram?`), in a quote that asks (a `?` after the noun); None otherwise."""
    text = masked[q.start:q.end]
    if "?" not in text:
        return None
    mentions = [x for x in index.mentions if q.start <= x.start < q.end
                and any(k == "characters" for k, _ in x.entities)]
    if not mentions:
        return None
    for key in keys:
        for noun in QUESTION_NOUNS.get(key, ()):
            for nm in re.finditer(rf"\b{noun}\b", text, re.I):
                at = q.start + nm.start()
                if "?" not in text[nm.end():]:
                    continue
                owner = None
                before = [x for x in mentions if x.end <= at]
                if before and masked[before[-1].end:at][:2] in ("'s", "’s") \
                        and len(masked[before[-1].end:at].split()) <= 3:
                    owner = before[-1]
                after = re.match(r"\s+of\s+", masked[q.start + nm.end():q.end])
                if owner is None and after:
                    owner = next((x for x in mentions if x.start == q.start + nm.end() + after.end()), None)
                ids = [i for k, i in owner.entities if k == "characters"] if owner is not None else []
                if len(ids) == 1:
                    return ids[0], key
    return None


def _replies(scene, index, ctx, facts, masked, keys):
    """A reply in speech that gives a colour (`“They were blue,” said the old sailor`) to
    the question just before it about one character's eyes or hair (`“And what of
    Tashtego's eyes?”`): the speaker's claim about that character, a warning."""
    dialogue = index.dialogue
    for i in range(1, len(dialogue)):
        d, q = dialogue[i], dialogue[i - 1]
        m = _REPLY.match(masked, d.start, d.end)
        if m is None or d.paragraph - q.paragraph > 1 or len(masked[q.end:d.start].split()) > 12:
            continue
        asked = _question_about(masked, index, q, keys)
        if asked is None:
            continue
        owner, key = asked
        pron = (m.group("pron") or "").lower()
        if (pron == "they") != (key == "eyes") and pron:
            continue            # `they` are the eyes, `it` is the hair, beard or skin
        start = m.start("pron") if m.group("pron") else m.start("post")
        found = _colour_claim(ctx, scene, facts, owner, key, start, m.end(), masked[start:m.end()],
                              m.group("post"), speaker_of(masked, index, d, genders(ctx)))
        if found is not None:
            yield found


def _spoken_description(scene, index, ctx, facts, masked, key, m, d):
    """A description inside quoted speech (`“Bram has brown hair; I saw it plainly”`,
    `“My eyes are grey,” said Bram`): the claim of a speaker about themself or about the
    one character they name before it (novelforge/text/claims.py), reported as a warning."""
    sentence = index.unit_at(m.start(), "sentence")
    if sentence is None:
        return
    book_genders = genders(ctx)
    speaker = speaker_of(masked, index, d, book_genders)
    owner = speech_owner(masked, index, d, m.start(), sentence, speaker, book_genders)
    found = _colour_claim(ctx, scene, facts, owner, key, m.start(), m.end(), m.group(0),
                          m.group("pre") or m.group("post") or "", speaker)
    if found is not None:
        yield found


def _described(masked, index, at, book_genders, scene, own=None, gender=None) -> str | None:
    """The person a paragraph of description is about (novelforge/text/reference.py),
    when it is of ``gender`` (that of the possessive ``own``, if any)."""
    cid = described_person(masked, index, at, book_genders, own=own, cast=scene.meta.characters)
    return cid if cid is not None and (gender is None or book_genders.get(cid) == gender) else None


def _by(ctx, speaker) -> str:
    ent = ctx.project.characters.get(speaker) if speaker else None
    return f"in {ent.name}'s speech" if ent is not None else "in dialogue"


def _earlier_in_paragraph(index, sentence_start: int) -> list:
    """Character mentions in narration earlier in the same paragraph (the last sentence
    that names anyone)."""
    para = index.unit_at(sentence_start, "paragraph")
    if para is None:
        return []
    before = [x for x in index.mentions if para[0] <= x.start < sentence_start and not x.in_dialogue
              and any(k == "characters" for k, _ in x.entities)]
    if not before:
        return []
    last_sentence = index.unit_at(before[-1].start, "sentence")
    if last_sentence is None:
        return []
    named = [x for x in before if x.start >= last_sentence[0]]
    # only a sentence that opens with its character (`Mevrian turned…`): in `the most
    # beautiful person Aria had ever seen. Her hair…`, `her` is someone else
    return named if named and named[0].start - last_sentence[0] <= 2 else []


def _descriptions(regex, masked: str, lower: str, nouns: tuple[str, ...], start: int):
    """Matches of the description regex, searched only in small windows around each
    occurrence of a body noun (a whole-book scan with the colour alternation is slow)."""
    seen: set[tuple[int, int]] = set()
    spots = []
    for noun in nouns:
        at = lower.find(noun, start)
        while at != -1:
            spots.append(at)
            at = lower.find(noun, at + len(noun))
    for at in sorted(set(spots)):
        for m in regex.finditer(masked, max(start, at - 50), min(len(masked), at + 50)):
            if (m.start(), m.end()) not in seen and m.start() <= at < m.end():
                seen.add((m.start(), m.end()))
                yield m


_PRONOUN_BEFORE = re.compile(r"(?i)\b(his|her|their)\s+(?:[a-z]+\s+)?\Z")
_PRONOUN_GENDER = {"his": "he", "her": "she", "their": "they", "he": "he", "she": "she"}
# a sentence whose subject is a pronoun with a verb of having (`He had grey eyes`)
_SUBJECT_PRONOUN = re.compile(r"[\s\"“‘'(_*]*(?:(?:then|but|and|now)\s+)?(he|she)\s+"
                              r"(?:(?:had|has|wore|showed)\b|(?:was|is)\s+(?:a|an)\s)", re.I)


@world_feature
def _book_genders(ctx, codes):
    if "NF402" not in codes or not ctx.memo("attribute-facts", lambda: _facts(ctx)):
        return None
    return sorted(genders(ctx).items())


def _owner(masked: str, at: int, mentions) -> str | None:
    """Whose feature a description at ``at`` is: `Bram's grey eyes` → bram; otherwise the
    only character named in the sentence."""
    before = [m for m in mentions if m.end <= at]
    if before:
        last = before[-1]
        gap = masked[last.end:at]
        if gap[:2] in ("'s", "’s") and len(gap.split()) <= 3:
            ids = [i for k, i in last.entities if k == "characters"]
            return ids[0] if len(ids) == 1 else None
    ids = {i for m in mentions for k, i in m.entities if k == "characters"}
    if len(ids) == 1:
        return next(iter(ids))
    return None
