"""The cyclic garbage collector paused while a project is loaded and checked.

Loading and checking a long book makes some 100,000 objects that live until the report
is printed (models, text indexes, findings) and almost no reference cycles: what is
dropped is freed at once by reference counting. The collector, though, runs every few
hundred allocations and walks the objects of its older generations each time: at 4× War
and Peace the one cost measured to grow faster than the book (0.12 s at 1×, 0.63 s at 4×,
issue #17). Paused, it runs once when the pause ends (when it was on before), so cyclic
garbage made meanwhile is still collected, a bounded few seconds later.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    """No automatic collection inside; nested pauses end with the outermost."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
