"""The ledger as one self-contained HTML page: inline CSS, an inline SVG chart with every
promise as an arc from setup to payoff across the book, and the table. No scripts, no
external assets."""

from __future__ import annotations

from html import escape

from novelforge.ledger.rows import STATUSES, LedgerReport, distance_text, where
from novelforge.wording import plural

COLORS = {"paid": "#2e7d32", "open": "#d18b00", "overdue": "#c62828", "orphaned": "#8e24aa", "premature": "#1565c0"}
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px 32px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}
p.sum{color:#555;margin:0 0 16px}
svg text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif}
svg.arcs{display:block;width:100%;max-width:1300px;height:auto}
table{border-collapse:collapse;margin-top:20px;font-size:13px;width:100%}
th,td{border-bottom:1px solid #ddd;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}
td.status span{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-size:12px}
code{font-size:12px}
"""


def _chart(report: LedgerReport) -> str:
    rows = report.rows
    label_w, right, top, lane = 190, 30, 48, 34
    width = 1300
    plot = width - label_w - right
    height = top + lane * max(1, len(rows)) + 76
    total = max(1, report.book.total_words)

    def x(words: int) -> float:
        return label_w + plot * words / total

    # drawn 1300 units wide; the page scales it to the window (``svg.arcs`` in the CSS)
    out = [f'<svg class="arcs" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="promise arcs">']
    out.append(f'<rect x="{label_w}" y="{top - 8}" width="{plot}" height="{lane * max(1, len(rows)) + 8}" '
               'fill="#fafafa"/>')
    # chapter ticks
    for num, start, title in report.book.chapter_starts:
        cx = x(start)
        out.append(f'<line x1="{cx:.1f}" y1="{top - 14}" x2="{cx:.1f}" y2="{top + lane * len(rows)}" '
                   'stroke="#ccc" stroke-width="1"/>')
        out.append(f'<text x="{cx + 3:.1f}" y="{top - 18}" font-size="11" fill="#555">Ch {num}</text>')
    axis_y = top + lane * max(1, len(rows)) + 14
    out.append(f'<text x="{label_w}" y="{axis_y}" font-size="11" fill="#777">0 words</text>')
    out.append(f'<text x="{label_w + plot:.1f}" y="{axis_y}" font-size="11" fill="#777" text-anchor="end">'
               f'{report.book.total_words:,} words</text>')
    end_x = x(total)
    for i, r in enumerate(rows):
        base = top + lane * (i + 1) - 8
        color = COLORS.get(r.status, "#555")
        out.append(f'<text x="{label_w - 10}" y="{base}" font-size="12" text-anchor="end" fill="#222">'
                   f'{escape(r.id)}</text>')
        out.append(f'<line x1="{label_w}" y1="{base}" x2="{end_x:.1f}" y2="{base}" stroke="#eee"/>')
        sx = x(r.setup_words) if r.setup_words is not None else None
        px = x(r.payoff_words) if r.payoff_words is not None else None
        title = f"<title>{escape(r.id)}: {escape(r.status)} — {escape(distance_text(r))}</title>"
        if sx is not None and px is not None:
            a, b = sorted((sx, px))
            b = max(b, a + 4)
            h = lane - 12
            out.append(f'<path d="M{a:.1f},{base} C{a:.1f},{base - h} {b:.1f},{base - h} {b:.1f},{base}" '
                       f'fill="none" stroke="{color}" stroke-width="2.5">{title}</path>')
            out.append(f'<circle cx="{sx:.1f}" cy="{base}" r="4.5" fill="{color}"/>')
            out.append(f'<rect x="{px - 4.5:.1f}" y="{base - 4.5}" width="9" height="9" fill="{color}" '
                       f'transform="rotate(45 {px:.1f} {base})"/>')
            for extra in r.payoffs[1:]:
                ex = x(report.book.at(extra))
                out.append(f'<rect x="{ex - 4:.1f}" y="{base - 4}" width="8" height="8" fill="#fff" stroke="{color}" '
                           f'stroke-width="1.5" transform="rotate(45 {ex:.1f} {base})">'
                           '<title>paid again</title></rect>')
        elif sx is not None:
            h = lane - 12
            out.append(f'<path d="M{sx:.1f},{base} C{sx:.1f},{base - h} '
                       f'{end_x - 20:.1f},{base - h} {end_x:.1f},{base - h / 2}" '
                       f'fill="none" stroke="{color}" stroke-width="2.5" stroke-dasharray="7 5">{title}</path>')
            out.append(f'<circle cx="{sx:.1f}" cy="{base}" r="4.5" fill="{color}"/>')
            out.append(f'<path d="M{end_x - 7:.1f},{base - h / 2 - 5} L{end_x:.1f},{base - h / 2} '
                       f'L{end_x - 7:.1f},{base - h / 2 + 5}" fill="none" stroke="{color}" stroke-width="2"/>')
        elif px is not None:
            out.append(f'<rect x="{px - 4.5:.1f}" y="{base - 4.5}" width="9" height="9" fill="{color}" '
                       f'transform="rotate(45 {px:.1f} {base})">{title}</rect>')
    # legend
    ly = top + lane * max(1, len(rows)) + 40
    lx = label_w
    out.append(f'<circle cx="{lx + 6}" cy="{ly - 4}" r="4.5" fill="#555"/>'
               f'<text x="{lx + 16}" y="{ly}" font-size="12">setup</text>')
    lx += 70
    out.append(f'<rect x="{lx + 1.5}" y="{ly - 8.5}" width="9" height="9" fill="#555" '
               f'transform="rotate(45 {lx + 6} {ly - 4})"/>'
               f'<text x="{lx + 16}" y="{ly}" font-size="12">payoff</text>')
    lx += 80
    out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 30}" y2="{ly - 4}" stroke="#555" stroke-width="2.5" '
               f'stroke-dasharray="7 5"/><text x="{lx + 36}" y="{ly}" font-size="12">open: runs to the end</text>')
    lx += 180
    for s in STATUSES:
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" rx="2" fill="{COLORS[s]}"/>'
                   f'<text x="{lx + 17}" y="{ly}" font-size="12">{s}</text>')
        lx += 30 + 7 * len(s)
    out.append(f'<text x="{label_w}" y="{ly + 22}" font-size="11" fill="#777">x axis: position in the book by words; '
               'arc height is the same for every promise</text>')
    out.append("</svg>")
    return "\n".join(out)


def render_html(report: LedgerReport, **_options) -> str:
    c = report.counts()
    summary = f"{plural(len(report.rows), 'promise')} — " + ", ".join(f"{c[s]} {s}" for s in STATUSES)
    rows = []
    for r in report.rows:
        color = COLORS.get(r.status, "#555")
        rows.append(f"<tr><td><code>{escape(r.id)}</code><br><small>{escape(r.description or '')}</small></td>"
                    f"<td>{escape(r.kind)}</td><td>{escape(where(r.setups))}</td><td>{escape(where(r.payoffs))}</td>"
                    f"<td>{escape(distance_text(r))}</td><td class=\"status\"><span style=\"background:{color}\">"
                    f"{escape(r.status)}</span></td></tr>")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Promises — {escape(report.title)}</title><style>{CSS}</style></head><body>\n"
            f"<h1>Promises — {escape(report.title)}</h1><p class=\"sum\">{escape(summary)}; "
            f"{report.book.total_words:,} words in {report.book.chapters} chapters.</p>\n"
            f"{_chart(report)}\n<table><thead><tr><th>id</th><th>kind</th><th>planted at</th><th>paid at</th>"
            f"<th>distance (words / scenes / chapters)</th><th>status</th></tr></thead><tbody>\n"
            + "\n".join(rows) + "\n</tbody></table>\n</body></html>\n")
