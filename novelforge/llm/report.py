"""Renderers of ``novelforge usage`` and ``novelforge cache stats`` (formats.USAGE,
formats.CACHE_STATS)."""

from __future__ import annotations

from typing import Any

from novelforge.formats import dump_json
from novelforge.wording import plural


def money(value: float) -> str:
    """``$0.0123``, ``$4.20``."""
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def estimate_text(estimate: Any, **_: Any) -> str:
    """What ``--estimate`` prints: calls, cached answers, tokens and the most it may cost."""
    cost = "an unknown cost (the model has no known price)" if estimate.cost_max is None \
        else f"at most {money(estimate.cost_max)}"
    calls = f"{plural(estimate.calls, 'call')}"
    return (f"would send {calls} ({estimate.cached:,} answered from the cache): {estimate.tokens_in:,} tokens in, "
            f"at most {estimate.tokens_out_max:,} tokens out, {cost}; nothing was sent\n")


def estimate_dict(estimate: Any, **_: Any) -> dict:
    """``--estimate`` for a JSON document."""
    return {"calls": estimate.calls, "cached": estimate.cached, "tokens_in": estimate.tokens_in,
            "tokens_out_max": estimate.tokens_out_max,
            "cost_max": None if estimate.cost_max is None else round(estimate.cost_max, 6)}


def usage_text(report: Any, **_: Any) -> str:
    total = report.total
    lines = [f"LLM usage of {report.project} in {report.month} (UTC), by {report.by}"]
    if total is None or (total.calls == 0 and total.cached == 0):
        lines.append("no calls recorded")
    else:
        head = (report.by, "calls", "cached", "failed", "tokens in", "tokens out", "cost")
        rows = [(g.key, f"{g.calls:,}", f"{g.cached:,}", f"{g.failed:,}", f"{g.tokens_in:,}", f"{g.tokens_out:,}",
                 money(g.cost) + (" +?" if g.unpriced else "")) for g in [*report.groups, total]]
        widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

        def line(cells: tuple) -> str:
            return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        lines.append(line(head))
        lines += [line(r) for r in rows[:-1]]
        lines.append(line(rows[-1]))
        if total.unpriced:
            lines.append(f"+? {plural(total.unpriced, 'call')} to models with no known "
                         "price are not in the cost (give their price under `llm: prices:`)")
    if report.budget is not None:
        spent = total.cost if total is not None else 0.0
        lines.append(f"budget: {money(spent)} of {money(report.budget)} this month "
                     f"({money(max(report.budget - spent, 0.0))} left)")
    return "\n".join(lines) + "\n"


def usage_json(report: Any, **_: Any) -> str:
    from novelforge.formats import USAGE

    return dump_json({"version": USAGE["json"].version, "project": report.project, "month": report.month,
                      "by": report.by, "groups": [g.as_dict() for g in report.groups],
                      "total": report.total.as_dict() if report.total is not None else None,
                      "budget_usd_month": report.budget})


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


_NAMES = {"index": "analysis cache (--index)", "llm": "LLM answers (--llm)"}


def stats_text(stats: Any, **_: Any) -> str:
    lines = [f"caches of {stats.project}"]
    for s in stats.stores:
        what = f"{plural(s['entries'], 'entry')}, {_size(s['bytes'])}" \
            if s["exists"] else "empty"
        if s.get("problem"):
            what = f"cannot be read ({s['problem']})"
        lines.append(f"  {_NAMES.get(s['store'], s['store'])}: {what}  {s['path']}")
    return "\n".join(lines) + "\n"


def stats_json(stats: Any, **_: Any) -> str:
    from novelforge.formats import CACHE_STATS

    return dump_json({"version": CACHE_STATS["json"].version, "project": stats.project, "stores": stats.stores})
