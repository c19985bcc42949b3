#!/usr/bin/env python3
"""Time ``novelforge export`` against pandoc on the same text.

    python3 bench/export_bench.py                        # War and Peace, median of 3
    python3 bench/export_bench.py --novel dracula --repeat 5
    python3 bench/export_bench.py --no-write             # print, don't write EXPORT_RESULTS.md

For the novel: build a project with ``bench/make_project.py`` into a temporary folder;
time ``python3 -m novelforge export DIR --format F --out FILE --no-check`` in fresh
processes for each format (``--no-check``: the export alone, as pandoc does it; without it
export also runs a cached ``check`` to warn about error findings); export the Markdown
once and time ``pandoc book.md -o book.epub`` (and ``.docx``, and ``-s`` ``.html``) on that
same text. Wall time is measured around each
whole subprocess (interpreter start-up and imports included, as a user waits for them);
the median of the repetitions is reported. Then epubcheck validates the big EPUB and the
two exports of each format are compared byte for byte.

Writes ``bench/EXPORT_RESULTS.md`` and prints it. Nothing from the corpus is written
into the repository.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
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
sys.path.insert(0, str(HERE))

import make_project  # noqa: E402

FORMATS = ["epub", "docx", "docx-reading", "md", "html", "txt"]
SUFFIX = {"epub": "epub", "docx": "docx", "docx-reading": "docx", "md": "md", "html": "html", "txt": "txt"}
PANDOC = {"epub": ["-o", "{out}.epub"], "docx": ["-o", "{out}.docx"], "docx-reading": None,
          "md": None, "html": ["-s", "-o", "{out}.html"], "txt": None}
TARGET_RATIO = {"epub": 0.5, "docx": 0.5}     # issue 5: ≤ 0.5 × pandoc on War and Peace
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def timed(cmd: list[str], cwd: Path | None = None) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {result.returncode}:\n{result.stderr}")
    return elapsed


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError:
        return "absent"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"


def run(novel: str, repeat: int, workdir: Path) -> dict:
    project = workdir / "project"
    stats = make_project.build(novel, project)
    out = workdir / "out"
    out.mkdir()
    results: dict = {"novel": novel, "stats": stats, "formats": {}, "repeat": repeat}
    available = []
    for fmt in FORMATS:
        try:
            timed([sys.executable, "-m", "novelforge", "export", str(project), "-f", fmt,
                   "-o", str(out / f"first.{fmt}"), "--no-check"])
            available.append(fmt)
        except SystemExit as exc:   # a format this checkout does not have yet
            results["formats"][fmt] = {"error": str(exc).splitlines()[-1]}
    for fmt in available:
        runs = [timed([sys.executable, "-m", "novelforge", "export", str(project), "-f", fmt,
                       "-o", str(out / f"book.{fmt}"), "--no-check"]) for _ in range(repeat)]
        target = out / f"book.{fmt}"
        results["formats"][fmt] = {"novelforge": statistics.median(runs), "runs": runs,
                                   "bytes": target.stat().st_size,
                                   "identical": digest(target) == digest(out / f"first.{fmt}")}
    pandoc = shutil.which("pandoc")
    source = out / "book.md"
    if pandoc and source.exists():
        for fmt, args in PANDOC.items():
            if args is None or fmt not in results["formats"]:
                continue
            cmd = [pandoc, str(source)] + [a.format(out=out / f"pandoc-{fmt}") for a in args]
            results["formats"][fmt]["pandoc"] = statistics.median(timed(cmd) for _ in range(repeat))
    results["epubcheck"] = epubcheck(out / "book.epub") if (out / "book.epub").exists() else "no EPUB"
    return results


def epubcheck(path: Path) -> str:
    java = shutil.which("java")
    if not java or not EPUBCHECK.is_file():
        return "epubcheck not installed"
    result = subprocess.run([java, "-jar", str(EPUBCHECK), str(path)], capture_output=True, text=True)
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.startswith("Messages:")]
    return (lines[0] if lines else f"exit {result.returncode}") + f" (exit {result.returncode})"


def markdown(results: dict) -> str:
    s = results["stats"]
    L = ["# NovelForge export benchmark", "",
         f"- date: {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
         f"- machine: `nproc` = {os.cpu_count()}, {platform.platform()}",
         f"- Python {platform.python_version()}; {version(['pandoc', '--version'])}",
         f"- novel: {results['novel']} — {s['words']:,} words, {s['chapters']} chapters, {s['scenes']} scenes",
         f"- each command in a fresh process, wall time, median of {results['repeat']} runs",
         "- novelforge: `python3 -m novelforge export DIR --format F --out FILE --no-check` (the export "
         "alone; without `--no-check` a cached check runs first, to warn about error findings)",
         "- pandoc: the Markdown that `novelforge export --format md` wrote, converted with "
         "`pandoc book.md -o book.epub` / `-o book.docx` / `-s -o book.html`",
         "", "| format | novelforge s | pandoc s | ratio | target | output | byte-identical rerun |",
         "|---|---:|---:|---:|---|---:|---|"]
    for fmt in FORMATS:
        r = results["formats"].get(fmt, {})
        if "error" in r:
            L.append(f"| {fmt} | not available: {r['error']} | | | | | |")
            continue
        nf, pd = r.get("novelforge"), r.get("pandoc")
        ratio = f"{nf / pd:.2f}×" if nf and pd else "—"
        target = TARGET_RATIO.get(fmt)
        verdict = "—" if target is None else (f"≤ {target}× " + ("ok" if nf and pd and nf / pd <= target else "MISSED"))
        L.append(f"| {fmt} | {nf:.2f} | {f'{pd:.2f}' if pd else '—'} | {ratio} | {verdict} | "
                 f"{r['bytes'] / 1e6:.1f} MB | {'yes' if r['identical'] else 'NO'} |")
    L += ["", f"epubcheck on the EPUB: {results['epubcheck']}", "",
          "Reproduce: `python3 bench/export_bench.py` (see the script's docstring). The numbers are "
          "noisy on a shared machine; compare runs made on the same machine."]
    return "\n".join(L) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--novel", default="war_and_peace", help="corpus slug or a .txt path")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nf-export-bench-") as tmp:
        results = run(args.novel, max(1, args.repeat), Path(tmp))
    text = markdown(results)
    if not args.no_write:
        (HERE / "EXPORT_RESULTS.md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
