"""Malformed files in every YAML and Markdown place: 1,000 generated cases.

Each case starts from a valid project (a copy of examples/ember-crown with every YAML place
present, :mod:`bench.reliability._yaml_places`) and mutates one file of one place:
truncation, byte flips, binary, invalid UTF-8, NUL, BOM (UTF-8, UTF-16, twice), CRLF and lone
CR, very long lines, deep nesting (flow and block, below, at and far past the depth limit),
values of the wrong type, duplicate keys, odd Unicode (bidi controls, combining marks,
surrogates in escapes, U+2028, U+FEFF, U+FFFE, escapes), YAML syntax slips and small hostile
documents (tags, aliases, merge keys). The project is then loaded and checked in-process
(:func:`novelforge.project.loader.load_project` and the engine) and, for a seeded 5 % of the
cases, by the real command (``python -m novelforge check --format json --no-cache``).

A case holds when

- nothing raises but NovelForge's own errors (in-process) and no traceback is printed, the
  exit code is never 3 and the command is never killed by a signal;
- every finding has a line and a column (integers from 1);
- every NF001 message is one NovelForge writes (:func:`novelforge.project.yamlwords.is_known`),
  never the parser's words;
- a **broken** file never gives exit 0 and always has an error finding of its own. Broken is
  decided by reading the mutated file again, independently of the check: it is not UTF-8
  text (or holds NUL), its front matter is never closed, its YAML does not parse, or its
  values are not what the place's model accepts (a wrong type, a value out of its choices).
  A mutation that leaves valid YAML with valid values may give exit 0; a key the model does
  not know is a warning, not a broken file.
- the command's exit code is the in-process one.

Full size (``count=None``): 1,000 cases. Deterministic given the seed; the temporary
project is removed at the end.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.reliability import Outcome
from bench.reliability._yaml_mutations import MUTATIONS
from bench.reliability._yaml_places import PLACES, ROOT, Place, prepare

FULL = 1_000
CLI_SHARE = 0.05
CASE_LIMIT = 30.0   # seconds for one in-process case (bounded time)
TRACEBACK = "Traceback (most recent call last)"


# ----------------------------------------------------------------------------- classifying
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def broken(place: Place, data: bytes) -> str | None:
    """Why the mutated file is broken, decided by reading it again; None when it is valid
    YAML with valid values (unknown keys allowed)."""
    from pydantic import ValidationError

    from novelforge.project.loader import _FM_CLOSE
    from novelforge.project.yamlio import YamlSyntaxError, parse_yaml

    text = None
    for mark, codec in _BOMS:   # UTF-16 and UTF-32 are text when a byte-order mark says so
        if data.startswith(mark):
            try:
                text = data[len(mark):].decode(codec)
            except UnicodeDecodeError:
                return f"not {codec[:6].upper()}"
            if "\x00" in text:
                text = None
            break
    if text is None:
        if b"\x00" in data:
            return "binary"
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "not UTF-8"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text.encode("utf-8")) > 10_000_000:
        return "too large"
    offset = 0
    if place.form == "front":
        if not (text.startswith("---\n") or text.rstrip(" \t") == "---" or re.match(r"---[ \t]+\n", text)):
            return None if text.strip() else None  # all body (or empty: a warning)
        first = text.find("\n")
        m = _FM_CLOSE.search(text, first + 1) if first >= 0 else None
        if not m:
            return "unclosed front matter"
        text, offset = text[first + 1:m.start()], 1
    elif not text.strip():
        return None  # an empty file is a warning
    try:
        data_ = parse_yaml(text, offset)
    except YamlSyntaxError:
        return "broken YAML"
    try:
        _validate(place, data_)
    except ValidationError as exc:
        if any(e["type"] != "extra_forbidden" for e in exc.errors()):
            return "wrong values"
    except ValueError as exc:
        return str(exc)
    return None


def _validate(place: Place, data) -> None:
    from novelforge.contracts.models import MODELS
    from novelforge.project import models as M

    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError("not a set of pairs")
    model = {"config": M.ProjectConfig, "chapter": M.ChapterMeta, "part": M.PartMeta, "scene": M.SceneMeta,
             "entity": M.EntityModel, "promise": M.PromiseModel}.get(place.model)
    if model is not None:
        model.model_validate(data)
        return
    for key, value in data.items():
        if place.model == "promises":
            if isinstance(value, str):
                continue
            if not isinstance(value, dict):
                raise ValueError("a promise that is not a set of pairs")
            M.PromiseModel.model_validate(value)
        else:
            if not isinstance(value, dict) or value.get("type") not in MODELS:
                raise ValueError("a contract without a known type")
            MODELS[value["type"]].model_validate(value)


# ----------------------------------------------------------------------------- running
def _in_process(root: Path) -> tuple[int, list, str | None]:
    """(exit code, findings, the exception a user would see as a traceback or None)."""
    from novelforge.errors import NovelForgeError
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import CheckOptions, check_project

    try:
        project = load_project(root)
        report = check_project(project, CheckOptions(use_cache=False, use_baseline=False))
        return int(report.exit_code()), report.diagnostics, None
    except NovelForgeError as exc:
        return int(exc.exit_code), [], None
    except BaseException as exc:  # noqa: BLE001 - what the harness exists to catch
        return 3, [], f"{type(exc).__name__}: {str(exc)[:200]}"


def _cli(root: Path) -> tuple[int, str, str]:
    """(exit code, or minus the signal, stdout, stderr) of ``python -m novelforge check``."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    try:
        result = subprocess.run([sys.executable, "-m", "novelforge", "check", str(root), "--format", "json",
                                 "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return -9, "", "timed out"
    return result.returncode, result.stdout, result.stderr


def _peak_rss() -> int:
    """This process's peak resident memory in bytes (VmHWM: ru_maxrss would carry over what
    a parent had when it forked us)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cases(count: int, seed: int) -> list[tuple[Place, str]]:
    """``count`` (place, mutation) pairs: every pairing once in a seeded order, then again."""
    rng = random.Random(seed)
    pairs = [(p, m) for p in PLACES for m in MUTATIONS]
    out: list[tuple[Place, str]] = []
    while len(out) < count:
        batch = pairs[:]
        rng.shuffle(batch)
        out += batch
    return out[:count]


def run(count: int | None = None, seed: int = 0) -> Outcome:
    from novelforge.project import yamlwords

    count = FULL if count is None else count
    outcome = Outcome("yaml_fuzz", "Malformed YAML and front matter in every place (yaml_fuzz)")
    rng = random.Random(seed)
    todo = cases(count, seed)
    cli = set(rng.sample(range(count), max(1, round(count * CLI_SHARE)))) if count else set()
    tmp = Path(tempfile.mkdtemp(prefix="nf-yaml-fuzz-"))
    stats: Counter = Counter()
    kinds: Counter = Counter()
    broken_kinds: Counter = Counter()
    messages: set[str] = set()
    slowest = (0.0, "")
    started = time.perf_counter()
    try:
        root = prepare(tmp / "book")
        originals = {p.path: (root / p.path).read_bytes() for p in PLACES}
        for i, (place, name) in enumerate(todo):
            case_rng = random.Random(f"{seed}:{i}")
            data = MUTATIONS[name](originals[place.path], case_rng, place)
            label = f"case {i} ({name} in {place.name})"
            path = root / place.path
            path.write_bytes(data)
            try:
                why = broken(place, data)
                kinds[name] += 1
                if why:
                    broken_kinds[why] += 1
                t0 = time.perf_counter()
                code, diags, crash = _in_process(root)
                took = time.perf_counter() - t0
                if took > slowest[0]:
                    slowest = (took, label)
                if took > CASE_LIMIT:
                    outcome.failures.append(f"{label}: took {took:.1f} s")
                if crash:
                    stats["tracebacks"] += 1
                    outcome.failures.append(f"{label}: {crash}")
                elif code == 3:
                    stats["exit 3"] += 1
                    outcome.failures.append(f"{label}: exit 3")
                for d in diags:
                    if not (isinstance(d.line, int) and isinstance(d.column, int) and d.line >= 1 and d.column >= 1):
                        stats["findings without a position"] += 1
                        outcome.failures.append(f"{label}: {d.code} at {d.path}:{d.line}:{d.column}")
                    if d.code == "NF001":
                        messages.add(d.message)
                        if not yamlwords.is_known(d.message):
                            stats["raw parser messages"] += 1
                            outcome.failures.append(f"{label}: NF001 says {d.message!r}")
                own = [d for d in diags if d.path == place.path and d.severity.value == "error"]
                if why:
                    stats["broken"] += 1
                    if code == 0 or (code == 1 and not own):
                        stats["broken files passed"] += 1
                        outcome.failures.append(f"{label}: broken ({why}) but exit {code}, "
                                                f"{len(own)} error(s) on the file")
                if i in cli:
                    stats["through the command"] += 1
                    rc, out, err = _cli(root)
                    if rc < 0 or rc not in (0, 1, 2):
                        stats["command crashed or exit 3"] += 1
                        outcome.failures.append(f"{label}: the command exited {rc}")
                    if TRACEBACK in err:
                        stats["tracebacks"] += 1
                        outcome.failures.append(f"{label}: the command printed a traceback")
                    if rc in (0, 1):
                        try:
                            json.loads(out)
                        except ValueError:
                            outcome.failures.append(f"{label}: the command's JSON does not parse")
                    if rc != code:
                        outcome.failures.append(f"{label}: the command exited {rc}, in-process {code}")
            finally:
                path.write_bytes(originals[place.path])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - started
    outcome.figures += [
        ("cases (one mutated file each, in-process)", f"{len(todo):,}"),
        ("places", f"{len(PLACES)} ({', '.join(p.name for p in PLACES)})"),
        ("mutations", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))),
        ("broken files (by re-reading them)", f"{stats['broken']:,} ("
         + ", ".join(f"{k} {v}" for k, v in broken_kinds.most_common()) + ")"),
        ("through the real command (seeded sample)", f"{stats['through the command']:,}"),
        ("tracebacks", str(stats["tracebacks"])),
        ("exit 3", str(stats["exit 3"])),
        ("command killed by a signal or exit 3", str(stats["command crashed or exit 3"])),
        ("findings without a line and a column", str(stats["findings without a position"])),
        ("broken files that gave exit 0 (or no error of their own)", str(stats["broken files passed"])),
        ("NF001 messages in the parser's words", str(stats["raw parser messages"])),
        ("distinct NF001 messages", str(len(messages))),
        ("slowest case", f"{slowest[0]:.2f} s ({slowest[1]})"),
        ("peak memory of the harness (every in-process case)", f"{_peak_rss() // 2 ** 20} MB"),
        ("cases per second", f"{len(todo) / total:.1f}" if total else "-"),
    ]
    return outcome


if __name__ == "__main__":  # pragma: no cover
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(result.markdown())
