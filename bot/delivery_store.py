"""The outbox rows' life in the database: claim with a lease, then sent / failed / released.

Claiming is one short transaction: due rows are locked with `FOR UPDATE SKIP LOCKED`
(PostgreSQL; SQLite has one process and ignores the clause), each gets a send slot from
the pacing scopes, and those whose slot is near become `sending` with a lease. A replica
that dies leaves its leases to run out; the rows are then claimable again, so nothing is
lost. Every write is retried when the connection dropped (a restarted database, a killed
backend): a send the platform accepted must not be re-sent because its commit failed.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from bot.delivery_pacing import Limits, db_now, lock_buckets, plan, save_buckets
from bot.delivery_pacing import pause_scopes as _pause_scopes
from storage.db import session_scope
from storage.tables import OutboxMessage

T = TypeVar("T")
_SQLITE_CLAIM = threading.Lock()  # SQLite is one process: claims serialize in memory
OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claimed:
    """One leased row and the delay (seconds from the claim) until its send slot."""

    id: int
    platform: str
    target: str
    card: dict[str, object]
    key: str
    delay: float


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at one hour, ±20 % jitter so retries do not stampede."""
    base = min(30 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=base * random.uniform(0.8, 1.2))  # noqa: S311 - not crypto


def _db_down(exc: BaseException) -> bool:
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return True
    return isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated


def with_db_retry(fn: Callable[[], T]) -> T:
    """Run `fn` (one transaction), again on a dropped connection (the pool pre-pings)."""
    retrying = Retrying(
        retry=retry_if_exception(_db_down),
        stop=stop_after_attempt(8),
        wait=wait_exponential_jitter(multiplier=0.05, max=2.0),
        reraise=True,
    )
    return retrying(fn)


@dataclass
class ClaimSpec:
    platforms: Sequence[str]
    limit: int
    scan: int
    lease_seconds: float
    horizon: float
    token: str


def claim(engine: Engine, spec: ClaimSpec, limits: Limits, now: datetime) -> list[Claimed]:
    """Lease up to `spec.limit` due rows whose send slot falls within `spec.horizon` s."""
    if not spec.platforms or spec.limit <= 0:
        return []
    if engine.dialect.name == "sqlite":
        with _SQLITE_CLAIM:
            return _claim(engine, spec, limits, now)
    return _claim(engine, spec, limits, now)


def _claim(engine: Engine, spec: ClaimSpec, limits: Limits, now: datetime) -> list[Claimed]:
    col = OUTBOX.c
    due = sa.or_(
        sa.and_(col.state == "pending", col.not_before <= now),
        sa.and_(col.state == "sending", col.lease_until < now),
    )
    stmt = (
        sa.select(col.id, col.platform, col.target, col.card, col.idempotency_key)
        .where(due, col.platform.in_(sorted(spec.platforms)))
        .order_by(col.not_before, col.id)
        .limit(spec.scan)
        .with_for_update(skip_locked=True)
    )
    with session_scope(engine) as session:
        rows = session.execute(stmt).all()
        if not rows:
            return []
        scopes = {r.id: limits.scopes(r.platform, r.target) for r in rows}
        tats = lock_buckets(session, (k for s in scopes.values() for k, _ in s))
        before, pace_now = dict(tats), db_now(session)
        booked = plan(tats, [(r, scopes[r.id]) for r in rows], pace_now, spec.horizon, spec.limit)
        out = [
            Claimed(r.id, r.platform, r.target, r.card, r.idempotency_key, max(at - pace_now, 0.0))
            for r, at in booked
        ]
        save_buckets(session, before, tats)
        if out:
            lease = [
                {"i": c.id, "u": now + timedelta(seconds=c.delay + spec.lease_seconds)} for c in out
            ]
            upd = (
                OUTBOX.update()
                .where(col.id == sa.bindparam("i"))
                .values(state="sending", lease_until=sa.bindparam("u"), claimed_by=spec.token)
            )
            session.execute(upd, lease)
    return out


def mark_sent(engine: Engine, row_id: int, ref: str | None, now: datetime) -> None:
    """The platform accepted the row: sent, whoever holds the lease by now."""

    def write() -> None:
        with session_scope(engine) as session:
            session.execute(
                OUTBOX.update()
                .where(OUTBOX.c.id == row_id, OUTBOX.c.state != "sent")
                .values(
                    state="sent",
                    platform_ref=ref,
                    sent_at=now,
                    attempts=OUTBOX.c.attempts + 1,
                    last_error=None,
                    lease_until=None,
                )
            )

    with_db_retry(write)


def mark_failed(
    engine: Engine, row_id: int, token: str, error: str, now: datetime, max_attempts: int
) -> str | None:
    """Count a failed attempt on our leased row; returns its new state (None: not ours)."""

    def write() -> str | None:
        with session_scope(engine) as session:
            msg = session.get(OutboxMessage, row_id, with_for_update=True)
            if msg is None or msg.state != "sending" or msg.claimed_by != token:
                return None
            msg.attempts += 1
            msg.last_error = error[:2000]
            msg.lease_until = None
            if msg.attempts >= max_attempts:
                msg.state = "dead"
            else:
                msg.state = "pending"
                msg.not_before = now + backoff(msg.attempts)
            return msg.state

    return with_db_retry(write)


def release(engine: Engine, row_id: int, token: str, not_before: datetime, error: str) -> None:
    """Give a leased row back without counting an attempt (the platform said "later")."""

    def write() -> None:
        with session_scope(engine) as session:
            session.execute(
                OUTBOX.update()
                .where(
                    OUTBOX.c.id == row_id,
                    OUTBOX.c.state == "sending",
                    OUTBOX.c.claimed_by == token,
                )
                .values(state="pending", not_before=not_before, lease_until=None, last_error=error)
            )

    with_db_retry(write)


def pause(engine: Engine, limits: Limits, platform: str, target: str, seconds: float) -> None:
    """Push the row's scopes (its target and the app budget) `seconds` into the future."""

    def write() -> None:
        with session_scope(engine) as session:
            _pause_scopes(session, limits.scopes(platform, target), seconds)

    with_db_retry(write)


def depth(engine: Engine) -> dict[str, int]:
    """Rows per state (for the `/metrics` gauge)."""
    stmt = sa.select(OUTBOX.c.state, sa.func.count()).group_by(OUTBOX.c.state)
    with engine.connect() as conn:
        return {str(s): int(n) for s, n in conn.execute(stmt).all()}


def rows(engine: Engine, state: str | None, limit: int) -> list[Any]:
    """Rows for `perfbot outbox list`, newest first."""
    col = OUTBOX.c
    stmt = sa.select(
        col.id, col.state, col.platform, col.target, col.idempotency_key, col.attempts,
        col.not_before, col.last_error,
    ).order_by(col.id.desc()).limit(limit)  # fmt: skip
    if state:
        stmt = stmt.where(col.state == state)
    with engine.connect() as conn:
        return list(conn.execute(stmt).all())


def revive(engine: Engine, ids: Sequence[int], now: datetime) -> list[int]:
    """Make rows pending again with fresh attempts; returns the ids that do not exist
    (then nothing is changed)."""
    with session_scope(engine) as session:
        found = set(session.execute(sa.select(OUTBOX.c.id).where(OUTBOX.c.id.in_(ids))).scalars())
        missing = [i for i in ids if i not in found]
        if missing:
            return missing
        session.execute(
            OUTBOX.update()
            .where(OUTBOX.c.id.in_(ids))
            .values(state="pending", attempts=0, not_before=now, lease_until=None, claimed_by=None)
        )
    return []
