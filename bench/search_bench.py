#!/usr/bin/env python3
"""Time ``novelforge search`` on War and Peace (issue #19: build under 2 s, query under 50 ms).

    python3 -m bench.search_bench              # 5 runs of each; writes bench/SEARCH_RESULTS.md
    python3 -m bench.search_bench --no-write

Measured, on the project bench/make_project.py builds:

* **build** — the search index from nothing, the analysis cache warm (what a first search
  costs after a check): reading the scenes' text indexes and writing every line to SQLite;
  and **build, cold** — with no analysis cache either (the text indexes built too);
* **update** — after one scene is edited: that file re-indexed;
* **query** — the FTS5 query alone on the built index (``search.query.run``), for a word, a
  phrase, a prefix, a boolean query and a character's name (all its aliases), median;
* **command** — the whole ``novelforge search WORD`` in a fresh process, warm (start-up and
  reading the project included: what a user waits for).

Wall seconds; the median and the minimum of the runs. Nothing from the corpus is written
into the repository.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import make_project  # noqa: E402
from run import EDIT_SENTENCE, machine  # noqa: E402

QUERIES = {"a word": "snow", "a phrase": '"Prince Andrew"', "a prefix": "napol*",
           "a boolean query": "moscow AND fire NOT snow", "a character (every alias)": "Pierre"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time novelforge search on War and Peace.")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="nfsearch-"))
    cache = work / "cache"
    os.environ["NOVELFORGE_CACHE_DIR"] = str(cache)
    from novelforge import api
    from novelforge.analysis import Session
    from novelforge.analysis.keys import code_fingerprint
    from novelforge.cache import ProjectCache, project_cache_dir
    from novelforge.project.loader import load_project
    from novelforge.search import query as Q
    from novelforge.search.build import update
    from novelforge.search.store import SearchStore

    try:
        project_dir = work / "war_and_peace"
        stats = make_project.build("war_and_peace", project_dir)
        t: dict[str, list[float]] = {"build": [], "build, cold": [], "update": [], "command": []}
        queries: dict[str, list[float]] = {k: [] for k in QUERIES}
        hits: dict[str, int] = {}
        scenes = make_project.scene_files(project_dir)
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            t0 = time.perf_counter()
            api.search("snow", project_dir)                       # cold: text indexes built too
            t["build, cold"].append(time.perf_counter() - t0)
            (project_cache_dir(project_dir) / "search.sqlite").unlink()
            t0 = time.perf_counter()
            api.search("snow", project_dir)                       # the analysis cache warm
            t["build"].append(time.perf_counter() - t0)
            with open(scenes[len(scenes) // 2], "a", encoding="utf-8") as f:
                f.write(EDIT_SENTENCE)
            t0 = time.perf_counter()
            api.search("snow", project_dir)
            t["update"].append(time.perf_counter() - t0)
            with ProjectCache(project_dir) as pc:
                project = load_project(project_dir, pc)
                session = Session(project, pc)
                store = SearchStore(project_cache_dir(project_dir) / "search.sqlite", code_fingerprint())
                update(store, project, session)
                for name, q in QUERIES.items():
                    expression, named = Q.expand(project, q)
                    t0 = time.perf_counter()
                    found = Q.run(store.db, project, expression, Q.SearchOptions(limit=50), character=named)
                    queries[name].append(time.perf_counter() - t0)
                    hits[name] = len(found)
                store.close()
            env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "novelforge", "search", "snow", str(project_dir)], env=env,
                           capture_output=True, check=False)
            t["command"].append(time.perf_counter() - t0)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def cell(xs: list[float]) -> str:
        return f"{statistics.median(xs):.3f} ({min(xs):.3f})"

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    m = machine()
    lines = ["# `novelforge search` on War and Peace\n",
             f"- date: {_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; "
             f"`python3 -m bench.search_bench --repeat {args.repeat}`",
             f"- machine: `nproc` = {m['nproc']}, {m['cpu']}, Python {m['python']}; load average at the end {load}",
             f"- the project: {stats['words']:,} words, {stats['scenes']} scenes, {stats['characters']} canon "
             "characters; wall seconds, median (min)\n",
             "| measure | seconds | target |", "|---|---:|---|",
             f"| build the index (analysis cache warm) | {cell(t['build'])} | under 2 s |",
             f"| build the index, cold (text indexes built too) | {cell(t['build, cold'])} | |",
             f"| update after one scene edited | {cell(t['update'])} | |"]
    for name, xs in queries.items():
        lines.append(f"| query: {name} (`{QUERIES[name]}`, {hits[name]} hits) | {cell(xs)} | under 0.05 s |")
    lines.append(f"| the whole command, warm (`novelforge search snow`, a fresh process) | {cell(t['command'])} | |")
    lines.append("\nThe build and update rows include reading the project (its YAML and scene files), as every "
                 "search does before it looks at the index; the query rows are the index alone.")
    md = "\n".join(lines) + "\n"
    print(md)
    if not args.no_write:
        (HERE / "SEARCH_RESULTS.md").write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
