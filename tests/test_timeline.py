"""Story time: parsing `when` and the project timeline."""

from __future__ import annotations

import pytest

from novelforge.project.loader import load_project
from novelforge.timeline import Calendar, StoryTime, parse_when, timeline

DAY = 1440


def test_dates_times_and_parts_of_day():
    base = parse_when("402-03-14")
    assert base.scale == "date"
    assert parse_when("402-03-14 20:00").minutes - base.minutes == 20 * 60
    assert parse_when("402-03-14 evening").minutes - base.minutes == 19 * 60
    assert parse_when("402-03-14T06:30").minutes - base.minutes == 6 * 60 + 30
    assert parse_when("402-03-15").minutes - base.minutes == DAY
    assert parse_when("1805-03-01").minutes - parse_when("1805-02-28").minutes == DAY   # not a leap year
    assert parse_when("1804-03-01").minutes - parse_when("1804-02-28").minutes == 2 * DAY


def test_day_counts_and_relative_times():
    assert parse_when("day 12 evening") == StoryTime("day", 12 * DAY + 19 * 60)
    assert parse_when("Day 3 14:00") == StoryTime("day", 3 * DAY + 14 * 60)
    prev = parse_when("402-03-14 20:00")
    assert parse_when("+2 days", previous=prev).minutes - prev.minutes == 2 * DAY
    assert parse_when("+3 hours", previous=prev).minutes - prev.minutes == 180
    assert parse_when("+1 day morning", previous=prev).minutes - parse_when("402-03-15").minutes == 9 * 60
    assert parse_when("same day night", previous=prev).minutes - parse_when("402-03-14").minutes == 22 * 60


@pytest.mark.parametrize("text, reason", [
    ("402-02-30", "day 30 does not exist"), ("402-13-01", "month 13"), ("the next morning", "not a story time"),
    ("402-03-14 25:00", "hours go to 23"), ("402-03-14 brunch", "not a part of the day"),
    ("+2 days", "needs an earlier dated scene"),
])
def test_unreadable_times(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_when(text)


def test_custom_calendar(tmp_path):
    cal = Calendar([("Frostmoon", 30), ("Thaw", 28)])
    assert parse_when("Thaw 1, 402", cal).minutes - parse_when("30 Frostmoon 402", cal).minutes == DAY
    assert parse_when("1 Frostmoon 403", cal).minutes - parse_when("1 Frostmoon 402", cal).minutes == 58 * DAY
    with pytest.raises(ValueError):
        parse_when("29 Thaw 402", cal)
    root = tmp_path / "n"
    (root / "manuscript/01-a").mkdir(parents=True)
    (root / "novelforge.yaml").write_text(
        "title: T\ncalendar:\n  months: [{name: Frostmoon, days: 30}, {name: Thaw, days: 28}]\n", "utf-8")
    for name, when in (("01-a.md", "30 Frostmoon 402 evening"), ("02-b.md", "Thaw 1, 402"), ("03-c.md", "+2 days")):
        (root / "manuscript/01-a" / name).write_text(f"---\nwhen: {when}\n---\n\nText.\n", "utf-8")
    times, errors = timeline(load_project(root))
    assert errors == {}
    ordered = [times[f"manuscript/01-a/{n}"].minutes for n in ("01-a.md", "02-b.md", "03-c.md")]
    assert ordered == sorted(ordered) and ordered[2] - ordered[1] == 2 * DAY


def test_flashbacks_do_not_move_the_relative_clock(tmp_path):
    root = tmp_path / "n"
    (root / "manuscript/01-a").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    scenes = [("01-a.md", "402-03-14", ""), ("02-b.md", "384-01-01", "flashback: true\n"), ("03-c.md", "+1 day", "")]
    for name, when, extra in scenes:
        (root / "manuscript/01-a" / name).write_text(f"---\nwhen: {when}\n{extra}---\n\nText.\n", "utf-8")
    times, _ = timeline(load_project(root))
    assert times["manuscript/01-a/03-c.md"].minutes - times["manuscript/01-a/01-a.md"].minutes == DAY
