"""``object``, ``canon-once``, ``secret`` and ``unexplained``: things the book leaves open."""

from __future__ import annotations

import re
from typing import Iterable

from novelforge.ledger.book import Book, Candidate, _excerpt, _make, _norm, content_words, scanned
from novelforge.ledger.detectors.common import lc, rare_later
from novelforge.text.inline import emphasis
from novelforge.text.lexicon import STOPWORDS

# only strong adjectives: after "old", "strange" or "curious" a thing is described, not emphasised
_EMPHASIS = lc(r"\b(locked|sealed|hidden|secret|mysterious|forbidden|missing|stolen|bloodstained|blood-stained)"
               r"\s+([a-z][a-z\-]{2,})\b")
_STRONG_ADJ = frozenset("locked sealed hidden secret mysterious forbidden missing stolen bloodstained "
                        "blood-stained".split())
# the words of an italic span worth a look: one or two lower-case words (`_the letter_`)
_ITALIC_WORDS = re.compile(r"[a-z][a-z\-]{2,}(?:\s+[a-z][a-z\-]{2,})?")
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
EMPHASIS = scanned("emphasis", _EMPHASIS)


class _Italic:
    """An italic span (delimiters included) with the look of a match: ``group(1)`` is its words."""

    def __init__(self, text: str, span) -> None:
        self._text, self._span = text, span

    def start(self) -> int:
        return self._span.start

    def end(self) -> int:
        return self._span.end

    def group(self, n: int = 0) -> str:
        s = self._span
        return self._text[s.start:s.end] if n == 0 else self._text[s.inner_start:s.inner_end]


def _italic_words(text: str, idx) -> list[_Italic]:
    """The italic spans of one or two lower-case words, as CommonMark reads the paragraphs."""
    out = []
    for start, end in idx.paragraphs:
        for e in emphasis(text, start, end):
            if not e.strong and _ITALIC_WORDS.fullmatch(text, e.inner_start, e.inner_end):
                out.append(_Italic(text, e))
    return sorted(out, key=lambda m: m.start())


def detect_objects(book: Book) -> Iterable[Candidate]:
    seen: set[str] = set()
    for order, (scene, idx) in enumerate(book.scenes):
        text = scene.text
        hits = [(m, m.group(2), 0.45, m.group(1).lower() in _STRONG_ADJ)
                for m in book.scan(EMPHASIS, order)]
        hits += [(m, m.group(1).split()[-1], 0.4, False) for m in _italic_words(text, idx)]
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


# a secret kept from someone
_SECRET = lc(
    r"\bsecret\b(?!ary|e)"   # only after a determiner (checked in ``detect_secrets``: a look-behind here is slow)
    r"|\bno\s+one\s+(?:must|shall|should|is\s+to)\s+(?:ever\s+)?know\b|\bI\s+(?:cannot|can\s+not|can['’]t|must\s+not|dare\s+not)\s+tell\s+(?:you|him|her|them|anyone|any\s+one)\b(?!\s*,?\s*(?:how|what|whether|with\s+what|the\s+(?:joy|pleasure|relief|delight))\b)"
    r"|\btell\s+no\s+one\b|\bkeep\s+(?:it|this)\s+(?:a\s+)?(?:secret|from)\b|\bin\s+(?:strict|the\s+strictest)\s+confidence\b|\bsworn\s+to\s+secrecy\b")
SECRET = scanned("secret", _SECRET)
_SECRET_WEAK = re.compile(
    r"\bsecret(?:ly)?\s+(?:satisfaction|pleasure|delight|joy|hope|wish|admiration|pride|regret|vexation|amusement|dislike|fear"
    r"|soul|souls|depths?|heart|hearts|thoughts?|feelings?|consciousness|recess(?:es)?|self|longings?|desires?|sympath(?:y|ies)|springs?)"
    r"|\b(?:the\s+)?secret\s+of\s+(?:his|her|their|its|the)\s+(?:success|charm|power|strength|happiness|art|influence)\b"
    # landscape and lore: "the secret places of the rocks", "a secret lawn", "the secret properties of herbs"
    r"|\bsecret\s+(?:places|paths|streams|waters|seas|lawns?|glades?|valleys|nooks|corners|names|propert(?:y|ies)"
    r"|virtues|mountain[\w-]*|temple)\b", re.I)


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
        for m in book.scan(SECRET, order):
            if m.group(0)[0] in "sS" and not _SECRET_DET.search(text, max(scene.body_start, m.start() - 40), m.start()):
                continue   # "secret" as a noun or adjective after a determiner ("the secret", "a terrible secret")
            if m.group(0)[0] in "sS" and not _SECRET_NOUN_NEXT.match(text, m.end()):
                continue   # an adjective: "a secret door", "the secret seas"
            if _SECRET_WEAK.search(text, m.start(), m.end() + 24):
                continue
            s, e = book.sentence(scene, idx, m.start())
            words = content_words(text[s:e])
            rare, later = rare_later(book, words, order)
            if not rare:
                continue
            # a secret named in narration is as often a figure ("the secret seas") as a thing kept
            conf = 0.48 + (0.08 if later else 0) + (0.08 if idx.in_dialogue(m.start()) else 0)
            yield _make(book, order, m.start(), m.end(), kind="mystery", detector="secret",
                        confidence=conf, keywords=rare[:4], span=(s, e),
                        description=f"Secret: {_excerpt(text, s, e, 120)}")


# something unexplained in the narration: a strange noise, a thing no one could account for
_UNEXPLAINED = lc(
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
UNEXPLAINED = scanned("unexplained", _UNEXPLAINED)
PUZZLE = scanned("puzzle", _PUZZLE, lower=False)


def _unexplained_hits(book: Book, order: int) -> list:
    text, start = book.scenes[order][0].text, book.scenes[order][0].body_start
    hits = list(book.scan(UNEXPLAINED, order))
    for m in book.scan(PUZZLE, order):
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
        for m in _unexplained_hits(book, order):
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
            rare, later = rare_later(book, words, order)
            if not rare or not later:
                continue
            conf = 0.48 + min(0.12, 0.04 * later)
            if not idx.in_dialogue(m.start()):
                conf -= 0.06   # narration's "strange"/"mysterious" is often description; a character asking is not
            yield _make(book, order, m.start(), m.end(), kind="mystery", detector="unexplained",
                        confidence=conf, keywords=rare[:4], span=(s, e),
                        description=f"Unexplained: {_excerpt(text, s, e, 120)}")
