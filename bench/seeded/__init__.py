"""The seeded-error benchmark: real novels with injected contradictions.

``python3 -m bench.seeded`` builds a project from each corpus novel (with
``bench/make_project.py``), adds the hand-written canon and contracts of
``bench/seeded/<novel>.yaml``, injects contradictions into a copy, runs
``check_project`` on both and writes ``bench/SEEDED_RESULTS.md``. See
``docs/benchmark-seeded.md``.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NOVELS = ["a_study_in_scarlet", "the_sign_of_the_four", "dracula", "the_worm_ouroboros"]
