"""Metric values, what they replaced, the imports that brought them, frozen results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables._base import ExactDecimal, UTCDateTime, utcnow


class ImportBatch(SQLModel, table=True):
    """One import (file, API call, chat check-in): the unit a value's provenance points to."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    source: str
    actor: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    counts: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON)


class MetricValue(SQLModel, table=True):
    """The current value of (subject, indicator, period, item, origin).

    `subject` is a member id or `team:KEY` (no foreign key: team rows share the column).
    Period start/end are stored so a year's rows are one range query.
    """

    __tablename__ = "metric_value"
    __table_args__ = (
        sa.UniqueConstraint("subject", "indicator", "period", "item", "origin"),
        sa.Index("ix_metric_value_period_range", "period_start", "period_end"),
        sa.Index("ix_metric_value_subject_period", "subject", "period_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: str
    indicator: str
    period: str
    period_kind: str
    period_start: date
    period_end: date
    item: str = ""
    origin: str = "import"
    value: Decimal = Field(sa_type=ExactDecimal)
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    batch_id: int = Field(foreign_key="import_batch.id")
    seq: int = Field(sa_type=sa.BigInteger)


class MetricValueHistory(SQLModel, table=True):
    """A value that a later import replaced, kept for audit and for undoing a bad import."""

    __tablename__ = "metric_value_history"

    id: int | None = Field(default=None, primary_key=True)
    metric_value_id: int = Field(foreign_key="metric_value.id", ondelete="CASCADE", index=True)
    old_value: Decimal = Field(sa_type=ExactDecimal)
    old_recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    old_batch_id: int = Field(foreign_key="import_batch.id")
    old_seq: int = Field(sa_type=sa.BigInteger)
    replaced_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    replaced_by_batch_id: int = Field(foreign_key="import_batch.id")
    replaced_by: str


class ScoreSnapshot(SQLModel, table=True):
    """A member's frozen result for a closed period (written by cycle-close)."""

    __tablename__ = "score_snapshot"
    __table_args__ = (sa.UniqueConstraint("period", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str
    member_id: str = Field(foreign_key="member.id")
    as_of: datetime = Field(sa_type=UTCDateTime)
    total: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    grade: str | None = None
    result: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    frozen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
