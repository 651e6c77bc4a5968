"""Incentives, schedule, coaching and the already-approved records of org.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from storage.orgconfig._base import (
    Aggregate,
    ClockTime,
    Direction,
    IndicatorPeriod,
    Key,
    Model,
    NonNeg,
    Num,
    PeriodText,
    Positive,
    Rule,
    Text,
)
from storage.orgconfig.templates import Step

Nominator = Literal["manager", "strategy", "marketing", "hr", "admin"]
DEFAULT_NOMINATORS: tuple[Nominator, ...] = ("manager",)
DEFAULT_APPROVERS: tuple[Nominator, ...] = ("marketing",)
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class BracketConfig(Model):
    upto: Positive | None
    rate: NonNeg


class CommissionConfig(Model):
    indicator: Key
    period: IndicatorPeriod | None = None
    """Default: the indicator's own period."""
    mode: Literal["progressive", "flat"] = "progressive"
    brackets: list[BracketConfig] = Field(min_length=1)


class OverTargetBonusConfig(Model):
    indicator: Key
    period: IndicatorPeriod
    target: Positive
    rate: NonNeg


class KeyActionPointsConfig(Model):
    content_hit: NonNeg = Decimal(0)
    innovation: NonNeg = Decimal(0)


class ContentHitConfig(Model):
    metric: Key
    threshold: Positive
    period: IndicatorPeriod = "month"


class InnovationConfig(Model):
    nominated_by: list[Nominator] = Field(default_factory=lambda: list(DEFAULT_NOMINATORS))
    approved_by: list[Nominator] = Field(default_factory=lambda: list(DEFAULT_APPROVERS))


class AwardsConfig(Model):
    content_hit: ContentHitConfig | None = None
    innovation: InnovationConfig | None = None


class IncentivesConfig(Model):
    commission: CommissionConfig | None = None
    over_target_bonus: OverTargetBonusConfig | None = None
    key_action_points: KeyActionPointsConfig = Field(default_factory=KeyActionPointsConfig)
    awards: AwardsConfig = Field(default_factory=AwardsConfig)


class LeadHandoffConfig(Model):
    sla_hours: Positive = Decimal(24)


class CheckinSchedule(Model):
    day: int = Field(default=25, ge=1, le=28)
    at: ClockTime = "10:00"
    nudge_after_days: list[int] = Field(default_factory=lambda: [2, 4])
    escalate_after_days: int = Field(default=5, ge=0)
    deadline_days: int = Field(default=7, ge=0)


class ReviewSchedule(Model):
    open_days_before_quarter_end: int = Field(default=7, ge=0)
    close_days_after_quarter_end: int = Field(default=7, ge=0)
    remind_every_days: int = Field(default=2, ge=1)


class CycleCloseSchedule(Model):
    days_after_quarter_end: int = Field(default=8, ge=0)


class AtRiskSchedule(Model):
    day_of_quarter: int = Field(default=45, ge=1, le=92)
    below: NonNeg = Decimal("0.8")


class HalfYearReviewSchedule(Model):
    months: list[int] = Field(default_factory=lambda: [6, 12])
    day: int = Field(default=15, ge=1, le=28)


class CoachingSchedule(Model):
    days_after_close: int = Field(default=3, ge=0)
    follow_up_days_before_due: int = Field(default=7, ge=0)


class DigestSchedule(Model):
    weekday: Weekday = "mon"
    at: ClockTime = "09:30"


class QuietHours(Model):
    start: ClockTime = "20:00"
    end: ClockTime = "09:00"


class ScheduleConfig(Model):
    """All times are each member's local time."""

    checkin: CheckinSchedule = Field(default_factory=CheckinSchedule)
    review: ReviewSchedule = Field(default_factory=ReviewSchedule)
    cycle_close: CycleCloseSchedule = Field(default_factory=CycleCloseSchedule)
    at_risk: AtRiskSchedule = Field(default_factory=AtRiskSchedule)
    half_year_review: HalfYearReviewSchedule = Field(default_factory=HalfYearReviewSchedule)
    coaching: CoachingSchedule = Field(default_factory=CoachingSchedule)
    digest: DigestSchedule = Field(default_factory=DigestSchedule)
    quiet_hours: QuietHours = Field(default_factory=QuietHours)


class SwapToConfig(Model):
    """The indicator a swap puts in place of `from` (it keeps `from`'s dimension and weight)."""

    key: Key
    name: Text | None = None
    period: IndicatorPeriod
    aggregate: Aggregate = "sum"
    target: Num | None = None
    rule: Rule = "linear"
    direction: Direction = "higher"
    floor: Num = Decimal(0)
    cap: Num = Decimal("1.2")
    steps: list[Step] = Field(default_factory=list)
    scale: int | None = Field(default=None, ge=2)
    unit: str | None = None
    allow_negative: bool = False


class CalibrationConfig(Model):
    member: str | None = None
    team: str | None = None
    period: PeriodText
    type: Literal["retarget", "swap"]
    indicator: str | None = None
    coefficient: Positive | None = None
    new_target: Positive | None = None
    swap_from: str | None = Field(default=None, alias="from")
    swap_to: SwapToConfig | None = Field(default=None, alias="to")
    reason: Text | None = None


class BonusPointsConfig(Model):
    member: Key
    period: PeriodText
    points: Num
    reason: Text | None = None


class CoachingConfig(Model):
    open_questions: list[Text] = Field(default_factory=list)
