"""What each character says: the quoted speech of every scene, given to its speaker by the
one attribution every rule reads (:func:`novelforge.text.speakers.scene_speakers`: said-tags,
beats, the POV's `I said`, continued speeches, pronoun tags resolved from the genders,
the turns of an exchange)."""

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


class _View:
    """What the book's genders read of an analysis session (the rules' Context has the
    same attributes; this one imports nothing of the rules)."""

    def __init__(self, session) -> None:
        self.session, self.project, self.names = session, session.project, session.names
        self.memo, self.masked = session.memo, session.masked


def spoken_lines(session, book_genders=None) -> list[Line]:
    """Every attributed quotation of the book, in reading order (unattributed ones are left
    out: a fingerprint is only as good as the lines it is sure of); ``book_genders`` as
    :func:`novelforge.text.reference.genders` gives them (worked out here when not given)."""
    from novelforge.text.reference import genders
    from novelforge.text.speakers import scene_speakers

    if book_genders is None:
        book_genders = genders(_View(session))
    out: list[Line] = []
    for scene in session.project.scenes:
        index = session.index(scene)
        if index is None or not index.dialogue:
            continue
        masked = session.masked(scene)
        for d, who in zip(index.dialogue, scene_speakers(masked, index, book_genders)):
            if who is None:
                continue
            text = _EDGES.sub("", masked[d.start:d.end])
            if text:
                out.append(Line(who, scene.path, d.start, d.end, text))
    return out
