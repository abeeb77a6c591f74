"""Python's memory management on the hot paths."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off for a bulk computation that builds many objects without reference cycles
    (reference counting frees them): a grading of 1,000 subjects builds ~100,000 (facts, evaluations, rows)
    that live until it ends, and the collector scanned them some thirty times over, moving them into the old
    generation, whose full collection (50–70 ms in a worker) then fell inside one grading in two or three
    (``bench/evaluation.py``). The collector runs again afterwards (and at once, if its threshold was passed);
    a cycle made meanwhile is collected then. Nested use and a collector already off are respected."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
