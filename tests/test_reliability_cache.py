"""The cache stress harness (bench/reliability/cache_stress.py), a few rounds of it: the
full 20 rounds run with ``python3 -m bench.reliability --only cache_stress``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:          # bench/ is part of the checkout, not of the package
    sys.path.insert(0, str(ROOT))

from bench.reliability import cache_stress  # noqa: E402


def test_a_damaged_cache_and_two_runs_at_once_change_nothing():
    # one round of each damage kind but the last ("none"): 8 rounds, 24 runs
    outcome = cache_stress.run(len(cache_stress.DAMAGES) - 1, seed=1)
    assert outcome.ok, outcome.failures
    assert f"{3 * (len(cache_stress.DAMAGES) - 1)} of {3 * (len(cache_stress.DAMAGES) - 1)}" in dict(outcome.figures)[
        "runs with the findings and exit code of a run without a cache"]
