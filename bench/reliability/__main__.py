"""``python3 -m bench.reliability [--only NAME] [--seed N] [--no-write]``: every harness at
full size; writes bench/RELIABILITY_RESULTS.md and exits 1 if any harness failed."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.reliability import HARNESSES  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.reliability")
    parser.add_argument("--only", action="append", choices=HARNESSES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    names = args.only or list(HARNESSES)
    parts = ["# Reliability results", "",
             f"`python3 -m bench.reliability --seed {args.seed}` on {platform.machine()}, "
             f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.", ""]
    failed = False
    for name in names:
        module = importlib.import_module(f"bench.reliability.{name}")
        start = time.perf_counter()
        outcome = module.run(None, args.seed)
        took = time.perf_counter() - start
        outcome.figures.append(("harness time", f"{took:.1f} s"))
        failed |= not outcome.ok
        parts.append(outcome.markdown())
        print(f"{name}: {'ok' if outcome.ok else 'FAILED'} ({took:.1f} s)", file=sys.stderr)
    text = "\n".join(parts)
    print(text)
    if not args.no_write and not args.only:
        (ROOT / "bench" / "RELIABILITY_RESULTS.md").write_text(text, "utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
