"""The values a scene's text index is made of: the :class:`TextIndex` itself and its
mentions, dialogue, capitalised words, suppression comments and promise markers.

They are plain data: the analysis cache pickles them, and its decoder builds these
classes and nothing else (``novelforge/cache.py``'s allow-list names this module).
A :class:`TextIndex` is pickled compact (:meth:`TextIndex.__getstate__`): its spans as
packed offsets and its mentions, speech, words, comments and markers as tuples, built back
into these classes when it is read. A book's indexes hold some 40,000 small values; as
objects they took eight times as long to pickle (the forked worker sends its indexes back,
every cold run stores them) and twice as long to read back (every edit run reads them).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import attrgetter

from novelforge.text.names import EntityKey

INDEX_VERSION = 12


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
    how: str | None = None       # tag | beat | paragraph | alternation | pov | continued | narrator (no pov:)


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

    def dialogue_at(self, offset: int) -> Dialogue | None:
        """The quoted speech that contains ``offset``, if any."""
        starts = self._dialogue_starts()
        i = bisect_right(starts, offset) - 1
        if i >= 0 and self.dialogue[i].start <= offset < self.dialogue[i].end:
            return self.dialogue[i]
        return None

    def in_italics(self, masked: str, offset: int) -> bool:
        """Whether ``offset`` is in italics (thoughts, letters and titles set in ``*…*`` or
        ``_…_``), as CommonMark, and so ``novelforge export``, reads its paragraph."""
        para = self.unit_at(offset, "paragraph")
        if para is None:
            return False
        cache = self.__dict__.setdefault("_italics", {})
        ranges = cache.get(para)
        if ranges is None:
            from novelforge.text.inline import italic_ranges

            ranges = cache[para] = italic_ranges(masked, para[0], para[1])
        return any(s <= offset < e for s, e in ranges)

    def in_document(self, masked: str, offset: int) -> bool:
        """Whether ``offset`` is in a letter or a diary entry set in the narration
        (text/documents.py)."""
        docs = self.__dict__.get("_documents")
        if docs is None:
            from novelforge.text.documents import document_paragraphs

            docs = self.__dict__["_documents"] = document_paragraphs(masked, self.paragraphs)
        if not docs:
            return False
        i = bisect_right(self.paragraphs, (offset, float("inf"))) - 1
        return i in docs and self.paragraphs[i][0] <= offset < self.paragraphs[i][1]

    def unit_at(self, offset: int, within: str) -> tuple[int, int] | None:
        """The sentence or paragraph (offsets) that contains ``offset``."""
        spans = self.sentences if within == "sentence" else self.paragraphs
        i = bisect_right(spans, (offset, float("inf"))) - 1
        if i >= 0 and spans[i][0] <= offset < spans[i][1]:
            return spans[i]
        return None

    def sentence_of(self, offset: int) -> int | None:
        """The number of the sentence that contains ``offset``, if any."""
        i = bisect_right(self.sentences, (offset, float("inf"))) - 1
        return i if i >= 0 and self.sentences[i][0] <= offset < self.sentences[i][1] else None

    def _dialogue_starts(self) -> list[int]:
        cached = self.__dict__.get("_ds")
        if cached is None:
            cached = self.__dict__["_ds"] = [d.start for d in self.dialogue]
        return cached

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_ds", None)
        state.pop("_italics", None)
        state.pop("_documents", None)
        for name in _SPANS:
            state[name] = _pack_spans(state[name])
        for name, (_cls, fields) in _ROWS.items():
            state[name] = list(map(fields, state[name]))
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        for name in _SPANS:
            state[name] = _unpack_spans(state[name])
        for name, (cls, _fields) in _ROWS.items():
            state[name] = [cls(*row) for row in state[name]]
        self.__dict__.update(state)


# how a TextIndex is pickled: spans as packed 64-bit offsets, values as tuples of their fields
_SPANS = ("paragraphs", "sentences")
_ROWS = {
    name: (cls, attrgetter(*cls.__dataclass_fields__))
    for name, cls in (("dialogue", Dialogue), ("mentions", Mention), ("capitalised", Capitalised),
                      ("directives", Directive), ("markers", Marker))
}


def _pack_spans(spans: list[tuple[int, int]]) -> bytes:
    return array("q", [x for span in spans for x in span]).tobytes()


def _unpack_spans(packed: bytes) -> list[tuple[int, int]]:
    flat = array("q")
    flat.frombytes(packed)
    pairs = iter(flat)
    return list(zip(pairs, pairs))
