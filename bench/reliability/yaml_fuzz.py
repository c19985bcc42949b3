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
from bench.reliability._yaml_places import PLACES, ROOT, Place, prepare

FULL = 1_000
CLI_SHARE = 0.05
CASE_LIMIT = 30.0   # seconds for one in-process case (bounded time)
TRACEBACK = "Traceback (most recent call last)"


# ----------------------------------------------------------------------------- mutations
def _yaml_lines(place: Place, lines: list[str]) -> range:
    """Indexes of the lines of ``lines`` that are YAML (front matter for a Markdown place)."""
    if place.form == "yaml":
        return range(len(lines))
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), len(lines))
    return range(1, max(end, 2))


def _value_lines(place: Place, lines: list[str]) -> list[int]:
    return [i for i in _yaml_lines(place, lines) if i < len(lines) and re.match(r"^\s*[\w-]+:\s*\S", lines[i])]


def _edit_lines(data: bytes, place: Place, rng: random.Random, edit) -> bytes:
    lines = data.decode("utf-8").split("\n")
    edit(lines, rng)
    return "\n".join(lines).encode("utf-8")


def truncate(data: bytes, rng: random.Random, place: Place) -> bytes:
    return data[:rng.randrange(len(data))]


def byte_flips(data: bytes, rng: random.Random, place: Place) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] ^= rng.randrange(1, 256)
    return bytes(out)


def binary(data: bytes, rng: random.Random, place: Place) -> bytes:
    kind = rng.randrange(3)
    if kind == 0:
        return rng.randbytes(rng.randrange(1, 4096))
    if kind == 1:  # printable garbage without NUL: reaches the parser
        return bytes(rng.choice(b"\t\n\r !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~\x7f\x1b\x0c")
                     for _ in range(rng.randrange(1, 4096)))
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randrange(1, 64)) + data[at:]


def invalid_utf8(data: bytes, rng: random.Random, place: Place) -> bytes:
    bad = rng.choice([b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xe2\x82", b"\x80"])
    at = rng.randrange(len(data) + 1)
    return data[:at] + bad + data[at:]


def nul(data: bytes, rng: random.Random, place: Place) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"\x00" * rng.randint(1, 3) + data[at:]


def bom(data: bytes, rng: random.Random, place: Place) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:
        return b"\xef\xbb\xbf" + data
    if kind == 1:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + data
    if kind == 2:
        return b"\xff\xfe" + data.decode("utf-8").encode("utf-16-le")
    if kind == 3:
        return b"\xfe\xff" + data.decode("utf-8").encode("utf-16-be")
    at = rng.randrange(len(data) + 1)  # a BOM in the middle
    return data[:at] + b"\xef\xbb\xbf" + data[at:]


def crlf(data: bytes, rng: random.Random, place: Place) -> bytes:
    kind = rng.randrange(3)
    if kind == 0:
        return data.replace(b"\n", b"\r\n")
    if kind == 1:
        return data.replace(b"\n", b"\r")
    lines = data.split(b"\n")
    return b"\n".join(line + (b"\r" if rng.random() < 0.5 else b"") for line in lines)


def long_line(data: bytes, rng: random.Random, place: Place) -> bytes:
    size = rng.choice([100_000, 1_000_000, 3_000_000])
    word = rng.choice(["ash ", "x", "é", "日本", "a: b ", "[a], ", "- "])
    filler = (word * (size // len(word) + 1))[:size]

    def edit(lines, rng):
        spots = _value_lines(place, lines) or list(_yaml_lines(place, lines))
        i = rng.choice(spots)
        how = rng.randrange(3)
        if how == 0 and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ": " + filler
        elif how == 1:
            lines.insert(i, "note: " + filler)
        else:
            lines.insert(i, filler.replace(" ", "") + ": x")
    return _edit_lines(data, place, rng, edit)


def deep_nesting(data: bytes, rng: random.Random, place: Place) -> bytes:
    depth = rng.choice([50, 99, 100, 101, 1_000, 30_000, 200_000])
    form = rng.randrange(4)
    if form == 0:
        value = "[" * depth + "]" * depth
    elif form == 1:
        value = "{a: " * depth + "1" + "}" * depth
    elif form == 2:
        value = "[" * depth  # never closed
    else:
        value = None

    def edit(lines, rng):
        spots = _value_lines(place, lines) or list(_yaml_lines(place, lines))
        i = rng.choice(spots)
        if value is None:  # a block list nested by `- - -` under a key
            lines[i: i + 1] = [lines[i].split(":", 1)[0] + ":", "  " + "- " * depth + "x"]
        else:
            lines[i] = lines[i].split(":", 1)[0] + ": " + value
    return _edit_lines(data, place, rng, edit)


WRONG = ["[1, 2]", "{a: 1}", "42", "-3", "0", "true", "~", "2024-01-01", "''", "[[]]", "3.5", "[a, [b]]", "{}",
         "'0 chapters'", "5 eons", "[x, y, z]", "{eyes: [1, 2]}", ".inf", "0x10", "2024-01-01 10:00:00"]


def wrong_types(data: bytes, rng: random.Random, place: Place) -> bytes:
    def edit(lines, rng):
        spots = _value_lines(place, lines)
        if not spots:
            return
        i = rng.choice(spots)
        lines[i] = lines[i].split(":", 1)[0] + ": " + rng.choice(WRONG)
    return _edit_lines(data, place, rng, edit)


def duplicate_key(data: bytes, rng: random.Random, place: Place) -> bytes:
    def edit(lines, rng):
        spots = _value_lines(place, lines)
        if not spots:
            return
        i = rng.choice(spots)
        target = rng.choice([j for j in _yaml_lines(place, lines) if j > i] or [i + 1])
        lines.insert(target, lines[i])
    return _edit_lines(data, place, rng, edit)


ODD = ["\u202e", "\u2066", "\u2069", "\u200f", "\u0301\u0301\u0301", "\u2028", "\u2029", "\u0085", "\ufeff",
       "\ufffe", "\uffff", "\u200d", "\U0001F600", "\x7f", "\x1b[31m", "\x0c", "\u00a0", "\u3000", "\U000E0041",
       '"\\ud800"', '"\\udfff\\ud800"', '"\\U0011FFFF"', '"\\x"', '"\\N\\_\\L\\P"', "'\\ud800'", "\t"]


def odd_unicode(data: bytes, rng: random.Random, place: Place) -> bytes:
    odd = rng.choice(ODD)

    def edit(lines, rng):
        spots = _value_lines(place, lines) or list(_yaml_lines(place, lines))
        i = rng.choice(spots)
        line = lines[i]
        if odd.startswith(("\"", "'")) and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + odd
        else:
            at = rng.randrange(len(line) + 1)
            lines[i] = line[:at] + odd + line[at:]
    return _edit_lines(data, place, rng, edit)


SLIPS = [
    lambda line: "\t" + line,
    lambda line: line + ": stray",
    lambda line: line.split(":", 1)[0] + ": [unclosed, list" if ":" in line else line + " [",
    lambda line: line.split(":", 1)[0] + ": {unclosed: map" if ":" in line else line + " {",
    lambda line: line.split(":", 1)[0] + ': "unclosed quote' if ":" in line else line + ' "',
    lambda line: line + "\n---\nsecond: document",
    lambda line: line.split(":", 1)[0] + ": *undefined" if ":" in line else "*undefined",
    lambda line: line.split(":", 1)[0] + ": !custom tag" if ":" in line else "!custom tag",
    lambda line: "? " + line,
    lambda line: "- " + line,
    lambda line: line.split(":", 1)[0] + ": |0\n  text" if ":" in line else line,
    lambda line: "%YAML 2.0\n" + line,
    lambda line: "@" + line,
    lambda line: "`" + line,
    lambda line: "  " + line,
    lambda line: line.split(":", 1)[0] + ": 'it''s' fine' x" if ":" in line else line,
    lambda line: line.split(":", 1)[0] + ': "bad \\q escape"' if ":" in line else line,
    lambda line: line.split(":", 1)[0] + ": &a [1, *a]" if ":" in line else line,
    lambda line: line.split(":", 1)[0] + ": [a, b]: c" if ":" in line else line,
    lambda line: line + "\n...\nafter: end",
    lambda line: line.replace(":", "", 1),
    lambda line: line.replace(": ", ":"),
    lambda line: "<<: 1\n" + line,
    lambda line: line.split(":", 1)[0] + ": " + "9" * 5000 if ":" in line else line,
    lambda line: line.split(":", 1)[0] + ": 2024-02-30" if ":" in line else line,
]


def yaml_slip(data: bytes, rng: random.Random, place: Place) -> bytes:
    slip = rng.choice(SLIPS)

    def edit(lines, rng):
        spots = _value_lines(place, lines) or list(_yaml_lines(place, lines))
        i = rng.choice(spots)
        lines[i] = slip(lines[i])
    return _edit_lines(data, place, rng, edit)


HOSTILE = [
    "x: !!python/object/apply:os.system ['echo ran > {m}']",
    "x: !!python/name:os.system",
    "x: !!binary aGVsbG8=",
    "x: !!set {a, b}",
    "a: &a [1, 2]\nb: [*a, *a, *a]",
    "m0: &m0 {a: 1}\n" + "\n".join(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 20)),
    'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "\n".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 8)),
    "base: &b {eyes: grey}\nwho:\n  <<: *b\n  hair: red",
]


def hostile(data: bytes, rng: random.Random, place: Place) -> bytes:
    doc = rng.choice(HOSTILE).replace("{m}", "/nonexistent/yaml-fuzz-marker")

    def edit(lines, rng):
        spots = list(_yaml_lines(place, lines))
        i = rng.choice(spots[1:] or spots) if place.form == "front" else rng.choice(spots or [0])
        lines[i:i] = doc.split("\n")
    return _edit_lines(data, place, rng, edit)


MUTATIONS = {f.__name__: f for f in (truncate, byte_flips, binary, invalid_utf8, nul, bom, crlf, long_line,
                                     deep_nesting, wrong_types, duplicate_key, odd_unicode, yaml_slip, hostile)}


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


def _cli(root: Path, scratch: Path) -> tuple[int, str, str, int]:
    """(exit code or -signal, stdout, stderr, peak RSS in bytes) of ``novelforge check``."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with open(scratch / "out", "w+b") as out, open(scratch / "err", "w+b") as err:
        proc = subprocess.Popen([sys.executable, "-m", "novelforge", "check", str(root), "--format", "json",
                                 "--no-cache"], cwd=root, env=env, stdout=out, stderr=err)
        deadline = time.monotonic() + 300
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                usage.ru_maxrss * 1024)


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
    cli_rss = 0
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
                    rc, out, err, usage = _cli(root, tmp)
                    cli_rss = max(cli_rss, usage)
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
        ("peak memory", f"harness {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB, "
                        f"command {cli_rss // 2 ** 20} MB"),
        ("cases per second", f"{len(todo) / total:.1f}" if total else "-"),
    ]
    return outcome


if __name__ == "__main__":  # pragma: no cover
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(result.markdown())
