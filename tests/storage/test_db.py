"""Engine settings and the unit-of-work helper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.db import dispose_engine, make_engine, session_scope
from storage.tables import AuditLog, MemberRecord, TeamRecord


def test_sqlite_has_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert make_engine(url) is engine
    finally:
        dispose_engine(url)


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError), session_scope(engine) as s:
        s.add(MemberRecord(id="ghost", team_key="no-such-team"))


def test_session_scope_rolls_back_on_error(engine: Engine) -> None:
    def write_then_fail() -> None:
        with session_scope(engine) as s:
            s.add(AuditLog(actor="a", action="x"))
            s.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_then_fail()
    with session_scope(engine) as s:
        assert s.exec(select(AuditLog)).all() == []


def test_decimal_and_utc_round_trip_exactly(engine: Engine) -> None:
    cap = Decimal("1.2000000000000000000001")
    shanghai = timezone(timedelta(hours=8))
    at = datetime(2026, 8, 14, 18, 30, tzinfo=shanghai)
    with session_scope(engine) as s:
        s.add(TeamRecord(key="growth", kr_cap=cap))
        s.add(AuditLog(actor="a", action="x", at=at))
    with session_scope(engine) as s:
        team = s.exec(select(TeamRecord)).one()
        log = s.exec(select(AuditLog)).one()
    assert team.kr_cap == cap
    assert str(team.kr_cap) == "1.2000000000000000000001"
    assert log.at == at
    assert log.at.utcoffset() == timedelta(0)
    assert log.at == datetime(2026, 8, 14, 10, 30, tzinfo=UTC)


def test_naive_datetimes_and_floats_are_refused(engine: Engine) -> None:
    with pytest.raises(sa.exc.StatementError), session_scope(engine) as s:
        s.add(AuditLog(actor="a", action="x", at=datetime(2026, 1, 1)))  # noqa: DTZ001
    with pytest.raises(sa.exc.StatementError), session_scope(engine) as s:
        s.add(TeamRecord(key="t", kr_cap=1.2))  # type: ignore[arg-type]
