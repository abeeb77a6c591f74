"""Work over many subjects that one bad subject must not hold back (the outbox handlers of lists and grades)."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger("outbox")


def in_chunks_then_one_by_one(
    ids: list[int],
    work: Callable[[list[int]], object],
    *,
    size: int,
    faults: tuple[type[BaseException], ...],
    what: str,
) -> list[int]:
    """``work`` over ``ids`` in chunks of ``size`` (a transaction each); a chunk that fails is worked again id by
    id, so one id the work cannot handle (bad data) holds back only itself. Returns the ids that failed alone.
    ``faults`` are nobody's fault (the database away, the task out of time): they are raised at once."""
    failed: list[int] = []
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        try:
            work(chunk)
        except faults:
            raise
        except Exception:
            for one in chunk:
                try:
                    work([one])
                except faults:
                    raise
                except Exception as exc:
                    logger.warning("subject %s not %s: %s", one, what, type(exc).__name__, exc_info=True)
                    failed.append(one)
    return failed
