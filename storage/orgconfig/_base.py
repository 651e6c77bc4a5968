"""Shared building blocks of the org-config models.

Every model forbids unknown keys, so a typo in org.yaml is an error instead of a silently
ignored setting. Numbers are `Decimal` (the loader builds them from the YAML scalar text).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from scoring.periods import Period
from storage.msg import Msg

Lang = Literal["zh-CN", "en"]
Locale = Lang

Text = Annotated[dict[Lang, str], Field(min_length=1)]
"""A name map: {zh-CN: …, en: …}; one language is enough, the other falls back to it."""

IndicatorPeriod = Literal["month", "quarter", "year"]
Rule = Literal["linear", "steps", "rating", "binary"]
Direction = Literal["higher", "lower"]
Aggregate = Literal["sum", "avg", "last"]
Source = Literal["metrics", "checkin", "peer", "manager"]
Subject = Literal["member", "team"]
Funnel = Literal["acquisition", "conversion", "retention", "repurchase"]

Num = Annotated[Decimal, Field(allow_inf_nan=False)]
NonNeg = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Key = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    """Base: unknown keys are refused (only the YAML spelling, e.g. `from`, is accepted)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _period_text(value: object) -> object:
    """YAML reads `2026` as an int and `2026-08-14` as a date; periods are text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _check_period(value: str) -> str:
    return str(Period.parse(value))


PeriodText = Annotated[str, BeforeValidator(_period_text), AfterValidator(_check_period)]
"""A period string (`2026-08-14`, `2026-08`, `2026-Q3`, `2026`), normalised."""


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            Msg("config.unknown_timezone", "unknown timezone {name!r}", name=value)
        ) from None
    return value


TimeZone = Annotated[str, AfterValidator(_check_timezone)]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Positive = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
