#!/usr/bin/env python3
"""Where a check's time goes, phase by phase, in CPU seconds (what a shared machine's load
disturbs least): the imports, reading the project, the text indexes (built, or read back
from the analysis cache), the rules, the report. The answer to "why is it not faster".

    python3 -m bench.phases                 # War and Peace, 5 runs of each, the minimum
    python3 -m bench.phases --novel dracula --repeat 3

Each run is a fresh interpreter (imports included) with one analysis process
(``NOVELFORGE_WORKERS=1``, so the whole cost is counted in one place): cold (no cache),
warm with no stored run (every index from the cache), and one scene edited. Prints a
Markdown table; ``--write`` writes it to bench/PHASES_RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import make_project  # noqa: E402
from run import EDIT_SENTENCE  # noqa: E402

# one run, in a child interpreter: CPU seconds per phase, as JSON on stdout
CHILD = r"""
import json, sys, time
from collections import defaultdict
T = time.process_time
out = defaultdict(float)
t = T()
import novelforge.cli.app, novelforge.api.checking            # what `novelforge check` imports
from novelforge import api
from novelforge.analysis import session
from novelforge.formats import CHECK
from novelforge.project import loader
from novelforge.rules import engine
out["imports"] = T() - t


def timed(name, fn):
    def wrapper(*a, **k):
        t = T()
        try:
            return fn(*a, **k)
        finally:
            out[name] += T() - t
    return wrapper


loader.load_project = timed("read the project", loader.load_project)
session.Session.start = timed("text indexes (built or from the cache)", session.Session.start)
engine.run_rules = timed("rules", engine.run_rules)
t = T()
report = api.check(paths=[sys.argv[1]])
text = CHECK.render("json", report)
out["the rest (settings, filters, suppressions, cache writes, JSON)"] = T() - t - sum(
    v for k, v in out.items() if k != "imports")
print(json.dumps(out))
"""


def run_child(project: Path, cache: Path) -> dict:
    env = dict(os.environ, NOVELFORGE_CACHE_DIR=str(cache), NOVELFORGE_WORKERS="1",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # byte-compiled, as an installed package is
    done = subprocess.run([sys.executable, "-c", CHILD, str(project)], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="CPU seconds per phase of a check.")
    ap.add_argument("--novel", default="war_and_peace")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="write bench/PHASES_RESULTS.md")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="nfphases-"))
    try:
        project = work / args.novel
        stats = make_project.build(args.novel, project)
        cache = work / "cache"
        scenes = make_project.scene_files(project)
        runs: dict[str, list[dict]] = {"cold": [], "warm, analysed": [], "one scene edited": []}
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            runs["cold"].append(run_child(project, cache))
            runs["warm, analysed"].append(run_child(project, cache))
            with open(scenes[len(scenes) // 2], "a", encoding="utf-8") as f:
                f.write(EDIT_SENTENCE)
            runs["one scene edited"].append(run_child(project, cache))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    phases = list(dict.fromkeys(p for rs in runs.values() for r in rs for p in r))
    best = {kind: {p: min(r.get(p, 0.0) for r in rs) for p in phases} for kind, rs in runs.items()}
    lines = [f"# Where a check's time goes: {args.novel} ({stats['words']:,} words, {stats['scenes']} scenes)\n",
             f"`python3 -m bench.phases --novel {args.novel} --repeat {args.repeat}`: CPU seconds per phase, the "
             "minimum of the runs, one analysis process (`NOVELFORGE_WORKERS=1`; a cold check shares the text "
             "indexes between two processes on two cores).\n",
             "| phase | " + " | ".join(runs) + " |", "|---|" + "---:|" * len(runs)]
    for p in phases:
        lines.append(f"| {p} | " + " | ".join(f"{best[k][p]:.3f}" for k in runs) + " |")
    lines.append("| **total** | " + " | ".join(f"**{sum(best[k].values()):.3f}**" for k in runs) + " |")
    md = "\n".join(lines) + "\n"
    print(md)
    if args.write:
        (HERE / "PHASES_RESULTS.md").write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
