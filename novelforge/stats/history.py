"""Words written per day, from git history, and the day the ``goal:`` will be reached.

The words of the manuscript at each commit that touched ``manuscript/`` are counted from
the blobs of that commit (read through :class:`~novelforge.vcs.repo.GitRepo`: plumbing
only, no checkout, no filter or hook runs), each blob counted once however many commits
keep it. A day's words are the words at its last commit less those at the last commit of
an earlier day: what the author added, net of what was cut.

The projection takes the pace of the last :data:`PACE_DAYS` days (from the last commit
before them, or the first commit, to today) and extends it from the words on disk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

PACE_DAYS = 30           # the window the writing pace is measured over
MAX_COMMITS = 5000       # commits read at most, newest first


@dataclass
class History:
    days: list[tuple[date, int, int]] = field(default_factory=list)   # (day, words at its end, words added)
    commits: int = 0
    pace: float = 0.0                # words a day over the pace window
    pace_since: date | None = None   # the window's start


@dataclass
class Goal:
    words: int
    by: date | None
    written: int                     # words now
    today: date
    pace: float | None = None        # words a day (from history), None without history
    finish: date | None = None       # projected, None without a positive pace
    needed: float | None = None      # words a day still needed to finish by `by`

    @property
    def remaining(self) -> int:
        return max(0, self.words - self.written)

    @property
    def share(self) -> float:
        return min(1.0, self.written / self.words) if self.words else 1.0

    @property
    def on_track(self) -> bool | None:
        if self.remaining == 0:
            return True
        if self.by is None or self.finish is None:
            return None if self.by is None else False
        return self.finish <= self.by


def body_words(text: str) -> int:
    """The words of a scene file's prose, as its text index counts them (front matter and
    comments masked)."""
    from novelforge.canon.refs import front_matter
    from novelforge.text.masking import mask

    text = text.replace("\r\n", "\n")
    found = front_matter(text)
    body = 0
    if found is not None:
        close = text.find("\n", found[1] + 1)
        body = len(text) if close == -1 else close + 1
    return len(mask(text, body)[0][body:].split())


def read_history(root, today: date) -> tuple[History | None, str | None]:
    """(the history, None), or (None, why there is none) when the project is not in a git
    repository or no commit holds its manuscript."""
    try:
        from novelforge.vcs.repo import GitError, GitRepo
    except ImportError:                                    # GitPython not installed
        return None, "GitPython is not installed: no words per day"
    try:
        repo = GitRepo(root)
    except GitError:
        return None, "the project is not in a git repository: no words per day and no projection from them"
    try:
        with repo:
            return _walk(repo, today)
    except GitError as exc:
        return None, f"the git history cannot be read ({exc.message}): no words per day"


def _walk(repo, today: date) -> tuple[History | None, str | None]:
    from novelforge.project.layout import MANUSCRIPT, is_scene_name

    commits = list(repo.commits("HEAD", paths=[MANUSCRIPT], limit=MAX_COMMITS)) if repo.has_commits() else []
    if not commits:
        return None, "no commit holds the manuscript yet: no words per day"
    counted: dict[str, int] = {}
    last_of_day: dict[date, int] = {}
    for info in commits:                                   # newest first: the first seen is the day's last
        day = date.fromisoformat(info.date[:10])
        if day in last_of_day:
            continue
        total = 0
        for rel, sha in repo.tree_files(info.sha).items():
            if not (rel.startswith(MANUSCRIPT + "/") and is_scene_name(rel.rsplit("/", 1)[-1])):
                continue
            words = counted.get(sha)
            if words is None:
                data = repo.repo.odb.stream(bytes.fromhex(sha)).read()
                words = counted[sha] = body_words(data.decode("utf-8", "replace"))
            total += words
        last_of_day[day] = total
    history = History(commits=len(commits))
    before = 0
    for day in sorted(last_of_day):
        words = last_of_day[day]
        history.days.append((day, words, words - before))
        before = words
    start = today - timedelta(days=PACE_DAYS)
    earlier = [(d, w) for d, w, _ in history.days if d <= start]
    base_day, base_words = earlier[-1] if earlier else history.days[0][:2]
    span = max(1, (today - base_day).days)
    history.pace = (history.days[-1][1] - base_words) / span
    history.pace_since = base_day
    return history, None


def project_goal(words: int, by: date | None, written: int, today: date, history: History | None) -> Goal:
    goal = Goal(words, by, written, today)
    if history is not None:
        goal.pace = history.pace
        if goal.remaining == 0:
            goal.finish = today
        elif history.pace > 0:
            goal.finish = today + timedelta(days=math.ceil(goal.remaining / history.pace))
    if by is not None and goal.remaining:
        goal.needed = goal.remaining / max(1, (by - today).days)
    return goal
