"""The sentences the phrasings benchmark writes, per kind and phrasing.

Written before looking at how the rules read sentences (issue #16): they are the shapes a
novelist writes, not the shapes a rule was tuned on, and a template is not changed after
its score is seen except to fix a generator bug. Each kind has several phrasings and each
phrasing several templates, so that no one sentence shape decides a figure.

Placeholders, filled by ``generate.py`` from the novel's canon and material:

* ``{N}`` the character's name as the book writes it; ``{He} {he} {His} {his} {him}``
  and ``{man}`` (man/woman) by the canon gender; ``{R}`` a description for an apposition
  (``the old whaleman``);
* ``{C}`` a colour canon contradicts, ``{T}`` the canon colour;
* ``{q}`` and ``{Q}`` the book's opening and closing quotation marks;
* ``{K}`` a knowledge keyword, ``{I}`` an item's name;
* ``{A} {B} {W}`` a relationship: A, B, and the wrong word for what B is to A
  (``{his}``/``{He}`` are A's pronouns there);
* ``{term} {Term} {terms} {termed} {terming}`` a forbidden term and its inflections;
* ``{X}`` a misspelled name; ``{F}``/``{Fc}`` the avoided form of a contract (lower /
  capitalised);
* ``{S}`` a plain speaker phrase (``the stranger``) for dialogue about someone else.

The phrasings:

``pronoun``        the contradiction carried by a pronoun whose antecedent is named in the
                   sentence before (``He had grey eyes``)
``possessive``     a possessive carries it (``his grey eyes``, ``Ahab's grey eyes``)
``apposition``     an apposition or relative clause (``X, a short man,``; ``X, whose eyes
                   were grey,``; ``the sister of X``)
``dialogue``       inside quotation marks, with a said-tag before or after, inverted or not
``sentence-start`` the telling word opens the sentence
``mid-sentence``   the telling word comes after a subordinate clause or a conjunction
``negation``       a negation that carries a claim (``not a tall man``; ``not blue but grey``)
``inflection``     an inflected form (``telegraphed``, ``motors``; an irregular present)
``inverse``        a relationship written from the other side (``B's uncle A`` for A's niece B)
``front-matter``   the slip is in the scene's front matter (``when``, ``characters``)
"""

from __future__ import annotations

PHRASINGS = ["pronoun", "possessive", "apposition", "dialogue", "sentence-start", "mid-sentence",
             "negation", "inflection", "inverse", "front-matter"]

# kind -> phrasing -> templates
TEMPLATES: dict[str, dict[str, list[str]]] = {
    "eye-colour": {
        "pronoun": [
            "{N} came slowly forward into the light. {He} had {C} eyes, and they were fixed upon the door.",
            "{N} turned away from the window. {He} had {C} eyes and a steady, patient look about {him}.",
            "Nobody spoke to {N} for some time. {His} eyes were {C}, and they missed nothing in the room.",
        ],
        "possessive": [
            "{N}'s {C} eyes were fixed upon the door.",
            "There was a hard light in {N}'s {C} eyes as the door closed behind them.",
            "{N} looked up, and {his} {C} eyes were bright and hard.",
            "{N} said nothing, but {his} {C} eyes went from one face to another.",
        ],
        "apposition": [
            "{N}, a {man} with {C} eyes and a quiet voice, stood a little apart from the others.",
            "{N}, whose eyes were {C}, stood a little apart from the others.",
            "{N}, who had {C} eyes and a grave face, said nothing for some minutes.",
        ],
        "dialogue": [
            "{q}{N} has {C} eyes, I tell you,{Q} said {S}. {q}I should know them anywhere.{Q}",
            "{S} said, {q}I remember {N} well: a {man} with {C} eyes.{Q}",
            "{q}And what of {N}'s eyes?{Q} {q}They were {C},{Q} said {S}.",
        ],
        "sentence-start": [
            "{Cc}-eyed and silent, {N} waited by the door.",
            "{Cc} eyes looked out of {N}'s face, steady and unafraid.",
        ],
        "mid-sentence": [
            "When the lamp was brought in, the others saw that {N} had {C} eyes.",
            "It was late, and {N} rubbed {his} {C} eyes before answering.",
        ],
        "negation": [
            "{N}'s eyes were not {T} but {C}, and they never left the door.",
            "{N} was a {man} whose eyes were {C}, not {T}.",
        ],
    },
    "hair-colour": {
        "pronoun": [
            "{N} took off {his} hat and stood there. {He} had {C} hair, thick and untidy.",
            "{N} came into the room without a word. {His} hair was {C} and cut short.",
        ],
        "possessive": [
            "{N}'s {C} hair was wet with the rain.",
            "The lamp shone on {N}'s {C} hair as {he} bent over the table.",
            "{N} passed a hand over {his} {C} hair and laughed.",
        ],
        "apposition": [
            "{N}, a {man} with {C} hair and a restless manner, came in without knocking.",
            "{N}, whose hair was {C}, came in without knocking.",
        ],
        "dialogue": [
            "{q}You could not mistake {N}: that {C} hair of {his},{Q} said {S}.",
            "{S} said, {q}{N} has {C} hair; I saw it plainly.{Q}",
        ],
        "sentence-start": [
            "{Cc}-haired and flushed, {N} stood in the doorway.",
        ],
        "mid-sentence": [
            "As {he} turned, the firelight caught {N}'s {C} hair.",
            "In the grey light of the morning {N}'s hair looked quite {C}.",
        ],
        "negation": [
            "{N}'s hair was not {T} but {C}.",
            "{N}, whose hair was {C} and not {T}, stood by the fire.",
        ],
    },
    "height": {
        "negation": [
            "{N} was not a tall {man}, and {he} had to stand on tiptoe to see over the others.",
            "{N}, who was not a tall {man}, kept close to the wall.",
            "Nobody would have called {N} tall; {he} stood a head lower than the rest.",
        ],
        "pronoun": [
            "{N} came into the room. {He} was a short {man}, and {he} walked quickly.",
            "{N} stood up to go. {He} was short and broad, and the coat hung loose on {him}.",
        ],
        "possessive": [
            "{N}'s short figure was soon lost in the crowd.",
            "{N} turned, and {his} short, thickset figure filled the doorway.",
        ],
        "apposition": [
            "{N}, a short and heavy {man}, came in with the others.",
            "{N}, who was short and stout, came in with the others.",
        ],
        "dialogue": [
            "{q}{N} is a short {man}, and easy to miss in a crowd,{Q} said {S}.",
            "{S} said, {q}You will know {N}: a little short {man}.{Q}",
        ],
        "sentence-start": [
            "Short and stout, {N} made {his} way through the crowd.",
        ],
    },
    "dead-character": {
        "sentence-start": [
            "{N} walked slowly across the room and stood by the window.",
            "{N} sat down at the table and began to eat without a word.",
        ],
        "mid-sentence": [
            "At that moment the door opened and {N} came in, looking about {him}.",
            "Later that evening, when the others had gone, {N} sat alone by the fire.",
        ],
        "pronoun": [
            "Someone was standing by the door; it was {N}. {He} stepped forward and held out {his} hand.",
            "The others turned to look at {N}. {He} smiled, and then {he} walked out of the room.",
        ],
        "apposition": [
            "{N}, {R}, crossed the room and sat down.",
            "{N}, who had said nothing all the morning, rose and went out.",
        ],
        "dialogue": [
            "{q}I am ready when you are,{Q} said {N}, and took up {his} hat.",
            "{N} said, {q}Let us wait a little longer.{Q}",
            "{q}Well, what now?{Q} {N} asked.",
            "{N} looked round at them all. {q}Well?{Q} {he} asked.",
        ],
        "front-matter": ["cast"],
    },
    "forbidden-term": {
        "mid-sentence": [
            "{S} had read something about the {term} in a newspaper.",
            "It was the {term}, they said afterwards, that changed everything.",
        ],
        "sentence-start": [
            "{Term} or no {term}, the news would not reach them before night.",
        ],
        "inflection": [
            "They spoke of {terms} as though every house had them.",
            "{S} {termed} to the town that same evening.",
            "When they found {him}, {S} was {terming} to the town.",
        ],
        "dialogue": [
            "{q}We shall have the answer by {term} within the hour,{Q} said {S}.",
            "{S} said, {q}There is talk of a {term} in the town.{Q}",
        ],
    },
    "misspelled-name": {
        "sentence-start": [
            "{X} stood by the door and said nothing.",
            "{X} was the first to speak.",
        ],
        "mid-sentence": [
            "For a while nobody moved, and then {X} went out.",
            "It was late when {X} came back.",
        ],
        "possessive": [
            "{X}'s hat lay on the table.",
            "Nobody answered {X}'s question.",
        ],
        "dialogue": [
            "{q}Where is {X}?{Q} said {S}.",
            "{S} said, {q}I saw {X} this morning.{Q}",
        ],
    },
    "time-backwards": {
        "front-matter": ["when"],
    },
    "item-after-lost": {
        "sentence-start": [
            "{N} took up the {I} and turned it over in {his} hands.",
            "The {I} lay on the table in front of {N}.",
        ],
        "possessive": [
            "{N} looked at {his} {I} for a long moment.",
            "{N}'s {I} was in {his} hand again.",
        ],
        "pronoun": [
            "{N} said nothing for a time. Then {he} took out the {I} and held it up to the light.",
        ],
        "dialogue": [
            "{q}Bring me the {I},{Q} said {N}.",
            "{N} said, {q}Let me have the {I} once more.{Q}",
        ],
    },
    "knowledge-before-learned": {
        "dialogue": [
            "{q}I have been thinking about {K},{Q} said {N}.",
            "{N} said, {q}You may depend upon it: {K} is at the bottom of this.{Q}",
            "{q}Tell me,{Q} {N} said, {q}what do you know of {K}?{Q}",
        ],
        "pronoun": [
            "{N} was silent for a minute. {q}It all comes back to {K},{Q} {he} said.",
        ],
        "possessive": [
            "{q}We must find {K}'s friends,{Q} said {N}.",
        ],
        "sentence-start": [
            "{q}{K} is the one we want,{Q} said {N}.",
        ],
    },
    "pov-slip": {
        # a first-person scene: the narrator named in the third person
        "sentence-start": [
            "{N} rose from {his} chair and crossed to the window.",
            "{N} said nothing, but {he} watched the others closely.",
        ],
        "mid-sentence": [
            "For a long time nobody spoke, and {N} sat looking at the fire.",
            "When the door had closed, {N} went back to {his} chair.",
        ],
        "possessive": [
            "{N}'s heart sank at the words.",
            "It was {N}'s turn to be silent.",
        ],
    },
    "pov-slip-third": {
        # a third-person scene: the narration slips into the first person
        "sentence-start": [
            "I saw {N} stand a long time at the window, looking out.",
            "I confess that {N}'s silence troubled me.",
        ],
        "mid-sentence": [
            "{N} went out without a word, and I watched {him} go.",
            "When the door had closed, I sat down and waited.",
        ],
        "pronoun": [
            "It seemed to me that {N} had grown older in a single night.",
            "Nobody told me what {N} said to them.",
        ],
        "possessive": [
            "To my mind, {N} was right to say nothing.",
        ],
    },
    "tense-slip": {
        "sentence-start": [
            "{N} walks to the window and looks out.",
            "{N} sits down and takes up {his} pen.",
        ],
        "pronoun": [
            "{N} had turned away from them. {He} stands a long time by the window, saying nothing.",
            "{N} did not look round. {He} takes up the letter and reads it again.",
        ],
        "mid-sentence": [
            "For a long while nobody spoke, and then {N} rises and goes out.",
            "When the others had gone, {N} looks round the empty room.",
        ],
        "negation": [
            "{N} does not answer, and the silence grows.",
            "{N} does not look up when the door opens.",
        ],
        "inflection": [
            "{N} is tired, and {he} has nothing more to say.",
            "{N} goes out into the cold without {his} coat.",
        ],
    },
    "relationship-flip": {
        "possessive": [
            "{A} turned to {his} {W} {B} and said nothing.",
            "{A}'s {W} {B} came in a little after the others.",
        ],
        "apposition": [
            "{B}, {A}'s {W}, came into the room.",
            "{B}, the {W} of {A}, came into the room.",
        ],
        "dialogue": [
            "{q}My {W} {B} will be here directly,{Q} said {A}.",
            "{A} said, {q}I must speak to my {W} {B}.{Q}",
        ],
        "inverse": [
            "{B} went out to meet {B_his} {Winv} {A}.",
            "{A} was {B}'s {Winv}, and everyone in the house knew it.",
        ],
    },
    "prefer": {
        "sentence-start": ["{Fc} there was no news at all."],
        "mid-sentence": ["There would be no news {F}, they said."],
        "dialogue": ["{q}We shall know more {F},{Q} said {S}."],
    },
    "consistency": {
        "mid-sentence": ["The sky had the {F} of lead."],
        "sentence-start": ["{Fc} came back into {N}'s face."],
        "dialogue": ["{q}What {F} was it?{Q} asked {S}."],
    },
    "pattern": {
        "sentence-start": ["{Title} {N} was waiting in the hall."],
        "mid-sentence": ["It was some time before {Title} {N} came down."],
        "dialogue": [
            "{q}Is {Title} {N} at home?{Q} said {S}.",
            "{q}Alright,{Q} said {S}, {q}I will come.{Q}",
            "{q}Okay, then,{Q} said {S}.",
        ],
    },
}

# relationship words: (wrong word B is to A) -> (what A is to B, by A's gender)
INVERSE = {
    "niece": {"he": "uncle", "she": "aunt"}, "nephew": {"he": "uncle", "she": "aunt"},
    "uncle": {"he": "nephew", "she": "niece"}, "aunt": {"he": "nephew", "she": "niece"},
    "daughter": {"he": "father", "she": "mother"}, "son": {"he": "father", "she": "mother"},
    "father": {"he": "son", "she": "daughter"}, "mother": {"he": "son", "she": "daughter"},
    "sister": {"he": "brother", "she": "sister"}, "brother": {"he": "brother", "she": "sister"},
    "cousin": {"he": "cousin", "she": "cousin"}, "wife": {"he": "husband", "she": "wife"},
    "husband": {"he": "husband", "she": "wife"},
}
