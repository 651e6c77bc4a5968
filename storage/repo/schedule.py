"""What the scheduled jobs remember: frozen quarter results and which messages were queued.

Jobs ask "was this already queued?" before building an expensive card (a coaching prep
card scores two quarters); the outbox's unique key still decides when two replicas race.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from storage.tables import AuditLog, CheckIn, OutboxMessage, ScoreSnapshot


def queued(session: Session, key: str) -> bool:
    """True when an outbox row with this idempotency key (or `key:<platform>`) exists."""
    stmt = select(OutboxMessage.id).where(
        (col(OutboxMessage.idempotency_key) == key)
        | col(OutboxMessage.idempotency_key).startswith(f"{key}:", autoescape=True)
    )
    return session.exec(stmt).first() is not None


def has_snapshots(session: Session, *, period: str) -> bool:
    """Whether `period` was closed: one indexed row at most, not the members' frozen
    results (reading 10,000 of them back, JSON and all, took ≈ 430 MB)."""
    stmt = select(ScoreSnapshot.id).where(ScoreSnapshot.period == period).limit(1)
    return session.exec(stmt).first() is not None


def save_snapshot(
    session: Session,
    *,
    period: str,
    member_id: str,
    as_of: datetime,
    total: Decimal | None,
    grade: str | None,
    result: dict[str, Any],
) -> ScoreSnapshot:
    """Insert or (on an explicit re-close) replace a member's frozen result."""
    row = session.exec(
        select(ScoreSnapshot).where(
            ScoreSnapshot.period == period, ScoreSnapshot.member_id == member_id
        )
    ).first()
    if row is None:
        row = ScoreSnapshot(period=period, member_id=member_id, as_of=as_of)
    row.as_of, row.total, row.grade, row.result = as_of, total, grade, result
    row.frozen_at = as_of
    session.add(row)
    session.flush()
    return row


def audit_count(session: Session, *, action: str, subject: str) -> int:
    stmt = (
        select(func.count())
        .select_from(AuditLog)
        .where(AuditLog.action == action, AuditLog.subject == subject)
    )
    return int(session.exec(stmt).one())


def last_audit(session: Session, *, action: str, subject: str) -> AuditLog | None:
    stmt = (
        select(AuditLog)
        .where(AuditLog.action == action, AuditLog.subject == subject)
        .order_by(col(AuditLog.id).desc())
    )
    return session.exec(stmt).first()


def submitted_members(session: Session, *, month: str) -> set[str]:
    """Members who submitted the check-in of `month`."""
    stmt = select(CheckIn.member_id).where(
        CheckIn.month == month, col(CheckIn.submitted_at).is_not(None)
    )
    return set(session.exec(stmt))
