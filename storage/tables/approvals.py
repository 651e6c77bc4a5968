"""Records that need the three-role approval (calibrations, bonus points) and awards.

A record from org.yaml arrives already approved (`source = "file"`); one raised in chat
starts `pending` and collects one approval per role (strategy, marketing, hr).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables._base import ExactDecimal, UTCDateTime, utcnow


class CalibrationRecord(SQLModel, table=True):
    """A retarget or swap for a member or a team (exactly one is set) in one period."""

    __tablename__ = "calibration"
    __table_args__ = (
        sa.CheckConstraint("(member_id IS NULL) <> (team_key IS NULL)", name="member_xor_team"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = "chat"
    state: str = "pending"
    member_id: str | None = Field(default=None, foreign_key="member.id")
    team_key: str | None = Field(default=None, foreign_key="team.key")
    period: str
    type: str
    indicator: str | None = None
    coefficient: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    new_target: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    swap_from: str | None = None
    swap_to: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    reason: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    requested_by: str | None = None
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CalibrationApproval(SQLModel, table=True):
    __tablename__ = "calibration_approval"
    __table_args__ = (sa.UniqueConstraint("calibration_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    calibration_id: int = Field(foreign_key="calibration.id", ondelete="CASCADE")
    role: str
    approver: str
    decision: str
    reason: str | None = Field(default=None, sa_type=sa.Text)
    on_behalf: bool = False
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BonusPointsRecord(SQLModel, table=True):
    __tablename__ = "bonus_points"

    id: int | None = Field(default=None, primary_key=True)
    source: str = "chat"
    state: str = "pending"
    member_id: str = Field(foreign_key="member.id")
    period: str
    points: Decimal = Field(sa_type=ExactDecimal)
    reason: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    requested_by: str | None = None
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BonusApproval(SQLModel, table=True):
    __tablename__ = "bonus_approval"
    __table_args__ = (sa.UniqueConstraint("bonus_points_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    bonus_points_id: int = Field(foreign_key="bonus_points.id", ondelete="CASCADE")
    role: str
    approver: str
    decision: str
    reason: str | None = Field(default=None, sa_type=sa.Text)
    on_behalf: bool = False
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Award(SQLModel, table=True):
    """An award (content hit, innovation…). `key` makes detection idempotent, e.g.
    `content_hit:li.na:video123` is granted once per item."""

    __tablename__ = "award"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    kind: str
    member_id: str = Field(foreign_key="member.id")
    period: str
    item: str = ""
    state: str = "granted"
    nominated_by: str | None = None
    approved_by: str | None = None
    reason: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StarCase(SQLModel, table=True):
    """The star-case library: a good piece of work others can learn from."""

    __tablename__ = "star_case"

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    award_id: int | None = Field(default=None, foreign_key="award.id")
    period: str
    title: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    summary: str = Field(default="", sa_type=sa.Text)
    tags: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class KeyActionPointsRecord(SQLModel, table=True):
    """Points that split a team pool, earned in `period` (usually from an award)."""

    __tablename__ = "key_action_points"

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    award_id: int | None = Field(default=None, foreign_key="award.id", unique=True)
    period: str
    points: Decimal = Field(sa_type=ExactDecimal)
    reason: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
