"""Story time: parsing a scene's `when` and ordering scenes in the story's own time.

Accepted forms (case-insensitive):

* ``402-03-14``, ``402-03-14 20:00``, ``1805-07-03T21:30`` — year-month-day, any year ≥ 1;
* ``day 12``, ``day 12 evening``, ``day 3 14:00`` — a day count, for books without dates;
* a part of the day after either: ``dawn``, ``morning``, ``noon``, ``afternoon``, ``dusk``,
  ``evening``, ``night``, ``midnight``;
* ``+2 days``, ``+3 hours``, ``+1 week``, ``+30 minutes`` — relative to the previous
  dated scene in reading order (``same day evening`` too);
* with a custom calendar in ``novelforge.yaml`` (``calendar: {months: [{name: Frostmoon,
  days: 30}, …]}``), ``14 Frostmoon 402`` and ``Frostmoon 14, 402``.

A time is a count of minutes on one of two scales: ``date`` or ``day``. Times on
different scales are never compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARTS_OF_DAY = {"midnight": 0, "dawn": 6 * 60, "sunrise": 6 * 60, "morning": 9 * 60, "noon": 12 * 60,
                "midday": 12 * 60, "afternoon": 15 * 60, "dusk": 18 * 60, "sunset": 18 * 60,
                "evening": 19 * 60, "night": 22 * 60}
_UNITS = {"minute": 1, "min": 1, "hour": 60, "day": 1440, "week": 7 * 1440}
_GREGORIAN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

_ISO = re.compile(r"^(\d{1,5})-(\d{1,2})-(\d{1,2})(?:[ t]+(\d{1,2}):(\d{2}))?(?:\s+(\w+))?$")
_DAY = re.compile(r"^day\s+(\d+)(?:\s+(\d{1,2}):(\d{2}))?(?:\s+(\w+))?$")
_REL = re.compile(r"^\+\s*(\d+)\s*(minute|min|hour|day|week)s?(?:\s+(\w+))?$")
_SAME = re.compile(r"^(?:same day|later)(?:\s+(\w+))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class StoryTime:
    scale: str        # "date" | "day"
    minutes: int

    def __lt__(self, other: "StoryTime") -> bool:
        return self.minutes < other.minutes


class Calendar:
    """Month names and lengths; the default is the Gregorian calendar without leap days
    for years that are not real (story worlds), with them for the others."""

    def __init__(self, months: list[tuple[str, int]] | None = None) -> None:
        self.custom = months is not None
        self.months = months or [(n, d) for n, d in zip(
            ["january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december"], _GREGORIAN)]
        self.by_name = {name.lower(): i for i, (name, _d) in enumerate(self.months)}
        self.year_days = sum(d for _n, d in self.months)

    def days(self, year: int, month: int, day: int) -> int:
        """Days since the calendar's epoch; raises ValueError for a date that does not exist."""
        if not 1 <= month <= len(self.months):
            raise ValueError(f"month {month} does not exist")
        length = self.months[month - 1][1]
        if not self.custom and month == 2 and _leap(year):
            length = 29
        if not 1 <= day <= length:
            raise ValueError(f"day {day} does not exist in month {month}")
        if not self.custom:
            import datetime

            return datetime.date(max(1, year), month, day).toordinal()
        return year * self.year_days + sum(d for _n, d in self.months[:month - 1]) + day - 1


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _part(word: str | None) -> int | None:
    if word is None:
        return 0
    return PARTS_OF_DAY.get(word.lower())


def parse_when(text: str, calendar: Calendar | None = None, previous: StoryTime | None = None) -> StoryTime:
    """Parse a `when` value. Raises ValueError with a sentence for the author."""
    calendar = calendar or Calendar()
    s = " ".join(str(text).strip().lower().split())
    m = _ISO.match(s)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 1:
            raise ValueError("years start at 1")
        minutes = int(m.group(4)) * 60 + int(m.group(5)) if m.group(4) else 0
        part = _part(m.group(6))
        if part is None:
            raise ValueError(f"`{m.group(6)}` is not a part of the day")
        if m.group(4) and int(m.group(4)) > 23 or m.group(5) and int(m.group(5)) > 59:
            raise ValueError("hours go to 23 and minutes to 59")
        return StoryTime("date", calendar.days(year, month, day) * 1440 + (minutes or part))
    m = _DAY.match(s)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3)) if m.group(2) else 0
        part = _part(m.group(4))
        if part is None:
            raise ValueError(f"`{m.group(4)}` is not a part of the day")
        return StoryTime("day", int(m.group(1)) * 1440 + (minutes or part))
    m = _REL.match(s) or _SAME.match(s)
    if m:
        if previous is None:
            raise ValueError("a relative time needs an earlier dated scene")
        if m.re is _SAME:
            part = _part(m.group(1))
            if part is None:
                raise ValueError(f"`{m.group(1)}` is not a part of the day")
            start_of_day = previous.minutes - previous.minutes % 1440
            return StoryTime(previous.scale, max(previous.minutes, start_of_day + part))
        amount = int(m.group(1)) * _UNITS[m.group(2)]
        base = previous.minutes + amount
        part = _part(m.group(3)) if m.group(3) else None
        if m.group(3) and part is None:
            raise ValueError(f"`{m.group(3)}` is not a part of the day")
        if part is not None and m.group(3):
            base = base - base % 1440 + part
        return StoryTime(previous.scale, base)
    named = _named_date(s, calendar)
    if named is not None:
        return named
    raise ValueError("not a story time NovelForge can read (try `402-03-14 20:00`, `day 12 evening` or `+2 days`)")


def _named_date(s: str, calendar: Calendar) -> StoryTime | None:
    """`14 frostmoon 402`, `frostmoon 14, 402` (optionally followed by a time or part of day)."""
    words = re.findall(r"[a-z]+|\d+:\d{2}|\d+", s)
    month = next((w for w in words if w in calendar.by_name), None)
    if month is None:
        return None
    numbers = [int(w) for w in words if w.isdigit()]
    if len(numbers) != 2:
        return None
    day, year = numbers if words.index(str(numbers[0])) < words.index(month) else numbers
    clock = next((w for w in words if ":" in w), None)
    extra = [w for w in words if w.isalpha() and w != month]
    minutes = 0
    if clock:
        h, mi = clock.split(":")
        minutes = int(h) * 60 + int(mi)
    elif extra:
        part = _part(extra[-1])
        if part is None:
            return None
        minutes = part
    return StoryTime("date", calendar.days(year, calendar.by_name[month] + 1, day) * 1440 + minutes)


def calendar_of(project) -> Calendar:
    months = None
    raw = getattr(project.config, "calendar", None)
    if raw and raw.months:
        months = [(m.name, m.days) for m in raw.months]
    return Calendar(months)


def timeline(project) -> tuple[dict[str, StoryTime], dict[str, str]]:
    """Story times of scenes (by path) in reading order, and the `when` values that could
    not be read (path → reason)."""
    cal = calendar_of(project)
    times: dict[str, StoryTime] = {}
    errors: dict[str, str] = {}
    previous: StoryTime | None = None
    for scene in project.scenes:
        when = scene.meta.when
        if not when:
            continue
        try:
            t = parse_when(when, cal, previous)
        except ValueError as exc:
            errors[scene.path] = str(exc)
            continue
        times[scene.path] = t
        if not scene.meta.flashback:
            previous = t
    return times, errors
