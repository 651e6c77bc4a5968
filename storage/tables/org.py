"""The org as imported from org.yaml: the config itself plus the rows other code queries.

The validated config is kept whole (JSON) because scoring reads it through
`to_scoring_org`; the tables below exist for lookups the bot does without the config
(who is this Slack user, who manages whom, which timezone).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.tables._base import ExactDecimal, UTCDateTime, utcnow


class OrgRecord(SQLModel, table=True):
    """The one org of this installation: its validated config and the hash of it."""

    __tablename__ = "org"

    id: int | None = Field(default=None, primary_key=True)
    name: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    timezone: str
    locale: str
    config: dict[str, Any] = Field(sa_type=sa.JSON)
    config_sha256: str = Field(max_length=64)
    source_text: str = Field(sa_type=sa.Text)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TeamRecord(SQLModel, table=True):
    __tablename__ = "team"

    key: str = Field(primary_key=True)
    name: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    manager: str | None = None
    channels: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    objective: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    campaign: str | None = None
    kr_cap: Decimal = Field(sa_type=ExactDecimal)
    active: bool = True


class TemplateRecord(SQLModel, table=True):
    __tablename__ = "template"

    key: str = Field(primary_key=True)
    name: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    dimensions: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    active: bool = True


class MemberRecord(SQLModel, table=True):
    """A person. Removed from the file means inactive, never deleted: ratings keep pointing here."""

    __tablename__ = "member"

    id: str = Field(primary_key=True)
    name: str = ""
    team_key: str = Field(foreign_key="team.key", index=True)
    function: str | None = None
    manager: str | None = Field(default=None, index=True)
    template_key: str | None = Field(default=None, foreign_key="template.key")
    locale: str | None = None
    timezone: str | None = None
    roles: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    joined: date | None = None
    active: bool = True


class MemberIdentity(SQLModel, table=True):
    """A member's user id on one chat platform; one member per platform user id."""

    __tablename__ = "member_identity"
    __table_args__ = (
        sa.UniqueConstraint("platform", "platform_user_id"),
        sa.UniqueConstraint("member_id", "platform"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: str = Field(foreign_key="member.id", ondelete="CASCADE")
    platform: str
    platform_user_id: str


class IndicatorRecord(SQLModel, table=True):
    """One indicator of a template; `spec` keeps the rest of its config (steps, criteria…)."""

    __tablename__ = "indicator"
    __table_args__ = (sa.UniqueConstraint("template_key", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    template_key: str = Field(foreign_key="template.key", ondelete="CASCADE")
    key: str
    dimension: str
    weight: Decimal = Field(sa_type=ExactDecimal)
    period: str
    aggregate: str
    target: Decimal | None = Field(default=None, sa_type=ExactDecimal)
    rule: str
    direction: str
    source: str
    subject: str
    unit: str | None = None
    spec: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class StrategyRecord(SQLModel, table=True):
    __tablename__ = "strategy"

    key: str = Field(primary_key=True)
    name: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)


class CampaignRecord(SQLModel, table=True):
    __tablename__ = "campaign"

    key: str = Field(primary_key=True)
    strategy_key: str = Field(foreign_key="strategy.key", ondelete="CASCADE")


class KeyResultRecord(SQLModel, table=True):
    __tablename__ = "key_result"
    __table_args__ = (sa.UniqueConstraint("team_key", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_key: str = Field(foreign_key="team.key", ondelete="CASCADE")
    key: str
    target: Decimal = Field(sa_type=ExactDecimal)
    weight: Decimal = Field(sa_type=ExactDecimal)
    period: str
    aggregate: str


class MemberPreference(SQLModel, table=True):
    """What a member chose with `/perf settings`; outlives config re-imports (None = config's)."""

    __tablename__ = "member_preference"

    member_id: str = Field(primary_key=True, foreign_key="member.id", ondelete="CASCADE")
    locale: str | None = None
    timezone: str | None = None
    nudges: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
