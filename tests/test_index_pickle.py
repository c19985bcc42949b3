"""A text index is stored compact (packed offsets, tuples) and reads back equal, through
the cache's allow-list decoder, with its parts rebuilt as the model's classes."""

from __future__ import annotations

import pickle

from novelforge import cache as C
from novelforge.text.index import build_index
from novelforge.text.model import Capitalised, Dialogue, Directive, Marker, Mention, TextIndex
from novelforge.text.names import NameTable

NAMES = NameTable.build([(("characters", "aria"), ["Aria Vell", "Aria"]), (("locations", "ember"), ["Emberfall"])])

TEXT = """---
title: x
---
<!-- novelforge-disable-next-line NF205 -->
"Come," said Aria Vell. Aria drew her sword in Emberfall's square; Maddoc watched.

<!-- setup: the-sword -->
Later the Captain of Horvath spoke. "No," he said. *I was there*, she thought.
"""


def test_every_part_of_an_index_reads_back_equal_and_typed():
    idx = build_index(TEXT, TEXT.index("<!--"), NAMES, "aria")
    assert idx.mentions and idx.dialogue and idx.capitalised and idx.directives and idx.markers
    key = b"k" * 32
    back = C.decode(key, "idx", C.encode(key, "idx", idx))
    assert isinstance(back, TextIndex) and back == idx
    for name, cls in (("mentions", Mention), ("dialogue", Dialogue), ("capitalised", Capitalised),
                      ("directives", Directive), ("markers", Marker)):
        assert all(type(x) is cls for x in getattr(back, name)), name
    assert all(type(s) is tuple and all(type(x) is int for x in s) for s in back.paragraphs + back.sentences)
    # the lookups a rule uses work on what was read back, and the caches they fill are not stored
    at = TEXT.index("Come")
    assert back.in_dialogue(at) and back.sentence_of(at) == idx.sentence_of(at)
    assert "_ds" in back.__dict__ and "_ds" not in back.__getstate__()


def test_the_pickle_names_no_class_but_the_index():
    """Its parts travel as builtin values: the allow list needs TextIndex alone."""
    idx = build_index(TEXT, TEXT.index("<!--"), NAMES)
    found = set()

    class Spy(pickle.Unpickler):
        def find_class(self, module, name):
            found.add((module, name))
            return super().find_class(module, name)

    import io

    Spy(io.BytesIO(pickle.dumps(idx, protocol=5))).load()
    assert found == {("novelforge.text.model", "TextIndex")}


def test_a_light_and_an_empty_index_read_back_equal():
    key = b"k" * 32
    for idx in (build_index(TEXT, TEXT.index("<!--"), NAMES, light=True), build_index("", 0, NAMES), TextIndex()):
        assert C.decode(key, "i", C.encode(key, "i", idx)) == idx
