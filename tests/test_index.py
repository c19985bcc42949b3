"""The text index of a scene: paragraphs, sentences, dialogue and speakers, mentions,
capitalised non-canon words, inline markers and suppression directives. Every offset
is an offset into the whole file text."""

from __future__ import annotations

import pytest

from novelforge.positions import LineIndex
from novelforge.text.index import build_index, mask
from novelforge.text.names import NameTable, name_tokens

NAMES = NameTable.build([
    (("characters", "aria"), ["Aria Vell", "Aria", "Vell", "the Ember Queen"]),
    (("characters", "bram"), ["Bram"]),
    (("characters", "darcy"), ["Mr. Darcy", "Darcy"]),
    (("characters", "me"), ["Elin"]),
    (("characters", "isolde"), ["Isolde"]),
    (("locations", "emberfall"), ["Emberfall"]),
    (("characters", "mary"), ["Mary Jane"]),
    (("locations", "mary"), ["Mary"]),
])


def index(text: str, body_start: int = 0, pov: str | None = None, pov_mode: str | None = None):
    return build_index(text, body_start, NAMES, pov, pov_mode)


def spans(text: str, pairs) -> list[str]:
    return [text[a:b] for a, b in pairs]


def speakers(text: str, idx) -> list[tuple[str, str | None, str | None]]:
    return [(text[d.start:d.end], d.speaker, d.how) for d in idx.dialogue]


def mentions(text: str, idx) -> list[tuple[str, tuple]]:
    return [(text[m.start:m.end], tuple(i for _k, i in m.entities)) for m in idx.mentions]


# ----------------------------------------------------------------------------- names
def test_name_tokens():
    assert name_tokens("the Ember Queen") == ("Ember", "Queen")
    assert name_tokens("Mr. Darcy") == ("Mr", "Darcy")
    assert name_tokens("Aria Vell") == ("Aria", "Vell")


def test_name_table_fingerprint_depends_on_names():
    other = NameTable.build([(("characters", "bram"), ["Bram"])])
    again = NameTable.build([(("characters", "bram"), ["Bram"])])
    assert other.fingerprint == again.fingerprint != NAMES.fingerprint
    assert NAMES.max_len == 2


# ----------------------------------------------------------------------------- structure
def test_paragraphs_skip_breaks_and_headings():
    text = "# Chapter One\n\nAria ran.\nShe fell.\n\n***\n\n  Bram ran.  \n\n\n* * *\n\n#\n\nEnd.\n"
    idx = index(text)
    assert spans(text, idx.paragraphs) == ["Aria ran.\nShe fell.", "Bram ran.", "End."]
    assert idx.words == len(text.split())


def test_sentences():
    text = 'Aria ran. She fell! Did she? Yes… she did. "Stop!" he cried. A. B. Smith came.'
    idx = index(text)
    assert spans(text, idx.sentences) == [
        "Aria ran.", "She fell!", "Did she?", "Yes… she did.", '"Stop!" he cried.', "A. B. Smith came."]


@pytest.mark.parametrize("text", [
    "Mr. Darcy bowed to Mrs. Bennet and left.",
    "He bowed to\nMr. Darcy and left.",          # the title after a line wrap
    "He bowed to (Mr. Darcy) and left.",
    'He said "Dr. Darcy is here" and left.',
    "St. Olaf's bell rang and Aria left.",
])
def test_no_sentence_break_after_abbreviations(text):
    assert spans(text, index(text).sentences) == [text]


def test_sentences_do_not_cross_paragraphs():
    text = "Aria ran\n\nBram walked. He sat."
    assert spans(text, index(text).sentences) == ["Aria ran", "Bram walked.", "He sat."]


def test_empty_body():
    text = "---\ntitle: x\n---\n\n<!-- only a comment -->\n"
    idx = index(text, body_start=text.index("\n\n") + 1)
    assert idx.words == 0 and idx.paragraphs == [] and idx.mentions == []


# ----------------------------------------------------------------------------- dialogue
def test_dialogue_spans_straight_and_curly():
    text = 'Aria said, "Go." Then: “Now,” she said, “or never.” And "again".'
    idx = index(text)
    assert spans(text, [(d.start, d.end) for d in idx.dialogue]) == ['"Go."', "“Now,”", "“or never.”", '"again"']
    assert idx.in_dialogue(text.index("Go"))
    assert idx.in_dialogue(text.index("never"))
    assert not idx.in_dialogue(text.index("Then"))
    assert not idx.in_dialogue(text.index("she said"))


def test_multi_paragraph_quote():
    text = "“The first part of a long speech.\n\n“The second part,” Aria said.\n\nBram nodded."
    idx = index(text)
    d1, d2 = idx.dialogue
    # the unclosed quote runs to the end of its paragraph; the next paragraph reopens it
    assert text[d1.start:d1.end] == "“The first part of a long speech."
    assert (d1.paragraph, d2.paragraph) == (0, 1)
    assert text[d2.start:d2.end] == "“The second part,”"
    assert (d2.speaker, d2.how) == ("aria", "tag")
    assert not idx.in_dialogue(text.index("Bram"))


def test_stray_closing_quote_does_not_open_dialogue():
    text = "Aria ran” away. Bram stayed."
    idx = index(text)
    assert idx.dialogue == []


def test_single_quote_dialogue_british_style():
    text = ("‘Come here,’ Aria said. ‘I’m goin’ home, an’ you can’t stop me.’\n\n"
            "Bram laughed. ‘The boys’ books are in the ‘Crown’, aren’t they?’\n\n"
            "‘He said “no”, and left,’ said Bram. ‘And then,’ he said, ‘we left the mill.’\n\n"
            "It was the boys’ day out, and ’tis said they went far.")
    idx = index(text)
    assert spans(text, [(d.start, d.end) for d in idx.dialogue]) == [
        "‘Come here,’", "‘I’m goin’ home, an’ you can’t stop me.’",     # contractions and elisions stay inside
        "‘The boys’ books are in the ‘Crown’, aren’t they?’",          # a nested quote
        "‘He said “no”, and left,’", "‘And then,’", "‘we left the mill.’"]
    assert not idx.in_dialogue(text.index("Aria said"))
    assert not idx.in_dialogue(text.index("’tis said"))
    assert (idx.dialogue[0].speaker, idx.dialogue[0].how) == ("aria", "tag")
    assert (idx.dialogue[3].speaker, idx.dialogue[3].how) == ("bram", "tag")


def test_straight_single_quotes_need_a_capital_to_open():
    text = "'Stop!' Aria cried. 'Tis a fine day,' she said, 'and the boys' books are dry.'\n\n'Why?' asked Bram."
    idx = index(text)
    # straight quotes are also apostrophes: a speech opening on an elision ('Tis) or, after a
    # said-tag, on a small letter ('and the…') is not recognised (documented)
    assert spans(text, [(d.start, d.end) for d in idx.dialogue]) == ["'Stop!'", "'Why?'"]
    assert idx.in_dialogue(text.index("Why")) and not idx.in_dialogue(text.index("Aria cried"))


def test_single_quotes_inside_double_quoted_speech_stay_nested():
    # a long speech in double quotes that quotes others in single quotes, many times over
    text = ("“Such a dream. ‘Why,’ thinks I, ‘what’s the row?’ ‘Stop,’ says he. ‘Halloa,’ says I. "
            "And so it went.”\n\n“What do you think of that?”")
    idx = index(text)
    assert spans(text, [(d.start, d.end) for d in idx.dialogue]) == [text.split("\n\n")[0],
                                                                     "“What do you think of that?”"]


def test_mentions_in_dialogue_are_flagged():
    text = '"Where is Bram?" Aria asked.'
    idx = index(text)
    by_text = {text[m.start:m.end]: m for m in idx.mentions}
    assert by_text["Bram"].in_dialogue is True
    assert by_text["Aria"].in_dialogue is False


# ----------------------------------------------------------------------------- speakers
@pytest.mark.parametrize("text,who", [
    ('"Go home," Bram said.', "bram"),
    ('"Go home," said Bram.', "bram"),
    ('"Go home," Bram said quietly.', "bram"),
    ('"Go home," Bram whispered to her.', "bram"),
    ("“Go home,” Aria Vell said.", "aria"),
    ('"Go home," the Ember Queen said.', "aria"),
])
def test_speaker_tag_after(text, who):
    (d,) = index(text).dialogue
    assert (d.speaker, d.how) == (who, "tag")


@pytest.mark.parametrize("text", ['Bram said, "You must."', 'Bram said quietly: "You must."'])
def test_speaker_tag_before(text):
    (d,) = index(text).dialogue
    assert (d.speaker, d.how) == ("bram", "tag")


def test_speaker_tag_before_after_other_verbs():
    (d,) = index('Bram turned to her and said, "You must."').dialogue
    assert d.speaker == "bram" and d.how in ("tag", "beat")


def test_speaker_from_action_beat():
    text = 'Aria drew her sword. "Never."'
    (d,) = index(text).dialogue
    assert (d.speaker, d.how) == ("aria", "beat")


def test_split_quote_keeps_paragraph_speaker():
    text = '"The queen," said Bram, "is dead."'
    idx = index(text)
    assert speakers(text, idx) == [('"The queen,"', "bram", "tag"), ('"is dead."', "bram", "paragraph")]


def test_alternation_in_two_person_exchange():
    text = ('"Go home," Bram said.\n\n"No," said Aria.\n\n"Please."\n\n"No."\n\n"Why not?"\n\n'
            'Isolde laughed.\n\n"Because."')
    idx = index(text)
    assert [(d.speaker, d.how) for d in idx.dialogue] == [
        ("bram", "tag"), ("aria", "tag"),
        ("bram", "alternation"), ("aria", "alternation"), ("bram", "alternation"),
        (None, None),  # narration between breaks the exchange
    ]


def test_no_speaker_for_pronoun_tag_in_third_person():
    text = '"Wait," she said.'
    (d,) = index(text).dialogue
    assert d.speaker is None


def test_first_person_pov():
    text = ("I said nothing. I was tired. I had walked all day.\n\n"
            '"Hello," I said.\n\n"Hi," Bram said.\n\nI took the cup and said, "Thank you."')
    idx = index(text, pov="me")
    assert idx.first_person is True
    assert [(d.speaker, d.how) for d in idx.dialogue] == [("me", "pov"), ("bram", "tag"), ("me", "pov")]


def test_first_person_from_pov_mode():
    text = '"Hello," I said.'
    assert index(text, pov="me").first_person is False  # too little evidence on its own
    idx = index(text, pov="me", pov_mode="first")
    assert idx.first_person is True
    assert [(d.speaker, d.how) for d in idx.dialogue] == [("me", "pov")]
    assert index(text, pov="me", pov_mode="third").dialogue[0].speaker is None


def test_speakers_set():
    text = '"A," Bram said. "B," Aria said. "C."'
    idx = index(text)
    assert [(d.speaker, d.how) for d in idx.dialogue] == [("bram", "tag"), ("aria", "tag"), ("aria", "beat")]
    assert idx.speakers() == {"aria", "bram"}


# ----------------------------------------------------------------------------- mentions
def test_multi_word_names_and_aliases():
    text = "Aria Vell met Bram. The Ember Queen rose. Vell left Emberfall."
    idx = index(text)
    assert mentions(text, idx) == [
        ("Aria Vell", ("aria",)), ("Bram", ("bram",)), ("Ember Queen", ("aria",)),
        ("Vell", ("aria",)), ("Emberfall", ("emberfall",))]


def test_longest_name_wins():
    text = "Mary Jane waved. Mary was far away."
    idx = index(text)
    assert mentions(text, idx) == [("Mary Jane", ("mary",)), ("Mary", ("mary",))]
    assert [m.entities for m in idx.mentions] == [(("characters", "mary"),), (("locations", "mary"),)]


def test_possessives():
    text = "Aria's sword and Bram’s shield. The Ember Queen's crown. Vell' house."
    idx = index(text)
    assert mentions(text, idx) == [
        ("Aria", ("aria",)), ("Bram", ("bram",)), ("Ember Queen", ("aria",)), ("Vell", ("aria",))]
    assert not any(m.acts for m in idx.mentions)  # "Aria's sword" is not Aria acting


def test_titles():
    text = "Mr. Darcy bowed. Lord Bram came. Queen Aria spoke."
    idx = index(text)
    assert mentions(text, idx) == [("Mr. Darcy", ("darcy",)), ("Bram", ("bram",)), ("Aria", ("aria",))]
    assert idx.capitalised == []  # titles are not name candidates


def test_name_wrapped_across_line_break():
    text = "At last Aria\nVell came home to\nEmberfall."
    idx = index(text)
    assert mentions(text, idx) == [("Aria\nVell", ("aria",)), ("Emberfall", ("emberfall",))]


def test_acting_characters():
    text = "Bram drew his sword. Aria slowly turned. Isolde the cook. Elin's hat."
    acts = {text[m.start:m.end]: m.acts for m in index(text).mentions}
    assert acts == {"Bram": True, "Aria": True, "Isolde": False, "Elin": False}


def test_capitalised_non_canon_words():
    text = "Aria met Corvane in Zanzibar. Perhaps Bram knew. Dawn came. Now Ned.\n\n\"Corvane!\" she cried."
    idx = index(text)
    caps = [(c.word, text[c.start:c.end], c.sentence_initial, c.in_dialogue) for c in idx.capitalised]
    assert caps == [
        ("Corvane", "Corvane", False, False),
        ("Zanzibar", "Zanzibar", False, False),
        # not "Perhaps" (a common opener), nor "Now" and "Ned" (too short to be a near miss)
        ("Dawn", "Dawn", True, False),
        ("Corvane", "Corvane", True, True),
    ]


def test_capitalised_possessive_is_stripped():
    text = "They rode to Corvane's hall."
    (c,) = index(text).capitalised
    assert (c.word, text[c.start:c.end]) == ("Corvane", "Corvane")


# ----------------------------------------------------------------------------- masking and offsets
FRONT = "---\ntitle: Aria and Bram\npov: aria\ncharacters: [aria, bram]\n---\n"


def test_front_matter_is_masked_and_offsets_are_file_offsets():
    body = "\nAria walked.\n<!-- Bram was here -->\nBram <!-- note -->said nothing.\n"
    text = FRONT + body
    idx = index(text, body_start=len(FRONT))
    lines = LineIndex(text)
    found = [(text[m.start:m.end], lines.position(m.start)) for m in idx.mentions]
    # nothing from the front matter or the comments; true file lines and columns
    assert found == [("Aria", (7, 1)), ("Bram", (9, 1))]
    assert spans(text, idx.paragraphs)[0].startswith("Aria walked.")
    assert idx.words == 5  # Aria walked. Bram said nothing.


def test_mask_keeps_length_and_newlines():
    text = FRONT + "Aria.\n<!-- a\nmulti-line\ncomment -->\nBram.\n<!-- unclosed"
    masked, _d, _m = mask(text, len(FRONT))
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]
    assert "title" not in masked and "multi" not in masked and "unclosed" not in masked
    assert masked.index("Aria") == text.index("Aria.")
    assert masked.index("Bram.") == text.index("Bram.")


def test_inline_markers():
    body = "\n<!-- setup: locked-door -->\nThe door was locked. <!-- payoff: prophecy --> <!--promise:black.shard-->\n"
    text = FRONT + body
    idx = index(text, body_start=len(FRONT))
    assert [(m.kind, m.id, text[m.start:m.end]) for m in idx.markers] == [
        ("setup", "locked-door", "<!-- setup: locked-door -->"),
        ("payoff", "prophecy", "<!-- payoff: prophecy -->"),
        ("setup", "black.shard", "<!--promise:black.shard-->"),
    ]
    assert all(not idx.in_dialogue(m.start) for m in idx.markers)


def test_suppression_directives():
    body = ("\n<!-- novelforge-disable-next-line NF205 nf203 -->\nAria went.\n"
            "  <!-- novelforge-disable-line misspelled-name -->\n"
            "<!-- novelforge-disable -->\nx\n<!-- novelforge-enable\n-->\n"
            "<!-- a plain comment -->\n")
    text = FRONT + body
    idx = index(text, body_start=len(FRONT))
    got = [(d.kind, d.codes, d.line, d.column, d.end_line) for d in idx.directives]
    assert got == [
        ("disable-next-line", ("NF205", "NF203"), 7, 1, 7),
        ("disable-line", ("misspelled-name",), 9, 3, 9),
        ("disable", (), 10, 1, 10),
        ("enable", (), 12, 1, 13),
    ]
    assert idx.markers == []


def test_directives_in_front_matter_are_ignored():
    text = "---\nnotes: <!-- novelforge-disable -->\n---\nAria.\n"
    idx = index(text, body_start=text.index("Aria"))
    assert idx.directives == []


def test_index_is_deterministic_and_picklable():
    import pickle

    text = FRONT + '\n"Go," Bram said. Aria drew her sword.\n'
    a = index(text, len(FRONT))
    assert a.in_dialogue(text.index("Go"))  # fills the private start cache
    b = pickle.loads(pickle.dumps(a))
    assert b == index(text, len(FRONT))
    assert b.in_dialogue(text.index("Go"))


def test_a_double_hyphen_is_a_dash_not_part_of_a_name():
    # Gutenberg texts and many manuscripts type an em dash as `--`
    from novelforge.text.names import NameTable

    table = NameTable.build([(("characters", "jones"), ["Jones", "Mr. Jones"]),
                             (("characters", "kuragin"), ["Ivánovich-Kurágin"])])
    idx = build_index("They insist on my seeing Mr. Jones--therefore do not be alarmed. "
                      "Then Ivánovich-Kurágin came, and Jones--.", 0, table)
    assert [(m.text, m.entities[0][1]) for m in idx.mentions] == [
        ("Mr. Jones", "jones"), ("Ivánovich-Kurágin", "kuragin"), ("Jones", "jones")]
