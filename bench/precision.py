#!/usr/bin/env python3
"""False alarms of ``novelforge check`` on the eight untouched corpus novels (issue #16).

    python3 bench/precision.py                      # all eight; writes bench/PRECISION_RESULTS.md
    python3 bench/precision.py --novel dracula      # one novel (repeat --novel for more)
    python3 bench/precision.py --no-write           # print, do not write the results
    python3 bench/precision.py --json-dir /tmp/nf   # also keep each novel's JSON report
    python3 bench/precision.py --workdir /tmp/nfp   # keep the imported projects, to read the findings

Each novel is imported the way an author would import it, with the product's own importer
and its canon suggestions, in a fresh process into a temporary folder::

    novelforge import NOVEL.txt --suggest-canon --into DIR
    novelforge check DIR --format json --exit-zero --no-cache

(not with ``bench/make_project.py``, whose chapters and canon are the benchmark's own). These
are clean, published texts: every error is a false alarm and so, almost always, is every
warning. Reported per novel: words, errors, warnings, both per 20,000 words, the findings
per rule, and the most frequent messages (with the words in backticks folded, so that one
reading shows as one line). Targets (issue #16): at most 0.25 error and at most 1 warning
per 20,000 words, over all eight novels and on each one.

The corpus is read from ``/work/shared/corpus`` (or ``../shared/corpus`` beside the
checkout) at run time; nothing from it is written into the repository.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from import_bench import CORPUS, NOVELS  # noqa: E402  (the same eight novels, read in place)

PER = 20_000
TARGET_ERRORS = 0.25
TARGET_WARNINGS = 1.0
TOP = 8


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("NOVELFORGE_CACHE_DIR", None)
    return env


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, env=_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


_TICKS = re.compile(r"`[^`]*`")


def measure(novel: str, work: Path, json_dir: Path | None) -> dict:
    source = CORPUS / f"{novel}.txt"
    target = work / novel
    _run([sys.executable, "-m", "novelforge", "import", str(source), "--suggest-canon", "--into", str(target)])
    proc = _run([sys.executable, "-m", "novelforge", "check", str(target), "--format", "json",
                 "--exit-zero", "--no-cache"])
    report = json.loads(proc.stdout)
    if json_dir is not None:
        json_dir.mkdir(parents=True, exist_ok=True)
        (json_dir / f"{novel}.json").write_text(proc.stdout, encoding="utf-8")
    diagnostics = report["diagnostics"]
    codes = Counter(f"{d['code']} ({d['severity']})" for d in diagnostics)
    messages = Counter(f"{d['code']}: {_TICKS.sub('`…`', d['message'])}" for d in diagnostics)
    examples: dict[str, list[str]] = {}
    for d in diagnostics:
        key = f"{d['code']}: {_TICKS.sub('`…`', d['message'])}"
        shown = examples.setdefault(key, [])
        if len(shown) < 3:
            shown.append(f"{d['message']} ({d['path']}:{d['line']})")
    words = report["summary"]["words"]
    errors = sum(1 for d in diagnostics if d["severity"] == "error")
    warnings = sum(1 for d in diagnostics if d["severity"] == "warning")
    return {"novel": novel, "words": words, "errors": errors, "warnings": warnings,
            "codes": dict(sorted(codes.items())), "messages": messages.most_common(TOP),
            "examples": examples, "by_message": dict(messages)}


def rate(n: int, words: int) -> float:
    return n * PER / words if words else 0.0


def markdown(rows: list[dict], commit: str) -> str:
    words = sum(r["words"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    warnings = sum(r["warnings"] for r in rows)
    def ok(value: float, target: float) -> str:
        return "ok" if value <= target else "MISSED"

    lines = [
        "# False alarms on the untouched corpus novels (issue #16)",
        "",
        f"- date: {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}",
        "- `python3 bench/precision.py`: each novel imported with `novelforge import NOVEL.txt "
        "--suggest-canon`, then `novelforge check --format json --exit-zero --no-cache`",
        f"- targets: ≤ {TARGET_ERRORS} error and ≤ {TARGET_WARNINGS:g} warning per 20,000 words",
        "",
        "These are clean, published texts: every error is a false alarm, and so is almost every warning.",
        "",
        "| novel | words | errors | warnings | errors / 20k | warnings / 20k | findings by rule |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        by_rule = ", ".join(f"{c} × {n}" for c, n in r["codes"].items()) or "—"
        lines.append(f"| {r['novel']} | {r['words']:,} | {r['errors']} | {r['warnings']} | "
                     f"{rate(r['errors'], r['words']):.2f} | {rate(r['warnings'], r['words']):.2f} | {by_rule} |")
    e20, w20 = rate(errors, words), rate(warnings, words)
    lines.append(f"| **all {len(rows)}** | {words:,} | {errors} | {warnings} "
                 f"| **{e20:.2f}** ({ok(e20, TARGET_ERRORS)}) "
                 f"| **{w20:.2f}** ({ok(w20, TARGET_WARNINGS)}) | |")
    missed = [r["novel"] for r in rows if rate(r["warnings"], r["words"]) > TARGET_WARNINGS
              or rate(r["errors"], r["words"]) > TARGET_ERRORS]
    lines += ["", "Novels over a target on their own: " + (", ".join(missed) if missed else "none") + ".", ""]
    lines += ["## Most frequent messages", "",
              "The words in backticks are folded to `…`; up to three of the real messages follow.", ""]
    for r in rows:
        if not r["messages"]:
            continue
        lines += [f"### {r['novel']}", ""]
        for key, n in r["messages"]:
            shown = "; ".join(r["examples"][key])
            lines.append(f"- {n} × {key} — e.g. {shown}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--novel", action="append", choices=NOVELS, help="only this novel (repeatable)")
    ap.add_argument("--no-write", action="store_true", help="print, do not write bench/PRECISION_RESULTS.md")
    ap.add_argument("--json-dir", type=Path, help="keep each novel's JSON report here")
    ap.add_argument("--workdir", type=Path, help="import the projects here and keep them (default: a temporary folder)")
    ap.add_argument("--output", type=Path, default=HERE / "PRECISION_RESULTS.md")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    novels = args.novel or NOVELS
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "?"
    rows = []
    with tempfile.TemporaryDirectory(prefix="nf-precision-") as tmp:
        work = Path(tmp)
        if args.workdir is not None:
            work = args.workdir.resolve()
            work.mkdir(parents=True, exist_ok=True)
        for novel in novels:
            if (work / novel).exists():
                shutil.rmtree(work / novel)
            rows.append(measure(novel, work, args.json_dir))
            r = rows[-1]
            print(f"{novel}: {r['words']:,} words, {r['errors']} errors, {r['warnings']} warnings", file=sys.stderr)
    text = markdown(rows, commit)
    if args.no_write or args.novel:
        print(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
