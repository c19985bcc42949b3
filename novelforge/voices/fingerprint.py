"""Voice fingerprints: surface features of a speaker's dialogue and cosine Delta between
speakers.

* **Cosine Delta** (Burrows' Delta with vector normalisation; Smith & Aldridge 2011, Evert
  et al. 2017): the relative frequencies of the ``mfw`` most frequent words of all the
  speakers' dialogue together, turned into z-scores per word across the speakers, and the
  cosine distance between two speakers' z-score vectors (0: the same profile, 1:
  unrelated, 2: opposite).
* **Surface features**: words, mean sentence length (words per sentence), contractions
  per 1,000 words (`don't`, `I'll`, `we're`, `it's`), the share of sentences that are
  questions and exclamations, and vocabulary richness as **MATTR** (moving-average
  type-token ratio over a window of 100 words: unlike a plain type-token ratio it does not
  fall as a speaker says more).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

MFW = 100               # the most frequent words Delta reads
MATTR_WINDOW = 100
_TOKEN = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’']*(?=\s|$)")
_CONTRACTION = re.compile(r"(?i)n[’']t$|[’'](?:ll|re|ve|m|d)$|^(?:it|that|there|what|he|she|let|here|who)[’']s$")


def tokens(text: str) -> list[str]:
    """The words of a text, lower-cased, apostrophes inside words kept (`don’t` is one)."""
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


@dataclass
class Voice:
    """One speaker's fingerprint."""

    speaker: str
    words: int
    lines: int
    sentences: int
    mean_sentence: float          # words per sentence
    contractions: float           # per 1,000 words
    questions: float              # share of sentences
    exclamations: float           # share of sentences
    mattr: float
    frequencies: dict[str, float] = field(default_factory=dict, repr=False)   # relative, over all its words


def voice(speaker: str, texts: list[str]) -> Voice:
    """The fingerprint of one speaker's lines."""
    words: list[str] = []
    sentences = questions = exclamations = 0
    for text in texts:
        words += tokens(text)
        ends = [m.group(0) for m in _SENTENCE_END.finditer(text.strip())]
        if not ends or not text.strip().endswith(tuple(".!?…\"”’'")):
            ends.append(".")      # a line cut off by a dash or the quote still ends a sentence
        sentences += len(ends)
        questions += sum("?" in e for e in ends)
        exclamations += sum("!" in e for e in ends)
    n = len(words)
    counts = Counter(words)
    return Voice(speaker, n, len(texts), sentences, n / sentences if sentences else 0.0,
                 1000 * sum(c for w, c in counts.items() if _CONTRACTION.search(w)) / n if n else 0.0,
                 questions / sentences if sentences else 0.0, exclamations / sentences if sentences else 0.0,
                 mattr(words), {w: c / n for w, c in counts.items()} if n else {})


def mattr(words: list[str], window: int = MATTR_WINDOW) -> float:
    """Moving-average type-token ratio (the plain ratio when there are fewer words)."""
    if not words:
        return 0.0
    if len(words) <= window:
        return len(set(words)) / len(words)
    seen: Counter = Counter(words[:window])
    types = len(seen)               # summed over every window
    for i in range(window, len(words)):
        seen[words[i]] += 1
        old = words[i - window]
        seen[old] -= 1
        if not seen[old]:
            del seen[old]
        types += len(seen)
    return types / window / (len(words) - window + 1)


def most_frequent(voices: list[Voice], mfw: int = MFW) -> list[str]:
    """The ``mfw`` most frequent words of all the voices' dialogue (ties alphabetical)."""
    total: Counter = Counter()
    for v in voices:
        for w, f in v.frequencies.items():
            total[w] += f * v.words
    return [w for w, _c in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:mfw]]


def zscores(voices: list[Voice], words: list[str],
            norms: dict[str, tuple[float, float]] | None = None) -> tuple[dict[str, list[float]], dict]:
    """Each voice's z-score vector over ``words`` and the (mean, deviation) per word used;
    ``norms`` given (from the fingerprints), a new text is scored against them."""
    if norms is None:
        norms = {}
        for w in words:
            fs = [v.frequencies.get(w, 0.0) for v in voices]
            mean = sum(fs) / len(fs)
            sd = math.sqrt(sum((f - mean) ** 2 for f in fs) / len(fs))
            norms[w] = (mean, sd)
    vectors = {v.speaker: [(v.frequencies.get(w, 0.0) - norms[w][0]) / norms[w][1] if norms[w][1] else 0.0
                           for w in words] for v in voices}
    return vectors, norms


def cosine_distance(a: list[float], b: list[float]) -> float:
    """1 - cos(a, b); 1.0 when either vector is all zeros."""
    dot = sum(x * y for x, y in zip(a, b))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return 1.0 - dot / (na * nb) if na and nb else 1.0


def distances(voices: list[Voice], mfw: int = MFW) -> dict[tuple[str, str], float]:
    """Cosine Delta between every two voices (both orders), rounded to 4 places."""
    words = most_frequent(voices, mfw)
    vectors, _norms = zscores(voices, words)
    out: dict[tuple[str, str], float] = {}
    for i, a in enumerate(voices):
        for b in voices[i + 1:]:
            d = round(cosine_distance(vectors[a.speaker], vectors[b.speaker]), 4)
            out[(a.speaker, b.speaker)] = out[(b.speaker, a.speaker)] = d
    return out
