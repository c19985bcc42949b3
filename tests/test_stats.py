"""``novelforge stats`` (issue #19): words against targets, status as progress, POV share,
the presence grid, pacing, words per day from git and the goal's projected finish; text,
JSON (golden) and one self-contained HTML page; bad input is one line and exit 2."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gitrepo import commit_all, example_repo, git
from novelforge import api
from novelforge.cli.app import main
from novelforge.errors import ConfigError
from novelforge.formats import STATS
from test_cli import assert_one_line_error

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ember-crown"
GOLDEN = Path(__file__).resolve().parent / "golden" / "stats"
TODAY = date(2026, 12, 1)
SCENE = "manuscript/07-the-kindling/02-home.md"


@pytest.fixture()
def book(tmp_path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "book", ignore=shutil.ignore_patterns(".novelforge")))


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def set_goal(root: Path, text: str) -> None:
    path = root / "novelforge.yaml"
    path.write_text(path.read_text("utf-8") + text, "utf-8")


# ----------------------------------------------------------------------------- the manuscript now
def test_words_targets_and_chapters_add_up(book):
    m = api.stats(book, today=TODAY).manuscript
    assert len(m.scenes) == 17 and len(m.chapters) == 7
    assert m.words == sum(c.words for c in m.chapters) == sum(s.words for s in m.scenes)
    assert m.target == sum(s.target for s in m.scenes if s.target)
    home = next(s for s in m.scenes if s.path == SCENE)
    assert home.target == 550 and home.chapter == 7
    before = home.words
    with open(book / SCENE, "a", encoding="utf-8") as fh:
        fh.write("\nTen more words are added here at the end of it all.\n")
    again = next(s for s in api.stats(book, today=TODAY).manuscript.scenes if s.path == SCENE)
    assert again.words == before + 12


def test_status_is_progress_and_pov_share_counts_words(book):
    m = api.stats(book, today=TODAY).manuscript
    assert list(m.statuses) == ["idea", "outline", "draft", "revised", "final"]
    assert sum(r["scenes"] for r in m.statuses.values()) == 17
    assert 0 < m.progress < 1
    for s in m.scenes:                       # everything final: the book is done
        path = book / s.path
        path.write_text(re.sub(r"(?m)^status: \w+$", "status: final", path.read_text("utf-8")), "utf-8")
    done = api.stats(book, today=TODAY).manuscript
    assert done.statuses["final"]["scenes"] == 17 and done.progress == pytest.approx(1.0)
    assert sum(words for _c, _n, _s, words in m.pov) == m.words
    assert m.pov[0][0] == "aria" and m.pov[0][1] == "Aria Ostrel"


def test_the_presence_grid_comes_from_the_mentions_in_the_prose(book):
    m = api.stats(book, today=TODAY).manuscript
    grid = m.presence
    assert ("maelis", "Maelis") in grid.characters
    maelis_before = grid.mentions["maelis"][6]
    with open(book / SCENE, "a", encoding="utf-8") as fh:
        fh.write("\nShe thought of Maelis, and of Maelis again.\n")
    after = api.stats(book, today=TODAY).manuscript.presence
    assert after.mentions["maelis"][6] == maelis_before + 2
    assert all(len(row) == len(m.chapters) for row in grid.mentions.values())


def test_pacing_dialogue_share_and_sentence_length(book):
    (book / "manuscript" / "08-test").mkdir()
    (book / "manuscript" / "08-test" / "01-talk.md").write_text(
        "---\nstatus: draft\n---\n\n\"One two three four,\" said Aria.\n\nFive six seven eight nine ten.\n", "utf-8")
    m = api.stats(book, today=TODAY).manuscript
    last = m.chapters[-1]
    assert last.words == 12 and last.pacing.dialogue_words == 4
    assert last.pacing.dialogue_share == pytest.approx(4 / 12)
    assert last.pacing.sentences == 2 and last.pacing.mean_sentence == pytest.approx(6.0)


# ----------------------------------------------------------------------------- history and goal
@pytest.fixture()
def repo(tmp_path) -> Path:
    root = example_repo(tmp_path / "repo")                       # 2026-01-05: the whole book
    for day, n in (("2026-11-10", 100), ("2026-11-20", 200), ("2026-11-20", 50), ("2026-11-28", 300)):
        with open(root / SCENE, "a", encoding="utf-8") as fh:
            fh.write("\n" + "word " * n + "\n")
        commit_all(root, f"more on {day}", date=f"{day}T18:00:00+00:00")
    return root


def test_words_per_day_from_git_history(repo):
    result = api.stats(repo, today=TODAY)
    h = result.history
    assert result.history_note is None and h.commits == 5
    days = [(d.isoformat(), added) for d, _words, added in h.days]
    first_total = h.days[0][1]
    assert days == [("2026-01-05", first_total), ("2026-11-10", 100), ("2026-11-20", 250), ("2026-11-28", 300)]
    assert h.days[-1][1] == result.manuscript.words        # the last commit holds what is on disk
    # the pace: from the last commit before the 30-day window (2026-01-05) to today
    assert h.pace_since == date(2026, 1, 5)
    assert h.pace == pytest.approx(650 / (TODAY - date(2026, 1, 5)).days)


def test_the_goal_is_projected_at_the_recent_pace(repo):
    set_goal(repo, "goal: {words: 20000, by: 2027-06-01}\n")
    result = api.stats(repo, today=TODAY)
    g = result.goal
    assert g.words == 20000 and g.by == date(2027, 6, 1) and g.written == result.manuscript.words
    assert g.remaining == 20000 - g.written
    days = -(-g.remaining // 1) / g.pace
    assert (g.finish - TODAY).days == pytest.approx(days, abs=1)
    assert g.on_track is (g.finish <= g.by)
    assert g.needed == pytest.approx(g.remaining / (date(2027, 6, 1) - TODAY).days)
    doc = json.loads(STATS.render("json", result))
    assert doc["goal"]["projected_finish"] == g.finish.isoformat()
    assert doc["history"]["available"] is True and len(doc["history"]["days"]) == 4


def test_a_goal_already_reached(repo):
    set_goal(repo, "goal:\n  words: 1000\n")
    g = api.stats(repo, today=TODAY).goal
    assert g.remaining == 0 and g.finish == TODAY and g.on_track is True and g.by is None


def test_no_git_repository_is_said_once_not_an_error(book, capsys):
    set_goal(book, "goal: {words: 120000, by: 2027-06-01}\n")
    result = api.stats(book, today=TODAY)
    assert result.history is None and "not in a git repository" in result.history_note
    assert result.goal.pace is None and result.goal.finish is None and result.goal.needed is not None
    code, out, err = run(capsys, "stats", str(book))
    assert code == 0 and err == ""
    assert out.count("not in a git repository") == 1


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("goal,message,line", [
    ("goal: {words: -5}\n", "words", 17),
    ("goal:\n  words: 1000\n  by: someday\n", "by", 19),
    ("goal:\n  word: 1000\n", "word", 18),
    ("goal: 120000\n", "goal", 17),
])
def test_a_bad_goal_is_one_positioned_line_and_exit_2(book, capsys, goal, message, line):
    set_goal(book, goal)
    with pytest.raises(ConfigError) as exc:
        api.stats(book, today=TODAY)
    assert exc.value.path == "novelforge.yaml" and exc.value.line == line
    code, out, err = run(capsys, "stats", str(book))
    assert code == 2 and out == ""
    assert_one_line_error(err)
    assert err.startswith(f"error: novelforge.yaml:{line}:") and f"`{message}" in err or message in err


@pytest.mark.parametrize("goal,expected", [
    ("goal: {words: -5}\n", ["`goal.words: -5` should be more than 0"]),
    ("goal:\n  words: lots\n  by: someday\n", ["`goal.words` should be a whole number, not a piece of text",
                                                "`goal.by` is invalid"]),
])
def test_check_reports_a_bad_required_value_once_not_also_as_missing(book, capsys, goal, expected):
    set_goal(book, goal)
    code, out, _err = run(capsys, "check", str(book), "--format", "json", "--exit-zero")
    found = [d["message"] for d in json.loads(out)["diagnostics"] if d["code"] == "NF004"]
    assert code == 0 and len(found) == len(expected)
    assert all(f.startswith(e) for f, e in zip(sorted(found), sorted(expected))), found
    assert not any("missing" in f for f in found)


def test_not_a_project_and_an_unknown_format_exit_2(tmp_path, capsys, book):
    code, out, err = run(capsys, "stats", str(tmp_path / "nowhere"))
    assert code == 2 and out == "" and err.splitlines()[0] == f"error: `{tmp_path / 'nowhere'}` does not exist"
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "stats", str(tmp_path / "empty"))
    assert code == 2 and out == ""
    assert_one_line_error(err)
    code, out, err = run(capsys, "stats", str(book), "--format", "pdf")
    assert code == 2 and out == ""
    assert err.splitlines()[0] == ("error: `--format pdf` is not a format of `novelforge stats`; "
                                   "use one of: text, json, html")


# ----------------------------------------------------------------------------- formats
def test_the_json_golden(book, golden):
    result = api.stats(book, today=TODAY)
    golden(GOLDEN / "ember-crown.json", STATS.render("json", result))
    golden(GOLDEN / "ember-crown.txt", STATS.render("text", result))


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


CHARTS = ("chart-chapters", "chart-status", "chart-pov", "chart-presence", "chart-dialogue", "chart-sentence",
          "chart-history", "chart-daily")


def test_the_html_page_is_self_contained_with_every_chart(repo, capsys, tmp_path):
    set_goal(repo, "goal: {words: 20000, by: 2027-06-01}\n")
    target = tmp_path / "out" / "stats.html"
    code, out, err = run(capsys, "stats", str(repo), "--format", "html", "-o", str(target))
    assert code == 0 and out == "" and "Wrote" in err
    page = target.read_text("utf-8")
    parsed = _Page()
    parsed.feed(page)
    ids = {attrs.get("id") for _tag, attrs in parsed.tags}
    assert set(CHARTS) <= ids
    sections = [attrs["id"] for tag, attrs in parsed.tags if tag == "section" and attrs.get("id") in CHARTS]
    assert len(sections) == len(CHARTS)
    assert sum(1 for tag, _a in parsed.tags if tag == "svg") >= len(CHARTS)
    assert not [t for t, _a in parsed.tags if t in ("script", "link", "img", "iframe", "object")]
    assert not re.search(r"(?i)(?:src|href)\s*=|url\(|@import|https?://(?!www\.w3\.org)", page)
    grid = api.stats(repo, today=TODAY).manuscript.presence
    drawn = sum(1 for cid, _n in grid.characters for n, cast in zip(grid.mentions[cid], grid.present[cid]) if n or cast)
    assert sum(1 for t, a in parsed.tags if t == "rect" and a.get("fill") == "#3949ab") == drawn > 0


def test_names_from_the_project_are_escaped_in_the_page(book):
    path = book / "canon" / "characters" / "maelis.yaml"
    path.write_text(path.read_text("utf-8").replace("name: Maelis", 'name: "<script>alert(1)</script> & Maelis"'),
                    "utf-8")
    chap = book / "manuscript" / "01-ashes" / "chapter.yaml"
    chap.write_text(re.sub(r"(?m)^title: .*$", 'title: "<b onclick=x>Ashes</b>"', chap.read_text("utf-8")), "utf-8")
    page = STATS.render("html", api.stats(book, today=TODAY))
    assert "<script" not in page and "<b onclick" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Maelis" in page
    assert "&lt;b onclick=x&gt;Ashes&lt;/b&gt;" in page


def test_the_text_dashboard(repo):
    set_goal(repo, "goal: {words: 20000, by: 2027-06-01}\n")
    text = STATS.render("text", api.stats(repo, today=TODAY))
    for heading in ("Status", "Chapters", "Point of view", "Who appears where", "Words per day", "Goal: 20,000 words"):
        assert heading in text
    assert "2026-11-20     +250" in text


def test_the_command_does_not_import_git_until_it_runs():
    import subprocess
    import sys

    code = ("import sys, novelforge.cli.app\n"
            "assert 'git' not in sys.modules and 'jinja2' not in sys.modules\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr


def test_history_ignores_files_outside_the_manuscript(repo):
    before = api.stats(repo, today=TODAY).history.days[-1][1]
    (repo / "notes.md").write_text("many words " * 500, "utf-8")
    commit_all(repo, "notes", date="2026-11-29T10:00:00+00:00")
    git(repo, "log", "--oneline")
    h = api.stats(repo, today=TODAY).history
    assert h.days[-1][1] == before and h.commits == 5


def test_a_long_book_gets_columns_and_a_heat_strip(book):
    from novelforge.stats import svg

    for n in range(8, 53):
        folder = book / "manuscript" / f"{n:02d}-more"
        folder.mkdir()
        (folder / "01-scene.md").write_text(f"---\nstatus: idea\n---\n\nBram waited. Day {n} came.\n", "utf-8")
    result = api.stats(book, today=TODAY)
    m = result.manuscript
    assert len(m.chapters) == 52
    bars = svg.chapter_bars(m)
    assert bars["columns"] and len(bars["cols"]) == 52
    assert sum(1 for c in bars["cols"] if c["label"]) <= 21
    grid = svg.presence_grid(m)
    assert not grid["numbered"] and len(grid["heads"]) <= 20
    dialogue, _sentence = svg.pacing_charts(m)
    assert all(c["value"] is None for c in dialogue["cols"])
    page = STATS.render("html", result)
    assert page.count("<svg") >= 6 and len(page) < 400_000
