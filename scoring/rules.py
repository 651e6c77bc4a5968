"""Achievement and the four scoring rules of scoring.md §1.

Kept free of periods and rows so the rule table can be tested exhaustively on its own.
"""

from __future__ import annotations

from decimal import Decimal

from scoring.model import Direction, Indicator
from scoring.numbers import HUNDRED, INF, ONE, ZERO

TARGET_RULES = ("linear", "steps", "binary")


class ScoringError(ValueError):
    """Inputs scoring cannot use (unknown member or template, a rule without a target)."""


def achievement(value: Decimal, target: Decimal, direction: Direction) -> Decimal:
    """a = v/t, or t/v for `lower`; ∞ when a lower-is-better value is 0."""
    if direction == "lower":
        return INF if value == 0 else target / value
    return value / target


def rule_score(rule_ind: Indicator, a: Decimal) -> Decimal:
    """Score of a target-based rule for an achievement a (which may be ∞)."""
    if rule_ind.rule == "binary":
        return HUNDRED if a >= ONE else ZERO
    if rule_ind.rule == "steps":
        points = ZERO
        for ratio, pts in rule_ind.steps:
            if ratio <= a:
                points = pts
        return points
    if a < rule_ind.floor:
        return ZERO
    return HUNDRED * min(a, rule_ind.cap)


def indicator_scale(ind: Indicator, review_scale: int) -> int:
    """The rating scale: the indicator's own, else the org's review scale (default 5)."""
    return ind.scale if ind.scale is not None else review_scale


def score_value(
    ind: Indicator, value: Decimal, target: Decimal | None, review_scale: int
) -> tuple[Decimal | None, Decimal]:
    """(achievement, score) of one value; `rating` reports achievement only with a target."""
    if ind.rule == "rating":
        a = achievement(value, target, ind.direction) if target else None
        return a, HUNDRED * value / indicator_scale(ind, review_scale)
    if target is None or target <= 0:
        raise ScoringError(f"indicator {ind.key!r}: rule {ind.rule!r} needs a target > 0")
    a = achievement(value, target, ind.direction)
    return a, rule_score(ind, a)


def max_score(ind: Indicator) -> Decimal:
    """M of scoring.md §3: the highest score this indicator can reach."""
    if ind.rule == "linear":
        return HUNDRED * ind.cap
    if ind.rule == "steps":
        return max((pts for _, pts in ind.steps), default=ZERO)
    return HUNDRED
