"""Operational tables: the outbox, seen platform deliveries, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables._base import UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """A message to send later. The idempotency key makes a double insert a no-op;
    a row is `sent` only after the platform accepted it (states: pending, sending, sent,
    dead). `sending` rows are leased to one dispatcher until `lease_until`; a lease that
    runs out (its replica died) makes the row claimable again."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_due", "state", "not_before"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str
    target: str
    card: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    idempotency_key: str = Field(unique=True)
    not_before: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = 0
    state: str = "pending"
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    platform_ref: str | None = None
    """What the platform returned for the sent message (Slack ts, Feishu message_id…)."""
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = None
    """The dispatcher (replica + pass) holding the lease; only it may put the row back."""


class RateBucket(SQLModel, table=True):
    """One pacing scope (a platform's app budget, a channel, a member): its GCRA schedule.

    `tat` is the theoretical arrival time (epoch seconds) of the next send; the earliest
    allowed send is `tat - burst_tolerance`. Replicas reserve send slots under a row lock,
    so a budget holds for the whole app, not per process.
    """

    __tablename__ = "rate_bucket"

    scope: str = Field(primary_key=True)
    tat: float = 0.0


class ProcessedDelivery(SQLModel, table=True):
    """A platform delivery already handled; a retried delivery hits the unique key."""

    __tablename__ = "processed_delivery"
    __table_args__ = (sa.UniqueConstraint("platform", "delivery_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str
    delivery_id: str
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor: str
    action: str = Field(index=True)
    subject: str = ""
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
