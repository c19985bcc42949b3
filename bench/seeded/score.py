"""Run ``check_project`` and score its findings against the injections.

A finding *finds* an injection when it is in the same file, within ±1 line of the
injected line, and its rule code belongs to the injection's family (``FAMILIES``). A
family's codes are the listed ones that exist, plus any registered rule whose name
matches the family's ``names`` pattern (so a rule that lands later is picked up without
editing this table). A family with no rule scores 0 and is shown as "no rule yet".

False positives:

* seeded run: findings that are near no injection at all (any code) — mostly what the
  untouched text already produces;
* untouched run: error-level findings per 20,000 words (a clean published novel should
  have none; target ≤ 1).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.seeded.inject import Injection

RECALL_OVERALL = 0.90
RECALL_FAMILY = 0.75
FP_ERRORS_PER_20K = 1.0


@dataclass(frozen=True)
class Family:
    id: str
    title: str
    codes: tuple[str, ...] = ()
    names: str | None = None      # regex on rule names, for rules that land later


FAMILIES: list[Family] = [
    Family("eye-colour", "changed eye colour", ("NF402",)),
    Family("hair-colour", "changed hair colour", ("NF402",)),
    Family("height", "changed height (tall → short)", ("NF402",)),
    Family("dead-character", "a dead character speaks or acts", ("NF401",)),
    Family("forbidden-term", "a forbidden term (anachronism)", ("NF301",)),
    Family("misspelled-name", "a misspelled canon name", ("NF205",)),
    Family("time-backwards", "story time runs backwards (`when`)", ("NF403",)),
    Family("item-after-lost", "an item used after it was lost or destroyed", (), r"item|custody|destroyed"),
    Family("knowledge-before-learned", "knowledge before it is learned", ("NF404",)),
    Family("pov-slip", "POV slip (first/third person)", ("NF407",), r"pov-slip|person"),
    Family("tense-slip", "tense slip (present in a past-tense book)", ("NF406",), r"tense"),
    Family("relationship-flip", "relationship flip (brother → sister)", ("NF408",), r"relationship"),
    Family("prefer", "a `prefer` contract's avoided form", ("NF302",)),
    Family("consistency", "the other variant of a `consistency` pair", ("NF303",)),
    Family("pattern", "a `pattern` contract match", ("NF305",)),
]
BY_ID = {f.id: f for f in FAMILIES}


def family_codes() -> dict[str, list[str]]:
    """Family id → the registered rule codes that count for it."""
    from novelforge.rules.registry import RULES, all_rules

    all_rules()  # make sure every rule module is imported
    out: dict[str, list[str]] = {}
    for f in FAMILIES:
        codes = [c for c in f.codes if c in RULES]
        if f.names:
            codes += [r.code for r in RULES.values() if re.search(f.names, r.name) and r.code not in codes]
        out[f.id] = sorted(codes)
    return out


@dataclass
class Finding:
    code: str
    severity: str
    path: str
    line: int
    message: str


@dataclass
class CheckRun:
    findings: list[Finding]
    words: int

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def run_check(root: Path) -> CheckRun:
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import CheckOptions, check_project

    project = load_project(Path(root))
    report = check_project(project, CheckOptions(use_cache=False, use_baseline=False))
    found = [Finding(d.code, d.severity.value, d.path or "", d.line or 0, d.message) for d in report.diagnostics]
    return CheckRun(found, report.words)


@dataclass
class Score:
    novel: str
    injections: list[Injection]
    found: dict[int, list[Finding]]                  # injection index → matching findings
    collateral: list[Finding] = field(default_factory=list)   # near an injection, another family's code
    unmatched: list[Finding] = field(default_factory=list)    # near no injection: false positives
    new_unmatched: list[Finding] = field(default_factory=list)  # … and not in the untouched run
    untouched: CheckRun | None = None
    seeded: CheckRun | None = None

    def per_20k(self) -> float:
        if not self.untouched or not self.untouched.words:
            return 0.0
        return len(self.untouched.errors()) * 20000 / self.untouched.words


def _near(f: Finding, inj: Injection) -> bool:
    return f.path == inj.path and abs(f.line - inj.line) <= 1


def score(novel: str, injections: list[Injection], seeded: CheckRun, untouched: CheckRun | None,
          codes: dict[str, list[str]] | None = None) -> Score:
    codes = codes or family_codes()
    found: dict[int, list[Finding]] = {i: [] for i in range(len(injections))}
    collateral: list[Finding] = []
    unmatched: list[Finding] = []
    for f in seeded.findings:
        near = [i for i, inj in enumerate(injections) if _near(f, inj)]
        hit = [i for i in near if f.code in codes.get(injections[i].family, [])]
        for i in hit:
            found[i].append(f)
        if not near:
            unmatched.append(f)
        elif not hit:
            collateral.append(f)
    new: list[Finding] = []
    if untouched is not None:
        before = Counter((f.code, f.path, _no_digits(f.message)) for f in untouched.findings)
        for f in unmatched:
            key = (f.code, f.path, _no_digits(f.message))
            if before[key]:
                before[key] -= 1
            else:
                new.append(f)
    return Score(novel, injections, found, collateral, unmatched, new, untouched, seeded)


def _no_digits(text: str) -> str:
    return re.sub(r"\d+", "#", text)


@dataclass
class FamilyRow:
    family: Family
    injected: int
    found: int
    codes: list[str]

    @property
    def recall(self) -> float | None:
        return self.found / self.injected if self.injected else None

    @property
    def has_rule(self) -> bool:
        return bool(self.codes)

    @property
    def meets(self) -> bool:
        return self.recall is not None and self.recall >= RECALL_FAMILY


def family_table(scores: list[Score], codes: dict[str, list[str]] | None = None) -> list[FamilyRow]:
    codes = codes or family_codes()
    rows = []
    for fam in FAMILIES:
        n = k = 0
        for s in scores:
            for i, inj in enumerate(s.injections):
                if inj.family == fam.id:
                    n += 1
                    k += bool(s.found[i])
        rows.append(FamilyRow(fam, n, k, codes.get(fam.id, [])))
    return rows


def unknown_families(injections: list[Injection]) -> set[str]:
    return {inj.family for inj in injections if inj.family not in BY_ID}
