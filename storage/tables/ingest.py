"""Tables of the data-integration path: provisional scores, at-risk flags, lead events and
the idempotency keys of the ingestion API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables._base import ExactDecimal, UTCDateTime, utcnow


class ProvisionalScore(SQLModel, table=True):
    """A member's latest provisional result for a period, recomputed after each import."""

    __tablename__ = "provisional_score"
    __table_args__ = (sa.UniqueConstraint("member_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    period: str
    total: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    grade: str | None = None
    result: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AtRiskFlag(SQLModel, table=True):
    """An indicator whose projected achievement fell under `schedule.at_risk.below`, kept
    until the next digest mentions it (`digested_at`); flagged once per member/indicator/period."""

    __tablename__ = "at_risk_flag"
    __table_args__ = (sa.UniqueConstraint("member_id", "indicator", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    indicator: str
    period: str
    projected: Decimal = Field(sa_type=ExactDecimal)
    flagged_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    digested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LeadEvent(SQLModel, table=True):
    """A lead passed from marketing to sales: created, and (later) handed over."""

    __tablename__ = "lead_event"
    __table_args__ = (sa.UniqueConstraint("origin", "lead_id"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: str
    member_id: str = Field(foreign_key="member.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    handed_over_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    origin: str = "import"
    batch_id: int = Field(foreign_key="import_batch.id")


class IngestIdempotency(SQLModel, table=True):
    """The first answer to an `Idempotency-Key`, so a retried request gets it back unchanged."""

    __tablename__ = "ingest_idempotency"
    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str
    key: str
    body_sha256: str = Field(max_length=64)
    status: int
    response: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    response_sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
