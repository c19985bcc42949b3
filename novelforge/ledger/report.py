"""The ledger report (``novelforge promises``): one row per promise — where it is planted,
where it is paid, how far apart, and its status — rendered as text, JSON or Markdown here and
as a page in :mod:`.html` (both read the rows of :mod:`.rows`, neither imports the other).

The library computes; the CLI prints. JSON shape: docs/promises.md. The formats are the
rows of :data:`novelforge.formats.PROMISES`.
"""

from __future__ import annotations

from novelforge.formats import PROMISES, dump_json
from novelforge.ledger import LedgerEntry, build_ledger
from novelforge.ledger.measure import BookMap, book_map, describe, distance, first, to_end, window_for
from novelforge.ledger.rows import KINDS, STATUSES, LedgerReport, Row, distance_text, where
from novelforge.project.models import Project
from novelforge.text.index import TextIndex
from novelforge.wording import plural

__all__ = ["KINDS", "STATUSES", "LedgerReport", "Row", "build_report", "render", "render_json",
           "render_markdown", "render_text"]

def _row(project: Project, book: BookMap, entry: LedgerEntry) -> Row:
    promise = project.promises.get(entry.id)
    setups = sorted(entry.setups, key=lambda s: (s.order, s.line, s.column))
    payoffs = sorted(entry.payoffs, key=lambda s: (s.order, s.line, s.column))
    window = window_for(project, entry)
    status = entry.status
    s0, p0 = first(setups), first(payoffs)
    dist = None
    if s0 is not None and p0 is not None:
        dist = distance(book, s0, p0)
    elif s0 is not None:
        dist = to_end(book, s0)
        if window is not None and dist[window[1]] > window[0]:
            status = "overdue"
    return Row(entry.id, entry.kind, entry.declared, entry.description,
               promise.model.importance if promise is not None else None, status, setups, payoffs, dist,
               describe(window) if window else None,
               book.at(s0) if s0 else None, book.at(p0) if p0 else None)


def build_report(project: Project, indexes: dict[str, TextIndex], *, open_only: bool = False,
                 kind: str | None = None) -> LedgerReport:
    """The ledger of ``project``; ``open_only`` keeps open and overdue promises, ``kind``
    one kind. Raises ValueError for an unknown kind."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"`{kind}` is not a promise kind; use one of: {', '.join(KINDS)}")
    book = book_map(project, indexes)
    rows = [_row(project, book, e) for e in build_ledger(project, indexes).values()]
    total = len(rows)
    if open_only:
        rows = [r for r in rows if r.status in ("open", "overdue")]
    if kind is not None:
        rows = [r for r in rows if r.kind == kind]
    return LedgerReport(project.config.title, book, rows, filtered=len(rows) < total)


def render_json(report: LedgerReport, **_options) -> str:
    return dump_json(report.to_dict())


def render_markdown(report: LedgerReport, **_options) -> str:
    out = [f"# Promises — {report.title}", "",
           "| id | kind | planted at | paid at | distance | status |", "|---|---|---|---|---|---|"]
    for r in report.rows:
        out.append(f"| `{r.id}` | {r.kind} | {where(r.setups)} | {where(r.payoffs)} | {distance_text(r)} "
                   f"| {r.status} |")
    out += ["", _summary(report)]
    return "\n".join(out) + "\n"


def _summary(report: LedgerReport) -> str:
    """``8 promises: 1 open, 7 paid, …`` (``1 promise`` for one)."""
    c = report.counts()
    n = len(report.rows)
    return f"{plural(n, 'promise')}: " + ", ".join(f"{c[s]} {s}" for s in STATUSES) + "."


STATUS_STYLE = {"paid": "green", "open": "yellow", "overdue": "red", "orphaned": "magenta", "premature": "red"}


def render_text(report: LedgerReport, *, color: bool = False, width: int | None = None, **_options) -> str:
    """A rich table, as text (with ANSI colour when ``color``), at most ``width`` columns wide
    (a terminal's width; by default wide enough for one line per promise). In a narrow terminal
    the places fold inside their columns rather than the lines wrapping across the table."""
    import io

    if not report.rows and report.filtered:
        return "No promise matches the filter.\n"
    if not report.rows:
        return ("No promises yet. Declare them in canon/promises/<id>.yaml and plant them with "
                "`setups:` or `<!-- setup: id -->`; `novelforge promises suggest` finds candidates.\n")

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Promises — {report.title}", title_justify="left")
    for name in ("id", "kind", "planted at", "paid at", "distance", "status"):
        table.add_column(name, overflow="fold", no_wrap=name in ("id", "kind", "status"))
    for r in report.rows:
        table.add_row(r.id, r.kind, where(r.setups), where(r.payoffs), distance_text(r),
                      f"[{STATUS_STYLE.get(r.status, 'white')}]{r.status}[/]")
    buf = io.StringIO()
    console = Console(file=buf, width=width or 200, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None)
    console.print(table)
    console.print(_summary(report), highlight=False)
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())


def render(report: LedgerReport, fmt: str, *, color: bool = False, width: int | None = None) -> str:
    """``report`` as ``fmt`` (a name in :data:`~novelforge.formats.PROMISES`); ``color`` and
    ``width`` apply to text. Raises :class:`~novelforge.errors.UnknownFormat`."""
    return PROMISES.render(fmt, report, color=color, width=width)
