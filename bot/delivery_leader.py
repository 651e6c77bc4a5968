"""Which replica runs the scheduler: poll the leader lock, start/stop the calendar with it.

Every replica polls `scheduler.leader.LeaderLock` (every 2 s by default); the one that
holds it starts the scheduler and calls its `tick` on each poll, the others stand by.
A leader that dies drops its PostgreSQL session, hence the lock, and the next poll of
another replica takes over — within seconds. SQLite has one process: it is always leader.
The jobs themselves plug in through `SchedulerHooks`; none are needed for this loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.engine import make_url

from scheduler.leader import LOCK_KEY, LeaderLock

log = logging.getLogger(__name__)
JobRecorder = Callable[[str, float, bool], None]
"""`record_job(name, seconds, ok)`: how jobs report their runs to `/metrics`."""


def leader_key(database_url: str) -> int:
    """The advisory-lock key: one per database *and schema*, so replicas of one deployment
    share it while other schemas on the same server (tests, staging) do not."""
    options = str(make_url(database_url).query.get("options", ""))
    if "search_path" not in options:
        return LOCK_KEY
    digest = hashlib.sha256(options.encode()).digest()
    return int.from_bytes(digest[:7], "big")


class SchedulerHooks(Protocol):
    """The calendar as the leader loop sees it. Calls run in a worker thread."""

    def start(self, record_job: JobRecorder) -> None: ...

    def stop(self) -> None: ...

    def tick(self) -> None: ...


class LeaderLoop:
    def __init__(
        self,
        lock: LeaderLock,
        hooks: SchedulerHooks | None,
        record_job: JobRecorder,
        *,
        on_change: Callable[[bool], None] | None = None,
        interval: float = 2.0,
    ) -> None:
        self.lock = lock
        self.hooks = hooks
        self.record_job = record_job
        self.on_change = on_change
        self.interval = interval
        self.is_leader = False
        self.running = False

    async def poll(self) -> bool:
        """One round: take or confirm the lock, start/stop/tick the scheduler."""
        held = await asyncio.to_thread(self.lock.try_acquire)
        if held != self.is_leader:
            self.is_leader = held
            log.info("scheduler leadership %s", "taken" if held else "lost")
            if self.on_change is not None:
                self.on_change(held)
        if self.hooks is not None:
            if held and not self.running:
                await asyncio.to_thread(self.hooks.start, self.record_job)
                self.running = True
            elif not held and self.running:
                await self._stop()
            if held:
                await asyncio.to_thread(self.hooks.tick)
        return held

    async def run(self) -> None:
        """Poll until cancelled; a failed round (database down) just means "not leader"."""
        while True:
            try:
                await self.poll()
            except Exception:
                log.exception("leader poll failed")
                if self.is_leader:
                    self.is_leader = False
                    if self.on_change is not None:
                        self.on_change(False)
                    with contextlib.suppress(Exception):
                        await self._stop()
            await asyncio.sleep(self.interval)

    async def close(self) -> None:
        """Stop the scheduler and hand the lock back (shutdown)."""
        with contextlib.suppress(Exception):
            await self._stop()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.lock.release)
        if self.is_leader and self.on_change is not None:
            self.on_change(False)
        self.is_leader = False

    async def _stop(self) -> None:
        if self.hooks is not None and self.running:
            self.running = False
            await asyncio.to_thread(self.hooks.stop)

    def status(self) -> str:
        """`running` on the leader, `standby` elsewhere."""
        return "running" if self.is_leader else "standby"
