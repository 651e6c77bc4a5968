"""Operational tables: the outbox, seen platform deliveries, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables._base import UTCDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    """A message to send later. The idempotency key makes a double insert a no-op;
    a row is `sent` only after the platform accepted it (states: pending, sent, dead)."""

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
