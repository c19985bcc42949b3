#!/usr/bin/env python3
"""Benchmark ``novelforge check --changed`` against a full ``check`` on a long novel.

    python3 bench/changed_bench.py                       # War and Peace
    python3 bench/changed_bench.py --novel dracula --repeat 5

Builds the project with ``bench/make_project.py`` in a temporary folder, commits it to a
new git repository (the base), then for each scenario changes the working tree and times,
in fresh subprocesses, ``check --format json --exit-zero`` with and without ``--changed``:

* prose, cold — one sentence added to one scene; no cache (a CI runner without a cache);
* prose, warm — the same, with the cache a run on the base left (a CI runner that restores
  the analysis cache, or an author's machine);
* canon attribute, warm — one character's attribute changed (every scene's findings are
  re-judged by a full run; ``--changed`` re-judges the scenes that name the character);
* canon alias, warm — an alias added (names change, so every scene is re-analysed).

Each time is the median of ``--repeat`` runs. Also checks, for each scenario, that the
findings ``--changed`` reports equal the full run's findings in the checked files.
Writes ``bench/CHANGED_RESULTS.md`` and prints it. Nothing from the corpus enters the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_project  # noqa: E402
from run import CACHE_HOME, clear_cache, machine, run_once  # noqa: E402

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Bench",
           "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org"}
SENTENCE = "\nThe candles had burned low by then, and for a while nobody spoke.\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=repo, check=True,
                   env=dict(os.environ, **GIT_ENV), capture_output=True)


def timed(project: Path, python: str, changed: bool, cache: Path | None, repeat: int) -> tuple[float, dict]:
    walls, last = [], None
    for _ in range(repeat):
        clear_cache()
        if cache is not None:
            shutil.copytree(cache, CACHE_HOME)
        args = ["check", str(project), "--format", "json", "--exit-zero"] + (["--changed"] if changed else [])
        r = run_once(args, python, project.parent)
        if r["rc"] != 0:
            raise SystemExit(f"{' '.join(r['cmd'])} failed:\n{r['stderr']}")
        walls.append(r["wall"])
        last = json.loads(r["stdout"])
    return statistics.median(walls), last


scene_files = make_project.scene_files


def scenarios(project: Path) -> list[tuple[str, bool, callable]]:
    scenes = scene_files(project)
    middle = scenes[len(scenes) // 2]
    chars = sorted((project / "canon/characters").glob("*.yaml"))
    # a character named in few scenes, the way most edits to canon are
    person = chars[len(chars) // 2]

    def prose():
        with open(middle, "a", encoding="utf-8") as fh:
            fh.write(SENTENCE)

    def attribute():
        text = person.read_text("utf-8")
        person.write_text(text.rstrip("\n") + "\nattributes:\n  eyes: green\n" if "attributes:" not in text
                          else text.replace("attributes:", "attributes:\n  eyes: green", 1), "utf-8")

    def alias():
        text = person.read_text("utf-8")
        person.write_text(text.replace("aliases: [", "aliases: [Old Friend, ", 1) if "aliases: [" in text
                          else text.rstrip("\n") + "\naliases: [Old Friend]\n", "utf-8")

    return [("prose, cold", False, prose), ("prose, warm", True, prose),
            ("canon attribute, warm", True, attribute), ("canon alias, warm", True, alias)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--novel", default="war_and_peace")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--output", type=Path, default=HERE / "CHANGED_RESULTS.md")
    args = ap.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory(prefix="nfbench-changed-") as tmp:
        work = Path(tmp)
        project = work / args.novel
        make_project.build(args.novel, project)
        git(project, "init", "-q")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "base")
        # the cache a run on the base leaves
        run_once(["check", str(project), "--format", "json", "--exit-zero"], args.python, work)
        base_cache = work / "base-cache"
        shutil.copytree(CACHE_HOME, base_cache)
        clear_cache()
        total = len(scene_files(project))
        for name, warm, change in scenarios(project):
            git(project, "checkout", "-q", "--", ".")
            change()
            cache = base_cache if warm else None
            full_s, full = timed(project, args.python, False, cache, args.repeat)
            part_s, part = timed(project, args.python, True, cache, args.repeat)
            checked = part["summary"]["scenes"]
            wanted = _checked_paths(part)
            same = part["diagnostics"] == [d for d in full["diagnostics"] if d["path"] in wanted]
            rows.append((name, checked, total, full_s, part_s, same))
            print(f"{name}: full {full_s:.2f} s, --changed {part_s:.2f} s ({checked} of {total} scenes)",
                  file=sys.stderr)
    m = machine()
    out = [f"# `check --changed` on {args.novel.replace('_', ' ').title()}", "",
           f"Generated by `python3 bench/changed_bench.py --novel {args.novel}`; median of {args.repeat} runs "
           f"in fresh processes on {m.get('cpu', 'this machine')} ({m.get('nproc', '?')} cores), Python "
           f"{m.get('python', '')}.", "",
           "| scenario | scenes checked | full check | --changed | ratio | same findings |",
           "|---|---:|---:|---:|---:|---|"]
    for name, checked, total, full_s, part_s, same in rows:
        out.append(f"| {name} | {checked} of {total} | {full_s:.2f} s | {part_s:.2f} s | "
                   f"{part_s / full_s:.0%} | {'yes' if same else 'NO'} |")
    text = "\n".join(out) + "\n"
    args.output.write_text(text, "utf-8")
    print(text)
    return 0 if all(r[-1] for r in rows) else 1


def _checked_paths(report: dict) -> set[str]:
    changed = report.get("changed", {})
    return {s["path"] for s in changed.get("scenes", [])} | {p for p, st in changed.get("files", {}).items()
                                                            if st != "deleted"}


if __name__ == "__main__":
    raise SystemExit(main())
