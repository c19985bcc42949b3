"""The turns of an exchange: who speaks the untagged lines of a conversation.

A run of consecutive paragraphs with speech is read as turns, one paragraph each, of two
speakers taking turns (A, B, A, B …). Each turn may say something of its speaker: a known
speaker (a said-tag with a name, a beat, a resolved pronoun), the gender of a pronoun tag
(`returned she`), and whom it addresses — a character named as a vocative (`"My dear
Bingley, …"`, `"…, Kitty, for Heaven's sake"`), who is then not the one speaking. The pair
and the order that every turn agrees with, and that the evidence names (each of the two
is a known speaker or addressed by the other, or the only candidate of a gender the tags
give, or the one character the paragraph before the run names, taking the first turn),
fills the turns nobody tagged. Candidates are the characters the run knows or
addresses, and those its narration (and the two paragraphs before it) names. When no pair
fits, or two fit equally well, nothing is filled: an unfilled line says nothing, a wrong
one gives a character words they never said.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import permutations

from novelforge.text.reference import character_of, narration_characters

_BEFORE_VOCATIVE = re.compile(r"(?:^|[,;!?—–-]\s*|\b(?:dear|oh|ah|yes|no|well|come|now)\s+)\Z", re.I)
_AFTER_VOCATIVE = re.compile(r"\s*[,!?.;:—–]")
_WORD = re.compile(r"[^\W\d_]+")


def addressed(masked: str, index, d) -> set[str]:
    """The characters a quote names as vocatives (at its start or set off by commas,
    after `dear`, `oh` …), when the quote says more than the name."""
    out: set[str] = set()
    ms = index.mentions
    i = bisect_left(ms, d.start, key=lambda m: m.start)
    inner_start = d.start + 1
    while i < len(ms) and ms[i].start < d.end:
        m = ms[i]
        i += 1
        cid = character_of(m)
        if not cid or not m.in_dialogue:
            continue
        before = masked[inner_start:m.start].lstrip(" _*\"“‘'")
        before = masked[max(inner_start, m.start - 12):m.start] if before else ""
        after = masked[m.end:d.end]
        rest = _WORD.findall(masked[inner_start:m.start] + " " + after)
        if len(rest) < 2:
            continue                      # `"Bingley."`: an answer, not an address
        if _BEFORE_VOCATIVE.search(before) and _AFTER_VOCATIVE.match(after):
            out.add(cid)
    return out


def fill_turns(masked: str, index, quotes, found: list, book_genders, gender_of_tag) -> None:
    """Fill ``found`` (one speaker or None per quote) from the exchanges of the scene;
    ``gender_of_tag(quote)`` is the pronoun of the quote's tag, if any."""
    paras: dict[int, list[int]] = {}
    for i, q in enumerate(quotes):
        paras.setdefault(q.paragraph, []).append(i)
    runs, run = [], []
    for p in sorted(paras):
        if run and p != run[-1] + 1:
            runs.append(run)
            run = []
        run.append(p)
    if run:
        runs.append(run)
    for run in runs:
        if len(run) >= 3:
            _fill_run(masked, index, quotes, found, book_genders, gender_of_tag, run, paras)


def _fill_run(masked, index, quotes, found, book_genders, gender_of_tag, run, paras) -> None:
    turns = []
    for p in run:
        idxs = paras[p]
        known = {found[i] for i in idxs if found[i]}
        if len(known) > 1:
            return                        # two speakers in one paragraph: no clean turns
        genders = {g for i in idxs if (g := gender_of_tag(quotes[i]))}
        to = set().union(*(addressed(masked, index, quotes[i]) for i in idxs))
        p0, p1 = index.paragraphs[p]
        named = {character_of(m) for m in narration_characters(index, p0, p1)}
        turns.append((next(iter(known)) if known else None, genders, to, named))
    first = index.paragraphs[max(run[0] - 2, 0)][0]
    around = {character_of(m) for m in narration_characters(index, first, index.paragraphs[run[0]][0])}
    # the one character the paragraph before the run names (`Aria looked up.`) opens it
    opener = None
    if run[0] > 0:
        b0, b1 = index.paragraphs[run[0] - 1]
        just_before = {character_of(m) for m in narration_characters(index, b0, b1)} - {None}
        opener = next(iter(just_before)) if len(just_before) == 1 else None
    cands = {t[0] for t in turns if t[0]} | set().union(*(t[2] for t in turns)) | around | \
        set().union(*(t[3] for t in turns))
    cands.discard(None)
    if len(cands) < 2 or len(cands) > 12:
        return
    best, best_score, tie = None, -1, False
    for x, y in permutations(sorted(cands), 2):
        score = _score(turns, (x, y), book_genders, cands, opener)
        if score is None:
            continue
        if score > best_score:
            best, best_score, tie = (x, y), score, False
        elif score == best_score:
            tie = True
    if best is None or tie:
        return
    for k, p in enumerate(run):
        who = best[k % 2]
        named = turns[k][3]
        if named and who not in named:
            continue                      # narration names someone else here: maybe a third voice
        for i in paras[p]:
            if found[i] is None and stands_as_speech(masked, index, quotes[i]):
                found[i] = who


def stands_as_speech(masked: str, index, d) -> bool:
    """Whether a quote stands as speech: it opens its paragraph or follows punctuation or
    a tag (`a large "E"` is a word quoted in narration, not a line)."""
    p0 = index.paragraphs[d.paragraph][0]
    before = masked[p0:d.start].rstrip()
    return not before or before[-1] in ",.:;!?—–-\"”’'" or before.endswith(("said", "asked"))


def _score(turns, pair, book_genders, cands, opener) -> int | None:
    """How many turns confirm the pair in this order, or None when one contradicts it or the
    evidence does not name both."""
    score, named = 0, set()
    if opener == pair[0]:
        score += 1
        named.add(opener)
    for k, (known, genders, to, _narr) in enumerate(turns):
        who, other = pair[k % 2], pair[1 - k % 2]
        if known is not None:
            if known != who:
                return None
            score += 2
            named.add(who)
        if who in to:
            return None
        if other in to:
            score += 2
            named.add(other)
        for g in genders:
            mine = book_genders.get(who)
            if mine is not None and mine != g:
                return None
            if mine == g:
                score += 1
                if sum(1 for c in cands if book_genders.get(c) == g) == 1:
                    named.add(who)
    return score if named == set(pair) else None
