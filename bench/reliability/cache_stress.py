"""The analysis cache damaged in every way a disk or a second run can damage it.

Each round starts from a warm cache of a copy of the example novel, damages it one way —
the database truncated, overwritten with garbage, bytes flipped inside it, its write-ahead
log garbled, the key file cut short or replaced, the project's cache folder deleted while
a run is reading it, the cache folder impossible to create (read-only) — and then runs two
``check`` processes on the project at the same moment. Every run must report exactly the
findings of a run without a cache, with the same exit code, and print no error.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.reliability import Outcome

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ember-crown"
DAMAGES = ("truncate-db", "garbage-db", "flip-db-bytes", "garbage-wal", "short-key", "other-key",
           "delete-mid-run", "read-only", "none")


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, NOVELFORGE_CACHE_DIR=str(home), NO_COLOR="1")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _start(project: Path, home: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "novelforge", "check", str(project), "--format", "json", *extra],
                            env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def _finish(proc: subprocess.Popen) -> tuple[int, list, str]:
    out, err = proc.communicate(timeout=120)
    try:
        found = [(d["path"], d["line"], d["column"], d["code"], d["message"]) for d in json.loads(out)["diagnostics"]]
    except Exception:
        found = [("unreadable report", out[:200])]
    return proc.returncode, found, err


def _damage(kind: str, folder: Path, rng: random.Random) -> None:
    db = next(folder.glob("projects/*/cache.db"), None)
    if kind == "truncate-db" and db:
        with open(db, "r+b") as fh:
            fh.truncate(rng.randrange(0, max(1, db.stat().st_size)))
    elif kind == "garbage-db" and db:
        db.write_bytes(rng.randbytes(rng.randrange(100, 50_000)))
    elif kind == "flip-db-bytes" and db:
        data = bytearray(db.read_bytes())
        for _ in range(20):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        db.write_bytes(bytes(data))
    elif kind == "garbage-wal" and db:
        Path(str(db) + "-wal").write_bytes(rng.randbytes(4096))
    elif kind == "short-key":
        (folder / "hmac.key").write_bytes(b"abc")
    elif kind == "other-key":
        (folder / "hmac.key").write_bytes(os.urandom(32))


def run(count: int | None = None, seed: int = 0) -> Outcome:
    rounds = count or 20
    rng = random.Random(seed)
    outcome = Outcome("cache_stress", "The cache damaged, deleted mid-run, unwritable, and two checks at once")
    tally = {"runs": 0, "same findings": 0, "errors printed": 0}
    with tempfile.TemporaryDirectory(prefix="nf-cache-stress-") as tmp:
        work = Path(tmp)
        project = work / "novel"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".novelforge"))
        code0, expected, err0 = _finish(_start(project, work / "unused", "--no-cache"))
        if err0.strip():
            outcome.failures.append(f"the reference run printed: {err0.strip()[:200]}")
        for i in range(rounds):
            kind = DAMAGES[i % len(DAMAGES)]
            home = work / f"home-{i}"
            if kind != "read-only":
                _finish(_start(project, home))          # a warm cache to damage
            _damage(kind, home, rng)
            if kind == "read-only":
                # a place no cache folder can be made (a file stands where a folder would),
                # which also holds for root, for whom permission bits mean nothing
                (work / f"file-{i}").write_text("", "utf-8")
                home = work / f"file-{i}" / "cache"
            procs = [_start(project, home), _start(project, home)]
            if kind == "delete-mid-run":
                time.sleep(rng.uniform(0.05, 0.4))
                shutil.rmtree(home / "projects", ignore_errors=True)
            results = [_finish(p) for p in procs]
            results.append(_finish(_start(project, home)))   # and once more, after the damage
            for code, found, err in results:
                tally["runs"] += 1
                if found == expected and code == code0:
                    tally["same findings"] += 1
                else:
                    outcome.failures.append(f"round {i} ({kind}): exit {code} (expected {code0}), "
                                            f"{len(found)} findings (expected {len(expected)})")
                noise = [line for line in err.splitlines() if line.strip()]
                if noise:
                    tally["errors printed"] += 1
                    outcome.failures.append(f"round {i} ({kind}) printed: {noise[-1][:200]}")
    outcome.figures += [("rounds (damage kinds cycled)", f"{rounds} ({', '.join(DAMAGES)})"),
                        ("check runs (two at once, then one after)", str(tally["runs"])),
                        ("runs with the findings and exit code of a run without a cache",
                         f"{tally['same findings']} of {tally['runs']}"),
                        ("runs that printed an error", str(tally["errors printed"]))]
    return outcome
