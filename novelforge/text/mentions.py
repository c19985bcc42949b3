"""Canon names in prose: every run of capitalised words is matched against the name
table (the longest name wins, a possessive is stripped), the capitalised words that are
not canon names are kept as candidates for NF205, and a character named in narration and
followed by a verb in the past is marked as acting in the scene."""

from __future__ import annotations

import re
from bisect import bisect_right

from novelforge.text.grammar import past_action, sentence_initial, strip_possessive
from novelforge.text.lexicon import COMMON_OPENERS, NAME_PARTICLES, NOT_ACTING_AFTER, TITLES
from novelforge.text.model import Capitalised, Mention, TextIndex
from novelforge.text.names import NameTable, lead_in_start, lower_case_mentions

# A run of capitalised words, allowing `Mr. Darcy`, `Duke of Wellington`, a single line wrap.
# Name characters are letters, digits, apostrophes and hyphens; `_` is Markdown emphasis
# (`_Mina Murray's Journal._`), never part of a name.
# The capital is matched before the look back at the character preceding it (not a letter,
# digit or apostrophe), so the scan tests one character class at most positions. That
# class is a plain range first (`A-Z` or any character past ASCII: what a capital can be),
# which the scan skips lower-case text with, and the letter test (`[^\W\d_a-z]`, a
# Unicode lookup) only where the range matched; a name's letters are read as runs
# (`[^\W_]+`) rather than one alternation per character. Same matches, about half the time.
_CAP = r"[^\W\d_a-z]"
# a hyphen joins a name (`Ivánovich-Kurágin`), two are a dash (`Mr. Jones--therefore`)
_NAME_CHARS = r"(?:[^\W_]+|[’']|-(?!-))*"
_RUN = re.compile(
    r"[A-Z\x80-\U0010ffff](?<=" + _CAP + r")(?<![^\W_]" + _CAP + r")(?<![’']" + _CAP + r")" + _NAME_CHARS +
    r"(?:\.?(?:[ \t]+|[ \t]*\n[ \t]*)(?:(?:" + "|".join(NAME_PARTICLES) + r")[ \t]+)?"
    + _CAP + _NAME_CHARS + r")*"
)
_RUN_TOKEN = re.compile(r"[^\W\d_](?:[^\W_]|[’']|-(?!-))*")
# Capitalised words shorter than this are not kept as name candidates (they cannot be
# near misses of a canon name worth reporting).
MIN_NAME_CANDIDATE = 4
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+\Z")
_ADVERB = re.compile(r"[a-z]+ly$")
_WORD_AFTER = re.compile(r"[ \t]+([a-z][a-z’'\-]*)(?:[ \t]+([a-z][a-z’'\-]*))?")
_APPOSITION = re.compile(r",[ \t]+(?:who|whose|a|an|the|our|his|her|their|my)\b[^,.;:!?“”\"\n]{1,80},"
                         r"[ \t]+(?:[a-z]+ly[ \t]+)?([a-z][a-z’'\-]*)")


def find_mentions(masked: str, body_start: int, names: NameTable, idx: TextIndex) -> None:
    """Fill ``idx.mentions`` and ``idx.capitalised`` (``idx.dialogue`` must be known)."""
    entries = names.entries
    lead = names.lead_in
    first = names.first_tokens
    max_len = names.max_len
    dlg = idx.dialogue
    dstarts = [d.start for d in dlg]

    def in_dlg(off: int) -> bool:
        i = bisect_right(dstarts, off) - 1
        return i >= 0 and dlg[i].start <= off < dlg[i].end

    mentions = idx.mentions
    caps = idx.capitalised
    seen: dict[str, tuple[str, bool, bool]] = {}   # word → (without possessive, may open a name, candidate)
    for run in _RUN.finditer(masked, body_start):
        text = run.group()
        base = run.start()
        if " " in text or "\n" in text or "\t" in text:
            toks = [(t.group(), t.start(), t.end()) for t in _RUN_TOKEN.finditer(text)]
        else:                                   # one word: the run is its only token
            toks = [(text, 0, len(text))]
        i = 0
        n = len(toks)
        while i < n:
            word, ts, _te = toks[i]
            info = seen.get(word)
            if info is None:
                clean = strip_possessive(word)
                info = seen[word] = (clean, clean in first or word in first,
                                     len(clean) >= MIN_NAME_CANDIDATE and clean[:1].isupper()
                                     and clean not in COMMON_OPENERS and clean.lower().rstrip(".") not in TITLES)
            clean, may_open, candidate = info
            matched = False
            if may_open:
                for length in range(min(max_len, n - i), 0, -1):
                    key = tuple(strip_possessive(t[0]) if j == length - 1 else t[0].rstrip(".")
                                for j, t in enumerate(toks[i:i + length]))
                    ents = entries.get(key)
                    if ents is None and length == 1:
                        ents = entries.get((word,))
                    head = lead.get(key) if lead else None
                    if ents or head:
                        last = toks[i + length - 1]
                        start, end = base + ts, base + last[1] + len(strip_possessive(last[0]))
                        if head and (found := lead_in_start(masked, start, head)):
                            start, ents = found      # `old Mr. Darcy`: the longest name wins
                            while caps and caps[-1].start >= start:
                                caps.pop()
                    if ents:
                        mentions.append(Mention(start, end, masked[start:end], ents, in_dlg(start)))
                        i += length
                        matched = True
                        break
            if not matched:
                if candidate:
                    start = base + ts
                    caps.append(Capitalised(clean, start, start + len(clean), sentence_initial(masked, start),
                                            in_dlg(start)))
                i += 1
    for start, end, ents in lower_case_mentions(masked, body_start, names):   # `my wife`
        if not any(m.start < end and start < m.end for m in mentions):
            mentions.append(Mention(start, end, masked[start:end], ents, in_dlg(start)))
    if names.lower:
        mentions.sort(key=lambda m: m.start)
    mark_actions(masked, idx)


def mark_actions(masked: str, idx: TextIndex) -> None:
    """A character mention in narration followed by a verb ("Bram drew", "Bram slowly
    turned") marks the character as acting in the scene."""
    for m in idx.mentions:
        if m.in_dialogue or not any(k == "characters" for k, _ in m.entities):
            continue
        if masked[m.end:m.end + 2] in ("'s", "’s") or masked[m.end:m.end + 1] in ("'", "’"):
            continue
        pm = _WORD_BEFORE.search(masked, max(0, m.start - 20), m.start)
        if pm and pm.group(1).lower() in NOT_ACTING_AFTER:
            continue  # `the death of Lucy went`, `when Lucy died`: not an action in the scene
        wm = _WORD_AFTER.match(masked, m.end)
        if wm:
            w1, w2 = wm.group(1), wm.group(2)
            verb = w2 if _ADVERB.match(w1) and w2 else w1
            if past_action(verb):
                m.acts = True
                continue
        if masked[m.end:m.end + 1] == ",":
            # `Bram, the old sailor, crossed` / `Bram, who had said nothing, rose`: the
            # verb after an apposition or a relative clause is the character's
            am = _APPOSITION.match(masked, m.end)
            if am and past_action(am.group(1)):
                m.acts = True
