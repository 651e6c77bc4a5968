"""The outbox dispatcher: due rows → paced sends through each platform's `Sender` → `sent`.

One loop per process claims due rows with a lease and a send slot (`delivery_store`,
`delivery_pacing`), then each row is a task that sleeps until its slot and sends under a
semaphore — many channels in parallel through one shared client per platform, no
per-message process or connection. A row is `sent` only after the platform accepted it:
- 5xx, timeouts and connection errors are retried in the call (tenacity: exponential
  back-off with jitter), then the row goes back to `pending` with a later `not_before`;
  after `max_attempts` it is `dead` and the admins get one DM per batch;
- a 429 (or a platform's own "slow down") pauses the row's scopes for `Retry-After` on
  every replica and returns the row without counting an attempt.
A replica killed mid-send can only duplicate what it had in flight (at most `concurrency`
rows): the platform accepted them but the commit never happened. Slack and WeCom get the
idempotency key with the message; Feishu's `uuid` makes the platform drop the repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.engine import Engine
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from bot import delivery_store as store
from bot.delivery_errors import describe, is_transient, retry_after_of
from bot.delivery_metrics import Metrics
from bot.delivery_pacing import Limits
from bot.delivery_store import Claimed, ClaimSpec, backoff
from handlers.cardjson import card_from_json
from handlers.cards import Card
from handlers.context import utc_now
from handlers.outbox_alerts import notify_dead
from storage.db import session_scope

__all__ = ["Claimed", "Dispatcher", "Sender", "backoff"]
log = logging.getLogger(__name__)


class Sender(Protocol):
    """What the dispatcher needs of a platform: send one card, return the platform's ref.

    Optional `async open()` / `async aclose()` let a sender hold one client session for
    the dispatcher's lifetime."""

    platform: str

    async def send(self, target: str, card: Card, *, key: str) -> str | None: ...


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        senders: Iterable[Sender],
        *,
        clock: Callable[[], datetime] = utc_now,
        max_attempts: int = 5,
        batch: int = 50,
        limits: Limits | None = None,
        metrics: Metrics | None = None,
        concurrency: int = 16,
        lease_seconds: float = 30.0,
        horizon: float = 2.0,
        call_attempts: int = 3,
        poll_interval: float = 1.0,
    ) -> None:
        self.engine = engine
        self.senders = {s.platform: s for s in senders}
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch
        self.limits = limits or Limits()
        self.metrics = metrics or Metrics()
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.horizon = horizon
        self.call_attempts = call_attempts
        self.poll_interval = poll_interval
        self.replica = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.in_flight = 0
        self._sem = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[bool]] = set()
        self._dead: list[tuple[int, str]] = []

    # -- claiming ------------------------------------------------------------------------
    async def claim(self, room: int | None = None) -> list[Claimed]:
        """Lease due rows whose slot is within the horizon (at most `room`)."""
        limit = self.batch if room is None else min(room, self.batch)
        spec = ClaimSpec(
            platforms=sorted(self.senders),
            limit=limit,
            scan=limit * 2,
            lease_seconds=self.lease_seconds,
            horizon=self.horizon,
            token=self.replica,
        )
        return await asyncio.to_thread(store.claim, self.engine, spec, self.limits, self.clock())

    # -- sending -------------------------------------------------------------------------
    async def deliver(self, row: Claimed) -> bool:
        """Wait for the row's slot, send it, record the outcome; True when accepted."""
        if row.delay > 0:
            await asyncio.sleep(row.delay)
        async with self._sem:
            self.in_flight += 1
            start = time.perf_counter()
            try:
                ref = await self._send(row)
            except Exception as exc:
                self.in_flight -= 1
                await self._failed(row, exc)
                return False
            self.in_flight -= 1
            self.metrics.send_seconds.labels(platform=row.platform).observe(
                time.perf_counter() - start
            )
            await asyncio.to_thread(store.mark_sent, self.engine, row.id, ref, self.clock())
        self.metrics.sends.labels(platform=row.platform, result="sent").inc()
        log.debug(
            "outbox sent", extra={"outbox_id": row.id, "key": row.key, "platform": row.platform}
        )
        return True

    async def _send(self, row: Claimed) -> str | None:
        sender = self.senders[row.platform]
        card = card_from_json(row.card)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.call_attempts),
            wait=wait_exponential_jitter(multiplier=0.2, max=5.0, jitter=0.3),
            retry=retry_if_exception(is_transient),
            before_sleep=self._count_retry(row),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await sender.send(row.target, card, key=row.key)
        raise AssertionError("unreachable")  # pragma: no cover - reraise=True

    def _count_retry(self, row: Claimed) -> Callable[[RetryCallState], None]:
        def before_sleep(state: RetryCallState) -> None:
            self.metrics.retries.labels(platform=row.platform).inc()
            exc = state.outcome.exception() if state.outcome else None
            log.info(
                "outbox send retried",
                extra={"outbox_id": row.id, "key": row.key, "platform": row.platform,
                       "attempt": state.attempt_number, "error": describe(exc) if exc else ""},
            )  # fmt: skip

        return before_sleep

    async def _failed(self, row: Claimed, exc: Exception) -> None:
        ids = {"outbox_id": row.id, "key": row.key, "platform": row.platform}
        wait = retry_after_of(exc)
        if wait is not None:
            self.metrics.rate_limited.labels(platform=row.platform).inc()
            self.metrics.sends.labels(platform=row.platform, result="rate_limited").inc()
            log.warning("outbox rate limited", extra={**ids, "retry_after": wait})
            await asyncio.to_thread(
                store.pause, self.engine, self.limits, row.platform, row.target, wait
            )
            until = self.clock() + timedelta(seconds=wait)
            await asyncio.to_thread(
                store.release, self.engine, row.id, self.replica, until, describe(exc)
            )
            return
        error = describe(exc)
        state = await asyncio.to_thread(
            store.mark_failed, self.engine, row.id, self.replica, error, self.clock(),
            self.max_attempts,
        )  # fmt: skip
        result = "dead" if state == "dead" else "failed"
        self.metrics.sends.labels(platform=row.platform, result=result).inc()
        log.warning("outbox send %s", result, extra={**ids, "error": error})
        if state == "dead":
            self._dead.append((row.id, row.key))

    async def flush_dead(self) -> int:
        """One admin DM per batch of rows that died since the last flush."""
        if not self._dead:
            return 0
        batch, self._dead = self._dead, []

        def write() -> int:
            with session_scope(self.engine) as session:
                return notify_dead(session, batch)

        try:
            return await asyncio.to_thread(store.with_db_retry, write)
        except Exception:
            log.exception("dead-row alert failed", extra={"outbox_ids": [i for i, _ in batch]})
            return 0

    # -- loops ---------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Claim what is due now, send it all, wait; returns how many were accepted."""
        rows = await self.claim()
        results = await asyncio.gather(*(self.deliver(r) for r in rows))
        await self.flush_dead()
        return sum(results)

    async def run_forever(self, interval: float | None = None) -> None:
        """Claim and send until cancelled (the app's lifespan cancels it on shutdown)."""
        idle = self.poll_interval if interval is None else interval
        await self._senders_call("open")
        try:
            while True:
                got = 0
                try:
                    room = 2 * self.concurrency - len(self._tasks)
                    rows = await self.claim(room) if room > 0 else []
                    got = len(rows)
                    for row in rows:
                        task = asyncio.create_task(self.deliver(row))
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
                    await self.flush_dead()
                except Exception:  # a database hiccup must not kill the loop
                    log.exception("outbox pass failed")
                if got and self._tasks:
                    await asyncio.wait(
                        set(self._tasks), timeout=self.horizon / 2,
                        return_when=asyncio.FIRST_COMPLETED,
                    )  # fmt: skip
                else:
                    await asyncio.sleep(idle)
        finally:
            await self._shutdown()

    async def _shutdown(self) -> None:
        """Let in-flight sends finish briefly; unsent leased rows come back by lease expiry."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5.0)
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await self._senders_call("aclose")

    async def _senders_call(self, name: str) -> None:
        for sender in self.senders.values():
            method = getattr(sender, name, None)
            if method is not None:
                await method()
