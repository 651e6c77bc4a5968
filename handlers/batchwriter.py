"""The batch writer: many fast-path events' writes in one transaction, set-based.

One writer thread per engine takes every job waiting in its queue and, in one transaction:
reads the snapshot generation (the jobs planned at another generation are re-run on the
general path, `dispatch_in`, each in its own savepoint); claims all the deliveries with one
statement (a retried delivery gets `[]`, as in `dispatch`); applies all the jobs' writes,
one statement per write type; commits; and only then hands each caller its replies — an
answer still means "durable". On SQLite the transaction starts with `BEGIN IMMEDIATE`, so
no other writer can commit between the generation read and our commit.

Failure semantics: if the combined statements fail, the transaction is rolled back and the
batch replayed with each job in its own savepoint, so only a failing job fails; if the
COMMIT fails, every job of the batch gets the error (nothing of it is durable).
Results reach the event loop with one `call_soon_threadsafe` per batch, not per job.
On SQLite, `run` skips the thread: see `_flush`.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import weakref
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from handlers.cards import Reply
from handlers.context import Deps, Write
from handlers.dispatch import Inbound, dispatch_in
from handlers.routes import Routes
from storage.repo.fastwrites import claim_deliveries
from storage.repo.snapshot import read_generation

log = logging.getLogger(__name__)

MAX_BATCH = 128
CHECKPOINT_EVERY = 64
"""Inline SQLite commits between WAL checkpoints (a batch dirties a few pages: this is
about SQLite's own default of 1,000 pages)."""
IDLE_SECONDS = 2.0
"""The writer thread exits after this long without work (it restarts on the next job)."""


@dataclass(eq=False, slots=True)
class FastJob:
    """One planned event: its replies and writes, valid at snapshot `generation`.

    Built once by `plan` and only read after (not frozen: a frozen init sets each field
    through `object.__setattr__`, ≈ 5 × the cost, and one is built for every click)."""

    inbound: Inbound
    deps: Deps
    routes: Routes
    generation: int
    replies: list[Reply]
    writes: list[Write] = field(default_factory=list)

    @property
    def delivery(self) -> tuple[str, str]:
        return (self.inbound.platform, self.inbound.delivery_id)


Outcome = list[Reply] | BaseException
_Waiter = tuple[FastJob, "asyncio.AbstractEventLoop | None", "asyncio.Future[Any] | Future[Any]"]


def apply_writes(conn: Connection, writes: Sequence[Write]) -> None:
    """Every write, grouped by type (in `order`), one set-based call per type."""
    groups: dict[type[Write], list[Write]] = defaultdict(list)
    for w in writes:
        groups[type(w)].append(w)
    for kind in sorted(groups, key=lambda k: k.order):
        kind.apply_all(conn, groups[kind])


class BatchWriter:
    """The writer of one engine; `run` from the event loop, `call` from a thread."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Waiter] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False
        self._inline = engine.dialect.name == "sqlite"
        self._pending: dict[asyncio.AbstractEventLoop, list[_Waiter]] = {}
        self.batches = 0
        self.jobs = 0
        self.replayed = 0
        """Jobs re-run on the general path (their snapshot was older than the store's)."""
        self.checkpoints = 0
        self._since_checkpoint = 0
        self._checkpointing = False
        self._inline_conn: Connection | None = None
        self._inline_lock = threading.Lock()
        """Loops of several threads (tests) may flush: one at a time on the connection."""
        if self._inline:
            event.listen(engine, "engine_disposed", self._close_inline)

    async def run(self, job: FastJob) -> list[Reply]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Reply]] = loop.create_future()
        if self._inline:
            pending = self._pending.get(loop)
            if pending is None:
                pending = self._pending[loop] = []
                # two iterations on: the events whose requests arrived in the same socket
                # poll are planned in the next one and join this batch (twice the batch
                # under load; an idle loop spends microseconds on the extra turn)
                loop.call_soon(loop.call_soon, self._flush, loop)
            pending.append((job, loop, future))
        else:
            self._put((job, loop, future))
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        """SQLite: write everything queued during this loop iteration, on the loop itself.

        On one core the writer thread only added GIL switches; a batch's commit is short
        (WAL, no fsync at `synchronous=NORMAL`). The loop never waits for the lock: the
        batch starts with a zero busy timeout, and if another writer holds the database
        the batch goes to the writer thread, which may wait."""
        batch = self._pending.pop(loop, [])
        while batch:
            chunk, batch = batch[: self.max_batch], batch[self.max_batch :]
            with self._inline_lock:
                conn = self._inline_connection()
                try:
                    outcomes = self._write(conn, [w[0] for w in chunk], wait=False)
                except _Busy:
                    conn.rollback()
                    for waiter in chunk:
                        self._put(waiter)
                    continue
                except Exception as exc:  # noqa: BLE001 - BEGIN or COMMIT failed: nothing durable
                    self._drop_inline()
                    outcomes = [exc] * len(chunk)
            _resolve([(w[2], o) for w, o in zip(chunk, outcomes, strict=True)])
            self._after_inline_commit(loop)

    def _inline_connection(self) -> Connection:
        """The loop's own connection, set up once: it runs no automatic WAL checkpoint (a
        worker thread does, `_after_inline_commit`) and never waits for the write lock
        (`BEGIN IMMEDIATE` fails at once and the batch goes to the writer thread). A
        connection per batch cost a pool check-out and return and four PRAGMAs, about a
        third of a batch's fixed cost."""
        conn = self._inline_conn
        if conn is None or conn.closed or conn.invalidated:
            conn = self.engine.connect()
            driver = conn.connection.dbapi_connection
            assert driver is not None
            driver.execute("PRAGMA wal_autocheckpoint = 0")
            driver.execute("PRAGMA busy_timeout = 0")
            self._inline_conn = conn
        return conn

    def _drop_inline(self) -> None:
        """Discard the loop's connection after a failed BEGIN or COMMIT (its state is
        unknown); the next batch opens a fresh one."""
        conn, self._inline_conn = self._inline_conn, None
        if conn is not None:
            conn.invalidate()
            conn.close()

    def _close_inline(self, _engine: Engine) -> None:
        """`engine.dispose()`: close the connection the loop keeps (the pool cannot, it
        is checked out), so no file handle outlives the engine's pool."""
        with self._inline_lock:
            conn, self._inline_conn = self._inline_conn, None
        if conn is not None:
            conn.close()

    def _after_inline_commit(self, loop: asyncio.AbstractEventLoop) -> None:
        """Every `CHECKPOINT_EVERY` inline commits, copy the WAL back into the database in
        a worker thread. The loop's commits skip SQLite's automatic checkpoint: it runs
        inside the committing call and fsyncs, which cost more than the rest of a batch."""
        self._since_checkpoint += 1
        if self._since_checkpoint < CHECKPOINT_EVERY or self._checkpointing:
            return
        self._since_checkpoint = 0
        self._checkpointing = True
        future = loop.run_in_executor(None, self._checkpoint)
        future.add_done_callback(self._checkpoint_done)

    def _checkpoint(self) -> None:
        # PASSIVE: copies what it can without waiting for, or blocking, readers and writers
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        self.checkpoints += 1

    def _checkpoint_done(self, future: asyncio.Future[None]) -> None:
        self._checkpointing = False
        if not future.cancelled() and future.exception() is not None:
            log.warning("WAL checkpoint failed", exc_info=future.exception())

    def call(self, job: FastJob) -> list[Reply]:
        future: Future[list[Reply]] = Future()
        self._put((job, None, future))
        return future.result()

    def _put(self, waiter: _Waiter) -> None:
        with self._lock:  # the thread decides to exit under this lock: no job is stranded
            self._queue.put(waiter)
            if not self._running:
                self._running = True
                threading.Thread(
                    target=self._loop, name="perfbot-batch-writer", daemon=True
                ).start()

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
            outcomes: list[Outcome]
            try:
                # a connection per batch, back in the pool before anyone is answered (one
                # held across batches outlived `engine.dispose()` and leaked)
                with self.engine.connect() as conn:
                    outcomes = self._write(conn, [w[0] for w in batch])
            except Exception as exc:  # noqa: BLE001 - BEGIN or COMMIT failed: nothing durable
                outcomes = [exc] * len(batch)
            self._settle(batch, outcomes)

    def _write(self, conn: Connection, jobs: list[FastJob], *, wait: bool = True) -> list[Outcome]:
        try:
            _begin(conn, wait=wait)
            outcomes = self._attempt(conn, jobs, grouped=True)
        except _Busy:
            raise
        except Exception:  # noqa: BLE001 - start again, each job in its own savepoint
            conn.rollback()
            _begin(conn, wait=wait)
            outcomes = self._attempt(conn, jobs, grouped=False)
        conn.commit()
        self.batches += 1
        self.jobs += len(jobs)
        return outcomes

    def _attempt(self, conn: Connection, jobs: list[FastJob], *, grouped: bool) -> list[Outcome]:
        """Every job's outcome in the open transaction; `grouped` writes all current jobs
        with one statement per kind (any failure raises, and the caller replays)."""
        generation = read_generation(conn)
        outcomes: dict[int, Outcome] = {}
        current = [(n, j) for n, j in enumerate(jobs) if j.generation == generation >= 0]
        if grouped:
            self._grouped(conn, current, outcomes)
        else:
            for n, job in current:
                outcomes[n] = self._one(conn, job)
        for n, job in enumerate(jobs):
            if n not in outcomes:
                outcomes[n] = self._general(conn, job)
                self.replayed += 1
        return [outcomes[n] for n in range(len(jobs))]

    @staticmethod
    def _grouped(
        conn: Connection, current: list[tuple[int, FastJob]], out: dict[int, Outcome]
    ) -> None:
        """All current jobs: one claim statement, then one statement per write type."""
        if not current:
            return
        keys = [job.delivery for _, job in current]
        claimed = claim_deliveries(conn, keys)
        winners: list[FastJob] = []
        for (n, job), key in zip(current, keys, strict=True):
            if key in claimed:
                claimed.discard(key)  # a second copy in this batch is a retry
                winners.append(job)
                out[n] = job.replies
            else:
                out[n] = []
        apply_writes(conn, [w for j in winners for w in j.writes])

    def _one(self, conn: Connection, job: FastJob) -> Outcome:
        savepoint = conn.begin_nested()
        try:
            if not claim_deliveries(conn, [job.delivery]):
                savepoint.commit()
                return []
            apply_writes(conn, job.writes)
            savepoint.commit()
        except Exception as exc:  # noqa: BLE001 - the caller gets it
            savepoint.rollback()
            return exc
        return job.replies

    def _general(self, conn: Connection, job: FastJob) -> Outcome:
        """A job planned on an older snapshot: `dispatch_in` decides again, in a savepoint."""
        with Session(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            try:
                replies = dispatch_in(session, job.deps, job.inbound, job.routes)
                session.commit()
            except Exception as exc:  # noqa: BLE001 - the caller gets it
                session.rollback()
                return exc
        return replies

    @staticmethod
    def _settle(batch: list[_Waiter], outcomes: list[Outcome]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Any, Outcome]]] = defaultdict(list)
        for (_, loop, future), outcome in zip(batch, outcomes, strict=True):
            if loop is None:
                _resolve([(future, outcome)])
            else:
                by_loop[loop].append((future, outcome))
        for loop, pairs in by_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, pairs)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                pass


class _Busy(Exception):
    """Another connection holds SQLite's write lock (the loop does not wait for it)."""


def _begin(conn: Connection, *, wait: bool) -> None:
    """Open the batch's transaction. SQLite: take the write lock now (`BEGIN IMMEDIATE` on
    the driver, inside the transaction SQLAlchemy opened), so no other writer commits
    between our generation read and our commit; without `wait`, fail at once if taken."""
    conn.begin()
    if conn.dialect.name != "sqlite":
        return
    driver = conn.connection.dbapi_connection  # no SQLAlchemy round for these
    assert driver is not None
    if wait:
        driver.execute("BEGIN IMMEDIATE")
        return
    try:  # the loop's own connection: its busy timeout is 0
        driver.execute("BEGIN IMMEDIATE")
    except conn.dialect.loaded_dbapi.OperationalError as exc:
        raise _Busy from exc


def _resolve(pairs: list[tuple[Any, Outcome]]) -> None:
    for future, outcome in pairs:
        if future.done():
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


_writers: weakref.WeakKeyDictionary[Engine, BatchWriter] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def batch_writer(engine: Engine) -> BatchWriter:
    """The process's batch writer for `engine` (one per engine, like its pool)."""
    writer = _writers.get(engine)  # every event asks: no lock once the writer exists
    if writer is not None:
        return writer
    with _writers_lock:
        writer = _writers.get(engine)
        if writer is None:
            writer = _writers[engine] = BatchWriter(engine)
        return writer
