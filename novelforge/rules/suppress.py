"""Inline suppressions (``<!-- novelforge-disable-next-line NF210 -->``) and the
count-based baseline."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from novelforge.diagnostics import Diagnostic
from novelforge.project.layout import BASELINE_FILE
from novelforge.text.index import Directive

MAX_BASELINE_BYTES = 64 * 2**20     # a baseline held in memory (the server's, drafting's) past this is refused


@dataclass
class _Window:
    directive: Directive
    first: int
    last: int          # inclusive line range
    codes: frozenset[str]
    used: bool = False

    def covers(self, d: Diagnostic) -> bool:
        return self.first <= d.line <= self.last and (not self.codes or d.code in self.codes or d.name in self.codes)


def _expand(selectors: tuple[str, ...]) -> frozenset[str]:
    """Rule codes named by a comment: codes, names and prefixes (``NF2``) all work; a word
    that is not a rule is kept as written (NF901 reports it)."""
    from novelforge.rules.registry import resolve_selector

    out: set[str] = set()
    for s in selectors:
        out |= resolve_selector(s) or {s}
    return frozenset(out)


def windows(directives: list[Directive], line_count: int) -> list[_Window]:
    """Turn the comments of one file into line windows.

    * ``disable-next-line CODES`` – the line right after the comment
    * ``disable-line CODES`` – the comment's own line
    * ``disable CODES`` … ``enable CODES`` – every line between (to the file end if never enabled)
    No codes means every rule.
    """
    out: list[_Window] = []
    open_ranges: list[_Window] = []
    for d in directives:
        codes = _expand(d.codes)
        if d.kind == "disable-next-line":
            out.append(_Window(d, d.end_line + 1, d.end_line + 1, codes))
        elif d.kind == "disable-line":
            out.append(_Window(d, d.line, d.end_line, codes))
        elif d.kind == "disable":
            w = _Window(d, d.line, line_count, codes)
            out.append(w)
            open_ranges.append(w)
        elif d.kind == "enable":
            # a bare `enable` closes every open range; `enable CODES` the latest that shares a code
            for w in reversed(list(open_ranges)):
                if not codes or w.codes == codes or (codes & w.codes):
                    w.last = d.line
                    open_ranges.remove(w)
                    if codes:
                        break
    return out


def apply_windows(diags: list[Diagnostic], wins: list[_Window]) -> tuple[list[Diagnostic], int]:
    kept: list[Diagnostic] = []
    hidden = 0
    for d in diags:
        hit = False
        for w in wins:
            if w.covers(d):
                w.used = True
                hit = True
        if hit:
            hidden += 1
        else:
            kept.append(d)
    return kept, hidden


def baselinable(d: Diagnostic) -> bool:
    """Whether a finding may go in the baseline: not when its file could not be read (NF001
    broken YAML and the other NF0xx a file that was never read gets), or a broken file would
    go silent."""
    from novelforge.project.problems import NOT_READ

    return d.code not in NOT_READ


def baseline_key(d: Diagnostic) -> str:
    return f"{d.path}\x1f{d.code}\x1f{d.message}"


def read_baseline(root: Path, files=None) -> Counter[str] | None:
    """The recorded findings of ``.novelforge/baseline.json``, by path, code and message.
    A project held in memory (``files``, a :class:`~novelforge.project.memory.MemoryFiles`)
    has its baseline among its files: nothing is read on disk for it."""
    from novelforge.errors import ConfigError
    from novelforge.project.memory import MemoryFiles

    path = root / BASELINE_FILE
    if isinstance(files, MemoryFiles):
        raw = files.read_bytes(files.root / BASELINE_FILE, MAX_BASELINE_BYTES)
        if raw is None:
            return None
        if raw == "too-large":
            raise ConfigError(f"{BASELINE_FILE} is larger than {MAX_BASELINE_BYTES // 2**20} MB", path=BASELINE_FILE,
                              help="delete it and run `novelforge check --update-baseline`")
        text = raw.decode("utf-8", "replace")
    else:
        if not path.is_file():
            return None
        from novelforge.ledger.store import _inside_or_refuse

        try:
            _inside_or_refuse(Path(root), path, BASELINE_FILE)
        except Exception:
            raise ConfigError(f"`{BASELINE_FILE}` is a link to a file outside the project; it was not read",
                              path=BASELINE_FILE,
                              help="copy the file into the project instead of linking to it") from None
        text = None
    line = column = None
    try:
        data = json.loads(text if text is not None else path.read_text("utf-8"))
        entries = data["findings"]
        return Counter({f"{e['path']}\x1f{e['code']}\x1f{e['message']}": int(e["count"]) for e in entries})
    except json.JSONDecodeError as exc:
        line, column = exc.lineno, exc.colno
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    raise ConfigError(f"{BASELINE_FILE} is not a NovelForge baseline file", path=BASELINE_FILE,
                      line=line, column=column,
                      help="delete it and run `novelforge check --update-baseline`")


def write_baseline(root: Path, diags: list[Diagnostic]) -> Path:
    counts = Counter(baseline_key(d) for d in diags if baselinable(d))
    entries = []
    for key in sorted(counts):
        path, code, message = key.split("\x1f", 2)
        entries.append({"path": path, "code": code, "message": message, "count": counts[key]})
    from novelforge.util import atomic_write

    target = root / BASELINE_FILE
    from novelforge.ledger.store import _inside_or_refuse

    _inside_or_refuse(Path(root), target.parent, BASELINE_FILE)
    atomic_write(target, json.dumps({"version": 1, "findings": entries}, indent=1, ensure_ascii=False) + "\n")
    return target


def apply_baseline(diags: list[Diagnostic], baseline: Counter[str]) -> tuple[list[Diagnostic], int]:
    """Hide up to the recorded number of findings per (file, rule, message); the rest are new.
    A file that cannot be read is always reported, whatever the baseline says."""
    remaining = Counter(baseline)
    kept: list[Diagnostic] = []
    hidden = 0
    for d in diags:
        key = baseline_key(d)
        if remaining[key] > 0 and baselinable(d):
            remaining[key] -= 1
            hidden += 1
        else:
            kept.append(d)
    return kept, hidden
