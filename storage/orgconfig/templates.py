"""Templates and their indicators (the scoring rules of one job)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from storage.orgconfig._base import (
    Aggregate,
    Direction,
    Funnel,
    IndicatorPeriod,
    Key,
    Model,
    NonNeg,
    Num,
    Rule,
    Source,
    Subject,
    Text,
)

Step = tuple[Num, Num]
"""[ratio, points]: the points of the highest step whose ratio ≤ achievement."""

DEFAULT_DIMENSIONS: dict[str, Decimal] = {
    "result": Decimal(40),
    "process": Decimal(40),
    "capability": Decimal(20),
}


class IndicatorConfig(Model):
    key: Key
    name: Text | None = None
    dimension: Key
    weight: NonNeg
    period: IndicatorPeriod = "quarter"
    aggregate: Aggregate = "sum"
    target: Num | None = None
    unit: str | None = None
    cap: Num = Decimal("1.2")
    floor: Num = Decimal(0)
    rule: Rule = "linear"
    steps: list[Step] = Field(default_factory=list)
    direction: Direction = "higher"
    source: Source = "metrics"
    subject: Subject = "member"
    criteria: list[Key] = Field(default_factory=list)
    normalize: bool = False
    scale: int | None = Field(default=None, ge=2)
    funnel: Funnel | None = None
    """Stage shown in the dashboard's funnel."""
    allow_negative: bool = False
    """Imported values may be negative (refunds, net changes); refused otherwise."""


class TemplateConfig(Model):
    key: Key
    name: Text
    dimensions: dict[Key, NonNeg] = Field(default_factory=lambda: dict(DEFAULT_DIMENSIONS))
    indicators: list[IndicatorConfig] = Field(min_length=1)
