"""Small questions about one word in its sentence: does it open the sentence, is it a
possessive, does a pronoun open a clause, what tense is a subject's verb in."""

from __future__ import annotations

from novelforge.text.lexicon import (
    ABBREVIATIONS,
    CLAUSE_CONJUNCTIONS,
    NOT_PRESENT_VERBS,
    PAST_IRREGULAR,
    SPEECH_VERBS,
    TENSE_PAST,
    TENSE_PRESENT,
    TITLES,
)

# what may stand between a sentence's end and its first word: spaces, a line break,
# opening quotes and brackets, emphasis, dashes
_BEFORE_WORD = frozenset(" \t\n\"“‘'(_*—–-[")
_SENTENCE_ENDS = frozenset(".!?…:;")


def sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (so its capital says nothing about
    it being a name): it follows the start of the text or of a paragraph (a blank line),
    or ``.``, ``!``, ``?``, ``…``, ``:`` or ``;`` — but not the full stop of a title, an
    abbreviation or an initial (`Mr. Darcy`, `J. Smith`). A line break inside a paragraph
    (hard-wrapped prose) does not start a sentence."""
    j = start - 1
    while j >= 0 and text[j] in _BEFORE_WORD:
        if text[j] == "\n":
            k = j - 1
            while k >= 0 and text[k] in " \t":
                k -= 1
            if k < 0 or text[k] == "\n":
                return True                  # a paragraph starts here
        j -= 1
    if j < 0:
        return True
    if text[j] == ".":
        w = j
        while w > 0 and text[w - 1].isalpha():
            w -= 1
        word = text[w:j]
        if word.lower() in TITLES or word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
            return False
    return text[j] in _SENTENCE_ENDS


def strip_possessive(word: str) -> str:
    """``Aria's`` / ``Aria’s`` / ``Jesus'`` → the name."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    if word.endswith(("'", "’")):
        return word[:-1]
    return word


def opens_clause(text: str, at: int) -> bool:
    """A subject at the start of a main clause: after the start of a line, a clause break
    or a coordinating conjunction (`a lock he has not found` is a relative clause)."""
    j = at - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j < 0 or text[j] in ".!?;:,—–(\n\"“”*_":
        return True
    word_end = j + 1
    while j >= 0 and text[j].isalpha():
        j -= 1
    return text[j + 1:word_end].lower() in CLAUSE_CONJUNCTIONS


# the forms a singular subject never takes in the indicative, and a plural one
_PLURAL_FORMS = frozenset(("are", "am", "have", "do", "were"))
_SINGULAR_FORMS = frozenset(("is", "has", "does", "was", "am"))
# words in -s after `he` that are no verbs (`made Mary anxious`, `he thus`, `his analysis`)
_NOT_VERB_ENDINGS = ("ss", "ous", "us", "is")


def verb_tense(subject: str, verb: str) -> str | None:
    """``past``, ``present`` or None (cannot tell) for a subject and the word after it."""
    if not verb.islower():
        return None  # `She Who Waits`: a capitalised word is not a verb here
    singular = subject.lower() in ("he", "she", "it")
    if singular and verb in _PLURAL_FORMS or subject.lower() == "they" and verb in _SINGULAR_FORMS:
        return None  # `if he have`, `could Natásha have told`, `if he were`: not a tense of the indicative
    if verb in TENSE_PAST or (verb.endswith("ed") and len(verb) > 3):
        return "past"
    if verb in TENSE_PRESENT:
        return "present"
    if singular and verb.endswith("s") and not verb.endswith(_NOT_VERB_ENDINGS) \
            and verb not in NOT_PRESENT_VERBS and len(verb) > 3:
        return "present"
    return None


def past_action(verb: str) -> bool:
    """A verb in the past that says someone did something (`drew`, `turned`, `said`)."""
    return verb in PAST_IRREGULAR or verb in SPEECH_VERBS or (verb.endswith("ed") and len(verb) > 3)
