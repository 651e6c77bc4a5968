"""Pause Python's cyclic garbage collector while a bulk read builds its objects.

Loading a year of metric rows creates hundreds of thousands of small objects (rows,
tuples, lists) and no reference cycles. Each allocation burst makes the collector
re-scan every live object of the process, the org and the rows built so far included:
measured, that was over half the whole-org load time and the 100 ms stalls of the team
view. Reference counting still frees everything as usual; only the cycle search waits
until the read is done.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block (re-entrant, across threads: the collector
    comes back on when the last concurrent block ends, and only if it was on before)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
