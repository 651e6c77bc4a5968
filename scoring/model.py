"""The inputs of scoring, as plain frozen data.

These mirror the org config (`org.yaml`) and the metric/review rows after validation. The
config loader (`storage.orgfile`) and the database (`storage`) both produce them; scoring
never knows where they came from. Numbers are `Decimal`, built from the input strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from scoring.periods import Period, PeriodKind

Text = Mapping[str, str]
"""A name in several languages: {"zh-CN": ..., "en": ...}; one language may be missing."""

Rule = Literal["linear", "steps", "rating", "binary"]
Direction = Literal["higher", "lower"]
Aggregate = Literal["sum", "avg", "last"]
Source = Literal["metrics", "checkin", "peer", "manager"]
Subject = Literal["member", "team"]
IndicatorPeriod = Literal["month", "quarter", "year"]

DEFAULT_GRADES: tuple[tuple[str, Decimal], ...] = (
    ("S", Decimal(110)),
    ("A", Decimal(95)),
    ("B", Decimal(80)),
    ("C", Decimal(60)),
    ("D", Decimal(0)),
)


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    weight: Decimal
    period: IndicatorPeriod = "quarter"
    aggregate: Aggregate = "sum"
    target: Decimal | None = None
    rule: Rule = "linear"
    direction: Direction = "higher"
    floor: Decimal = Decimal(0)
    cap: Decimal = Decimal("1.2")
    steps: tuple[tuple[Decimal, Decimal], ...] = ()
    scale: int | None = None
    source: Source = "metrics"
    subject: Subject = "member"
    criteria: tuple[str, ...] = ()
    normalize: bool = False
    unit: str | None = None
    name: Text = field(default_factory=dict)
    funnel: str | None = None
    """acquisition | conversion | retention | repurchase, for the dashboard's funnel."""
    allow_negative: bool = False
    """Imported values may be negative; the importers refuse negatives otherwise."""


@dataclass(frozen=True)
class Template:
    key: str
    dimensions: Mapping[str, Decimal]
    indicators: tuple[Indicator, ...]
    name: Text = field(default_factory=dict)


@dataclass(frozen=True)
class LeaveRange:
    start: date
    end: date


@dataclass(frozen=True)
class Member:
    id: str
    team: str
    template: str | None
    name: str = ""
    function: str | None = None
    manager: str | None = None
    """Direct manager; None means the team's manager (resolve with `Org.manager_of`)."""
    targets: Mapping[str, Decimal] = field(default_factory=dict)
    joined: date | None = None
    left: date | None = None
    leave: tuple[LeaveRange, ...] = ()
    roles: tuple[str, ...] = ()
    locale: str | None = None
    timezone: str | None = None
    identities: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KeyResult:
    key: str
    target: Decimal
    weight: Decimal
    period: IndicatorPeriod = "quarter"
    aggregate: Aggregate = "sum"


@dataclass(frozen=True)
class CoefficientStep:
    min_rate: Decimal
    coefficient: Decimal


@dataclass(frozen=True)
class TeamAward:
    """A team metric that, reaching `target` over one `period`, pays `amount` (pool, new-customer)."""

    metric: str
    target: Decimal
    amount: Decimal
    period: IndicatorPeriod = "quarter"


@dataclass(frozen=True)
class Team:
    key: str
    manager: str | None = None
    key_results: tuple[KeyResult, ...] = ()
    kr_cap: Decimal = Decimal("1.2")
    coefficients: tuple[CoefficientStep, ...] = ()
    bonus_pool: TeamAward | None = None
    new_customer_award: TeamAward | None = None
    name: Text = field(default_factory=dict)
    channels: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class SwapTarget:
    """The indicator a swap puts in place of `from`; dimension and weight come from `from`."""

    key: str
    period: IndicatorPeriod
    aggregate: Aggregate = "sum"
    target: Decimal | None = None
    rule: Rule = "linear"
    direction: Direction = "higher"
    floor: Decimal = Decimal(0)
    cap: Decimal = Decimal("1.2")
    steps: tuple[tuple[Decimal, Decimal], ...] = ()
    scale: int | None = None
    unit: str | None = None
    allow_negative: bool = False


@dataclass(frozen=True)
class Calibration:
    """An approved calibration. Exactly one of member/team is set. Later in the tuple wins ties."""

    period: Period
    type: Literal["retarget", "swap"]
    member: str | None = None
    team: str | None = None
    indicator: str | None = None
    coefficient: Decimal | None = None
    new_target: Decimal | None = None
    swap_from: str | None = None
    swap_to: SwapTarget | None = None
    reason: Text = field(default_factory=dict)
    id: str | None = None
    approved_at: datetime | None = None


@dataclass(frozen=True)
class BonusPoints:
    member: str
    period: Period
    points: Decimal
    reason: Text = field(default_factory=dict)


@dataclass(frozen=True)
class KeyActionPoints:
    """Points that split a team pool (awards, innovation); period is when they were earned."""

    member: str
    period: Period
    points: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Bracket:
    upto: Decimal | None
    rate: Decimal


@dataclass(frozen=True)
class Commission:
    indicator: str
    brackets: tuple[Bracket, ...]
    mode: Literal["progressive", "flat"] = "progressive"
    period: IndicatorPeriod | None = None


@dataclass(frozen=True)
class OverTargetBonus:
    indicator: str
    period: IndicatorPeriod
    target: Decimal
    rate: Decimal


@dataclass(frozen=True)
class ContentHitAward:
    metric: str
    threshold: Decimal
    period: IndicatorPeriod = "month"


@dataclass(frozen=True)
class Incentives:
    commission: Commission | None = None
    over_target_bonus: OverTargetBonus | None = None
    key_action_points: Mapping[str, Decimal] = field(default_factory=dict)
    content_hit: ContentHitAward | None = None


@dataclass(frozen=True)
class Org:
    """Everything of the org config that scoring reads."""

    timezone: str
    templates: Mapping[str, Template]
    teams: Mapping[str, Team]
    members: Mapping[str, Member]
    locale: str = "zh-CN"
    anonymity_threshold: int = 3
    bonus_cap: Decimal = Decimal(10)
    grades: tuple[tuple[str, Decimal], ...] = DEFAULT_GRADES
    review_scale: int = 5
    calibrations: tuple[Calibration, ...] = ()
    bonus_points: tuple[BonusPoints, ...] = ()
    key_action_points: tuple[KeyActionPoints, ...] = ()
    """Approved key-action points (innovation awards, …) that split team pools."""
    incentives: Incentives = field(default_factory=Incentives)
    name: Text = field(default_factory=dict)
    criteria: Mapping[str, Text] = field(default_factory=dict)
    """review.criteria: the 360 criteria and their names."""

    def manager_of(self, member_id: str) -> str | None:
        m = self.members[member_id]
        if m.manager:
            return m.manager
        team = self.teams.get(m.team)
        return team.manager if team else None


@dataclass(frozen=True, slots=True)
class MetricRow:
    """One value for (subject, indicator, period, item, origin).

    `subject` is a member id or `team:KEY`. `seq` orders imports (a later import, then a
    later line, has a higher seq) and breaks ties for `aggregate: last`.
    """

    subject: str
    indicator: str
    period: Period
    value: Decimal
    item: str = ""
    origin: str = "import"
    recorded_at: datetime | None = None
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Rating:
    """One 360 rating; `cycle` is a quarter."""

    cycle: Period
    rater: str
    ratee: str
    criterion: str
    value: int
    comment: str | None = None


PERIOD_KINDS: tuple[PeriodKind, ...] = ("day", "month", "quarter", "year")
