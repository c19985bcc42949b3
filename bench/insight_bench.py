#!/usr/bin/env python3
"""Time ``novelforge stats`` and ``novelforge timeline`` on War and Peace (issue #19).

    python3 -m bench.insight_bench              # 3 runs of each; writes bench/INSIGHT_RESULTS.md
    python3 -m bench.insight_bench --no-write

The project is the one bench/make_project.py builds (as search_bench.py does), made a git
repository with a history of eight commits on eight days (the book, then a few hundred
words a day), with a ``goal:`` in novelforge.yaml and a story time (``when: day N``, one
chapter a day, a flashback every tenth chapter) in every scene, so the timeline has an
axis and NF403 something to find. Measured, in this process through the library:

* **stats, cold** — no analysis cache: every scene analysed, the history read from git;
* **stats, warm** — the analysis cache filled by a run before (what `stats` after `check`
  costs); the JSON and HTML rendering are timed on their own;
* **timeline, cold / warm** — the same for the timeline (its NF403/NF411/NF412 check
  included);
* **command** — the whole ``novelforge stats`` / ``timeline --format html`` in a fresh
  process, warm.

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
from run import machine  # noqa: E402

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Bench",
           "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org"}


def _git(root: Path, *args: str, day: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_ENV)
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T20:00:00+00:00"
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, env=env, check=True,
                   capture_output=True)


def prepare(root: Path) -> int:
    """Story times, a goal and a git history; returns the number of scenes dated."""
    scenes = make_project.scene_files(root)
    chapter_of: dict[Path, int] = {}
    for path in scenes:
        chapter_of.setdefault(path.parent, len(chapter_of) + 1)
    for i, path in enumerate(scenes):
        n = chapter_of[path.parent]
        day = n - 5 if n % 10 == 0 else n            # every tenth chapter goes back five days
        text = path.read_text("utf-8")
        line = f"when: day {max(1, day)} {8 + i % 12:02d}:00\n"
        text = text.replace("---\n", "---\n" + line, 1) if text.startswith("---\n") else f"---\n{line}---\n{text}"
        path.write_text(text, "utf-8")
    config = root / "novelforge.yaml"
    config.write_text(config.read_text("utf-8") + "goal: {words: 600000, by: 2027-06-01}\n", "utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "the book", day="2026-11-01")
    for k in range(7):
        with open(scenes[(k * 37) % len(scenes)], "a", encoding="utf-8") as fh:
            fh.write("\n" + "More words of the day are written here. " * (40 + 10 * k) + "\n")
        _git(root, "commit", "-qam", f"day {k + 2}", day=f"2026-11-{k + 2:02d}")
    return len(scenes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time novelforge stats and timeline on War and Peace.")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="nfinsight-"))
    cache = work / "cache"
    os.environ["NOVELFORGE_CACHE_DIR"] = str(cache)
    from novelforge import api
    from novelforge.formats import STATS, TIMELINE

    t: dict[str, list[float]] = {k: [] for k in (
        "stats, cold", "stats, warm", "stats: render json", "stats: render html", "timeline, cold", "timeline, warm",
        "timeline: render text", "timeline: render html", "stats command", "timeline command")}
    facts: dict[str, object] = {}
    try:
        project_dir = work / "war_and_peace"
        info = make_project.build("war_and_peace", project_dir)
        dated = prepare(project_dir)
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        for _ in range(args.repeat):
            for name, call in (("stats", lambda: api.stats(project_dir)),
                               ("timeline", lambda: api.timeline(project_dir))):
                shutil.rmtree(cache, ignore_errors=True)
                t0 = time.perf_counter()
                call()
                t[f"{name}, cold"].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                result = call()
                t[f"{name}, warm"].append(time.perf_counter() - t0)
                table = STATS if name == "stats" else TIMELINE
                for fmt in ("json", "html") if name == "stats" else ("text", "html"):
                    t0 = time.perf_counter()
                    out = table.render(fmt, result)
                    t[f"{name}: render {fmt}"].append(time.perf_counter() - t0)
                    facts[f"{name} {fmt} bytes"] = len(out.encode("utf-8"))
                if name == "stats":
                    facts["words"], facts["days"] = result.manuscript.words, len(result.history.days)
                    facts["finish"] = result.goal.finish
                else:
                    facts["steps"], facts["findings"] = len(result.steps), len(result.findings)
                    facts["flashbacks"] = sum(m.flashback for m in result.moments)
                cmd = [sys.executable, "-m", "novelforge", name, str(project_dir)]
                cmd += ["--format", "html"] if name == "timeline" else []
                t0 = time.perf_counter()
                subprocess.run(cmd, env=env, capture_output=True, check=False)
                t[f"{name} command"].append(time.perf_counter() - t0)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def cell(xs: list[float]) -> str:
        return f"{statistics.median(xs):.3f} ({min(xs):.3f})"

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    m = machine()
    lines = ["# `novelforge stats` and `novelforge timeline` on War and Peace\n",
             f"- date: {_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; "
             f"`python3 -m bench.insight_bench --repeat {args.repeat}`",
             f"- machine: `nproc` = {m['nproc']}, {m['cpu']}, Python {m['python']}; load average at the end {load}",
             f"- the project: {info['words']:,} words, {info['scenes']} scenes ({dated} given a `when:`), "
             f"{info['characters']} canon characters; a git history of 8 commits on {facts['days']} days; "
             f"the timeline has {facts['steps']} distinct story times, {facts['flashbacks']} flashbacks and "
             f"{facts['findings']} NF403/NF411/NF412 findings; the stats page is {facts['stats html bytes']:,} bytes, "
             f"the timeline page {facts['timeline html bytes']:,}",
             "- wall seconds, median (min)\n",
             "| measure | seconds |", "|---|---:|"]
    lines += [f"| {name} | {cell(xs)} |" for name, xs in t.items()]
    lines.append("\nCold and warm include reading the project; the timeline runs the checker with three rules "
                 "selected. The command rows start a fresh interpreter (the analysis cache warm).")
    md = "\n".join(lines) + "\n"
    print(md)
    if not args.no_write:
        (HERE / "INSIGHT_RESULTS.md").write_text(md, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
