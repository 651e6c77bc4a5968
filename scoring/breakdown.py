"""The explainable score breakdown: every figure a card, chart or export may show.

Numbers are exact Decimals (achievement may be ∞ for a `lower` indicator at 0); rounding
happens only in `report_to_json` or in a view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from scoring.model import Calibration
from scoring.periods import Period
from scoring.reviews import CycleFigure


@dataclass(frozen=True, slots=True)
class SubScore:
    """One evaluation period of one indicator (a month of a quarterly report, or P itself)."""

    period: Period
    indicator: str
    value: Decimal | None
    target: Decimal | None
    original_target: Decimal | None
    achievement: Decimal | None
    score: Decimal | None
    missing: bool
    counted: bool
    open: bool
    calibrations: tuple[Calibration, ...] = ()
    reviews: tuple[CycleFigure, ...] = ()


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    key: str
    dimension: str
    weight: Decimal
    value: Decimal | None
    target: Decimal | None
    original_target: Decimal | None
    achievement: Decimal | None
    score: Decimal | None
    missing: bool
    counted: bool
    replaces: str | None
    calibrations: tuple[Calibration, ...]
    source: str
    unit: str | None
    rule: str
    direction: str
    period_kind: str
    provisional: bool
    subperiods: tuple[SubScore, ...]
    reviews: tuple[CycleFigure, ...] = ()
    value_visible: bool = True
    """False for a review value with fewer than `anonymity_threshold` raters in a cycle."""


@dataclass(frozen=True, slots=True)
class DimensionScore:
    key: str
    weight: Decimal
    score: Decimal | None
    indicators: tuple[IndicatorScore, ...]


@dataclass(frozen=True, slots=True)
class KeyResultScore:
    key: str
    weight: Decimal
    target: Decimal
    value: Decimal | None
    progress: Decimal | None
    counted: bool


@dataclass(frozen=True, slots=True)
class OkrScore:
    rate: Decimal | None
    coefficient: Decimal
    key_results: tuple[KeyResultScore, ...]
    provisional: bool


@dataclass(frozen=True, slots=True)
class Award:
    type: str
    period: Period
    item: str | None = None
    value: Decimal | None = None
    points: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class IncentiveScore:
    commission: Decimal | None = None
    over_target_bonus: Decimal | None = None
    pool_share: Decimal | None = None
    awards: tuple[Award, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberScore:
    member: str
    team: str
    template: str
    total: Decimal | None
    base: Decimal | None
    okr_rate: Decimal | None
    coefficient: Decimal
    bonus: Decimal
    bonus_points: Decimal
    grade: str | None
    dimensions: tuple[DimensionScore, ...]
    incentives: IncentiveScore
    provisional: bool
    key_results: tuple[KeyResultScore, ...] = ()

    def indicators(self) -> list[IndicatorScore]:
        """All indicator rows, flattened (for strongest/weakest cards)."""
        return [i for d in self.dimensions for i in d.indicators]


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    as_of: datetime
    provisional: bool
    members: list[MemberScore] = field(default_factory=list)
    anonymity_threshold: int = 3
