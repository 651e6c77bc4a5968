"""How `perfbot serve` (and `perfbot demo`) run the app: uvicorn, after tuning the
process the way a long-running server wants it.

Why the garbage collector: measured on the webhook benchmark, Python's cyclic collector
took ≈ 35 µs of every review submission (more than the database writes): full
collections re-scanned the ≈ 160,000 objects start-up leaves behind (modules, the app,
its routes), and young collections ran whenever a few hundred requests' parsed payloads
were in flight at once. Those objects live until exit, so start-up ends with them frozen
out of the collector (`gc.freeze`), and the young generation may grow to
`PERFBOT_GC_YOUNG_THRESHOLD` objects before it is collected. Request data is freed by
reference counting either way; only reference cycles wait for the collector.
"""

from __future__ import annotations

import gc
from typing import Any

from bot.settings import Settings


def tune_gc(young_threshold: int) -> None:
    """Freeze what exists now and raise the young-generation threshold (0: leave both)."""
    if young_threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young_threshold, middle, old)


def run(app: Any, settings: Settings, *, host: str, port: int, log_level: str = "info") -> None:
    """Serve `app` with uvicorn (one worker) until stopped."""
    import uvicorn

    tune_gc(settings.gc_young_threshold)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
