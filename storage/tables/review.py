"""Monthly check-ins and the quarterly 360 review: cycles, assignments, ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables._base import UTCDateTime, utcnow


class CheckIn(SQLModel, table=True):
    __tablename__ = "check_in"
    __table_args__ = (sa.UniqueConstraint("member_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id")
    month: str
    values: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    reflection: str | None = Field(default=None, sa_type=sa.Text)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReviewCycle(SQLModel, table=True):
    """A quarter's review window; state goes scheduled → open → closed → frozen."""

    __tablename__ = "review_cycle"

    quarter: str = Field(primary_key=True)
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    state: str = "scheduled"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReviewAssignment(SQLModel, table=True):
    __tablename__ = "review_assignment"
    __table_args__ = (sa.UniqueConstraint("cycle", "rater_id", "ratee_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle: str = Field(foreign_key="review_cycle.quarter")
    rater_id: str = Field(foreign_key="member.id")
    ratee_id: str = Field(foreign_key="member.id")
    kind: str = "peer"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RatingRecord(SQLModel, table=True):
    """One 360 rating. `cycle` is a quarter string, not a foreign key: offline cycles imported
    from CSV have no review window."""

    __tablename__ = "rating"
    __table_args__ = (
        sa.UniqueConstraint("cycle", "rater_id", "ratee_id", "criterion"),
        sa.Index("ix_rating_ratee_cycle", "ratee_id", "cycle"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cycle: str = Field(index=True)
    rater_id: str = Field(foreign_key="member.id")
    ratee_id: str = Field(foreign_key="member.id")
    criterion: str
    value: int
    comment: str | None = Field(default=None, sa_type=sa.Text)
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
