"""``novelforge voices``: each character's voice fingerprint from their attributed dialogue,
and which characters sound alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from novelforge.api.projects import Warn, open_cache, project_root
from novelforge.errors import OptionError

MIN_WORDS = 1000        # dialogue a speaker needs before a fingerprint is shown (docs/voices.md: measured)


@dataclass
class VoicesResult:
    """What :func:`voices` found: the ``voices`` shown (most words first), the speakers
    with too little dialogue (``{id: words}``), cosine Delta between every two shown
    voices, and the nearest ``pairs`` (closest first)."""

    min_words: int
    mfw: int
    voices: list = field(default_factory=list)
    too_few: dict[str, int] = field(default_factory=dict)
    distances: dict[tuple[str, str], float] = field(default_factory=dict)
    pairs: list[tuple[str, str, float]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    unattributed: int = 0          # quotations nobody could be given
    quotations: int = 0

    def nearest(self, speaker: str) -> tuple[str, float] | None:
        """The other shown voice closest to ``speaker``'s."""
        near = [(d, b) for (a, b), d in self.distances.items() if a == speaker]
        return (min(near)[1], min(near)[0]) if near else None


def voices(root: Path | str | None = None, *, min_words: int = MIN_WORDS, mfw: int | None = None,
           use_cache: bool = True, warn: Warn | None = None) -> VoicesResult:
    """The voice fingerprints of the project around ``root``: for every character with at
    least ``min_words`` words of attributed dialogue, surface features and cosine Delta on
    the ``mfw`` most frequent words (default 100) against every other such character.

    Raises :class:`~novelforge.errors.OptionError` (``min_words`` or ``mfw`` below 1),
    :class:`~novelforge.errors.PathNotFound` and :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.analysis import Session
    from novelforge.project.loader import load_project
    from novelforge.voices import fingerprint as F
    from novelforge.voices.lines import spoken_lines

    if min_words < 1:
        raise OptionError("{value} is not a number of words", option="min_words", value=min_words,
                          help="give 1 or more")
    mfw = F.MFW if mfw is None else mfw
    if mfw < 1:
        raise OptionError("{value} is not a number of words", option="mfw", value=mfw, help="give 1 or more")
    root = project_root(root)
    with open_cache(root, use_cache, warn) as cache:
        project = load_project(root, cache)
        session = Session(project, cache).start()
        lines = spoken_lines(session)
        quotations = sum(len(i.dialogue) for i in session.indexes().values())
    by_speaker: dict[str, list[str]] = {}
    for line in lines:
        by_speaker.setdefault(line.speaker, []).append(line.text)
    every = [F.voice(s, texts) for s, texts in sorted(by_speaker.items())]
    shown = sorted((v for v in every if v.words >= min_words), key=lambda v: (-v.words, v.speaker))
    result = VoicesResult(min_words, mfw, shown, {v.speaker: v.words for v in every if v.words < min_words},
                          names={cid: e.name for cid, e in project.characters.items()},
                          unattributed=quotations - len(lines), quotations=quotations)
    if len(shown) >= 2:
        result.distances = F.distances(shown, mfw)
        result.pairs = sorted(((a, b, d) for (a, b), d in result.distances.items() if a < b),
                              key=lambda p: (p[2], p[0], p[1]))
    return result
