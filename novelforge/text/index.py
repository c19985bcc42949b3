"""The text index of one scene: paragraphs, sentences, dialogue and its speakers,
mentions of canon names, capitalised words that are not canon names, inline markers
and suppression comments.

Every offset is an offset into the *whole file text* (front matter included): front
matter and HTML comments are masked with spaces, never removed, so positions stay true.
The index depends only on the file's text, the scene's POV and the canon name table,
which is what its cache key holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from novelforge.text.names import TITLES, EntityKey, NameTable

INDEX_VERSION = 8

_COMMENT = re.compile(r"<!--(.*?)(?:-->|\Z)", re.S)
_PARA_SPLIT = re.compile(r"\n[ \t]*\n\s*")
_BREAK_LINE = re.compile(r"^[ \t]*(?:#|\*\s*\*\s*\*|\*\*\*|-{3,}|~{3,})[ \t]*$")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+\S")
# A run of capitalised words, allowing `Mr. Darcy`, `Duke of Wellington`, a single line wrap.
# Name characters are letters, digits, apostrophes and hyphens; `_` is Markdown emphasis
# (`_Mina Murray's Journal._`), never part of a name.
_RUN = re.compile(
    r"(?<![^\W_]|[’'])[^\W\d_a-z](?:[^\W_]|[’'\-])*"
    r"(?:\.?(?:[ \t]+|[ \t]*\n[ \t]*)(?:(?:of|de|du|da|van|von|der|la|le|the)[ \t]+)?[^\W\d_a-z](?:[^\W_]|[’'\-])*)*"
)
_RUN_TOKEN = re.compile(r"[^\W\d_](?:[^\W_]|[’'\-])*")
_SENT_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[^\W\d_a-z0-9]|\s*$)|[.!?][\"”’']?(?=\s*\n)")
_ABBREV = frozenset({"mr", "mrs", "ms", "dr", "st", "sr", "jr", "mt", "prof", "capt", "col", "gen", "lt",
                     "sgt", "rev", "vs", "etc", "no", "vol", "ch", "fig", "mme", "mlle", "m"})
_QUOTE = re.compile(r"[\"“”]")
# Single-quote (British) dialogue: an opening ‘, or a straight ' at a word start before a capital
# or a dash (`'Come here,'` — not `'tis`); a closing ’ or ' after the speech's own punctuation
# (`‘Come here,’ he said`), or a curly ’ after a word and before punctuation (`the ‘Crown’,`),
# which a contraction (`don’t`) or an elision before a space (`goin’ home`) never is.
# A ‘ inside open speech opens a nested quote (`‘the ‘Crown’, then’`); an elision (`‘tis`,
# `‘em`) opens nothing.
_ELISION = r"(?!(?i:tis|twas|twere|twill|em|cause|til|bout|un|n)\b)"
_SINGLE = re.compile(
    r"(?P<open>‘" + _ELISION + r"|(?<![\w’'])'" + _ELISION + r"(?=[^\W\d_a-z]|[…—–]))"
    r"|(?P<close>(?<=[.,!?…—–-])[’'](?![^\W_])|(?<=[^\W_])’(?=[,.;:!?]))")
# the opening quotes of a scene, double and single, counted where a speech starts (after a
# space or at a line start, before a capital or a dash): the more frequent kind is the scene's
_DOUBLE_OPENER = re.compile(r"(?:^|(?<=\s))[\"“]", re.M)
_SINGLE_OPENER = re.compile(r"(?:^|(?<=\s))[‘']" + _ELISION + r"(?=[^\W\d_a-z]|[…—–])", re.M)
_ITALIC_SPAN = re.compile(r"\*[^*\n]+\*|(?<![^\W_])_[^_\n]+_(?![^\W_])")
_MARKER = re.compile(r"^\s*(setup|payoff|promise)\s*:\s*([\w.\-]+)\s*$", re.I)
_SUPPRESS = re.compile(r"^\s*novelforge-(disable-next-line|disable-line|disable|enable)\b(.*)$", re.S)
_CODES = re.compile(r"[A-Za-z][\w\-]*")

SPEECH_VERBS = frozenset("""
said says say asked asks replied replies answered answers cried cries shouted shouts whispered
whispers murmured murmurs muttered mutters called calls added adds began begins continued continues
exclaimed exclaims snapped snaps hissed hisses growled growls demanded demands insisted insists
laughed laughs sighed sighs told tells remarked remarks observed observes repeated repeats returned
returns rejoined rejoins interrupted interrupts retorted retorts breathed breathes yelled yells
screamed screams pleaded pleads agreed agrees protested protests declared declares suggested suggests
admitted admits explained explains whispered warned warns ordered orders spoke speaks offered
offers sang sings roared roars barked barks groaned groans gasped gasps urged urges went
""".split())
_PAST_IRREGULAR = frozenset("""
went came saw took gave made got stood sat ran rode drew held kept left felt
found thought knew told said brought bought caught fought taught sought began became broke chose
drove fell flew forgot froze grew hid hung lay led lost meant met paid put read rose set shook
shot shut slept slid spoke spent spun stole struck swore swept swung threw tore understood woke
wore won wrote bit bent bled blew bound built burst clung crept dealt dug dove dreamt fed fled
flung forbade forgave hit hurt knelt laid leapt lit sank sang shone shrank slew slung smote spat
split spread sprang stank stuck stung strode strove swam wept wound smiled nodded turned looked
walked asked
""".split())
# Capitalised words shorter than this, or among these very common sentence openers, are
# not kept as name candidates (they cannot be near misses of a canon name worth reporting).
MIN_NAME_CANDIDATE = 4
_COMMON_OPENERS = frozenset("""
That This There Then They Their Them These Those What When Where Which While Who Whom Whose Why
With Without From Have Having Here Hers Herself Himself Into Just Like Many Most Much Must Never
None Nothing Once Only Other Over Perhaps Some Still Such Than Through Upon Very Well Were Will
Would Your Yours Yourself Yes Each Even Every Both Before After Again Against Also Although Always
Another Because Been Being Could Does Down Either Enough Ever Further Good However Instead Least
Less Little Look Maybe More Nobody Nothing Often Rather Really Since Something Sometimes Soon
Surely Thank Thanks Though Thus Till Together Under Unless Until What Whatever Whether Yet Don't
Didn't Can't Won't It's That's There's What's I'm I've I'll I'd Let's Tell Come Go Oh Ah Well
""".split())
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+\Z")
# a name after these is an object, or the subject of a remembered or subordinate clause
_NOT_ACTING_AFTER = frozenset("""
of to for with by from about at on in into onto upon than like as when whenever after before since
until till if though although because once while whom whose that which where
""".split())
_ADVERB_OK = re.compile(r"[a-z]+ly$")
_WORD_AFTER = re.compile(r"[ \t]+([a-z][a-z’'\-]*)(?:[ \t]+([a-z][a-z’'\-]*))?")
_PRONOUN_TAG = re.compile(r"[\s,—–-]*(he|she|i|they|we)\s+(\w+)", re.I)


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str
    entities: tuple[EntityKey, ...]
    in_dialogue: bool
    acts: bool = False


@dataclass(slots=True)
class Dialogue:
    start: int            # offset of the opening quote
    end: int              # offset after the closing quote (or the paragraph end)
    paragraph: int        # index into paragraphs
    speaker: str | None = None   # character id
    how: str | None = None       # tag | beat | alternation | pov


@dataclass(slots=True)
class Capitalised:
    """A capitalised word in the prose that is not (part of) a canon name."""

    word: str
    start: int
    end: int
    sentence_initial: bool
    in_dialogue: bool


@dataclass(slots=True)
class Directive:
    kind: str            # disable-next-line | disable-line | disable | enable
    codes: tuple[str, ...]
    line: int            # 1-based line of the comment
    column: int
    end_line: int


@dataclass(slots=True)
class Marker:
    kind: str            # setup | payoff
    id: str
    start: int
    end: int


@dataclass
class TextIndex:
    version: int = INDEX_VERSION
    words: int = 0
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    dialogue: list[Dialogue] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    capitalised: list[Capitalised] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    first_person: bool = False
    light: bool = False   # ``build_index(light=True)``: words, markers and suppressions only

    def speakers(self) -> set[str]:
        return {d.speaker for d in self.dialogue if d.speaker}

    def in_dialogue(self, offset: int) -> bool:
        return self.dialogue_at(offset) is not None

    def dialogue_at(self, offset: int) -> "Dialogue | None":
        """The quoted speech that contains ``offset``, if any."""
        from bisect import bisect_right

        starts = self._dialogue_starts()
        i = bisect_right(starts, offset) - 1
        if i >= 0 and self.dialogue[i].start <= offset < self.dialogue[i].end:
            return self.dialogue[i]
        return None

    def in_italics(self, masked: str, offset: int) -> bool:
        """Whether ``offset`` is inside `*…*` or `_…_` opened earlier in its paragraph
        (thoughts, letters and titles set in italics)."""
        para = self.unit_at(offset, "paragraph")
        before = masked[para[0] if para else offset:offset]
        return before.count("*") % 2 == 1 or before.count("_") % 2 == 1

    def unit_at(self, offset: int, within: str) -> tuple[int, int] | None:
        """The sentence or paragraph (offsets) that contains ``offset``."""
        from bisect import bisect_right

        spans = self.sentences if within == "sentence" else self.paragraphs
        i = bisect_right(spans, (offset, float("inf"))) - 1
        if i >= 0 and spans[i][0] <= offset < spans[i][1]:
            return spans[i]
        return None

    def _dialogue_starts(self) -> list[int]:
        cached = getattr(self, "_ds", None)
        if cached is None:
            cached = [d.start for d in self.dialogue]
            self._ds = cached
        return cached

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_ds", None)
        return state


def _line_of(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def mask(text: str, body_start: int) -> tuple[str, list[Directive], list[Marker]]:
    """Blank out the front matter and comments (keeping newlines); read the comments."""
    directives: list[Directive] = []
    markers: list[Marker] = []
    pieces: list[str] = []
    if body_start:
        head = text[:body_start]
        pieces.append(re.sub(r"[^\n]", " ", head))
    pos = body_start
    if "<!--" in text[body_start:]:
        for m in _COMMENT.finditer(text, body_start):
            pieces.append(text[pos:m.start()])
            pieces.append(re.sub(r"[^\n]", " ", m.group(0)))
            pos = m.end()
            inner = m.group(1)
            sm = _SUPPRESS.match(inner)
            if sm:
                line, col = _line_of(text, m.start())
                end_line = line + m.group(0).count("\n")
                codes = tuple(c.upper() if re.match(r"(?i)nf\d", c) else c for c in _CODES.findall(sm.group(2)))
                directives.append(Directive(sm.group(1), codes, line, col, end_line))
                continue
            mm = _MARKER.match(inner)
            if mm:
                kind = mm.group(1).lower()
                markers.append(Marker("setup" if kind == "promise" else kind, mm.group(2), m.start(), m.end()))
    pieces.append(text[pos:])
    return "".join(pieces), directives, markers


def _paragraphs(masked: str, body_start: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = body_start
    n = len(masked)
    # skip leading whitespace
    while pos < n and masked[pos] in " \t\n":
        pos += 1
    for m in _PARA_SPLIT.finditer(masked, pos):
        _add_para(masked, pos, m.start(), out)
        pos = m.end()
    _add_para(masked, pos, len(masked.rstrip()), out)
    return out


def _add_para(masked: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    chunk = masked[start:end]
    if not chunk.strip():
        return
    # trim leading blanks left by masked comments
    stripped = chunk.lstrip()
    start += len(chunk) - len(stripped)
    chunk = chunk.rstrip()
    end = start + len(chunk.strip())
    if _BREAK_LINE.match(masked[start:end]) or _HEADING.match(masked[start:end]) and "\n" not in masked[start:end]:
        return
    out.append((start, end))


def _sentences(masked: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for pstart, pend in paragraphs:
        s = pstart
        for m in _SENT_END.finditer(masked, pstart, pend):
            end = m.end()
            # abbreviation such as "Mr." does not end a sentence
            if masked[m.start()] == "." and m.end() - m.start() == 1:
                w = m.start()
                while w > s and not masked[w - 1].isspace():  # a line wrap also starts a word
                    w -= 1
                word = masked[w:m.start()].lstrip("\"“‘(").lower()
                if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                    continue
            out.append((s, end))
            s = end
            while s < pend and masked[s] in " \t\n":
                s += 1
        if s < pend:
            out.append((s, pend))
    return out


def _dialogue(masked: str, paragraphs: list[tuple[int, int]]) -> list[Dialogue]:
    """Quoted speech. An unclosed quote runs to the paragraph end (speech continued in the
    next paragraph re-opens with a quote, by convention). Double quotes, unless the scene
    opens more speeches with single quotes (British style; nested quotes are then double)."""
    if _single_quote_scene(masked, paragraphs):
        return _single_quoted(masked, paragraphs)
    out: list[Dialogue] = []
    for pi, (pstart, pend) in enumerate(paragraphs):
        open_at = -1
        for m in _QUOTE.finditer(masked, pstart, pend):
            ch = m.group(0)
            if open_at < 0:
                if ch == "”":
                    continue
                open_at = m.start()
            else:
                if ch == "“":  # a new opening quote: the previous one was never closed
                    out.append(Dialogue(open_at, m.start(), pi))
                    open_at = m.start()
                    continue
                out.append(Dialogue(open_at, m.end(), pi))
                open_at = -1
        if open_at >= 0:
            out.append(Dialogue(open_at, pend, pi))
    return out


def _single_quote_scene(masked: str, paragraphs: list[tuple[int, int]]) -> bool:
    """Whether the scene's speech is in single quotes: more paragraphs open with a single
    quote than with a double one (a long speech in double quotes may quote others in single
    quotes many times over); with no paragraph opening on a quote, more speeches open with
    single quotes than with double ones."""
    single = sum(1 for start, _end in paragraphs if _SINGLE_OPENER.match(masked, start))
    double = sum(1 for start, _end in paragraphs if masked.startswith(("\"", "“"), start))
    if single or double:
        return single > double
    if not paragraphs:
        return False
    start, end = paragraphs[0][0], paragraphs[-1][1]
    return len(_SINGLE_OPENER.findall(masked, start, end)) > len(_DOUBLE_OPENER.findall(masked, start, end))


def _single_quoted(masked: str, paragraphs: list[tuple[int, int]]) -> list[Dialogue]:
    """``_dialogue`` for single-quote speech (see ``_SINGLE`` for what opens and closes it)."""
    out: list[Dialogue] = []
    for pi, (pstart, pend) in enumerate(paragraphs):
        open_at, depth = -1, 0
        for m in _SINGLE.finditer(masked, pstart, pend):
            if m.group("open") is not None:
                if depth == 0:
                    open_at = m.start()
                depth += 1
            elif depth:
                depth -= 1
                if depth == 0:
                    out.append(Dialogue(open_at, m.end(), pi))
        if depth:
            out.append(Dialogue(open_at, pend, pi))
    return out


def build_index(text: str, body_start: int, names: NameTable, pov: str | None = None,
                pov_mode: str | None = None, light: bool = False) -> TextIndex:
    """The analysis of one scene. ``light`` stops after the cheap part — word count,
    promise markers and suppression comments — which is all some book-wide rules read
    of the scenes ``check --changed`` does not check."""
    masked, directives, markers = mask(text, body_start)
    idx = TextIndex(directives=directives, markers=markers, light=light)
    body = masked[body_start:]
    idx.words = len(body.split())
    if light or not idx.words:
        return idx
    idx.paragraphs = paras = _paragraphs(masked, body_start)
    idx.sentences = _sentences(masked, paras)
    idx.dialogue = dialogue = _dialogue(masked, paras)
    _mentions(masked, body_start, names, idx)
    idx.first_person = _first_person(masked, paras, dialogue, pov_mode)
    _attribute_speakers(masked, idx, pov)
    return idx


def scene_first_person(text: str, body_start: int, pov_mode: str | None = None) -> bool:
    """``build_index(...).first_person`` without the rest of the analysis."""
    masked = mask(text, body_start)[0]
    if not masked[body_start:].split():
        return False
    paras = _paragraphs(masked, body_start)
    return _first_person(masked, paras, _dialogue(masked, paras), pov_mode)


def _first_person(masked: str, paras: list[tuple[int, int]], dialogue: list[Dialogue], pov_mode: str | None) -> bool:
    # italics are thoughts and letters: a letter in the first person does not make the scene first person
    narration = _ITALIC_SPAN.sub(" ", _narration_text(masked, paras, dialogue)[:40000])
    narration_i = re.findall(r"(?<![\w’'])I(?= (?:was|had|did|could|would|said|thought|felt|knew|saw|am|have)\b)", narration)
    return pov_mode == "first" or (pov_mode is None and len(narration_i) >= 3)


def _narration_text(masked: str, paras: list[tuple[int, int]], dialogue: list[Dialogue]) -> str:
    if not dialogue:
        return masked[paras[0][0]:paras[-1][1]] if paras else ""
    out: list[str] = []
    pos = paras[0][0] if paras else 0
    for d in dialogue:
        out.append(masked[pos:d.start])
        pos = d.end
    out.append(masked[pos:paras[-1][1]] if paras else "")
    return " ".join(out)


def _mentions(masked: str, body_start: int, names: NameTable, idx: TextIndex) -> None:
    entries = names.entries
    first = names.first_tokens
    max_len = names.max_len
    dlg = idx.dialogue
    dstarts = [d.start for d in dlg]
    from bisect import bisect_right

    def in_dlg(off: int) -> bool:
        i = bisect_right(dstarts, off) - 1
        return i >= 0 and dlg[i].start <= off < dlg[i].end

    mentions = idx.mentions
    caps = idx.capitalised
    for run in _RUN.finditer(masked, body_start):
        toks = [(t.group(0), t.start(), t.end()) for t in _RUN_TOKEN.finditer(run.group(0))]
        base = run.start()
        i = 0
        n = len(toks)
        while i < n:
            word, ts, te = toks[i]
            matched = False
            clean = _strip_possessive(word)
            if clean in first or word in first:
                for length in range(min(max_len, n - i), 0, -1):
                    key = tuple(_strip_possessive(t[0]) if j == length - 1 else t[0].rstrip(".")
                                for j, t in enumerate(toks[i:i + length]))
                    ents = entries.get(key)
                    if ents is None and length == 1:
                        ents = entries.get((word,))
                    if ents:
                        last = toks[i + length - 1]
                        start, end = base + ts, base + last[1] + len(_strip_possessive(last[0]))
                        mentions.append(Mention(start, end, masked[start:end], ents, in_dlg(start)))
                        i += length
                        matched = True
                        break
            if not matched:
                if (len(clean) >= MIN_NAME_CANDIDATE and clean[:1].isupper() and clean not in _COMMON_OPENERS
                        and clean.lower().rstrip(".") not in TITLES):
                    start = base + ts
                    caps.append(Capitalised(clean, start, start + len(clean), _sentence_initial(masked, start),
                                            in_dlg(start)))
                i += 1
    _mark_actions(masked, idx)


def _strip_possessive(word: str) -> str:
    if word.endswith(("'s", "’s")):
        return word[:-2]
    if word.endswith(("'", "’")):
        return word[:-1]
    return word


def _sentence_initial(masked: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and masked[j] in " \t\"“‘'(*_—–-":
        j -= 1
    if j < 0:
        return True
    if masked[j] == ".":
        w = j
        while w > 0 and masked[w - 1].isalpha():
            w -= 1
        if masked[w:j].lower() in TITLES or masked[w:j].lower() in _ABBREV:
            return False
    return masked[j] in ".!?…:\n"


def _mark_actions(masked: str, idx: TextIndex) -> None:
    """A character mention in narration followed by a verb ("Bram drew", "Bram slowly
    turned") marks the character as acting in the scene."""
    for m in idx.mentions:
        if m.in_dialogue or not any(k == "characters" for k, _ in m.entities):
            continue
        if masked[m.end:m.end + 2] in ("'s", "’s") or masked[m.end:m.end + 1] in ("'", "’"):
            continue
        pm = _WORD_BEFORE.search(masked, max(0, m.start - 20), m.start)
        if pm and pm.group(1).lower() in _NOT_ACTING_AFTER:
            continue  # `the death of Lucy went`, `when Lucy died`: not an action in the scene
        wm = _WORD_AFTER.match(masked, m.end)
        if not wm:
            continue
        w1, w2 = wm.group(1), wm.group(2)
        verb = w1
        if _ADVERB_OK.match(w1) and w2:
            verb = w2
        if verb in _PAST_IRREGULAR or verb in SPEECH_VERBS or (verb.endswith("ed") and len(verb) > 3):
            m.acts = True


def _only_character(m: Mention) -> str | None:
    chars = [i for k, i in m.entities if k == "characters"]
    return chars[0] if len(chars) == 1 else None


_FIRST_WORD = re.compile(r"[\s,]*(?:[a-z]+ly\s+)?([a-z]+)")
_TAG_BEFORE = re.compile(r"\s*(?:[a-z]+ly\s+)?([a-z]+)[^.!?]*[,:]\s*\Z")
_FIRST_PERSON_BEFORE = re.compile(r"(?<![\w’'])I\s+(?:\w+ly\s+)?\w+[^.!?\"“]*[,:]?\s*\Z")


def _tag_after(masked: str, d: Dialogue, nxt: int, chars: list[Mention]) -> tuple[str | None, str | None]:
    """`"…," Bram said` / `"…," said Bram` / `"…," Bram whispered hoarsely`."""
    if not chars:
        return None, None
    m0 = chars[0]
    if masked[m0.end:m0.end + 1] in ("'", "’"):
        return None, None  # `said Aria's sister`: the possessor does not speak
    gap_words = re.findall(r"[a-z]+", masked[d.end:m0.start])
    if len(gap_words) > 2:
        return None, None
    fw = _FIRST_WORD.match(masked, m0.end, min(nxt, m0.end + 40))
    if any(w in SPEECH_VERBS for w in gap_words) or (fw and fw.group(1) in SPEECH_VERBS):
        return _only_character(m0), "tag"
    return None, None


def _tag_before(masked: str, d: Dialogue, chars: list[Mention]) -> tuple[str | None, str | None]:
    """`Bram said, "…"`, or an action beat by the one character named before the quote:
    `Bram turned to her. "…"`."""
    if not chars:
        return None, None
    m0 = chars[-1]
    tm = _TAG_BEFORE.match(masked, m0.end, d.start)
    if tm and tm.group(1) in SPEECH_VERBS:
        return _only_character(m0), "tag"
    if m0.acts and len({_only_character(m) for m in chars}) == 1:
        return _only_character(m0), "beat"
    return None, None


def _attribute_speakers(masked: str, idx: TextIndex, pov: str | None) -> None:
    """Who speaks each quote: said-tags after or before the quote, an action beat by one
    named character in the same paragraph, "I said" for a first-person POV, and
    alternation in a two-person exchange."""
    if not idx.dialogue:
        return
    from bisect import bisect_left

    mention_starts = [m.start for m in idx.mentions]
    by_para: dict[int, list[Dialogue]] = {}
    for d in idx.dialogue:
        by_para.setdefault(d.paragraph, []).append(d)

    def char_mentions(start: int, end: int) -> list[Mention]:
        i = bisect_left(mention_starts, start)
        out = []
        while i < len(idx.mentions) and idx.mentions[i].start < end:
            m = idx.mentions[i]
            if not m.in_dialogue and _only_character(m):
                out.append(m)
            i += 1
        return out

    last_two: list[str] = []
    prev_para_had_dialogue = False
    for pi, (pstart, pend) in enumerate(idx.paragraphs):
        quotes = by_para.get(pi)
        if not quotes:
            prev_para_had_dialogue = False
            continue
        para_speaker: str | None = None
        for qi, d in enumerate(quotes):
            nxt = quotes[qi + 1].start if qi + 1 < len(quotes) else pend
            prev_end = quotes[qi - 1].end if qi else pstart
            speaker, how = _tag_after(masked, d, nxt, char_mentions(d.end, nxt))
            if speaker is None and pov and idx.first_person:
                pm = _PRONOUN_TAG.match(masked, d.end, nxt)
                if pm and pm.group(1).lower() in ("i", "we") and pm.group(2).lower() in SPEECH_VERBS:
                    speaker, how = pov, "pov"
            if speaker is None:
                speaker, how = _tag_before(masked, d, char_mentions(prev_end, d.start))
            if speaker is None and para_speaker is not None:
                speaker, how = para_speaker, "paragraph"
            if speaker is None and pov and idx.first_person and _FIRST_PERSON_BEFORE.search(masked, prev_end, d.start):
                speaker, how = pov, "pov"
            d.speaker, d.how = speaker, how
            if speaker and para_speaker is None:
                para_speaker = speaker
        # a quote-only paragraph in a two-person exchange alternates speakers
        if para_speaker is None and prev_para_had_dialogue and len(last_two) == 2 and last_two[0] != last_two[1]:
            narration = masked[pstart:pend]
            for d in quotes:
                narration = narration.replace(masked[d.start:d.end], "")
            if not re.search(r"[^\W\d_]", narration):
                speaker = last_two[0]
                for d in quotes:
                    d.speaker, d.how = speaker, "alternation"
                para_speaker = speaker
        if para_speaker:
            last_two = (last_two + [para_speaker])[-2:]
        else:
            last_two = []
        prev_para_had_dialogue = True
