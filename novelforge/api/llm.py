"""The LLM layer's bookkeeping commands: what a project spent (``usage``) and its caches
(``cache stats``, ``cache clear``). Opening a client for a command is
:func:`novelforge.llm.open_client`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from novelforge.errors import OptionError

BY = ("day", "command", "model")


@dataclass
class UsageReport:
    """One project's spending in one month, grouped."""

    project: str                       # the project folder
    month: str                         # YYYY-MM (UTC)
    by: str                            # day | command | model
    groups: list = field(default_factory=list)    # novelforge.llm.ledger.Group, sorted by key
    total: object = None                           # a Group: every row of the month
    budget: float | None = None        # llm.budget_usd_month, when set
    ledger: str = ""                   # where the ledger is


@dataclass
class CacheStats:
    """The project's caches: one dict per store (``index``, ``llm``)."""

    project: str
    stores: list[dict] = field(default_factory=list)   # {"store", "path", "exists", "entries", "bytes"}


@dataclass
class CacheCleared:
    """What :func:`cache_clear` removed, per store."""

    project: str
    removed: dict[str, int] = field(default_factory=dict)   # store → entries removed


def usage(project: Path | str | None = None, *, month: str | None = None, by: str = "day") -> UsageReport:
    """What the project spent in ``month`` (``YYYY-MM``; default: this month, UTC),
    grouped ``by`` day, command or model. Reads the ledger only; sends nothing.

    Raises :class:`~novelforge.errors.OptionError` for a ``month`` or ``by`` it cannot
    read, :class:`~novelforge.errors.UsageError` when the ledger cannot be read, and
    :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.api.projects import project_root
    from novelforge.llm.ledger import Ledger, group, ledger_path, project_key, this_month

    if by not in BY:
        raise OptionError("{value} is not a grouping; use one of: " + ", ".join(BY), option="by", value=by)
    if month is None:
        month = this_month()
    elif not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month.strip()):
        raise OptionError("{value} is not a month; write it as YYYY-MM (2026-03)", option="month", value=month)
    month = month.strip()
    root = project_root(project)
    rows = []
    if ledger_path().is_file():
        ledger = Ledger()
        try:
            rows = ledger.rows(project_key(root), month)
        except Exception as exc:     # a damaged or foreign file: say so in one line
            from novelforge.errors import UsageError

            raise UsageError(f"the spend ledger `{ledger_path()}` cannot be read: {exc}",
                             help="move the file away to start a new ledger") from None
        finally:
            ledger.close()
    groups, total = group(rows, by)
    return UsageReport(project=str(root), month=month, by=by, groups=groups, total=total,
                       budget=_budget(root), ledger=str(ledger_path()))


def _budget(root: Path) -> float | None:
    try:
        from novelforge.project.loader import load_config

        return load_config(root).config.llm.budget_usd_month
    except Exception:
        return None


def cache_stats(project: Path | str | None = None) -> CacheStats:
    """The size of the project's analysis cache (``index``) and LLM answer cache (``llm``);
    a store that cannot be read is reported with its ``problem``, never raised.

    Raises :class:`~novelforge.errors.ProjectNotFound` (or
    :class:`~novelforge.errors.PathNotFound`)."""
    from novelforge.api.projects import project_root
    from novelforge.cache_stores import STORES, store_stats

    root = project_root(project)
    return CacheStats(project=str(root), stores=[store_stats(root, s) for s in STORES])


def cache_clear(project: Path | str | None = None, *, llm: bool = False, index: bool = False) -> CacheCleared:
    """Empty the project's LLM answer cache (``llm``), its analysis cache (``index``), or
    both when neither is asked for. The spend ledger is never cleared.

    Raises :class:`~novelforge.errors.UsageError` when a store cannot be trusted or
    removed, and :class:`~novelforge.errors.ProjectNotFound`."""
    from novelforge.api.projects import project_root
    from novelforge.cache_stores import STORES, UnsafeCacheFolder, clear_store
    from novelforge.errors import UsageError

    root = project_root(project)
    wanted = [s for s, on in (("index", index), ("llm", llm)) if on] or list(STORES)
    out = CacheCleared(project=str(root))
    for store in wanted:
        try:
            out.removed[store] = clear_store(root, store)
            if store == "index":                  # and the stored runs of `check` (novelforge/replay.py)
                from novelforge.replay import clear
                from novelforge.search.store import clear_index

                out.removed[store] += clear(root) + clear_index(root)      # and the search index
        except UnsafeCacheFolder as exc:
            raise UsageError(f"the {store} cache was not cleared: {exc}") from None
        except OSError as exc:
            raise UsageError(f"the {store} cache could not be cleared: {exc.strerror or exc}") from None
    return out
