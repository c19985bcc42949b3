"""``novelforge timeline``: story time against reading order, built from the story times
:func:`novelforge.timeline.timeline` reads (the ones NF403, NF405, NF411 and NF412 check).

Every scene in reading order gets its story time (or none: no ``when``, or one that cannot
be read), its cast (``pov`` and ``characters``), its location and the timeline findings in
it. A scene is a *flashback* when its story time is before that of the dated scene read
just before it (on the same scale), whether or not it says ``flashback: true``.

The axis is the story's own order: every distinct story time of the book's main scale
(dates, or day counts when most scenes count days) gets one step, so a flashback of twenty
years and the next morning are both readable; the label of each step says when it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from novelforge.timeline import Calendar, StoryTime, calendar_of

RULES = ("NF403", "NF411", "NF412")


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    line: int
    column: int


@dataclass
class Moment:
    """One scene on the timeline."""

    order: int                       # 1-based reading order
    id: str
    path: str
    title: str | None
    chapter: int
    when: str | None                 # as written
    time: StoryTime | None
    label: str | None                # the story time in words (`402-03-14 20:00`)
    problem: str | None              # why `when` cannot be read
    location: str | None
    cast: tuple[str, ...]
    declared_flashback: bool
    flashback: bool = False          # before the dated scene read before it
    step: int | None = None          # position on the axis (0-based), None: not on it
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Timeline:
    title: str
    scale: str | None                # "date" | "day" | None (nothing dated)
    moments: list[Moment]
    steps: list[str]                 # the axis: one label per distinct story time
    characters: list[tuple[str, str]]   # (id, name) of every character in some cast, by first appearance
    locations: list[tuple[str, str]]    # (id, name)

    def lane(self, key: str, kind: str) -> list[Moment]:
        """The scenes of one character's (``kind="character"``) or location's lane, in story order."""
        found = [m for m in self.moments if m.step is not None
                 and (key in m.cast if kind == "character" else m.location == key)]
        return sorted(found, key=lambda m: (m.step, m.order))

    @property
    def findings(self) -> list[tuple[Moment, Finding]]:
        return [(m, f) for m in self.moments for f in m.findings]


def label(t: StoryTime, cal: Calendar) -> str:
    days, minutes = divmod(t.minutes, 1440)
    clock = f" {minutes // 60:02d}:{minutes % 60:02d}" if minutes else ""
    if t.scale == "day":
        return f"day {days}{clock}"
    if not cal.custom:
        return date.fromordinal(max(1, days)).isoformat().lstrip("0") + clock
    year, rest = divmod(days, cal.year_days)
    for name, length in cal.months:
        if rest < length:
            return f"{rest + 1} {name} {year}{clock}"
        rest -= length
    return f"year {year}{clock}"


def build(project, diagnostics) -> Timeline:
    """The timeline of ``project``; ``diagnostics`` are the findings of :data:`RULES`."""
    from novelforge.timeline import timeline

    times, errors = timeline(project)
    cal = calendar_of(project)
    characters = project.canon.get("characters", {})
    locations = project.canon.get("locations", {})
    by_path: dict[str, list[Finding]] = {}
    for d in diagnostics:
        if d.code in RULES and d.path:
            by_path.setdefault(d.path, []).append(Finding(d.code, str(getattr(d.severity, "value", d.severity)),
                                                          d.message, d.line or 1, d.column or 1))
    scales = [t.scale for t in times.values()]
    scale = max(("date", "day"), key=scales.count) if scales else None
    moments: list[Moment] = []
    previous: StoryTime | None = None
    cast_order: list[str] = []
    place_order: list[str] = []
    for i, scene in enumerate(project.scenes):
        meta = scene.meta
        t = times.get(scene.path)
        cast = tuple(dict.fromkeys(([meta.pov] if meta.pov else []) + list(meta.characters)))
        m = Moment(i + 1, scene.id, scene.path, meta.title, scene.chapter.number if scene.chapter else 0, meta.when,
                   t, label(t, cal) if t is not None else None, errors.get(scene.path), meta.location, cast,
                   bool(meta.flashback), findings=sorted(by_path.get(scene.path, []), key=lambda f: (f.line, f.code)))
        if t is not None and t.scale == scale:
            m.flashback = previous is not None and t.minutes < previous.minutes
            previous = t
        moments.append(m)
        cast_order += [c for c in cast if c not in cast_order]
        if meta.location and meta.location not in place_order:
            place_order.append(meta.location)
    distinct = sorted({m.time.minutes for m in moments if m.time is not None and m.time.scale == scale})
    step_of = {minutes: i for i, minutes in enumerate(distinct)}
    for m in moments:
        if m.time is not None and m.time.scale == scale:
            m.step = step_of[m.time.minutes]
    steps = [label(StoryTime(scale, minutes), cal) for minutes in distinct] if scale else []

    def name(table, key: str) -> str:
        entity = table.get(key)
        return entity.name if entity is not None else key

    return Timeline(project.config.title, scale, moments, steps, [(c, name(characters, c)) for c in cast_order],
                    [(p, name(locations, p)) for p in place_order])
