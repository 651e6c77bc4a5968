"""Group commit: many events' effects in one transaction, each still all-or-nothing.

Why: a click's rating must be durable before the platform gets its ack, and committing
once per request (plus a worker-thread hop and a fresh session each) is most of what the
webhook path costs under load. Here one writer thread per engine takes every event waiting
in its queue, runs each one's work inside its own SAVEPOINT of a single transaction, commits
once, and only then resolves each caller's future — so an ack still means "durable".

Failure semantics: work that raises rolls back only its savepoint (nothing of that event
is written) and its caller gets the exception at once; if the COMMIT fails, every event of
the batch fails (none of them is acked as done), exactly as if each had failed alone.
SQLite takes the write lock at the start (`BEGIN IMMEDIATE`), so a batch never has to
upgrade a read lock and lose to another writer half-way.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

T = TypeVar("T")
Work = Callable[[Session], Any]

MAX_BATCH = 64
IDLE_SECONDS = 2.0
"""The writer thread exits after this long without work (it restarts on the next event)."""


class GroupCommit:
    """The writer of one engine; `submit` from any thread, `run` from the event loop."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[Future[Any], Work]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False
        self.batches = 0
        self.events = 0

    def submit(self, work: Callable[[Session], T]) -> Future[T]:
        """Queue `work(session)`; the future resolves after the batch's commit."""
        future: Future[T] = Future()
        with self._lock:
            self._queue.put((future, work))
            if not self._running:
                self._running = True
                threading.Thread(
                    target=self._loop, name="perfbot-group-commit", daemon=True
                ).start()
        return future

    def call(self, work: Callable[[Session], T]) -> T:
        """Blocking form, for code already in a worker thread."""
        return self.submit(work).result()

    async def run(self, work: Callable[[Session], T]) -> T:
        """Awaitable form: the event loop keeps serving while the batch commits."""
        return await asyncio.wrap_future(self.submit(work))

    def _loop(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._running = False
                        return
                continue
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._run_batch(batch)

    def _run_batch(self, batch: list[tuple[Future[Any], Work]]) -> None:
        done: list[tuple[Future[Any], Any]] = []  # resolved only after the commit
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                if self.engine.dialect.name == "sqlite":
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                for future, work in batch:
                    if not future.set_running_or_notify_cancel():
                        continue
                    try:
                        with session.begin_nested():
                            result = work(session)
                    except Exception as exc:  # noqa: BLE001 - the caller gets it
                        future.set_exception(exc)
                        continue
                    done.append((future, result))
                session.commit()
        except Exception as exc:  # noqa: BLE001 - BEGIN or COMMIT failed: nothing is durable
            for future, _ in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        self.batches += 1
        self.events += len(done)
        for future, result in done:
            future.set_result(result)


_writers: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def group_commit(engine: Engine) -> GroupCommit:
    """The process's writer for `engine` (one per engine, like the connection pool)."""
    with _writers_lock:
        writer = _writers.get(engine)
        if writer is None:
            writer = GroupCommit(engine)
            _writers[engine] = writer
        return writer
