import re
from collections import Counter

from novelforge.rules.narration import scene_first_person
from novelforge.rules.registry import rule, world_feature
from novelforge.text.grammar import opens_clause, verb_tense
from novelforge.text.lexicon import PERSON_NOUNS
from novelforge.text.tense import narrators_present, paragraph_tenses, reports_or_tells_now

# a subject pronoun and the word after it (an `-ly` adverb may come between)
# (led by a plain set of its first letters in either case, `ſ` too, which a case-blind
# `s` matches: the scan skips every other character in one test, where a case-blind
# look-ahead cost a case fold per position; then no word character before it, and the
# rest of the word by the letter it started with; the same matches as
# `(?i)\b(he|she|they)\b` for TENSE_SUBJECTS (tests/test_scan_patterns.py), a third quicker)
_PRONOUN = re.compile(r"([HSThstſ](?<!\w[HSThstſ])"
                      r"(?:(?<=[Hh])[Ee]|(?<=[Ssſ])[Hh][Ee]|(?<=[Tt])[Hh][Ee][Yy]))\b")
_NEXT_WORD = re.compile(r"\s+(?:[a-z]+ly\s+)?([A-Za-z]+)\b")
_AFTER_NAME = re.compile(r"[ \t]+(?:[a-z]+ly[ \t]+)?([a-z]+)\b")
# `The` and up to four words after it (`The old man looks`, `The King sits`)
_THE = re.compile(r"The[ \t\n]+([A-Za-z]+)[ \t\n]+([A-Za-z]+)(?:[ \t\n]+([A-Za-z]+))?(?:[ \t\n]+([A-Za-z]+))?")


@rule("NF406", "tense-slip", "warning", "scene", reads=("prose", "front-matter", "book"))
def check(scene, index, ctx):
    """A sentence of narration is in the present tense in a scene told in the past (or the reverse).

    ## What it does
    Counts the tense of subject–verb pairs in the narration of each scene (`she was`, `he
    turned` against `she is`, `he turns`; the subject a pronoun, a character's name, or a
    person named by a noun opening the sentence, `The old man looks`). When one tense
    clearly dominates the scene (at least 85% of at least 12 pairs, or, in a short or
    talkative scene, all of at least six pairs but one in the past), every narration
    sentence with a pair in the other tense is reported. The presents a scene told in the
    past keeps whatever surrounds them (below: a report now of the past, a state at the
    narrator's time of telling, a letter) are no votes against the past: a scene whose
    closing lines say where its people live now is still told in the past. A scene with a
    short narration (under 600 words outside its dialogue) and fewer pairs is judged by
    the book's tense when all its pairs but one (two at least) are in that tense, and
    that one is reported (`the book is told in the past`): the book's tense is the tense
    of four in five of the scenes whose own narration decides it (five such scenes at
    least), read from their pronoun and noun subjects (a fact of each scene's text, kept
    in the analysis cache); such a scene is told by an `I` when the book is. A mixed
    scene (six pairs or more, no tense dominating), a long narration with few pairs (an
    essay, a list of extracts), and a scene in a mixed book say nothing. Dialogue, and
    text in italics (thoughts, letters), are left alone.

    In a scene told in the past, a sentence in the present is not a slip when the text
    around it is in the present on purpose: its paragraph is itself told in the present
    (at least two other present verbs and no more past ones: a daydream, a proclamation,
    a passage in the historic or the general present), or the scene is told by an `I`
    and the sentence is a state at the time of telling (`She is always an early riser`,
    `Van Helsing has gone`, `he does not know`, but not `he does not answer`: a diary's
    or a memoir's present), or it reports what someone says or writes now of the past
    (`Holmes declares that he overheard me`), or it is in a letter or a diary entry set as plain paragraphs (a
    paragraph opening with a date, or under a date heading; a salutation to its close; a
    document the narration introduces: novelforge/text/documents.py) — unless that
    paragraph of the letter or diary is itself told in the past (two or more of its other
    verbs in the past and four for each one in the present: `Got up at eight and went to
    my duties… Bram does not answer` reports `Bram does`). A singular subject before
    `have`, `are` or `were` (`if he have`, `could Natásha have told`) is no present tense.
    Set `tense: past` or `tense: present` in `novelforge.yaml` to judge every scene by
    that tense instead, or in a scene's front matter for that scene, however short (a
    chapter told in the present in a book told in the past): the scene's own `tense:`
    always wins. Not read yet: the tense of a long scene whose narration has few
    subjects the rule reads.

    ## Why is this bad
    Tense slips creep in when a scene is drafted in a hurry or pasted from notes; readers
    trip over them, and copy-editors charge by the hour to find them.

    ## Example
    ```markdown
    Aria climbed the stair and pushed the door. She looks down at the sleeping city.
    ```

    ## Use instead
    ```markdown
    Aria climbed the stair and pushed the door. She looked down at the sleeping city.
    ```
    """
    if not index.sentences:
        return
    masked = ctx.masked(scene)
    pairs = _text_pairs(scene, index, ctx) + _name_pairs(scene, index, masked)
    pairs.sort(key=lambda p: p[1])
    main, told = _scene_tense(scene, index, ctx, masked, pairs)
    if main is None:
        return
    # a scene judged by the book's tense is told by an `I` when the book is (too short to show it)
    told_by_i = scene_first_person(scene, index, ctx) if told == "book" else None
    reported = set()
    for si, start, end, tense in pairs:
        if tense == main or si in reported:
            continue
        if main == "past" and narrators_present(index, masked, pairs, si, start, end, told_by_i):
            continue
        if index.in_document(masked, start) and not _document_in_past(index, masked, pairs, si, start, main):
            continue                  # a letter or a diary entry speaks in its own tense
        reported.add(si)
        shown = " ".join(masked[start:end].split())
        yield ctx.at(scene, start, end,
                     f"`{shown}` is in the {tense} tense; the {told} is told in the {main}",
                     help=f"put the sentence in the {main} tense, or italicise it if it is a thought or a letter")


def _scene_tense(scene, index, ctx, masked, pairs) -> tuple[str | None, str]:
    """The tense a scene is judged against, and whose it is (``scene``, or ``book`` when it
    falls back on the book's): its own `tense:` or the book's setting, its own narration
    when that decides (see the rule's docs), else, for a short scene whose few pairs all
    but one agree with it, the book's tense read from every scene's narration."""
    configured = scene.meta.tense or getattr(ctx.project.config, "tense", None)
    if configured in ("past", "present"):
        return configured, "scene"
    if index.words >= 80:
        main = _dominant(pairs)
        if main is not None:
            return main, "scene"
        # a present the scene keeps on purpose (the narrator's time of telling, a
        # letter) is no vote against the past: it would not be reported either
        votes = [p for p in pairs if p[3] == "past" or not _kept_present(index, masked, pairs, p)]
        if len(votes) < len(pairs) and _dominant(votes) == "past":
            return "past", "scene"
        if len(pairs) >= _ENOUGH or _narration_words(index, masked) >= _SHORT:
            # a mixed scene (its presents on purpose as often as not), or a long narration
            # told in few subjects the rule reads (an essay, a list of extracts: its few
            # pairs say little about the book)
            return None, "scene"
    book = book_tense(ctx)
    # a short scene: the book's tense, when all its pairs but one (at least two) agree
    agree = sum(1 for p in pairs if p[3] == book)
    return (book, "book") if book is not None and agree >= 2 and agree == len(pairs) - 1 else (None, "book")


def _narration_words(index, masked: str) -> int:
    """The words of a scene outside its dialogue (a talkative scene has a short narration)."""
    return index.words - sum(len(masked[d.start:d.end].split()) for d in index.dialogue)


PAIRS = "NF406-pairs"


def _text_pairs(scene, index, ctx) -> list[tuple[int, int, int, str]]:
    """(sentence index, start, end, tense) of each narration pair a scene's text alone
    tells — a pronoun subject (`she was`) or a noun opening the sentence (`The old man
    looks`) — worked out once per run (the book's tense reads them too)."""
    return ctx.memo((PAIRS, scene.path), lambda: _read_text_pairs(scene, index, ctx.masked(scene)))


def _read_text_pairs(scene, index, masked: str) -> list[tuple[int, int, int, str]]:
    italics = "*" in masked or "_" in masked  # most scenes have none: skip the per-match look
    sentence_of = index.sentence_of
    pairs: list[tuple[int, int, int, str]] = []
    for m in _PRONOUN.finditer(masked, scene.body_start):
        at = m.start(1)
        if not opens_clause(masked, at):
            continue
        vm = _NEXT_WORD.match(masked, m.end())
        if vm is None:
            continue
        tense = verb_tense(m.group(1), vm.group(1))
        if tense is None or index.in_dialogue(at) or (italics and index.in_italics(masked, at)):
            continue
        si = sentence_of(at)
        if si is not None:
            pairs.append((si, at, vm.end(), tense))
    # a person named by a noun opening the sentence: `The old man looks`, `The King sits`
    for si, (s0, _s1) in enumerate(index.sentences):
        if masked.startswith(("The ", "The\n"), s0) and (pair := _noun_subject(masked, s0)) is not None:
            start, end, tense = pair
            if not index.in_dialogue(start) and not (italics and index.in_italics(masked, start)):
                pairs.append((si, start, end, tense))
    return pairs


def _name_pairs(scene, index, masked: str) -> list[tuple[int, int, int, str]]:
    """The pairs whose subject is a named character: `Aria walks`."""
    italics = "*" in masked or "_" in masked
    pairs: list[tuple[int, int, int, str]] = []
    for m in index.mentions:
        if m.in_dialogue or len(m.entities) != 1 or m.entities[0][0] != "characters":
            continue
        vm = _AFTER_NAME.match(masked, m.end)
        if masked[max(0, m.start - 4):m.start].lower().endswith(("the ", "a ")):
            continue  # `the Rostóv girls`: the name is an adjective here
        if vm and not (italics and index.in_italics(masked, m.start)):
            tense = verb_tense("he", vm.group(1))
            if tense:
                si = index.sentence_of(m.start)
                if si is not None:
                    pairs.append((si, m.start, vm.end(), tense))
    return pairs


BOOK_TENSE = "book-tense"
# a scene with this many pairs that still does not decide is mixed, not too short
_ENOUGH = 6
# a scene whose narration is shorter than this (in words, dialogue left out) with too few
# pairs is judged by the book's tense
_SHORT = 600


def book_tense(ctx) -> str | None:
    """The tense the book is told in: that of four in five of the scenes whose own
    narration decides it (five at least), counted from what each scene's text alone
    says (its pronoun and noun subjects: a fact of the scene's text kept in the analysis
    cache). None when the book is mixed, or has too few such scenes."""
    return ctx.memo(BOOK_TENSE, lambda: _book_tense(ctx))


def _book_tense(ctx) -> str | None:
    session = ctx.session

    def votes(scene) -> tuple[list[int], list | None]:
        index = session.index(scene)
        if index is None or index.words < 80 or not index.sentences:
            return [0, 0], None
        pairs = _text_pairs(scene, index, ctx)
        past = sum(1 for p in pairs if p[3] == "past")
        return [past, len(pairs) - past], pairs

    # half the scenes in the second process (a cold check), their pairs sent back for the
    # rule (about 5,000 for War and Peace: a few milliseconds)
    counts = session.summaries("tense-votes", votes, _is_votes, beside=True, memo=PAIRS)
    decided = Counter(_decided(*c) for c in counts.values())
    decided.pop(None, None)
    total = sum(decided.values())
    if total < 5:
        return None
    top, n = decided.most_common(1)[0]
    return top if n >= 0.8 * total else None


def _is_votes(value) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)


def _decided(past: int, present: int) -> str | None:
    """:func:`_dominant` of counts."""
    n = past + present
    if n < 12 and (n < 6 or past < n - 1):
        return None
    share = past / n
    return "past" if share >= 0.85 else "present" if share <= 0.15 else None


@world_feature
def _book_tense_feature(ctx, codes):
    if "NF406" not in codes or getattr(ctx.project.config, "tense", None) in ("past", "present"):
        return None
    return book_tense(ctx)


def _dominant(pairs) -> str | None:
    """The tense that clearly dominates ``pairs``: at least 85% of at least 12, or, in a
    short or talkative scene, all of six to eleven but one in the past (the one is the
    slip); None when neither does (fewer than six say nothing)."""
    past = sum(1 for p in pairs if p[3] == "past")
    if len(pairs) < 12 and (len(pairs) < 6 or past < len(pairs) - 1):
        return None
    share = past / len(pairs)
    return "past" if share >= 0.85 else "present" if share <= 0.15 else None


def _kept_present(index, masked: str, pairs, pair) -> bool:
    """Whether a present ``pair`` is one a scene told in the past keeps whatever the text
    around it: a report now of the past, a state at the narrator's time of telling, a
    letter or diary (a paragraph told in the present is not: it is a vote for the
    present, as in a chapter told in the historic present)."""
    si, start, end, _tense = pair
    if reports_or_tells_now(index, masked, si, start, end):
        return True
    return index.in_document(masked, start) and not _document_in_past(index, masked, pairs, si, start, "past")


def _document_in_past(index, masked: str, pairs, si: int, start: int, main: str) -> bool:
    """A paragraph of a letter or diary told in the past itself (two or more of its
    other verbs in the past, four for each in the present): its present is a slip of its
    own tense."""
    para = index.unit_at(start, "paragraph")
    if main != "past" or para is None:
        return False
    present, past = paragraph_tenses(index, masked, pairs, para, index.sentences[si])
    return past >= 2 and present * 4 <= past


def _noun_subject(masked: str, at: int) -> tuple[int, int, str] | None:
    """(start, end, tense) of `The [one or two words] PERSON verb` at ``at``, if its verb
    tells a tense; a plural noun takes `are`/`were`, a singular one `is`/`-s`/`was`."""
    m = _THE.match(masked, at)
    if m is None:
        return None
    words = m.groups()
    for k in range(3):
        noun, verb = words[k], words[k + 1]
        if noun is None or verb is None:
            return None
        if noun.lower() in PERSON_NOUNS:
            after = words[k + 2] if k + 2 < len(words) else None
            if verb.lower() in PERSON_NOUNS or (after and verb_tense("they", after)):
                return None        # `The officer prisoners were`: a noun of two words
            subject = "they" if noun.lower().endswith(("men", "ren", "s")) else "he"
            tense = verb_tense(subject, verb)
            return (at, m.end(k + 2), tense) if tense else None
        if not noun.isalpha() or noun.lower() in ("of", "and", "who", "that"):
            return None
    return None
