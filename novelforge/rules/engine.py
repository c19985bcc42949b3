"""The check engine: load → index (cached) → rules → filters → suppressions → baseline → report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from novelforge.analysis import Session, keys
from novelforge.cache import ProjectCache, list_of
from novelforge.diagnostics import Diagnostic, Severity
from novelforge.errors import ConfigError, ExitCode
from novelforge.project.layout import CONFIG_FILE
from novelforge.project.models import Project, Scene
from novelforge.rules import suppress
from novelforge.rules.context import Context
from novelforge.rules.registry import RULES, Rule, all_rules, resolve_selector
from novelforge.util import glob_match

if TYPE_CHECKING:
    from novelforge.vcs.affected import ChangeSet


@dataclass
class CheckOptions:
    """Everything that changes what ``check`` reports. CLI flags override the config."""

    select: list[str] | None = None
    ignore: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    extend_ignore: list[str] = field(default_factory=list)
    fail_on: Severity | None = None
    max_warnings: int | None = None
    exit_zero: bool = False
    use_cache: bool = True
    use_baseline: bool = True
    paths: list[str] = field(default_factory=list)   # limit the report to these project paths
    # ``check --changed``: scene rules run on these scenes only, and only findings in them
    # (and in ``report_paths``) are reported; book-wide rules still read the whole book
    scenes: set[str] | None = None
    report_paths: set[str] = field(default_factory=set)
    # ``check --room``: the Writers' Room runs too (a novelforge.room.run.RoomOptions);
    # without it the room's rules (scope `room`, NF7xx) never run
    room: Any = None


@dataclass
class Report:
    project: Project
    diagnostics: list[Diagnostic]
    fail_on: Severity
    max_warnings: int | None = None
    exit_zero: bool = False
    suppressed: int = 0
    baselined: int = 0
    cache_hits: int = 0        # scenes whose index came from the cache
    promises: dict | None = None
    words: int = 0
    from_cache: bool = False   # the whole result was reused: nothing changed since the last run
    checked: int | None = None  # scenes checked when not the whole book (``--changed``)
    outside: int = 0           # findings left out because they are outside ``check PATH``'s paths
    changes: ChangeSet | None = None  # what ``check --changed`` / ``--staged`` compared and checked
    room: Any = None           # what the Writers' Room did (novelforge.room.run.RoomStats), with --room

    @property
    def counts(self) -> Counter[str]:
        return Counter(d.severity.value for d in self.diagnostics)

    def summary(self) -> dict[str, int]:
        c = self.counts
        out = {"scenes": len(self.project.scenes) if self.checked is None else self.checked, "words": self.words,
               "errors": c.get("error", 0), "warnings": c.get("warning", 0), "info": c.get("info", 0)}
        if self.room is not None:
            out["room"] = self.room.as_dict()
        return out

    def exit_code(self) -> ExitCode:
        if self.exit_zero:
            return ExitCode.OK
        if any(d.severity.rank >= self.fail_on.rank for d in self.diagnostics):
            return ExitCode.FINDINGS
        if self.max_warnings is not None and self.counts.get("warning", 0) > self.max_warnings:
            return ExitCode.FINDINGS
        return ExitCode.OK


def selected_codes(select: Iterable[str], ignore: Iterable[str], origin: str = "") -> set[str]:
    """Codes enabled by ``select`` minus ``ignore``; an unknown selector is a config error."""
    chosen: set[str] = set()
    for s in select:
        found = resolve_selector(s)
        if found is None:
            raise ConfigError(f"`{s}` in {origin or 'select'} is not a rule code, prefix or name",
                              help="`novelforge rules` lists every rule")
        chosen |= found
    for s in ignore:
        found = resolve_selector(s)
        if found is None:
            raise ConfigError(f"`{s}` in {origin or 'ignore'} is not a rule code, prefix or name",
                              help="`novelforge rules` lists every rule")
        chosen -= found
    return chosen


def run_rules(ctx: Context, codes: set[str], cache: ProjectCache | None = None,
              scenes: set[str] | None = None) -> list[Diagnostic]:
    """Every selected rule, each through its own view of the session.

    The findings of scene rules are cached per scene (keyed by the scene's text and the
    selection), grouped by what the rules declare they read (``reads=``): a group's
    findings are reused while none of its inputs changed (:mod:`novelforge.analysis.inputs`),
    so editing one scene's prose re-runs the scene rules on that scene only, and editing a
    location re-runs only the rules that read locations. With ``scenes`` (paths), scene
    rules run on those scenes only; book-wide rules always see the whole book. Many scenes
    to run (a cold check) are shared with a second process once every index is in memory
    (:meth:`~novelforge.analysis.Session.shared`): each scene's findings depend
    on that scene and the book-wide facts alone, so either process gives the same."""
    from novelforge.analysis.inputs import Inputs
    from novelforge.analysis.parallel import PARALLEL_MIN_SCENES
    from novelforge.rules.registry import WORLD_FEATURES

    project = ctx.project
    out: list[Diagnostic] = []
    rules: list[Rule] = [r for r in all_rules() if r.code in codes and r.check is not None]
    scene_rules = [(r, ctx.for_rule(r.code)) for r in rules if r.scope == "scene"]
    groups: dict[tuple[str, ...], list] = {}
    for r, view in scene_rules:
        groups.setdefault(r.reads, []).append((r, view))
    group_keys: dict[tuple[str, ...], str] = {}
    selection = None
    if cache is not None and scene_rules:
        inputs = Inputs(ctx.session, {f.__name__: f(ctx, codes) for f in WORLD_FEATURES})
        group_keys = {reads: inputs.of(reads) for reads in groups}
        selection = keys.digest((keys.code_fingerprint(), [r.code for r, _v in scene_rules]))
    # what the cache holds of each scene, and the groups of rules each scene must run again
    plan: list[tuple[Scene, str | None, Any, dict[tuple[str, ...], Any]]] = []
    jobs: list[tuple[int, list[tuple[str, ...]]]] = []
    for scene in project.scenes:
        if scenes is not None and scene.path not in scenes:
            continue
        key = keys.rules_key(selection, scene) if selection else None
        stored = cache.get(key, _rules_shape) if key else None
        found: dict[tuple[str, ...], Any] = {}
        again = []
        for reads, members in groups.items():
            kept = stored.get(group_keys.get(reads, "")) if stored is not None else None
            if kept is None or set(kept) != {r.code for r, _v in members}:
                again.append(reads)
            found[reads] = kept
        if again:
            jobs.append((len(plan), again))
        plan.append((scene, key, stored, found))

    def work(some: list[tuple[int, list[tuple[str, ...]]]]) -> list[dict]:
        return [_scene_findings(ctx, plan[n][0], [(reads, groups[reads]) for reads in again]) for n, again in some]

    # many scenes to run: half of them in a second process. The book-wide facts the rules
    # share are worked out here first (with a cache they were, for its keys), so that the
    # worker inherits them.
    if cache is None and ctx.session.complete and len(jobs) >= PARALLEL_MIN_SCENES:
        for feature in WORLD_FEATURES:
            feature(ctx, codes)
    worked = ctx.session.shared(work, jobs)
    for (n, _again), done in zip(jobs, worked):
        plan[n][3].update(done)
    for scene, key, stored, found in plan:
        by_code: dict[str, list[Diagnostic]] = {}
        for group in found.values():
            by_code.update(group)
        for r, _view in scene_rules:            # in code order, as the rules are
            out.extend(by_code[r.code])
        if key:
            fresh = {group_keys.get(reads, ""): group for reads, group in found.items()}
            if fresh != stored:
                cache.set(key, fresh)
    for r in rules:
        if r.scope == "project":
            out.extend(r.check(ctx.for_rule(r.code)))  # type: ignore[misc]
    return out


def _scene_findings(ctx: Context, scene: Scene, groups: list) -> dict[tuple[str, ...], dict[str, list[Diagnostic]]]:
    """The findings of ``groups`` (``(reads, [(rule, view), …])``) on one scene, by group
    and rule code: what a scene's rules give, worked out in either process."""
    idx = ctx.index(scene)
    return {reads: {r.code: list(r.check(scene, idx, view)) for r, view in members} for reads, members in groups}


def _rules_shape(value) -> bool:
    """A cached entry of scene-rule findings: input-group key → rule code → findings.
    (Read for every scene of every warm or edit run: plain loops, no closure per list.)"""
    if not isinstance(value, dict):
        return False
    for group in value.values():
        if not isinstance(group, dict):
            return False
        for code, found in group.items():
            if not isinstance(code, str) or not isinstance(found, list):
                return False
            for d in found:
                if not isinstance(d, Diagnostic):
                    return False
    return True


def check_project(project: Project, options: CheckOptions | None = None,
                  cache: ProjectCache | None = None) -> Report:
    """Run every selected rule on ``project`` and return the report (nothing is printed).

    Without a ``cache`` one is opened in the project when ``options.use_cache`` is set.
    """
    options = options or CheckOptions()
    own_cache = cache is None and options.use_cache
    if own_cache:
        cache = ProjectCache(project.root)
    from novelforge.analysis.gcpause import paused_gc

    try:
        with paused_gc():
            return _check(project, options, cache if options.use_cache else None)
    finally:
        if own_cache and cache is not None:
            cache.close()


@dataclass
class Settings:
    """The rules a run uses, after the config and the flags are combined."""

    codes: set[str]
    overrides: dict[str, Severity]
    per_file: list[tuple[str, set[str]]]

    def severity(self, code: str) -> Severity:
        return self.overrides.get(code, RULES[code].severity)


def resolve_settings(project: Project, options: CheckOptions | None = None) -> Settings:
    """Which rules run and at what severity. Raises ConfigError (with the line in
    ``novelforge.yaml``) for a selector that names no rule."""
    options = options or CheckOptions()
    cfg = project.config.check
    _check_config_selectors(project)
    select = options.select if options.select is not None else cfg.select
    ignore = list(options.ignore if options.ignore is not None else cfg.ignore) + options.extend_ignore
    codes = selected_codes(list(select) + options.extend_select, ignore)
    # like a syntax error in ruff, a file that cannot be read is reported whatever the
    # selection, unless its code is ignored explicitly
    ignored = selected_codes(["ALL"], []) - selected_codes(["ALL"], ignore)
    codes |= {c for c in RULES if c.startswith("NF0")} - ignored
    overrides: dict[str, Severity] = {}
    for sel, sev in cfg.severity.items():
        for c in resolve_selector(sel) or ():
            overrides[c] = sev
    per_file = [(pattern, selected_codes(sels, [])) for pattern, sels in cfg.per_file_ignores.items()]
    return Settings(codes, overrides, per_file)


def run_codes(project: Project, options: CheckOptions) -> set[str]:
    """The codes a run uses: the selection, without the Writers' Room's unless ``room``."""
    from novelforge.rules.registry import room_codes

    codes = resolve_settings(project, options).codes
    return codes if options.room is not None else codes - room_codes()


def _check(project: Project, options: CheckOptions, cache: ProjectCache | None) -> Report:
    settings = resolve_settings(project, options)
    codes, overrides, per_file = run_codes(project, options), settings.overrides, settings.per_file
    baseline = suppress.read_baseline(project.root, project.files) if options.use_baseline else None
    run_key = None
    if cache is not None and options.room is None:   # a room run asks the response cache instead
        run_key = keys.run_key(project, codes, overrides, per_file, baseline, options.scenes)
        cached = cache.get(run_key, _run_shape)
        if cached is not None:
            kept, suppressed, baselined, words, promises = cached
            readable = sum(1 for s in project.scenes if s.readable and _checked(options, s.path))
            report = _report(project, options, kept, suppressed, baselined, readable, words, promises)
            report.from_cache = True
            return report

    # `--changed`: the checked scenes up front; book-wide rules pull in what they need
    session = Session(project, cache, focus=options.scenes).start()
    hits = session.hits
    # scene rules on a few scenes (`--changed`): no book-wide cache key to work out
    rule_cache = cache if options.scenes is None else None
    ctx = Context(session)
    found = list(project.diagnostics) + run_rules(ctx, codes, rule_cache, options.scenes)
    room = None
    if options.room is not None:
        from novelforge.room.run import RoomStats, run_room

        room = RoomStats()
        reviewers = [RULES[c].check() for c in sorted(codes) if RULES[c].scope == "room" and RULES[c].check]
        found += run_room(session, reviewers, options.room, room, options.scenes, failures="NF704" in codes)

    # filters: selection (load findings too), per-file ignores, severity overrides
    kept: list[Diagnostic] = []
    for d in found:
        if d.code not in codes:
            continue
        if any(d.code in ign and glob_match(d.path, pat) for pat, ign in per_file):
            continue
        if d.code in overrides and overrides[d.code] != d.severity:
            d = d.with_severity(overrides[d.code])
        kept.append(d)

    # inline suppressions, then unused ones (NF901)
    kept, suppressed = _apply_suppressions(project, ctx, kept, codes, overrides, per_file, options.scenes)

    baselined = 0
    if baseline is not None:
        kept, baselined = suppress.apply_baseline(kept, baseline)

    kept.sort(key=Diagnostic.sort_key)
    words = session.words()
    promises = session.promise_summary() if options.scenes is None else None
    if cache is not None and run_key is not None:
        cache.set(run_key, (kept, suppressed, baselined, words, promises))
        cache.flush()
    report = _report(project, options, kept, suppressed, baselined, hits, words, promises)
    report.room = room
    return report


def _run_shape(value) -> bool:
    """What a cached run holds: (findings, suppressed, baselined, words, promise summary)."""
    return (isinstance(value, tuple) and len(value) == 5 and list_of(Diagnostic)(value[0])
            and all(isinstance(n, int) for n in value[1:4]) and isinstance(value[4], (dict, type(None))))


def _checked(options: CheckOptions, path: str) -> bool:
    return options.scenes is None or path in options.scenes


def _report(project: Project, options: CheckOptions, kept: list[Diagnostic], suppressed: int, baselined: int,
            hits: int, words: int, promises: dict) -> Report:
    cfg = project.config.check
    if options.scenes is not None:
        wanted = options.scenes | options.report_paths
        kept = [d for d in kept if d.path in wanted]
    if options.paths:
        prefixes = [p.rstrip("/") for p in options.paths]
        inside = [d for d in kept if any(d.path == p or d.path.startswith(p + "/") for p in prefixes)]
        outside, kept = len(kept) - len(inside), inside
    report = Report(project, kept, options.fail_on or cfg.fail_on,
                    options.max_warnings if options.max_warnings is not None else cfg.max_warnings,
                    options.exit_zero, suppressed, baselined, hits, promises, words)
    if options.scenes is not None:
        report.checked = sum(1 for s in project.scenes if s.path in options.scenes)
    if options.paths:   # the summary counts what is shown: the scenes under the paths
        shown = [s for s in project.scenes if (options.scenes is None or s.path in options.scenes)
                 and any(s.path == p or s.path.startswith(p + "/") for p in prefixes)]
        report.checked, report.outside = len(shown), outside
        report.words = sum(len(s.body.split()) for s in shown)
    return report


def _check_config_selectors(project: Project) -> None:
    """An unknown rule in ``novelforge.yaml`` is a configuration error at its line."""
    cfg = project.config.check
    doc = project.config_doc
    entries: list[tuple[str, tuple, bool, str]] = []
    for key, values in (("select", cfg.select), ("ignore", cfg.ignore)):
        entries += [(v, ("check", key, i), False, f"`check: {key}`") for i, v in enumerate(values)]
    entries += [(sel, ("check", "severity", sel), True, "`check: severity`") for sel in cfg.severity]
    for pattern, values in cfg.per_file_ignores.items():
        entries += [(v, ("check", "per-file-ignores", pattern, i), False, f"`per-file-ignores` for `{pattern}`")
                    for i, v in enumerate(values)]
    for value, keypath, at_key, where in entries:
        if resolve_selector(value) is None:
            line, col = doc.position(keypath, key=at_key) if doc is not None else (None, None)
            from novelforge.project.loader import suggest

            hint = suggest(value.upper(), list(RULES)) or suggest(value.lower(), [r.name for r in RULES.values()])
            raise ConfigError(f"`{value}` in {where} is not a rule code, prefix or name"
                              + (f" — did you mean `{hint}`?" if hint else ""),
                              path=CONFIG_FILE, line=line, column=col,
                              help="`novelforge rules` lists every rule")


def _room(codes: set[str]) -> set[str]:
    return {c for c in codes if RULES[c].scope == "room"}


def _apply_suppressions(project: Project, ctx: Context, diags: list[Diagnostic], codes: set[str],
                        overrides: dict[str, Severity],
                        per_file: list[tuple[str, set[str]]] = (),
                        checked: set[str] | None = None) -> tuple[list[Diagnostic], int]:
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diags:
        by_path.setdefault(d.path, []).append(d)
    out: list[Diagnostic] = []
    hidden_total = 0
    unused: list[Diagnostic] = []
    for scene in project.scenes:
        if checked is not None and scene.path not in checked:
            continue   # not checked (`--changed`): none of its findings is reported, and its
            #            scene rules did not run, so its suppressions cannot be judged
        idx = ctx.session.index(scene)
        if idx is None or not idx.directives:
            continue
        wins = suppress.windows(idx.directives, scene.line_index.line_count)
        mine = by_path.pop(scene.path, [])
        kept, hidden = suppress.apply_windows(mine, wins)
        hidden_total += hidden
        out.extend(kept)
        if "NF901" in codes and not any("NF901" in ign and glob_match(scene.path, pat) for pat, ign in per_file):
            unused.extend(_unused(scene, wins, ctx, codes))
    for rest in by_path.values():
        out.extend(rest)
    sev = overrides.get("NF901")
    out.extend(d.with_severity(sev) if sev else d for d in unused)
    return out, hidden_total


def _unused(scene, wins, ctx: Context, codes: set[str] | None = None) -> list[Diagnostic]:
    """NF901 findings for the windows of one scene. A suppression is judged only against
    rules that ran: one naming a rule left out of this run (``--select NF2``) may well be
    needed by a full run, and a blanket one (no codes) only when every rule ran."""
    out = []
    ran = set(RULES if codes is None else codes) - {"NF901"}
    # every rule: the Writers' Room's only when it ran (`--room`)
    every = {c for c, r in RULES.items() if c != "NF901" and (r.scope != "room" or _room(ran))}
    for w in wins:
        d = w.directive
        bad = [c for c in d.codes if resolve_selector(c) is None]
        if bad:
            msg = f"the suppression names `{bad[0]}`, which is not a NovelForge rule"
        elif w.used:
            continue
        elif d.kind == "enable":
            continue
        elif (d.codes and not w.codes <= ran) or (not d.codes and ran != every):
            continue
        else:
            what = ", ".join(d.codes) if d.codes else "all rules"
            msg = f"this suppression of {what} hides nothing; remove it"
        rule = RULES["NF901"]
        out.append(Diagnostic("NF901", rule.name, rule.severity, msg, scene.path, d.line, d.column,
                              d.end_line, d.column, scene=scene.id,
                              help="delete the comment, or fix the code it names"))
    return out
