"""The phrasings benchmark: contradictions written in many phrasings, on other novels.

``python3 -m bench.phrasings`` builds a project from each of three corpus novels that
``bench/seeded`` does not use (with ``bench.seeded.build``), generates contradictions of
every kind from each novel's canon in several phrasings (``templates.py``: pronoun
subject, possessive, apposition, dialogue, sentence start, mid-sentence, negation,
inflection), places them at random with a seeded RNG (``bench.seeded.inject``), scores
them with ``bench.seeded.score`` and writes ``bench/PHRASINGS_RESULTS.md``. See
``docs/benchmark-phrasings.md``.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NOVELS = ["adventures_of_sherlock_holmes", "moby_dick", "war_and_peace"]
