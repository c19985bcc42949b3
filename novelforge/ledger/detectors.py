"""The ``promises suggest`` detectors: each is ``(book) -> iterable of Candidate``.

See docs/promises-suggest.md for the table of detectors, what each fires on and its confidence.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from novelforge.ledger.book import STOPWORDS, Book, Candidate, _excerpt, _make, _norm, _slug, content_words


def _lc(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern for ``Book.lower`` text: compiled in lower case, without
    ``re.IGNORECASE`` (which makes a scan of a long novel several times slower)."""
    assert not re.search(r"\\[A-Z]", pattern), "an upper-case escape would change meaning"
    return re.compile(pattern.lower().replace("(?p<", "(?P<"))

# ----------------------------------------------------------------------------- detectors
_VOW = re.compile(
    r"\b(?:I|we)\s+(?:do\s+|solemnly\s+|hereby\s+|will\s+|shall\s+)?(?:swear|vow|promise|pledge)\b(?P<rest>[^.!?\"”]{0,160})"
    r"|\bone\s+day\s+(?:I|we)\s+(?:will|shall|'ll)\b(?P<rest2>[^.!?\"”]{0,160})"
    r"|\bmark\s+my\s+words?\b(?P<rest3>[^.!?\"”]{0,160})"
    r"|\bI\s+give\s+you\s+my\s+(?:word|oath)\b(?P<rest4>[^.!?\"”]{0,160})"
    r"|\bI\s+will\s+(?:never\s+rest|not\s+rest|have\s+my\s+revenge|be\s+avenged)\b(?P<rest5>[^.!?\"”]{0,160})"
    # archaic forms: "never will I rest", "nor shall I sleep till…", and an oath reported as sworn:
    # "having sworn a strong oath that I would…", "I have sworn to…"
    r"|\b(?:never|nor)\s+(?:will|shall)\s+I\s+(?:rest|sleep|cease|stay|turn\s+back|return|stint)\b(?P<rest6>[^.!?\"”]{0,160})"
    r"|\b(?:(?:I|we)\s+(?:have|had)|having)\s+sworn\s+(?:(?:a|an|mine|my|our|\w+)\s+){0,2}?(?:oath\s+)?(?:that|to)\b(?P<rest7>[^.!?\"”]{0,160})"
    # a resolve past turning back: "nought but my death shall stay me from going thither", "no rest
    # remaineth unto us till…", "I am now resolved never to put up my sword until…"
    r"|\b(?:nought|nothing)\s+but\s+(?:my\s+|our\s+)?death\s+(?:shall|will|can)\b(?P<rest10>[^.!?\"”]{0,160})"
    r"|\bno\s+rest\b(?P<rest11>[^.!?\"”]{0,40}\b(?:till|until)\b[^.!?\"”]{0,120})"
    r"|\bI\s+am\s+(?:now\s+)?(?:resolved|determined)\s+never\s+to\b(?P<rest12>[^.!?\"”]{0,160})",
    re.I)
# a vow commits to something still to come; "I swear he's honest" only asserts
_FUTURE = re.compile(r"(?:\b(?:will|shall|never|one\s+day|some\s+day|to\s+(?:kill|find|return|avenge|come|bring|protect|keep|save|tell|be))\b|['’]ll\b)", re.I)
# "I promise you, it is nothing" asserts rather than commits: no future in what follows
_WEAK_VOW = re.compile(r"^\s*(?:you\s*)?[,!—–-]*\s*(?:you\s+)?(?:it\s+(?:is|was)|I\s+(?:am|was|did|do|have|had))\b", re.I)


# a vow the narrator reports: "he swore in his heart that he would not fail". In narration the
# past tense is the story's present, so this is where the vow is made; in dialogue "I swore…"
# recalls a vow made earlier (measured: a repeat of an earlier setup)
_NARRATED_VOW = _lc(
    r"\b(?:he|she|they)\s+(?:had\s+)?(?:swore|sworn|vowed)\s+(?:in\s+(?:his|her|their)\s+hearts?\s+|to\s+(?:himself|herself|themselves)\s+"
    r"|(?:a|an)\s+(?:\w+\s+)?(?:oath|vow)\s+)?(?:that|to)\s+(?P<rest>[^.!?;\"”]{3,160})")


def detect_vows(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        low = book.lower(order)
        narrated = _NARRATED_VOW.finditer(low, scene.body_start) if ("swor" in low or "vowed" in low) else ()
        for m in narrated:
            if idx.in_dialogue(m.start()):
                continue
            words = content_words(text[m.start("rest"):m.end("rest")])
            if not words:
                continue
            yield _make(book, order, m.start(), m.end(), kind="promise", detector="vow", confidence=0.72,
                        keywords=words[:4], description=f"Vow: {_excerpt(text, m.start(), m.end(), 120)}")
        for d in idx.dialogue:
            chunk = text[d.start:d.end]
            if len(chunk) < 12:
                continue
            for m in _VOW.finditer(chunk):
                rest = next((g for g in m.groups() if g is not None), "")
                if _WEAK_VOW.match(rest):
                    continue
                words = content_words(rest)
                if not words and m.group("rest6") is not None:
                    # "till that be done never will I rest": the object comes before the vow
                    words = content_words(chunk[max(0, m.start() - 120):m.start()])
                if not words:
                    continue
                future = (bool(_FUTURE.search(rest)) or m.group(0).lower().startswith(("one day", "mark my"))
                          or any(m.group(g) is not None for g in ("rest6", "rest7", "rest10", "rest11", "rest12")))   # the form itself commits
                if not future:
                    continue
                conf = 0.72
                if len(words) >= 2:
                    conf += 0.06
                off = d.start + m.start()
                yield _make(book, order, off, off + len(m.group(0)), kind="promise", detector="vow",
                            confidence=conf, keywords=words[:4],
                            description=f"Vow: {_excerpt(chunk, m.start(), m.end(), 120)}")


_PROPHECY = _lc(
    r"\b(?:it\s+(?:is|has\s+been)\s+(?:foretold|written|prophesied)|(?:was|were|be)\s+foretold|foretell|prophec(?:y|ies)|prophesied"
    r"|(?:would|was\s+to|were\s+to)\s+(?:come\s+to\s+|live\s+to\s+|soon\s+)?(?:regret|rue)"
    r"|little\s+did\s+(?:he|she|they|I|we)|(?:he|she|they)\s+little\s+(?:knew|thought|guessed|suspected|foresaw)"
    r"|had\s+(?:he|she|they|I|we)\s+(?:but\s+|only\s+)?known"
    r"|(?:was|were)\s+never\s+to\s+(?:see|meet|return|come\s+back)"
    r"|(?:was|were)\s+(?:destined|doomed|fated)\s+to"
    r"|one\s+day\s+(?:he|she|they|it|this|that)\s+(?:\w+\s+){0,3}?would"
    r"|(?:an?|the)\s+(?:evil\s+|dark\s+|ill\s+)?(?:omen|portent|presentiment|foreboding)s?"
    r"|in\s+after\s+(?:days|years)|long\s+afterwards?\s+(?:he|she|I|they)\s+(?:remembered|recalled)"
    # archaic: a soothsayer's word, what is foreordained, a weird (fate) laid upon someone
    r"|soothsayers?|(?:fore|pre)ordain(?:ed|ment)"
    r"|(?:lay|lays|laid|laying|put|set)\s+(?:a|the|this|that|his|her|my|thy)\s+weird\s+(?:on|upon)|(?:the|a|this|that)\s+weird\s+(?:laid|lay|set|put)\s+(?:on|upon)"
    # a parting that the speaker feels is the last: "my heart tells me I shall never see thee more"
    r"|(?:I|we)\s+(?:shall|will)\s+never\s+see\s+(?:you|thee|him|her|them|it)\s+(?:again|more)|(?:see|behold)\s+(?:my|his|her|thy|your)\s+face\s+no\s+more"
    r"|my\s+heart\s+(?:tells|telleth|misgives|forebodes)\s+me"
    # doom foretold: "vengeance shall overtake him at the last", "shall bring sorrow and death to thee"
    r"|(?:vengeance|ruin|death|doom|destruction|sorrow|misery|retribution)\s+(?:shall|will)\s+(?:surely\s+)?(?:overtake|come\s+(?:upon|on)|fall\s+(?:upon|on)|light\s+(?:upon|on))"
    r"|(?:shall|will)\s+bring\s+(?:\w+\s+){0,3}?(?:sorrow|death|ruin|destruction|doom|misery)\s+(?:to|upon|on)"
    # a curse laid on a person or a place: "there lieth a curse on any that shall attempt it"
    r"|(?:a|my|thy|his|her|the\s+gods['’])\s+curse\s+(?:be\s+|lieth\s+|lies\s+|is\s+|was\s+)?(?:on|upon)"
    r")\b")
_PROPHECY_STRONG = re.compile(r"foretold|prophe|destined|doomed|fated|never\s+to|little\s+(?:did|knew|thought|guessed|suspected|foresaw)|had\s+\w+\s+(?:but\s+|only\s+)?known|regret|rue"
                              r"|omen|portent|presentiment|foreboding|soothsay|ordain|weird|curse|never\s+see|no\s+more|heart|shall|will", re.I)


_NARRATOR_ONLY = re.compile(r"(?i)little|had\s|(?:he|she|they)\s+little")


def detect_prophecy(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        for m in _PROPHECY.finditer(book.lower(order), scene.body_start):
            if _NARRATOR_ONLY.match(m.group(0)) and idx.in_dialogue(m.start()):
                continue   # "had I known!" said aloud is regret, not a narrator's foreshadowing
            s, e = book.sentence(scene, idx, m.start())
            sentence = text[s:e]
            if m.group(0).lower().startswith("had") and (
                    sentence.rstrip("\"”’' ").endswith("?") or re.match(r"\s+nothing\b", text[m.end():m.end() + 9])):
                continue   # a counterfactual question or "had she known nothing of": not a hint of what is to come
            words = [w for w in content_words(sentence) if w not in content_words(m.group(0))]
            conf = 0.66 if _PROPHECY_STRONG.search(m.group(0)) else 0.5
            if not words:
                conf -= 0.2
            yield _make(book, order, m.start(), m.end(), kind="foreshadowing", detector="prophecy",
                        confidence=conf, keywords=[_slug(m.group(0))] + words[:3],
                        description=f"Foreshadowing: {_excerpt(text, s, e, 120)}", span=(s, e))


# a dream or a vision told as such: "I dreamed that…", "a dream of the night stood by my bed",
# "these three nights I have dreamed a dream", "about cock-crow came a dream unto him", "my dream
# was very peculiar". In fantasy and the gothic a dream is the book's foreshadowing. Figures are
# skipped ("as in a dream", "like a dream", "never dreamed of…", "might have been an evil dream"),
# and so is a dream told again ("he told her his dream", "the dream sent me", "which in a dream I
# saw"): the setup is where the book first tells it.
_DREAM = _lc(
    r"\b(?:(?:dreamed|dreamt|dreamedst)\s+(?:that|a\s+dream|last\s+night|again)\b"
    r"|\b(?:I|he|she|we|they|you|thou)\s+(?:have\s+|had\s+|hast\s+)?(?:dreamed|dreamt|dreamedst)\s+(?:a|of\s+(?:a|the|my|his|her))\b"
    r"|(?:a|my|his|her|this|that|the|thy|your|our|strange|terrible|dreadful|horrid|frightful|peculiar)\s+(?:\w+\s+)?dream\s+"
    r"(?:of\s+the\s+night|came|was\s+(?:a\s+)?(?:true|very|strange)|is\s+true|stood|in\s+which|last\s+night|about)\b"
    r"|\b(?:a|the|this|that)\s+(?:true|prophetic)\s+dream\b"
    r"|\b(?:came|comes|cometh)\s+a\s+(?:\w+\s+)?(?:dream|vision)\s+(?:unto|to|upon)\b)")
_DREAM_FIGURE = re.compile(r"(?:\b(?:as|like|than|if)\s+(?:in\s+|one\s+in\s+|if\s+in\s+|talking\s+in\s+)?(?:a\s+)?"
                           r"|\b(?:never|not|little|scarce(?:ly)?|hardly)\s+(?:have\s+|had\s+)?(?:\w+\s+)?"
                           r"|\b(?:would|could|might)\s+have\s+(?:\w+\s+)?(?:an?\s+)?|\bfrom\s+(?:an?\s+)?(?:\w+\s+)?)$", re.I)


def detect_dreams(book: Book) -> Iterable[Candidate]:
    last = len(book.scenes) - 1
    told: set[object] = set()   # chapters that have told a dream already
    for order, (scene, idx) in enumerate(book.scenes):
        if order == last:
            continue   # nothing after it can fulfil a dream
        chapter = scene.chapter.path if scene.chapter else order
        if chapter in told:
            continue   # the rest of the chapter retells or discusses its dream
        low = book.lower(order)
        if "dream" not in low and "vision" not in low:
            continue   # every form names one or the other: a plain search is far faster than the pattern
        text = scene.text
        m = next((m for m in _DREAM.finditer(low, scene.body_start)
                  if not _DREAM_FIGURE.search(text, max(scene.body_start, m.start() - 24), m.start())), None)
        if m is None:
            continue
        told.add(chapter)
        s, e = book.sentence(scene, idx, m.start())
        rare, later = _rare_later(book, content_words(text[s:e]), order)
        conf = 0.56 + (0.04 if later else 0) + (0.04 if idx.in_dialogue(m.start()) else 0)
        yield _make(book, order, m.start(), m.end(), kind="foreshadowing", detector="dream",
                    confidence=conf, keywords=["dream"] + [w for w in rare if w != "dream"][:3], span=(s, e),
                    description=f"Dream: {_excerpt(text, s, e, 120)}")


_QWORD = re.compile(r"^\W*(?:but\s+|and\s+|then\s+)?(who|why|what|where|how|whose|which)\b", re.I)
_QTRIVIAL = re.compile(r"\b(?:do\s+you\s+(?:mean|think|say)|is\s+the\s+matter|are\s+you\s+doing|time\s+is\s+it|"
                       r"can\s+I\s+do|shall\s+I\s+do|have\s+you\s+done|is\s+it\s+to\s+you|do\s+you\s+want|"
                       r"is\s+that|are\s+you\s+talking|why\s+don['’]t\s+you|why\s+not|how\s+do\s+you\s+do|how\s+are\s+you)\b", re.I)


def _dialogue_questions(book: Book, opener: re.Pattern[str]) -> Iterable[tuple[int, int, str]]:
    """(scene order, offset, question) for each non-trivial question in dialogue that
    ``opener`` accepts, in every scene but the last (nothing can answer a question there)."""
    last = len(book.scenes) - 1
    for order, (scene, idx) in enumerate(book.scenes):
        if order == last:
            continue
        text = scene.text
        for d in idx.dialogue:
            chunk = text[d.start:d.end]
            if "?" not in chunk:
                continue
            for q in re.finditer(r"[^.!?\"“”]*\?", chunk):
                question = q.group(0).strip()
                if opener.match(question) and not _QTRIVIAL.search(question):
                    yield order, d.start + q.start() + (len(q.group(0)) - len(q.group(0).lstrip())), question


# a question that expects no answer: "who shall turn back the tide?", "who would have thought…",
# "what care I…", "what are young men to rocks and mountains?"
_RHETORICAL = re.compile(
    r"^\W*(?:but\s+|and\s+|then\s+)?(?:who\s+(?:shall|would|could|can)\s+(?:ever\s+)?(?:have\s+)?"
    r"(?:turn|think|thought|believe|believed|dream|dreamt|dreamed|say|tell|associate|suppose|supposed|imagine|imagined|guess|deny|doubt|blame|help)\b"
    r"|what\s+care\s+(?:I|we)\b|what\s+(?:\w+\s+)?shall\s+(?:we|I)\s+have\b|what\s+(?:is|are)\s+[^?]{2,40}\s+to\s+(?:me|us|him|her|them|rocks)\b)", re.I)
# a question about the listener's own doings ("how dost thou interpret…", "hast thou enjoyed…")
# is answered by the listener at once, or is a reproach
_TO_LISTENER = re.compile(r"\b(?:dost|didst|hast|hadst|wilt|wouldst|canst|art|wast)\s+thou\b"
                          r"|\b(?:do|did|have|had|will|would|are|were|can|could)\s+you\b(?!\s+(?:think|suppose|know|imagine))", re.I)
# what follows a question in the speaker's own words: more questions keep it open ("What has
# become of the cabman? How could one man compel another to take poison?"); a statement is the
# speaker's own answer or the point of a figure of speech ("Where in the tropics…? Clearly in
# Afghanistan.")
_STATEMENT = re.compile(r"[^.!?\"“”‘’]*[A-Za-z][^.!?\"“”]*[.!]")


def _answered_by_speaker(scene_text: str, idx, off: int) -> bool:
    """Whether the speaker goes on, in the same paragraph, with a statement after the question
    at ``off`` (their own answer, or a rhetorical question's point)."""
    end = scene_text.find("?", off)
    para = idx.unit_at(off, "paragraph")
    if end < 0 or para is None:
        return False
    for d in idx.dialogue:
        if d.end <= end or d.start >= para[1]:
            continue
        rest = scene_text[max(d.start, end + 1):d.end].strip(" \n\"“”‘’—–-")
        if not rest:
            continue
        first = re.match(r"[^.!?]*[.!?]", rest)
        sentence = first.group(0) if first else rest
        return not sentence.endswith("?") and len(sentence.split()) >= 3
    return False


def detect_questions(book: Book) -> Iterable[Candidate]:
    for order, off, question in _dialogue_questions(book, _QWORD):
        if _RHETORICAL.match(question) or _TO_LISTENER.search(question):
            continue
        scene, idx = book.scenes[order]
        if _answered_by_speaker(scene.text, idx, off):
            continue
        words = [w for w in content_words(question) if book.scene_count.get(w, 0) <= max(3, len(book.scenes) // 20)]
        if len(words) < 2 or any(book.recurs_after(w, order) for w in words):
            continue
        yield _make(book, order, off, off + len(question), kind="question", detector="question",
                    confidence=0.35 + min(0.1, 0.03 * len(words)), keywords=words[:4],
                    description=f"Unanswered question: {question[:120]}",
                    span=(off, off + len(question)))


_MYSTERY_Q = re.compile(r"^\W*(?:but\s+|and\s+|then\s+)?(?:who|why|what|how|where)\b[^?]{0,120}\b(?:did|could|can|was|were|is|has|had|have|does|do|should|would|happened|became)\b", re.I)


def detect_mystery_questions(book: Book) -> Iterable[Candidate]:
    """A who/why/what-happened question in dialogue whose rare key words come back only much
    later (at least a quarter of the book on): the book raises it now and answers it then."""
    n = len(book.scenes)
    gap = max(3, n // 4)
    for order, off, question in _dialogue_questions(book, _MYSTERY_Q):
        words = [w for w in content_words(question) if book.scene_count.get(w, 0) <= max(6, n // 6)]
        if len(words) < 2:
            continue
        later = [next((o for o in book.scenes_of(w) if o > order), None) for w in words]
        if all(x is None for x in later):
            continue   # never answered: the `question` detector's case
        if min(x for x in later if x is not None) - order < gap:
            continue
        yield _make(book, order, off, off + len(question), kind="question", detector="mystery-question",
                    confidence=0.46 + min(0.1, 0.03 * len(words)), keywords=words[:4],
                    description=f"Question answered much later: {question[:120]}",
                    span=(off, off + len(question)))


# only strong adjectives: after "old", "strange" or "curious" a thing is described, not emphasised
_EMPHASIS = _lc(r"\b(locked|sealed|hidden|secret|mysterious|forbidden|missing|stolen|bloodstained|blood-stained)"
                r"\s+([a-z][a-z\-]{2,})\b")
_STRONG_ADJ = frozenset("locked sealed hidden secret mysterious forbidden missing stolen bloodstained blood-stained".split())
_ITALIC_WORD = re.compile(r"(?<![\w*_])[_*]([a-z][a-z\-]{2,}(?:\s+[a-z][a-z\-]{2,})?)[_*](?![\w*_])")
# Concrete things a reader expects to matter again when introduced with emphasis (a strong
# adjective or italics): only these nouns count.
CONCRETE = frozenset("""
box chest casket coffer trunk case drawer cabinet safe door gate key lock letter note paper document
diary journal book map ring locket necklace brooch bracelet jewel gem pearl stone knife dagger sword
blade pistol revolver gun rifle musket bullet cartridge poison phial vial bottle flask cup glass
photograph portrait picture painting mirror lamp candle lantern cross crucifix amulet charm medal
coin purse wallet package parcel bundle envelope telegram will scar mark wound stain footprint
footmark track button glove hat handkerchief cloak mask veil shoe boot ship boat carriage cart
chamber cellar vault crypt tomb grave coffin passage staircase tower room cupboard trap-door trapdoor
window bell clock watch seal signet scroll manuscript cipher code message sign symbol tattoo
""".split())
# what follows an emphasis adjective but is not a thing
_ABSTRACT = frozenset("""
fashioned feeling sense sort kind thing fellow friend woman man lady gentleman
day time way manner sensation idea thought look voice tone fancy habit notion
dream story tale place custom acquaintance affair matter
country people family song life age world love memory mother father name word
""".split())


def detect_objects(book: Book) -> Iterable[Candidate]:
    seen: set[str] = set()
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        hits = [(m, m.group(2), 0.45, m.group(1).lower() in _STRONG_ADJ)
                for m in _EMPHASIS.finditer(book.lower(order), scene.body_start)]
        hits += [(m, m.group(1).split()[-1], 0.4, False) for m in _ITALIC_WORD.finditer(text, scene.body_start)]
        for m, noun, conf, strong in hits:
            n = _norm(noun)
            if n in STOPWORDS or n in _ABSTRACT or n in seen or n.endswith("ly") or n.endswith("ing"):
                continue
            if n not in CONCRETE or not (strong or m.group(0)[0] in "_*"):
                continue   # "an old musket" is description; "a locked box" or "_the letter_" is emphasis
            if book.first_seen.get(n, order) < order:   # not introduced here
                continue
            if book.recurs_after(n, order):
                continue
            seen.add(n)
            phrase = m.group(0).strip("_*").lower()
            if strong:
                conf += 0.1
            if n in CONCRETE:
                conf += 0.1
            yield _make(book, order, m.start(), m.end(), kind="mystery" if strong else "clue",
                        detector="object", confidence=conf, keywords=[n],
                        description=f"The {phrase}, introduced with emphasis and never seen again")


def detect_canon_once(book: Book) -> Iterable[Candidate]:
    scenes_of: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for order, (_scene, idx) in enumerate(book.scenes):
        for mention in idx.mentions:
            for key in mention.entities:
                lst = scenes_of.setdefault(key, [])
                if not lst or lst[-1][0] != order:
                    lst.append((order, mention.start))
    for entity in book.project.entities():
        if entity.kind in ("promises",):
            continue
        sites = scenes_of.get((entity.kind, entity.id), [])
        if len(sites) != 1:
            continue
        order, offset = sites[0]
        if entity.kind == "characters":
            if order == len(book.scenes) - 1:
                continue
            yield _make(book, order, offset, offset, kind="question", detector="character-once", confidence=0.35,
                        keywords=[entity.id],
                        description=f"{entity.name} is named in one scene and never seen again")
        else:
            yield _make(book, order, offset, offset, kind="clue", detector="canon-once", confidence=0.5,
                        keywords=[entity.id],
                        description=f"{entity.name} ({entity.kind}) appears in one scene only")


# ----------------------------------------------------------------------------- intent, warnings, secrets, appointments
def _rare_later(book: Book, words: list[str], order: int) -> tuple[list[str], int]:
    """The rare content words among ``words`` and how many of them recur in a later scene."""
    limit = max(8, len(book.scenes) // 4)
    rare = [w for w in words if book.scene_count.get(w, 0) <= limit]
    return rare, sum(1 for w in rare if book.recurs_after(w, order))


# a plan or resolve in the first person: "I mean to find him", "to-morrow we shall start"
_INTENT = _lc(
    r"\b(?:I|we)\s+(?:mean|intend|am\s+determined|are\s+determined|have\s+(?:quite\s+)?(?:resolved|determined|decided|made\s+up\s+(?:my|our)\s+minds?)|resolved|determined)"
    r"\s+to\s+(?P<r1>[^.!?;\"”]{3,140})"
    r"|\b(?:to-?morrow|to-?night|to-?day)\s*,?\s*(?:I|we)\s+(?:shall|will|must)\s+(?P<r2>[^.!?;\"”]{3,140})"
    r"|\b(?:I|we)\s+(?:shall|will|must)\s+(?:\w+\s+){0,6}?(?:to-?morrow|to-?night)\b(?P<r3>[^.!?;\"”]{0,120})"
    r"|\b(?:I|we)\s+(?:shall|will|must)\s+(?:find\s+out|discover|get\s+to\s+the\s+bottom|learn\s+the\s+truth|unravel|track\s+down|hunt\s+down|lay\s+(?:him|her|them)\s+by\s+the\s+heels)\b(?P<r4>[^.!?;\"”]{0,140})"
    r"|\bour\s+plan\b(?P<r5>[^.!?;\"”]{0,140})"
    r"|\b(?:I|we)\s+(?:shall|will|must|['’]ll)\s+(?:(?:have\s+to|try\s+to|soon|certainly|not\s+fail\s+to)\s+)?(?P<verb>go|see|find|call|write|ask|return|come|wait|watch|set\s+out|start|leave|question|examine|send|meet|follow|visit|speak)\b(?P<r6>[^.!?;\"”]{3,140})"
    r"|\blet\s+us\s+(?:go|see|find|wait|watch|ask|examine|follow)\b(?P<r7>[^.!?;\"”]{3,140})")
_INTENT_WEAK = re.compile(r"^\s*(?:be|say|do\s+(?:so|it|nothing)|go\s+to\s+bed|sleep|rest|dine|have\s+(?:some|a)\s+)", re.I)


def detect_intent(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        for m in _INTENT.finditer(book.lower(order), scene.body_start):
            rest = next((g for g in m.groups() if g is not None), "")
            if _INTENT_WEAK.match(rest):
                continue
            words = content_words(rest)
            rare, later = _rare_later(book, words, order)
            if not rare or not later:
                continue   # a plan whose object never comes up again is talk, not a setup
            conf = 0.5 + min(0.12, 0.04 * later)
            if m.group("verb") or m.group("r7") is not None:
                conf -= 0.08   # an everyday plan ("I shall go and see") is weaker than a resolve
            if idx.in_dialogue(m.start()):
                conf -= 0.06   # said aloud, a plan is mostly talk; written in a diary or thought, it is carried out
            yield _make(book, order, m.start(), m.end(), kind="promise", detector="intent",
                        confidence=conf, keywords=rare[:4],
                        description=f"Plan: {_excerpt(text, m.start(), m.end(), 120)}")


# a warning or threat addressed to someone: "you will regret", "beware", "if you ever"
_WARNING = re.compile(
    r"\byou(?:['’]ll|\s+will|\s+shall)\s+(?:\w+\s+)?(?:regret|repent|rue|pay\s+for|suffer\s+for|be\s+sorry)"
    r"|\bbeware\b|\bI\s+warn\s+you\b|\bbe\s+on\s+your\s+guard\b|\bif\s+(?:ever\s+)?you\s+(?:ever\s+)?(?:dare|again|breathe|tell|betray|cross)\b"
    r"|\bbefore\s+it\s+is\s+too\s+late\b|\bif\s+you\s+ever\b|\b(?:take|have)\s+a\s+care\b|\byou\s+(?:shall|will)\s+(?:die|hang|pay)\b|\bmark\s+me\b"
    # distrust voiced: "I mistrust these quiet moods of his", "I do misdoubt me of the Goblins",
    # "I don't trust him"; doom told to someone's face: "to thy certain undoing"
    r"|\bI\s+(?:do\s+)?(?:misdoubt|mistrust|distrust)\b|\bI\s+(?:do\s+not|don['’]t)\s+trust\s+(?:him|her|them|that|this|it)\b"
    r"|\b(?:to|unto)\s+(?:thy|your)\s+(?:certain\s+|utter\s+|own\s+)?(?:undoing|destruction|bane|ruin)\b",
    re.I)


def detect_warnings(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        done: set[int] = set()
        for d in idx.dialogue:
            chunk = text[d.start:d.end]
            for m in _WARNING.finditer(chunk):
                if re.match(r"(?i)beware\s+of\s+\w+ing\b", chunk[m.start():m.start() + 40]):
                    continue   # "beware of making distinctions": a maxim, not a threat
                if re.search(r"(?i)\b(?:did|if|should|would|could|might)\s+$", chunk[max(0, m.start() - 12):m.start()]):
                    continue   # "scarce might ye blame me did I misdoubt you": a supposition, not distrust
                off = d.start + m.start()
                s, e = book.sentence(scene, idx, off)
                if s in done:
                    continue   # one sentence, one warning
                done.add(s)
                words = content_words(text[s:e])
                rare, later = _rare_later(book, words, order)
                if not rare:
                    continue
                conf = 0.5 + (0.1 if later else 0) + (0.05 if "regret" in m.group(0).lower() or "beware" in m.group(0).lower() else 0)
                yield _make(book, order, off, off + len(m.group(0)), kind="foreshadowing", detector="warning",
                            confidence=conf, keywords=rare[:4], span=(s, e),
                            description=f"Warning: {_excerpt(text, s, e, 120)}")


# a secret kept from someone
_SECRET = _lc(
    r"\bsecret\b(?!ary|e)"   # only after a determiner (checked in ``detect_secrets``: a look-behind here is slow)
    r"|\bno\s+one\s+(?:must|shall|should|is\s+to)\s+(?:ever\s+)?know\b|\bI\s+(?:cannot|can\s+not|can['’]t|must\s+not|dare\s+not)\s+tell\s+(?:you|him|her|them|anyone|any\s+one)\b(?!\s*,?\s*(?:how|what|whether|with\s+what|the\s+(?:joy|pleasure|relief|delight))\b)"
    r"|\btell\s+no\s+one\b|\bkeep\s+(?:it|this)\s+(?:a\s+)?(?:secret|from)\b|\bin\s+(?:strict|the\s+strictest)\s+confidence\b|\bsworn\s+to\s+secrecy\b")
_SECRET_WEAK = re.compile(
    r"\bsecret(?:ly)?\s+(?:satisfaction|pleasure|delight|joy|hope|wish|admiration|pride|regret|vexation|amusement|dislike|fear"
    r"|soul|souls|depths?|heart|hearts|thoughts?|feelings?|consciousness|recess(?:es)?|self|longings?|desires?|sympath(?:y|ies)|springs?)"
    r"|\b(?:the\s+)?secret\s+of\s+(?:his|her|their|its|the)\s+(?:success|charm|power|strength|happiness|art|influence)\b"
    # landscape and lore: "the secret places of the rocks", "a secret lawn", "the secret properties of herbs"
    r"|\bsecret\s+(?:places|paths|streams|waters|seas|lawns?|glades?|valleys|nooks|corners|names|propert(?:y|ies)|virtues|mountain[\w-]*|temple)\b", re.I)


_SECRET_DET = re.compile(r"\b(?:a|the|my|his|her|our|their|your|this|that)\s+(?:\w+\s+)?$", re.I)
# "secret" is a thing kept only as a noun: "the secret is here", "keep it a secret", "our secret,",
# "the secret of the treasure". Followed by a noun it is an adjective of description ("a secret
# door", "the secret seas", "a secret society"): measured on the labelled novels, about one in six
# of those is a setup, against one in two for the noun.
_SECRET_NOUN_NEXT = re.compile(
    r"s?(?:\s*[^\w\s-]|\s*$|\s+(?:of|is|was|were|are|and|or|nor|to|from|with|that|which|now|too|between|among|"
    r"he|she|I|you|they|we|it|has|had|have|will|would|shall|should|must|may|might|can|could|very|as|for|in|on|at|about|"
    r"be|been|but|so|if|no|not|even|still|here|there|yet|any|again|then|till|until|unless|whether)\b)", re.I)


def detect_secrets(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        for m in _SECRET.finditer(book.lower(order), scene.body_start):
            if m.group(0)[0] in "sS" and not _SECRET_DET.search(text, max(scene.body_start, m.start() - 40), m.start()):
                continue   # "secret" as a noun or adjective after a determiner ("the secret", "a terrible secret")
            if m.group(0)[0] in "sS" and not _SECRET_NOUN_NEXT.match(text, m.end()):
                continue   # an adjective: "a secret door", "the secret seas"
            if _SECRET_WEAK.search(text, m.start(), m.end() + 24):
                continue
            s, e = book.sentence(scene, idx, m.start())
            words = content_words(text[s:e])
            rare, later = _rare_later(book, words, order)
            if not rare:
                continue
            # a secret named in narration is as often a figure ("the secret seas") as a thing kept
            conf = 0.48 + (0.08 if later else 0) + (0.08 if idx.in_dialogue(m.start()) else 0)
            yield _make(book, order, m.start(), m.end(), kind="mystery", detector="secret",
                        confidence=conf, keywords=rare[:4], span=(s, e),
                        description=f"Secret: {_excerpt(text, s, e, 120)}")


# an appointment or a deadline: "at midnight", "in a week", "by Friday", "at eleven to-morrow"
_WHEN = (r"(?:at\s+midnight|at\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)(?:\s+o['’]clock)?"
         r"|in\s+a\s+(?:week|fortnight|month)|within\s+(?:a|the|three|two|twenty-four|forty-eight|\w+)\s+(?:days?|hours?|weeks?)"
         r"|by\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|to-?morrow|to-?night)"
         r"|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|next\s+(?:week|monday|tuesday|wednesday|thursday|friday|saturday|sunday))")
_APPOINT = _lc(
    r"\b(?:I|we|you|he|she|they)\s+(?:shall|will|must|are\s+to|is\s+to|am\s+to)\s+(?:\w+\s+){0,8}?" + _WHEN + r"\b"
    r"|\b" + _WHEN + r"\s*,?\s+(?:I|we|you|he|she|they)\s+(?:shall|will|must|are\s+to|is\s+to)\b"
    r"|\b(?:an\s+appointment|a\s+rendezvous|an\s+assignation)\b"
    # a deadline given: "she shall have a month to choose", "twenty-nine days are given you"
    r"|\b(?:shall|will|must)\s+have\s+(?:a|one|two|three|four|five|six|seven|ten|\w+-\w+)\s+(?:clear\s+)?(?:days?|weeks?|months?|years?)\s+(?:to|in\s+which)\b"
    r"|\b(?:days?|weeks?|months?|hours?)\s+(?:are|is)\s+given\b")

# "appointment" as a post or office
_POST = re.compile(r"(?i)\b(?:obtained|received|procured|got|given|offered|secured|accepted|made)\s+(?:\w+\s+){0,3}?an\s+appointment\b(?!\s+(?:with|to\s+see|for\s+(?:to-?morrow|the\s+next)))"
                   r"|\ban\s+appointment\s+(?:as|in\s+the|on\s+the\s+(?:staff|headquarters))\b")


def detect_appointments(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        if order == len(book.scenes) - 1:
            continue
        text = scene.text
        for m in _APPOINT.finditer(book.lower(order), scene.body_start):
            if _POST.search(text, max(0, m.start() - 40), m.end() + 12):
                continue   # "obtained an appointment as Gentleman of the Bedchamber": a post, not a meeting
            s, e = book.sentence(scene, idx, m.start())
            words = content_words(text[s:e])
            rare, later = _rare_later(book, words, order)
            if not rare or not later:
                continue
            conf = 0.5 + min(0.1, 0.03 * later) + (0.03 if idx.in_dialogue(m.start()) else 0)
            yield _make(book, order, m.start(), m.end(), kind="promise", detector="appointment",
                        confidence=conf, keywords=rare[:4], span=(s, e),
                        description=f"Appointment: {_excerpt(text, s, e, 120)}")


# something unexplained in the narration: a strange noise, a thing no one could account for
_UNEXPLAINED = _lc(
    r"\b(?:strange|curious|mysterious|odd|weird|unearthly)\s+(?:noise|sound|cry|smell|odour|figure|shape|mark|marks|footsteps?|letter|message|telegram)s?\b"
    r"|\b(?:could|can)\s*(?:not|n['’]t)\s+(?:account\s+for|explain|understand\s+(?:why|how|what))\b|\bunaccountabl[ey]\b|\binexplicabl[ey]\b"
    r"|\bnever\s+(?:been\s+)?explained\b|\b(?:a|the|this|that)\s+(?:\w+\s+)?(?:mystery|riddle|enigma|clue)\b|\bmysterious(?:ly)?\b")


# a character at a loss: "he could not imagine what had become of him", "I have no idea what
# she meant", "I make nothing of it", "what can it mean?" (case-sensitive and without a subject
# for speed; ``_PUZZLE_WHO`` checks the subject: "you cannot imagine how…" is a figure of speech)
_PUZZLE = re.compile(
    r"\b(?:could|can)\s*(?:not|n['’]t)\s+(?:imagine|conceive)\s+(?:what|why|how|who|where)\b"
    r"|\b(?:have|had)\s+no\s+(?:idea|notion)\s+(?:what|why|how|who|where)\b"
    r"|\b[Mm]ake\s+nothing\s+of\s+it\b|\b[Ww]hat\s+(?:can|could)\s+(?:it|this|that)\s+(?:mean|be)\b")
_PUZZLE_WHO = re.compile(r"(?:\b(?:I|[Ww]e|[Hh]e|[Ss]he|[Tt]hey)\s+)$")


def _unexplained_hits(text: str, lower: str, start: int) -> list[re.Match[str]]:
    hits = list(_UNEXPLAINED.finditer(lower, start))
    for m in _PUZZLE.finditer(text, start):
        if m.group(0)[0] in "cChH" and not _PUZZLE_WHO.search(text, max(start, m.start() - 8), m.start()):
            continue
        hits.append(m)
    hits.sort(key=lambda m: m.start())
    return hits


# "mysterious" / "a mystery" on its own is often a plain adjective of narration ("the little
# mystery which hung around my companion"); in narration it counts only when the same sentence
# names a concrete thing that can come back
_BARE_MYSTERY = re.compile(r"(?i)^(?:mysterious(?:ly)?|(?:a|the|this|that)\s+(?:\w+\s+)?mystery)$")
# "unaccountable" / "inexplicable" are as often essayistic ("an unaccountable dread") as a thing
# the book owes an explanation for: anywhere (dialogue too) they count only next to a concrete thing
_ESSAYISTIC = re.compile(r"(?i)^(?:unaccountabl[ey]|inexplicabl[ey])$")
_CONCRETE = re.compile(
    r"\b(?:letters?|box(?:es)?|keys?|doors?|sounds?|noises?|figures?|man|men|woman|women|stranger|strangers"
    r"|lights?|marks?|rings?|papers?|notes?|messages?|footsteps?|faces?|voices?|visitors?|parcels?|packets?"
    r"|telegrams?|chests?|trunks?|locks?|windows?|cry|cries|shapes?|shadows?|bottles?|knife|knives|weapons?"
    r"|documents?|portraits?|handwriting|signs?|symbols?|words?\s+written|writing)\b", re.I)


# a narrator who says "I" (a diary, a memoir) is a character puzzling; measured on the labelled
# novels, third-person narration's "strange"/"unaccountable" was a setup 3 times in 30
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|my|My|me|us|our|Our)\b")


def detect_unexplained(book: Book) -> Iterable[Candidate]:
    for order, (scene, idx) in enumerate(book.scenes):
        if order == len(book.scenes) - 1:
            continue
        text = scene.text
        done: set[int] = set()
        for m in _unexplained_hits(text, book.lower(order), scene.body_start):
            s, e = book.sentence(scene, idx, m.start())
            if s in done:
                continue
            if _BARE_MYSTERY.match(m.group(0)) and not idx.in_dialogue(m.start()) \
                    and not _CONCRETE.search(text, s, e):
                continue   # a plain adjective of narration, not a thing the book owes an answer for
            if _ESSAYISTIC.match(m.group(0)) and not _CONCRETE.search(text, s, e):
                continue
            done.add(s)
            if not idx.in_dialogue(m.start()) and not _FIRST_PERSON.search(text, s, e):
                continue   # a third-person narrator's "strange sound" is description, seldom a thread
            words = content_words(text[s:e])
            rare, later = _rare_later(book, words, order)
            if not rare or not later:
                continue
            conf = 0.48 + min(0.12, 0.04 * later)
            if not idx.in_dialogue(m.start()):
                conf -= 0.06   # narration's "strange"/"mysterious" is often description; a character asking is not
            yield _make(book, order, m.start(), m.end(), kind="mystery", detector="unexplained",
                        confidence=conf, keywords=rare[:4], span=(s, e),
                        description=f"Unexplained: {_excerpt(text, s, e, 120)}")


Detector = Callable[[Book], Iterable[Candidate]]
DETECTORS: dict[str, Detector] = {
    "vow": detect_vows,
    "prophecy": detect_prophecy,
    "dream": detect_dreams,
    "question": detect_questions,
    "mystery-question": detect_mystery_questions,
    "object": detect_objects,
    "canon-once": detect_canon_once,
    "intent": detect_intent,
    "warning": detect_warnings,
    "secret": detect_secrets,
    "appointment": detect_appointments,
    "unexplained": detect_unexplained,
}
