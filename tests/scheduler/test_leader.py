"""Leadership: one holder at a time on PostgreSQL, taken over when the holder's session dies."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from scheduler.leader import LeaderLock
from tests.conftest import PG_URL


def test_sqlite_process_is_always_leader(tmp_path: object) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path}/x.db")
    assert LeaderLock(engine).try_acquire()
    assert LeaderLock(engine).try_acquire()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs PERFBOT_TEST_POSTGRES_URL")
def test_one_leader_and_takeover_after_death() -> None:
    key = random.randint(1, 2**31)
    a_engine = sa.create_engine(PG_URL, poolclass=sa.NullPool)
    b_engine = sa.create_engine(PG_URL, poolclass=sa.NullPool)
    a, b = LeaderLock(a_engine, key), LeaderLock(b_engine, key)
    try:
        assert a.try_acquire()
        assert not b.try_acquire()
        assert a.held()
        assert a._conn is not None
        pid = a._conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with b_engine.connect() as admin:
            admin.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        assert not a.held()
        assert b.try_acquire()
        assert not a.try_acquire()
        b.release()
        assert a.try_acquire()
    finally:
        a.release()
        b.release()
        a_engine.dispose()
        b_engine.dispose()
