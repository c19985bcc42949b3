"""``novelforge timeline`` (issue #19): story time against reading order, lanes per
character and location, flashbacks marked, the NF403/NF411/NF412 findings where they are;
text, JSON (golden) and one self-contained HTML page."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from novelforge import api
from novelforge.formats import TIMELINE
from novelforge.timeline import Calendar, StoryTime
from novelforge.timeline.chart import label
from test_stats import run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ember-crown"
BROKEN = ROOT / "tests" / "fixtures" / "broken-novel"
GOLDEN = Path(__file__).resolve().parent / "golden" / "timeline"


@pytest.fixture()
def broken(tmp_path) -> Path:
    return Path(shutil.copytree(BROKEN, tmp_path / "broken", ignore=shutil.ignore_patterns(".novelforge")))


@pytest.fixture()
def book(tmp_path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "book", ignore=shutil.ignore_patterns(".novelforge")))


def by_id(t, scene_id):
    return next(m for m in t.moments if m.id == scene_id)


def test_every_scene_in_reading_order_with_its_story_time(book):
    t = api.timeline(book)
    assert [m.order for m in t.moments] == list(range(1, 18)) and t.scale == "date"
    assert len(t.steps) == 17 and t.steps[0] == "384-11-09 23:00" and t.steps[-1] == "402-04-02 12:00"
    first = t.moments[0]
    assert first.label == "402-03-14 20:00" and first.location == "cinderholt" and "aria" in first.cast
    steps = [m.step for m in t.moments]
    assert sorted(steps) == list(range(17))        # every distinct time one step, in story order


def test_a_flashback_is_a_scene_set_before_the_one_read_before_it(book):
    t = api.timeline(book)
    night = by_id(t, "the-night-of-cinders")
    assert night.flashback and night.declared_flashback and night.step == 0
    assert [m.id for m in t.moments if m.flashback] == ["the-night-of-cinders"]
    # the scene after it, back in the present, is not one
    assert not t.moments[night.order].flashback


def test_the_timeline_findings_are_drawn_where_they_are(broken):
    t = api.timeline(broken)
    found = {(m.id, f.code) for m, f in t.findings}
    assert found == {("the-hall", "NF403"), ("the-gate", "NF411"), ("the-smithy", "NF412")}
    hall = by_id(t, "the-hall")
    assert hall.flashback and not hall.declared_flashback        # undeclared: the NF403 case
    assert hall.findings[0].line == 6 and hall.findings[0].column == 7
    walls = by_id(t, "the-walls")
    assert walls.step is None and walls.when == "the day after" and "not a story time" in walls.problem
    # the project's per-file-ignores are honoured, as in check
    config = broken / "novelforge.yaml"
    text = config.read_text("utf-8")
    assert "per-file-ignores" not in text
    config.write_text(text + '\ncheck:\n  per-file-ignores: {"manuscript/05-the-march/03-*": [NF412]}\n'
                      if "\ncheck:" not in text else text.replace("\ncheck:", '\ncheck:\n  per-file-ignores: '
                                                                 '{"manuscript/05-the-march/03-*": [NF412]}', 1),
                      "utf-8")
    assert not by_id(api.timeline(broken), "the-smithy").findings


def test_lanes_per_character_and_location_in_story_order(book):
    t = api.timeline(book)
    aria = [m.id for m in t.lane("aria", "character")]
    assert aria[0] == "the-night-of-cinders" and "home" in aria
    steps = [m.step for m in t.lane("aria", "character")]
    assert steps == sorted(steps)
    ashvault = [m.id for m in t.lane("ashvault", "location")]
    assert ashvault == ["what-the-crown-hides", "blood-in-the-vault"]
    assert ("ashvault", "the Ashvault") in t.locations or any(k == "ashvault" for k, _n in t.locations)


def test_story_time_labels():
    assert label(StoryTime("day", 12 * 1440 + 19 * 60), Calendar()) == "day 12 19:00"
    cal = Calendar([("Frostmoon", 30), ("Thaw", 28)])
    assert label(StoryTime("date", (402 * 58 + 30 + 13) * 1440), cal) == "14 Thaw 402"


def test_day_counts_and_undated_scenes(book):
    for i, path in enumerate(sorted((book / "manuscript").rglob("*.md"))):
        text = path.read_text("utf-8")
        text = re.sub(r"(?m)^when: .*\n", "" if i % 3 == 0 else f"when: day {20 - i} evening\n", text)
        path.write_text(text, "utf-8")
    t = api.timeline(book)
    assert t.scale == "day"
    assert all(m.step is None for m in t.moments[::3])
    assert sum(m.flashback for m in t.moments) >= 5         # every dated scene is earlier than the last
    text = TIMELINE.render("text", t)
    assert "(no time)" in text and "day 20 19:00" not in text and "↶ flashback" in text


def test_text_json_golden(broken, golden):
    t = api.timeline(broken)
    golden(GOLDEN / "broken-novel.json", TIMELINE.render("json", t))
    golden(GOLDEN / "broken-novel.txt", TIMELINE.render("text", t))
    doc = json.loads(TIMELINE.render("json", t))
    assert next(iter(doc)) == "version" and doc["version"] == 1


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_the_html_page(broken, capsys, tmp_path):
    target = tmp_path / "timeline.html"
    code, out, err = run(capsys, "timeline", str(broken), "-f", "html", "-o", str(target))
    assert code == 0 and out == ""
    page = target.read_text("utf-8")
    parsed = _Tags()
    parsed.feed(page)
    ids = {a.get("id") for _t, a in parsed.tags}
    assert {"chart-order", "chart-lanes", "table-findings", "table-scenes"} <= ids
    assert sum(1 for t, _a in parsed.tags if t == "svg") == 2
    assert not [t for t, _a in parsed.tags if t in ("script", "link", "img", "iframe", "object")]
    assert not re.search(r"(?i)(?:src|href)\s*=|url\(|@import|https?://", page)
    # one finding mark per scene with findings in the order chart, and the table lists all four
    assert page.count("NF411 warning") == 2 and "NF412 error" in page and "NF403 warning" in page
    assert page.count('fill="#e65100"') >= 3


def test_names_are_escaped(broken):
    path = broken / "canon" / "characters" / "bram.yaml"
    path.write_text(re.sub(r"(?m)^name: .*$", 'name: "<img src=x onerror=alert(1)>"', path.read_text("utf-8")),
                    "utf-8")
    page = TIMELINE.render("html", api.timeline(broken))
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_bad_input_exits_2(tmp_path, capsys, book):
    code, out, err = run(capsys, "timeline", str(tmp_path / "nowhere"))
    assert code == 2 and out == "" and err.startswith("error: ")
    code, out, err = run(capsys, "timeline", str(book), "--format", "svg")
    assert code == 2 and out == ""
    assert err.splitlines()[0] == ("error: `--format svg` is not a format of `novelforge timeline`; "
                                   "use one of: text, json, html")
    (book / "novelforge.yaml").write_text("title: [unclosed\n", "utf-8")
    code, out, err = run(capsys, "timeline", str(book))
    assert code == 2 and out == "" and err.startswith("error: novelforge.yaml:")
