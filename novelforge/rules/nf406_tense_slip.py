import re

from novelforge.rules.registry import rule

_NOT_VERBS = frozenset("""
always perhaps sometimes nevertheless besides towards afterwards backwards forwards upwards downwards
inwards outwards thus less unless across its this his hers ours yours theirs was has does is as us
yes whereas alas nonetheless anyways nowadays
""".split())
_PRESENT_AFTER_ANY = frozenset("is are am has have does do says goes knows thinks feels sees hears comes".split())
_PAST = frozenset("""
was were had did said went knew thought felt saw heard came took gave made stood sat ran looked turned
walked asked told found seemed began kept left held brought
""".split())
# a subject pronoun and the word after it (an `-ly` adverb may come between); `I`, `we`
# and `it` are left out: journals and letters say `I am`, and `it is` is often a general
# truth inside past-tense narration
_PRONOUN = re.compile(r"(?i)\b(he|she|they)\b")
_NEXT_WORD = re.compile(r"\s+(?:[a-z]+ly\s+)?([A-Za-z]+)\b")
_CONJUNCTIONS = ("and", "but", "then", "so", "yet")


def _opens_clause(masked: str, at: int) -> bool:
    """A subject at the start of a main clause: after the start of a line, a clause break
    or a coordinating conjunction (`a lock he has not found` is a relative clause)."""
    j = at - 1
    while j >= 0 and masked[j] in " \t":
        j -= 1
    if j < 0 or masked[j] in ".!?;:,—–(\n\"“”*_":
        return True
    word_end = j + 1
    while j >= 0 and masked[j].isalpha():
        j -= 1
    return masked[j + 1:word_end].lower() in _CONJUNCTIONS


def _verb_tense(subject: str, verb: str) -> str | None:
    if not verb.islower():
        return None  # `She Who Waits`: a capitalised word is not a verb here
    if verb in _PAST or (verb.endswith("ed") and len(verb) > 3):
        return "past"
    if verb in _PRESENT_AFTER_ANY:
        return "present"
    if subject.lower() in ("he", "she", "it") and verb.endswith("s") and not verb.endswith("ss") \
            and verb not in _NOT_VERBS and len(verb) > 3:
        return "present"
    return None


@rule("NF406", "tense-slip", "warning", "scene", reads=("prose", "front-matter"))
def check(scene, index, ctx):
    """A sentence of narration is in the present tense in a scene told in the past (or the reverse).

    ## What it does
    Counts the tense of subject–verb pairs in the narration of each scene (`she was`, `he
    turned` against `she is`, `he turns`). When one tense clearly dominates the scene (at
    least 85% of at least 12 pairs), every narration sentence with a pair in the other
    tense is reported. Dialogue, and text in italics (thoughts, letters), are left alone.
    Set `tense: past` or `tense: present` in `novelforge.yaml` to judge every scene by
    the book's tense instead.

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
    if index.words < 80 or not index.sentences:
        return
    masked = ctx.masked(scene)
    italics = "*" in masked or "_" in masked  # most scenes have none: skip the per-match look
    pairs: list[tuple[int, int, int, str]] = []  # (sentence index, start, end, tense)
    for m in _PRONOUN.finditer(masked, scene.body_start):
        at = m.start(1)
        if not _opens_clause(masked, at):
            continue
        vm = _NEXT_WORD.match(masked, m.end())
        if vm is None:
            continue
        tense = _verb_tense(m.group(1), vm.group(1))
        if tense is None or index.in_dialogue(at) or (italics and index.in_italics(masked, at)):
            continue
        si = _sentence_of(index, at)
        if si is not None:
            pairs.append((si, at, vm.end(), tense))
    # a named character as the subject: `Aria walks`
    for m in index.mentions:
        if m.in_dialogue or len(m.entities) != 1 or m.entities[0][0] != "characters":
            continue
        vm = _AFTER_NAME.match(masked, m.end)
        if masked[max(0, m.start - 4):m.start].lower().endswith(("the ", "a ")):
            continue  # `the Rostóv girls`: the name is an adjective here
        if vm and not (italics and index.in_italics(masked, m.start)):
            tense = _verb_tense("he", vm.group(1))
            if tense:
                si = _sentence_of(index, m.start)
                if si is not None:
                    pairs.append((si, m.start, vm.end(), tense))
    pairs.sort(key=lambda p: p[1])
    configured = getattr(ctx.project.config, "tense", None)
    if configured in ("past", "present"):
        main = configured
    else:
        if len(pairs) < 12:
            return
        past = sum(1 for p in pairs if p[3] == "past")
        share = past / len(pairs)
        if share >= 0.85:
            main = "past"
        elif share <= 0.15:
            main = "present"
        else:
            return
    reported = set()
    for si, start, end, tense in pairs:
        if tense == main or si in reported:
            continue
        reported.add(si)
        shown = " ".join(masked[start:end].split())
        yield ctx.at(scene, start, end,
                     f"`{shown}` is in the {tense} tense; the scene is told in the {main}",
                     help=f"put the sentence in the {main} tense, or italicise it if it is a thought or a letter")


_AFTER_NAME = re.compile(r"[ \t]+(?:[a-z]+ly[ \t]+)?([a-z]+)\b")


def _sentence_of(index, offset: int) -> int | None:
    from bisect import bisect_right

    i = bisect_right(index.sentences, (offset, float("inf"))) - 1
    return i if i >= 0 and index.sentences[i][0] <= offset < index.sentences[i][1] else None
