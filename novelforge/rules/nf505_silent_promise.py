import re

from novelforge.rules.promise_sites import at_site, ledger
from novelforge.rules.registry import rule


def key_terms(ctx, pid: str) -> tuple[list[str], bool]:
    """The promise's `keywords` (any one is a mention), else the words of its id (all of
    them must appear: `pale-lights` → pale and lights)."""
    promise = ctx.project.promises.get(pid)
    if promise is not None and promise.model.keywords:
        return [k for k in promise.model.keywords if k.strip()], False
    words = [w for w in re.split(r"[-_\s]+", pid) if len(w) >= 3]
    return words or [pid], True


def _found(term: str, text: str) -> bool:
    return re.search(r"\b" + r"\s+".join(map(re.escape, term.lower().split())) + r"\b", text) is not None


@rule("NF505", "silent-promise", "info", "project", reads=("promises", "structure"))
def check(ctx):
    """An open promise has not been mentioned for the last chapters of the book.

    ## What it does
    Off unless `promises: {remind-after: N}` is set in `novelforge.yaml`. For every open
    promise (set up, not yet paid off) planted before the book's last N chapters, looks
    for its key terms in the prose of those chapters — any one of its `keywords`, else
    every word of its id (`pale-lights`: both `pale` and `lights`) — and reports the
    setup when they do not appear.

    ## Why is this bad
    A promise the book stops mentioning fades from the reader's mind; when it is finally
    paid, or not, nobody remembers it was owed. A reminder keeps it alive.

    ## Example
    ```yaml
    # novelforge.yaml
    promises: {remind-after: 3}
    # canon/promises/pale-lights.yaml
    keywords: [pale lights, lights over the peaks]
    ```
    (planted in chapter 1; the last three chapters never mention the lights)

    ## Use instead
    Let a character glance at the northern peaks in one of the last chapters, or pay the
    promise off.
    """
    n = ctx.project.config.promises.remind_after
    if not n:
        return
    last = max((s.chapter.number for s in ctx.project.scenes if s.chapter), default=0)
    since = last - n + 1   # first chapter of the window
    if since <= 1:
        return
    window = [s for s in ctx.project.scenes if s.chapter and s.chapter.number >= since and s.readable]
    text = ctx.memo(("promise-window", since), lambda: "\n".join(ctx.lower(s) for s in window))
    for pid, entry in ledger(ctx).items():
        if not entry.setups or entry.payoffs:
            continue
        setup = min(entry.setups, key=lambda s: (s.order, s.line))
        if setup.chapter >= since:
            continue
        terms, every = key_terms(ctx, pid)
        if (all if every else any)(_found(t, text) for t in terms):
            continue
        shown = (" and " if every else ", ").join(f"`{t}`" for t in terms)
        yield at_site(ctx, setup, pid,
                      f"the open promise `{pid}` is not mentioned in the last "
                      + ("chapter" if n == 1 else f"{n} chapters") + f" (looked for {shown})",
                      help="remind the reader of it in a late chapter, pay it off, or add `keywords` to the promise")
