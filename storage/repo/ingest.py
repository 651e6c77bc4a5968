"""Storage of the data-integration path: the import lock, idempotency keys, provisional
scores, at-risk flags and what the org config says about them.

Imports are serialised by `lock_imports` (a transaction-scoped advisory lock on
PostgreSQL, the write lock on SQLite): two batches touching the same rows then apply one
after the other, so every value and its history chain stay consistent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.orgconfig import OrgConfig
from storage.tables import (
    AtRiskFlag,
    IngestIdempotency,
    MetricValue,
    OrgRecord,
    ProvisionalScore,
)

IMPORT_LOCK_KEY = 7_150_301
"""pg_advisory_xact_lock key shared by every import (any fixed 64-bit number)."""


def lock_imports(session: Session) -> None:
    """Take the import lock for the rest of the transaction; call it before any read."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": IMPORT_LOCK_KEY})
    else:
        # A write statement opens SQLite's write transaction (waiting on busy_timeout), so
        # everything read afterwards is current; it matches no row.
        session.execute(sa.text("UPDATE import_batch SET id = id WHERE 1 = 0"))


@dataclass(frozen=True)
class StoredAnswer:
    body_sha256: str
    status: int
    response: dict[str, Any]


def find_answer(session: Session, *, scope: str, key: str) -> StoredAnswer | None:
    row = session.exec(
        select(IngestIdempotency).where(
            IngestIdempotency.scope == scope, IngestIdempotency.key == key
        )
    ).first()
    if row is None:
        return None
    return StoredAnswer(row.body_sha256, row.status, dict(row.response))


def store_answer(
    session: Session,
    *,
    scope: str,
    key: str,
    body_sha256: str,
    status: int,
    response: dict[str, Any],
    response_sha256: str,
) -> None:
    session.add(
        IngestIdempotency(
            scope=scope,
            key=key,
            body_sha256=body_sha256,
            status=status,
            response=response,
            response_sha256=response_sha256,
        )
    )
    session.flush()


@dataclass(frozen=True)
class IngestSettings:
    """What org.yaml says about automatic processing (defaults when absent)."""

    at_risk_below: Decimal = Decimal("0.8")
    sla_hours: Decimal = Decimal(24)


def ingest_settings(session: Session) -> IngestSettings:
    config = session.exec(select(OrgRecord.config)).first()
    if config is None:
        return IngestSettings()
    cfg = OrgConfig.model_validate(config)
    return IngestSettings(cfg.schedule.at_risk.below, cfg.lead_handoff.sla_hours)


def changed_rows(session: Session, *, batch_id: int) -> list[tuple[str, str]]:
    """(subject, period) of the values a batch inserted or replaced (unchanged keep their
    old batch id), which is exactly what rescoring must look at."""
    stmt = (
        sa.select(col(MetricValue.subject), col(MetricValue.period))
        .where(col(MetricValue.batch_id) == batch_id)
        .distinct()
    )
    return [(s, p) for s, p in session.connection().execute(stmt)]


def save_provisional(
    session: Session,
    *,
    member_id: str,
    period: str,
    total: Decimal | None,
    grade: str | None,
    result: dict[str, Any],
    computed_at: datetime,
) -> None:
    """Insert or replace the member's provisional score of `period`."""
    row = session.exec(
        select(ProvisionalScore).where(
            ProvisionalScore.member_id == member_id, ProvisionalScore.period == period
        )
    ).first()
    if row is None:
        row = ProvisionalScore(member_id=member_id, period=period)
    row.total, row.grade, row.result, row.computed_at = total, grade, result, computed_at
    session.add(row)


def flag_at_risk(
    session: Session,
    *,
    member_id: str,
    indicator: str,
    period: str,
    projected: Decimal,
    flagged_at: datetime,
) -> bool:
    """Flag once: True if new, False if this member/indicator/period is already flagged."""
    exists = session.exec(
        select(AtRiskFlag.id).where(
            AtRiskFlag.member_id == member_id,
            AtRiskFlag.indicator == indicator,
            AtRiskFlag.period == period,
        )
    ).first()
    if exists is not None:
        return False
    session.add(
        AtRiskFlag(
            member_id=member_id,
            indicator=indicator,
            period=period,
            projected=projected,
            flagged_at=flagged_at,
        )
    )
    session.flush()
    return True
