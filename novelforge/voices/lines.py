"""What each character says: the quoted speech of every scene, given to its speaker by the
one attribution every rule reads (:func:`novelforge.text.reference.speaker_of`: said-tags,
beats, the POV's `I said`, alternation, pronoun tags resolved from the genders)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# the quotation marks and the spaces around one quoted span
_EDGES = re.compile(r"^[\s\"“”‘’']+|[\s\"“”‘’']+$")


@dataclass(frozen=True, slots=True)
class Line:
    """One quoted span: who says it, in which scene, where, and the words inside the quotes."""

    speaker: str
    scene: str          # the scene's path
    start: int
    end: int
    text: str


def spoken_lines(session) -> list[Line]:
    """Every attributed quotation of the book, in reading order (unattributed ones are left
    out: a fingerprint is only as good as the lines it is sure of)."""
    from novelforge.rules.context import Context
    from novelforge.text.reference import genders, speaker_of

    ctx = Context(session)
    book_genders = genders(ctx)
    out: list[Line] = []
    for scene in session.project.scenes:
        index = session.index(scene)
        if index is None or not index.dialogue:
            continue
        masked = session.masked(scene)
        for d in index.dialogue:
            who = speaker_of(masked, index, d, book_genders)
            if who is None:
                continue
            text = _EDGES.sub("", masked[d.start:d.end])
            if text:
                out.append(Line(who, scene.path, d.start, d.end, text))
    return out
