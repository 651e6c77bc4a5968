"""Org, strategy, teams, members and review settings of org.yaml."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from storage.msg import Msg
from storage.orgconfig._base import (
    Aggregate,
    IndicatorPeriod,
    Key,
    Locale,
    Model,
    NonNeg,
    Num,
    Positive,
    Text,
    TimeZone,
)

DEFAULT_GRADES: dict[str, Decimal] = {
    "S": Decimal(110),
    "A": Decimal(95),
    "B": Decimal(80),
    "C": Decimal(60),
    "D": Decimal(0),
}


class Approvers(Model):
    """One approver of each role signs calibrations and bonus points."""

    strategy: list[str] = Field(default_factory=list)
    marketing: list[str] = Field(default_factory=list)
    hr: list[str] = Field(default_factory=list)


class OrgSection(Model):
    name: Text
    timezone: TimeZone = "UTC"
    locale: Locale = "zh-CN"
    anonymity_threshold: int = Field(default=3, ge=1)
    bonus_cap: NonNeg = Decimal(10)
    grades: dict[Key, NonNeg] = Field(default_factory=lambda: dict(DEFAULT_GRADES), min_length=1)
    approvers: Approvers = Field(default_factory=Approvers)


class StrategyItem(Model):
    key: Key
    name: Text
    campaigns: list[Key] = Field(default_factory=list)


class WecomChannel(Model):
    """An app group chat (`chat_id`) or a group robot (`webhook_key`): exactly one."""

    chat_id: str | None = None
    webhook_key: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> WecomChannel:
        if (self.chat_id is None) == (self.webhook_key is None):
            raise ValueError(
                Msg("config.chat_or_webhook", "give exactly one of chat_id or webhook_key")
            )
        return self


class Channels(Model):
    slack: str | None = None
    feishu: str | None = None
    wecom: WecomChannel | None = None


class KeyResultConfig(Model):
    key: Key
    target: Positive
    weight: Positive
    period: IndicatorPeriod = "quarter"
    aggregate: Aggregate = "sum"


class Okr(Model):
    objective: Text
    campaign: str | None = None
    key_results: list[KeyResultConfig] = Field(default_factory=list)
    kr_cap: Positive = Decimal("1.2")


class CoefficientEntry(Model):
    min_rate: NonNeg
    coefficient: NonNeg


class TeamAwardConfig(Model):
    """A team metric reaching `target` over one `period` pays `amount`."""

    metric: Key
    target: Positive
    amount: NonNeg
    period: IndicatorPeriod = "quarter"


class TeamConfig(Model):
    key: Key
    name: Text
    manager: str | None = None
    channels: Channels = Field(default_factory=Channels)
    okr: Okr | None = None
    coefficients: list[CoefficientEntry] = Field(default_factory=list)
    bonus_pool: TeamAwardConfig | None = None
    new_customer_award: TeamAwardConfig | None = None


class Identities(Model):
    slack: str | None = None
    feishu: str | None = None
    wecom: str | None = None


class LeaveConfig(Model):
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> LeaveConfig:
        if self.end < self.start:
            raise ValueError(Msg("config.leave_reversed", "leave ends before it starts"))
        return self


class MemberConfig(Model):
    id: Key
    name: str = ""
    team: Key
    function: str | None = None
    template: str | None = None
    """None: not scored (HR, executives)."""
    manager: str | None = None
    """Direct manager; None means the team's manager."""
    identities: Identities = Field(default_factory=Identities)
    targets: dict[Key, Num] = Field(default_factory=dict)
    joined: date | None = None
    left: date | None = None
    leave: list[LeaveConfig] = Field(default_factory=list)
    roles: list[Literal["admin"]] = Field(default_factory=list)
    locale: Locale | None = None
    timezone: TimeZone | None = None


class ReviewConfig(Model):
    strategy: Literal["cross_function", "team", "explicit"] = "cross_function"
    peers_per_member: int = Field(default=4, ge=1)
    explicit: dict[Key, list[str]] = Field(default_factory=dict)
    scale: int = Field(default=5, ge=2)
    criteria: dict[Key, Text] = Field(default_factory=dict)
