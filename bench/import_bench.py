#!/usr/bin/env python3
"""Benchmark ``novelforge import`` on the corpus's plain-text novels.

    python3 bench/import_bench.py                 # War and Peace timed, then every novel once
    python3 bench/import_bench.py --repeat 7      # more repetitions (the median is reported)
    python3 bench/import_bench.py --no-write      # print, do not write bench/IMPORT_RESULTS.md

Target (issue 5): importing War and Peace's plain text takes at most 2 s.

Measured, each in a fresh temporary folder:

* **cli** — ``python3 -m novelforge import war_and_peace.txt --into DIR`` in a fresh
  process, wall time: what a user waits for (Python start-up included);
* **cli + canon** — the same with ``--suggest-canon``;
* **in-process** — :func:`novelforge.import_.import_file`, split into reading and finding
  the structure vs. writing the project;
* **pandoc** — for scale, pandoc (when installed) reading the same text as Markdown into
  its AST (``pandoc -f markdown -t json``): the same job of turning a text into a
  document tree, without writing a project.

Then every corpus novel is imported once and checked (``novelforge check --format json
--exit-zero``): chapters, parts, scenes, words, and the errors and warnings of the check
(an imported novel must check without errors). The corpus is read at run time and
nothing from it is written into the repository.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

CORPUS = REPO.parent / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
NOVELS = [
    "war_and_peace", "moby_dick", "the_worm_ouroboros", "dracula", "pride_and_prejudice",
    "adventures_of_sherlock_holmes", "a_study_in_scarlet", "the_sign_of_the_four",
]
TARGET_S = 2.0


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def bench_one(source: Path, work: Path, repeat: int) -> dict:
    from novelforge.import_ import ImportOptions, read_book
    from novelforge.import_.write import write_project

    cli, canon, parse, write, pandoc = [], [], [], [], []
    for i in range(repeat):
        cli.append(timed([sys.executable, "-m", "novelforge", "import", str(source),
                          "--into", str(work / f"cli{i}")], work))
        canon.append(timed([sys.executable, "-m", "novelforge", "import", str(source), "--suggest-canon",
                            "--into", str(work / f"canon{i}")], work))
        t0 = time.perf_counter()
        book, _fmt = read_book(source, ImportOptions())
        t1 = time.perf_counter()
        write_project(book, work / f"lib{i}", source_name=source.name)
        t2 = time.perf_counter()
        parse.append(t1 - t0)
        write.append(t2 - t1)
        if shutil.which("pandoc"):
            pandoc.append(timed(["pandoc", "-f", "markdown", "-t", "json", str(source), "-o", os.devnull], work))
        for name in (f"cli{i}", f"canon{i}", f"lib{i}"):
            shutil.rmtree(work / name, ignore_errors=True)
    med = statistics.median
    return {"cli": med(cli), "cli_canon": med(canon), "parse": med(parse), "write": med(write),
            "in_process": med(parse) + med(write), "pandoc": med(pandoc) if pandoc else None,
            "runs": {"cli": cli, "cli_canon": canon, "parse": parse, "write": write, "pandoc": pandoc}}


def survey(work: Path) -> list[dict]:
    from novelforge.import_ import ImportOptions, import_file

    rows = []
    for novel in NOVELS:
        source = CORPUS / f"{novel}.txt"
        if not source.is_file():
            continue
        target = work / f"survey-{novel}"
        start = time.perf_counter()
        result = import_file(source, target, ImportOptions(suggest_canon=True))
        elapsed = time.perf_counter() - start
        proc = subprocess.run([sys.executable, "-m", "novelforge", "check", str(target), "--format", "json",
                               "--exit-zero", "--no-cache"], env=_env(), capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"check crashed on {novel}:\n{proc.stderr}")
        report = json.loads(proc.stdout)
        summary = report["summary"]
        codes: dict[str, int] = {}
        for d in report["diagnostics"]:
            codes[d["code"]] = codes.get(d["code"], 0) + 1
        rows.append({"codes": ", ".join(f"{c} × {n}" for c, n in sorted(codes.items())),
                     "novel": novel, "seconds": elapsed, "parts": result.parts, "chapters": result.chapters,
                     "scenes": result.scenes, "words": result.words, "characters": result.characters,
                     "places": result.locations, "errors": summary["errors"], "warnings": summary["warnings"]})
        shutil.rmtree(target, ignore_errors=True)
    return rows


def markdown(main: dict, rows: list[dict], repeat: int) -> str:
    import novelforge

    pandoc_version = ""
    if shutil.which("pandoc"):
        first = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.splitlines()
        pandoc_version = first[0] if first else "pandoc"
    ok = "ok" if main["cli"] <= TARGET_S else "MISSED"
    lines = [
        "# `novelforge import` benchmark",
        "",
        f"- date: {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: `nproc` = {os.cpu_count()}, {platform.processor() or platform.machine()}, {platform.platform()}",
        f"- Python {platform.python_version()}; novelforge {novelforge.__version__}"
        + (f"; {pandoc_version}" if pandoc_version else ""),
        f"- `python3 bench/import_bench.py`; median of {repeat} runs, each into a fresh folder",
        "",
        "## War and Peace (3.3 MB of plain text, 563,000 words)",
        "",
        "| measure | seconds | target | |",
        "|---|---:|---:|---|",
        f"| `novelforge import war_and_peace.txt` (fresh process, wall time) | {main['cli']:.2f} "
        f"| ≤ {TARGET_S:.0f} | {ok} |",
        f"| … with `--suggest-canon` | {main['cli_canon']:.2f} | | |",
        f"| in-process: read and find the structure | {main['parse']:.2f} | | |",
        f"| in-process: write the project (≈ 750 files) | {main['write']:.2f} | | |",
    ]
    if main["pandoc"] is not None:
        lines.append(f"| for scale: `pandoc -f markdown -t json` on the same text | {main['pandoc']:.2f} | | |")
    lines += [
        "",
        "## Every corpus novel (imported once with `--suggest-canon`, then checked)",
        "",
        "| novel | import s | parts | chapters | scenes | words | characters | places | check errors "
        "| check warnings | findings by rule |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(f"| {r['novel']} | {r['seconds']:.2f} | {r['parts']} | {r['chapters']} | {r['scenes']} | "
                     f"{r['words']:,} | {r['characters']} | {r['places']} | {r['errors']} | {r['warnings']} "
                     f"| {r['codes']} |")
    lines += ["", "Import times in this table are in-process (`import_file`, with `--suggest-canon`), without",
              "Python's start-up. Warnings are expected on a fresh import: NF204 means a suggested character",
              "acts in a scene whose front matter lists no cast yet (fill in `characters:`), NF205 a word close",
              "to a suggested name; the prose rules' warnings (NF406 tense slip, NF407 point-of-view slip)",
              "are about the text itself, not the import.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--novel", default="war_and_peace", help="the novel to time (a corpus slug)")
    ap.add_argument("--no-write", action="store_true", help="print the results, do not write IMPORT_RESULTS.md")
    args = ap.parse_args(argv)
    source = CORPUS / f"{args.novel}.txt"
    if not source.is_file():
        print(f"the corpus is not at {CORPUS}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nf-import-bench-") as tmp:
        work = Path(tmp)
        main_row = bench_one(source, work, args.repeat)
        rows = survey(work)
    text = markdown(main_row, rows, args.repeat)
    print(text)
    if not args.no_write:
        (HERE / "IMPORT_RESULTS.md").write_text(text, "utf-8")
    return 0 if main_row["cli"] <= TARGET_S and all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
