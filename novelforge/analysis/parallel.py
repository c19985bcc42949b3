"""Work split between this process and one forked worker, on a machine with two cores."""

from __future__ import annotations

import os
import sys

PARALLEL_MIN_SCENES = 40


def in_two_processes(work, jobs: list) -> list:
    """``work(jobs)``, with half of the jobs done in a forked worker process at the same
    time when there are many and the machine has a second core (``NOVELFORGE_WORKERS=1``
    turns it off)."""
    if len(jobs) < PARALLEL_MIN_SCENES or (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux") \
            or os.environ.get("NOVELFORGE_WORKERS") == "1":
        return work(jobs)
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # alternate jobs so both halves get a fair share of long and short scenes
        theirs, mine = jobs[0::2], jobs[1::2]
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(work, theirs)
            ours = work(mine)
            other = future.result()
    except Exception:  # no fork, no worker: do everything here
        return work(jobs)
    out = []
    for i in range(len(jobs)):
        out.append(other[i // 2] if i % 2 == 0 else ours[i // 2])
    return out
