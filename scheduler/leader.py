"""Which replica runs the calendar: the one holding a PostgreSQL session-level advisory lock.

The lock lives as long as its connection, so a replica that dies (even by SIGKILL) drops
it at once and another takes over on its next attempt. SQLite is single-process by
design: there the only process is always the leader.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

LOCK_KEY = 0x70657266626F74  # "perfbot"
log = logging.getLogger(__name__)


class LeaderLock:
    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: Connection | None = None
        self._mutex = threading.Lock()
        self.is_postgres = engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """True if this process is (still, or now) the leader."""
        with self._mutex:
            if not self.is_postgres:
                return True
            if self._conn is not None and self._alive(self._conn):
                return True
            self._drop()
            conn = self._engine.connect()
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})
            if got.scalar_one():
                conn.commit()
                self._conn = conn
                log.info("scheduler leadership acquired")
                return True
            conn.rollback()
            conn.close()
            return False

    def held(self) -> bool:
        with self._mutex:
            if not self.is_postgres:
                return True
            if self._conn is not None and self._alive(self._conn):
                return True
            self._drop()
            return False

    def release(self) -> None:
        with self._mutex:
            if self._conn is not None and self._alive(self._conn):
                self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                self._conn.commit()
            self._drop()

    def _alive(self, conn: Connection) -> bool:
        try:
            conn.execute(sa.text("SELECT 1"))
            conn.commit()
        except sa.exc.SQLAlchemyError:
            log.warning("scheduler leadership lost: lock connection failed")
            return False
        return True

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except sa.exc.SQLAlchemyError:
                log.debug("closing a dead lock connection failed", exc_info=True)
            self._conn = None
