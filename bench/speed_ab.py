#!/usr/bin/env python3
"""Time two NovelForge trees against each other, interleaved, on one project.

    python3 bench/speed_ab.py OLD_TREE NEW_TREE [--novel war_and_peace] [--repeat 5]

On a shared machine a wall time says as much about the neighbours as about the code, so
each measurement alternates the trees (old, new, old, new…) and reports, per tree, the
median and minimum of the wall time and of the CPU time (user + system of the process
and its children, from ``os.wait4``: the forked worker is counted) of
``python3 -m novelforge check DIR --format json --exit-zero``:

* cold — the tree's own analysis cache deleted first;
* warm — run again with nothing changed;
* edit — one sentence appended to one scene (the middle one) first.

The project is built once with NEW_TREE's ``bench/make_project.py``. Prints a Markdown
table; nothing is written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EDIT_SENTENCE = "\nThe candles had burned low by then, and for a while nobody spoke.\n"


def timed(tree: Path, python: str, project: Path, cache: Path) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(tree), NOVELFORGE_CACHE_DIR=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # byte-compiled, as an installed package is
    cmd = [python, "-m", "novelforge", "check", str(project), "--format", "json", "--exit-zero"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=project.parent)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{tree}: check failed: {proc.stderr.read().decode(errors='replace')[-1500:]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--novel", default="war_and_peace")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args(argv)
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    with tempfile.TemporaryDirectory(prefix="nf-ab-") as tmp:
        work = Path(tmp)
        project = work / args.novel
        subprocess.run([args.python, str(trees["new"] / "bench" / "make_project.py"), args.novel, str(project)],
                       check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(trees["new"])))
        scenes = sorted(p for p in project.glob("manuscript/**/*.md") if not p.name.startswith("_"))
        edited = scenes[len(scenes) // 2]
        original = edited.read_text(encoding="utf-8")
        caches = {name: work / f"cache-{name}" for name in trees}
        got: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for name, tree in trees.items():      # byte-compile both trees, outside the timing
            timed(tree, args.python, project, caches[name])
        for i in range(args.repeat):
            order = list(trees) if i % 2 == 0 else list(reversed(trees))
            for name in order:
                tree, cache = trees[name], caches[name]
                shutil.rmtree(cache, ignore_errors=True)
                got.setdefault(("cold", name), []).append(timed(tree, args.python, project, cache))
                got.setdefault(("warm", name), []).append(timed(tree, args.python, project, cache))
                edited.write_text(original + EDIT_SENTENCE * (i + 1), encoding="utf-8")
                got.setdefault(("edit", name), []).append(timed(tree, args.python, project, cache))
                edited.write_text(original, encoding="utf-8")
    load = os.getloadavg()[0]
    print(f"{args.novel}, {args.repeat} interleaved runs per tree, load average {load:.1f}, nproc {os.cpu_count()}")
    print()
    print("| run | tree | wall median s | wall min s | CPU median s | CPU min s |")
    print("|---|---|---:|---:|---:|---:|")
    for what in ("cold", "warm", "edit"):
        for name in trees:
            walls = [w for w, _c in got[(what, name)]]
            cpus = [c for _w, c in got[(what, name)]]
            print(f"| {what} | {name} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
                  f"{statistics.median(cpus):.2f} | {min(cpus):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
