"""YAML bombs and hostile tags in every YAML place: 25 documents × 10 places.

Each bomb is written into one place of a valid project (a copy of examples/ember-crown with
every YAML place present, :mod:`bench.reliability._yaml_places`) and read by a fresh
subprocess, which times the file's parse as the loader does it (read, decode, the guard,
the build), measures the parse's peak Python memory (``tracemalloc``, a second run) and
the process's peak RSS (``getrusage``), then loads and checks the whole project
(:func:`load_project` and the engine) and says what it found on that file.

A hostile bomb holds when it is **rejected**: an NF001 on that file (NF006 for one over the
size limit), nothing built from its tags (a marker file a tag would create never
appears), no traceback, exit code 0 or 1 and no signal. The target is each rejection in
under 50 ms with bounded memory; the ones that miss 50 ms are listed, not failed. Failures
are: not rejected, a crash, a traceback, a marker, a rejection slower than 1 s, or a child
past :data:`MEMORY_LIMIT`. Big but legal documents (a 5 MB list of long texts, 20,000
unknown keys, a 1 MB key…) must **finish**: read, reported as they are (NF009 for unknown
keys), within :data:`LEGAL_LIMIT` seconds.

Full size (``count=None``): 25 bombs in each of the 10 places (250 subprocesses).
``count=N`` runs the first N bombs (hostile ones first, then legal) in 2 places.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.reliability import Outcome
from bench.reliability._yaml_places import PLACES, ROOT, Place, prepare, with_yaml

TARGET_MS = 50.0
REJECT_LIMIT_MS = 1_000.0
LEGAL_LIMIT = 20.0                 # seconds to read and check a big but legal file
MEMORY_LIMIT = 1024 * 2 ** 20      # peak RSS of a child, bytes
MARKER = "yaml-bomb-ran"


@dataclass(frozen=True)
class Bomb:
    name: str
    make: object      # (marker path) -> YAML text
    legal: bool = False


def _deep(n: int, open_: str, close: str = "", inner: str = "") -> str:
    return "title: x\nsummary: " + open_ * n + inner + close * n + "\n"


def _merge_bomb(levels: int) -> str:
    lines = ["title: x", "m0: &m0 {a: 1, b: 2}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: {i}}}" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _laughs(width: int = 9, depth: int = 9) -> str:
    lines = ["a0: &a0 [" + ",".join(['"lol"'] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]" for i in range(1, depth)]
    return "\n".join(lines) + "\n"


def _flow_list(size: int, item: str) -> str:
    n = size // (len(item) + 8) + 1
    return "title: x\nsummary: [" + ", ".join(f"{item}{i}" for i in range(n)) + "]\n"


BOMBS = (
    Bomb("billion laughs (9 x 9 aliases)", lambda m: _laughs()),
    Bomb("merge-key bomb, 22 levels of <<: [*m, *m]", lambda m: _merge_bomb(22)),
    Bomb("merge-key bomb, 60 levels", lambda m: _merge_bomb(60)),
    Bomb("a list of 1,000 aliases to a 1,000-item list",
         lambda m: "a: &a [" + ",".join(["x"] * 1000) + "]\nb: [" + ",".join(["*a"] * 1000) + "]\n"),
    Bomb("alias inside its own anchor", lambda m: "title: x\nsummary: &a [1, [2, *a]]\n"),
    Bomb("deep flow lists, 30,000 levels", lambda m: _deep(30_000, "[", "]")),
    Bomb("deep flow mappings, 30,000 levels", lambda m: _deep(30_000, "{a: ", "}", "1")),
    Bomb("deep block lists (- - -), 30,000 levels", lambda m: "title: x\nsummary:\n  " + "- " * 30_000 + "x\n"),
    Bomb("deep nested mappings by indentation, 3,000 levels",
         lambda m: "".join(" " * i + f"k{i}:\n" for i in range(3_000)) + " " * 3_000 + "x\n"),
    Bomb("deep mixed [{a: [{a: …, 30,000 levels", lambda m: _deep(15_000, "[{a: ", "}]", "1")),
    Bomb("3,000,000 [ never closed (6 MB)", lambda m: "title: x\nsummary: " + "[" * 3_000_000 + "\n"),
    Bomb("!!python/object/apply:os.system",
         lambda m: f"title: x\nsummary: !!python/object/apply:os.system ['touch {m}']\n"),
    Bomb("!!python/object/new:subprocess.Popen",
         lambda m: f"title: x\nsummary: !!python/object/new:subprocess.Popen [['touch', '{m}']]\n"),
    Bomb("!!python/name:os.system and !!python/module:os",
         lambda m: "title: x\nsummary: !!python/name:os.system\nnote: !!python/module:os\n"),
    Bomb("verbatim tag !<tag:yaml.org,2002:python/object/apply:os.system>",
         lambda m: f"title: x\nsummary: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {m}']\n"),
    Bomb("custom tags (!include, !env) and %TAG handles",
         lambda m: "%TAG !py! tag:yaml.org,2002:python/\n---\ntitle: x\nsummary: !py!object/apply:os.system "
                   f"['touch {m}']\nnote: !include /etc/passwd\n"),
    Bomb("!!binary, !!set and !!omap", lambda m: "title: x\nsummary: !!binary aGVsbG8=\nk: !!set {a, b}\n"),
    Bomb("100,000 documents", lambda m: "title: x\n" + "---\ntitle: x\n" * 100_000),
    Bomb("5 MB flow list of short items (600,000 values)", lambda m: _flow_list(5_000_000, "item")),
    Bomb("200,001 values through one anchor used 200,001 times",
         lambda m: "a: &a x\nb: [" + ",".join(["*a"] * 200_001) + "]\n"),
    Bomb("a 1 MB key", lambda m: "title: x\n" + "k" * 1_000_000 + ": 1\n"),
    # big but legal: must finish
    Bomb("a 2 MB anchor used 50 times",
         lambda m: "a: &a '" + "ash " * 500_000 + "'\nb: [" + ",".join(["*a"] * 50) + "]\n", legal=True),
    Bomb("20,000 unknown keys", lambda m: "title: x\n" + "".join(f"unknown{i}: {i}\n" for i in range(20_000)),
         legal=True),
    Bomb("5 MB flow list of long texts (40,000 values)", lambda m: _flow_list(5_000_000, "x" * 112), legal=True),
    Bomb("a 9 MB line (one value)", lambda m: "title: x\nsummary: " + "ember " * 1_500_000 + "\n", legal=True),
)
assert len(BOMBS) == 25


CHILD = r"""
import json, os, resource, sys, time, tracemalloc
from pathlib import Path
root, rel, offset = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
from novelforge.project.loader import _Loader, load_project
from novelforge.project.yamlio import YamlSyntaxError, parse_yaml
from novelforge.rules.engine import CheckOptions, check_project
parse_yaml("title: x\n")
try:
    parse_yaml("title: [x\n")    # imports and first calls done before timing
except YamlSyntaxError:
    pass
def peak():   # VmHWM: ru_maxrss would carry over the harness's memory at the fork
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = peak()

def read():
    loader = _Loader(root)
    text = loader.read_text(root / rel)
    if text is None:
        return "unread"
    if offset:
        from novelforge.project.loader import _FM_CLOSE
        first = text.find("\n")
        m = _FM_CLOSE.search(text, first + 1)
        text = text[first + 1:m.start()] if m else text
    try:
        parse_yaml(text, offset)
        return "read"
    except YamlSyntaxError as exc:
        return "NF001"

start = time.perf_counter()
parsed = read()
took = time.perf_counter() - start
tracemalloc.start()
read()
peak_py = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
start = time.perf_counter()
project = load_project(root)
report = check_project(project, CheckOptions(use_cache=False, use_baseline=False))
check = time.perf_counter() - start
own = sorted({d.code for d in report.diagnostics if d.path == rel})
msgs = [d.message for d in report.diagnostics if d.path == rel and d.code == "NF001"]
print(json.dumps({"parse_ms": took * 1000, "parsed": parsed, "peak_py": peak_py, "check_s": check,
                  "codes": own, "message": msgs[0] if msgs else "", "exit": int(report.exit_code()),
                  "rss_before": before, "rss": peak()}))
"""


def _child(root: Path, place: Place, timeout: float) -> tuple[int, dict | None, str, int]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    try:
        front = "1" if place.form == "front" else "0"
        proc = subprocess.run([sys.executable, "-c", CHILD, str(root), place.path, front],
                              cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -9, None, "timed out", 0
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        info = None
    return proc.returncode, info, proc.stderr, (info or {}).get("rss", 0)


def run(count: int | None = None, seed: int = 0) -> Outcome:
    bombs = list(BOMBS)
    places = list(PLACES)
    if count is not None:
        hostile = [b for b in bombs if not b.legal]
        legal = [b for b in bombs if b.legal]
        bombs = (hostile[:max(1, count - 1)] + legal[:1])[:count]
        places = [PLACES[(seed + i) % len(PLACES)] for i in (1, 6)]  # a .yaml file and front matter
    outcome = Outcome("yaml_bombs", "YAML bombs and hostile tags in every YAML place (yaml_bombs)")
    tmp = Path(tempfile.mkdtemp(prefix="nf-yaml-bombs-"))
    slow: list[str] = []
    rejected = runs = skipped = 0
    times: list[tuple[float, str]] = []
    worst_ms, worst_what = 0.0, ""
    worst_rss, worst_rss_what = 0, ""
    worst_py = 0
    legal_worst, legal_what = 0.0, ""
    try:
        root = prepare(tmp / "book")
        originals = {p.path: (root / p.path).read_text("utf-8") for p in places}
        marker = tmp / MARKER
        for bomb in bombs:
            text = bomb.make(str(marker))
            for place in places:
                if place.form == "front" and "\n---" in "\n" + text:
                    skipped += 1  # its `---` line would close the front matter: not a YAML place's text
                    continue
                runs += 1
                what = f"{bomb.name} in {place.name}"
                (root / place.path).write_text(with_yaml(place, text, originals[place.path]), "utf-8")
                try:
                    rc, info, err, rss = _child(root, place, LEGAL_LIMIT * 3 if bomb.legal else 60)
                finally:
                    (root / place.path).write_text(originals[place.path], "utf-8")
                if rc not in (0,) or info is None:
                    outcome.failures.append(f"{what}: the child exited {rc}: {err.strip()[-300:]}")
                    continue
                if "Traceback" in err:
                    outcome.failures.append(f"{what}: a traceback")
                if marker.exists():
                    outcome.failures.append(f"{what}: a tag ran code (the marker file exists)")
                    marker.unlink()
                if info["exit"] not in (0, 1):
                    outcome.failures.append(f"{what}: check exit {info['exit']}")
                if rss > MEMORY_LIMIT:
                    outcome.failures.append(f"{what}: {rss // 2 ** 20} MB")
                if rss > worst_rss:
                    worst_rss, worst_rss_what = rss, what
                worst_py = max(worst_py, info["peak_py"])
                if bomb.legal:
                    total = info["parse_ms"] / 1000 + info["check_s"]
                    if total > legal_worst:
                        legal_worst, legal_what = total, what
                    if info["parsed"] != "read" or "NF001" in info["codes"]:
                        outcome.failures.append(f"{what}: a legal file was not read as it is "
                                                f"({info['parsed']}, {info['codes']})")
                    if total > LEGAL_LIMIT:
                        outcome.failures.append(f"{what}: {total:.1f} s to read and check")
                    continue
                if info["parsed"] != "NF001" or "NF001" not in info["codes"]:
                    outcome.failures.append(f"{what}: not rejected ({info['parsed']}, {info['codes']})")
                    continue
                rejected += 1
                ms = info["parse_ms"]
                times.append((ms, what))
                if ms > worst_ms:
                    worst_ms, worst_what = ms, what
                if ms > TARGET_MS:
                    slow.append(f"{what} ({ms:.0f} ms)")
                if ms > REJECT_LIMIT_MS:
                    outcome.failures.append(f"{what}: rejected in {ms:.0f} ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    hostile_runs = runs - sum(b.legal for b in bombs) * len(places)
    outcome.figures += [
        ("bombs x places", f"{len(bombs)} x {len(places)}: {runs} runs, each in its own process"
                           + (f" ({skipped} not applicable: a `---` line ends front matter)" if skipped else "")),
        ("hostile ones rejected (NF001 on the file)", f"{rejected} of {hostile_runs}"),
        ("code run by a tag (marker files)", "0" if not any("marker" in f for f in outcome.failures) else "some"),
        ("slowest rejection (read + guard)", f"{worst_ms:.1f} ms ({worst_what})"),
        (f"rejections over {TARGET_MS:.0f} ms", f"{len(slow)}" + (": " + "; ".join(slow) if slow else "")),
        ("median rejection; slowest of those under the target",
         (f"{sorted(times)[len(times) // 2][0]:.1f} ms; "
          + ("{:.1f} ms ({})".format(*max(t for t in times if t[0] <= TARGET_MS))
             if any(t[0] <= TARGET_MS for t in times) else "-")) if times else "-"),
        ("peak Python memory of one file's parse (tracemalloc)", f"{worst_py / 2 ** 20:.1f} MB"),
        ("peak RSS of a child (load, guard, whole check)", f"{worst_rss // 2 ** 20} MB ({worst_rss_what})"),
        ("big but legal files: read, slowest read + whole check", f"{legal_worst:.1f} s ({legal_what})"
         if legal_what else "-"),
    ]
    return outcome


if __name__ == "__main__":  # pragma: no cover
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(result.markdown())
