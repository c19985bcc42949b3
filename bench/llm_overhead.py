#!/usr/bin/env python3
"""What the LLM layer costs a ``check`` without ``--room`` (issue #13): the modules of the
layer that a plain check loads, and their import time.

    python3 bench/llm_overhead.py [--novel war_and_peace] [--repeat 5]

Builds the novel's project (``bench/make_project.py``), warms the analysis cache, then
runs ``python3 -X importtime -m novelforge check DIR --format json --exit-zero`` ``repeat``
times and reports, per module of the layer (``novelforge.llm``, ``novelforge.room``, the
LLM commands' CLI modules, ``novelforge.api.llm`` and ``.room``, the NF70x rule modules)
that the check imported, the median of its own import time, their sum, and the median CPU
time of the whole run.
It fails if ``litellm`` is imported. Prints Markdown; nothing is written.

The time ``bench/speed_ab.py`` measures between the tree before the layer and main also
holds every other change between them; this isolates the layer's share.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAYER = re.compile(r"^(?:novelforge\.(?:llm|room)(?:\.|$)|novelforge\.api\.(?:llm|room)$|"
                   r"novelforge\.rules\.nf70\d_\w+$|"
                   r"novelforge\.cli\.(?:review|summarize|usage|cache|llm_options|room_run)$)")
LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)$")


def run(python: str, project: Path, env: dict) -> tuple[dict[str, int], float, set[str]]:
    cmd = [python, "-X", "importtime", "-m", "novelforge", "check", str(project), "--format", "json", "--exit-zero"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    err = proc.stderr.read()
    proc.stderr.close()
    _pid, status, usage = os.wait4(proc.pid, 0)
    own: dict[str, int] = {}
    names: set[str] = set()
    for line in err.splitlines():
        m = LINE.match(line)
        if m:
            names.add(m.group(4))
            if LAYER.match(m.group(4)):
                own[m.group(4)] = own.get(m.group(4), 0) + int(m.group(1))
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"check failed: {err[-1500:]}")
    return own, usage.ru_utime + usage.ru_stime, names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--novel", default="war_and_peace")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nf-llm-overhead-") as tmp:
        project = Path(tmp) / args.novel
        env = dict(os.environ, PYTHONPATH=str(REPO), NOVELFORGE_CACHE_DIR=str(Path(tmp) / "cache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([args.python, str(REPO / "bench" / "make_project.py"), args.novel, str(project)],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        run(args.python, project, env)                      # the cache and the byte code, outside the timing
        runs = [run(args.python, project, env) for _ in range(args.repeat)]
    heavy = sorted({n for _own, _cpu, names in runs for n in names if n == "litellm" or n.startswith("litellm.")})
    if heavy:
        raise SystemExit(f"check imported {heavy[0]}")
    modules = sorted({m for own, _cpu, _names in runs for m in own})
    print(f"{args.novel}, warm `check --format json` without --room, {args.repeat} runs, "
          f"load average {os.getloadavg()[0]:.1f}, nproc {os.cpu_count()}; litellm imported: no")
    print()
    print("| module of the LLM layer | import ms (median, its own) |")
    print("|---|---:|")
    total = [sum(own.values()) / 1000 for own, _cpu, _names in runs]
    for m in modules:
        print(f"| `{m}` | {statistics.median(own.get(m, 0) for own, _c, _n in runs) / 1000:.1f} |")
    cpu = statistics.median(c for _o, c, _n in runs)
    print(f"| **all of them** | **{statistics.median(total):.1f}** |")
    print()
    print(f"Whole run: CPU median {cpu:.2f} s; the layer's imports are "
          f"{statistics.median(total) / 10 / cpu if cpu else 0:.1f}% of it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
