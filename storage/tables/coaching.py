"""Coaching conversations after a cycle and the improvement plans they produce."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables._base import ExactDecimal, UTCDateTime, utcnow


class CoachingSession(SQLModel, table=True):
    __tablename__ = "coaching_session"

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    coach_id: str = Field(foreign_key="member.id")
    cycle: str
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    notes: str = Field(default="", sa_type=sa.Text)
    held_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ImprovementPlan(SQLModel, table=True):
    __tablename__ = "improvement_plan"

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="coaching_session.id")
    skill: str
    metric: str | None = None
    target: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    due: date | None = None
    notes: str = Field(default="", sa_type=sa.Text)
    status: str = "open"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
