"""Money and awards of scoring.md §5: commission, over-target bonus, pool splits, hits.

Splits work in integer cents with the largest-remainder method so shares always add up to
the amount exactly; equal remainders go to the lower member id, so the result does not
depend on input order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from scoring.model import Bracket, ContentHitAward, Org
from scoring.numbers import INF, ZERO
from scoring.periods import KIND_ORDER, Period
from scoring.values import RowIndex, containing

_CENT = Decimal("0.01")


def commission(total: Decimal, brackets: Sequence[Bracket], mode: str) -> Decimal:
    """Progressive: each slice at its rate; flat: all of S at the rate of S's bracket."""
    lower = ZERO
    if mode == "flat":
        if total <= 0:
            return ZERO
        for b in brackets:
            upper = INF if b.upto is None else b.upto
            if lower < total <= upper:
                return total * b.rate
            lower = upper
        return ZERO
    paid = ZERO
    for b in brackets:
        upper = INF if b.upto is None else b.upto
        paid += b.rate * max(ZERO, min(total, upper) - lower)
        if upper == INF:
            break
        lower = upper
    return paid


def over_target_bonus(total: Decimal, target: Decimal, rate: Decimal) -> Decimal:
    return rate * max(ZERO, total - target)


def split_cents(amount: Decimal, points: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split `amount` by points (equally when all are 0), exact to the cent."""
    ids = sorted(points)
    if not ids:
        return {}
    cents = int((amount / _CENT).to_integral_value(rounding=ROUND_FLOOR))
    total = sum((points[i] for i in ids), ZERO)
    weights = {i: (points[i] if total > 0 else Decimal(1)) for i in ids}
    wsum = sum(weights.values(), ZERO)
    exact = {i: Decimal(cents) * weights[i] / wsum for i in ids}
    base = {i: int(exact[i].to_integral_value(rounding=ROUND_FLOOR)) for i in ids}
    left = cents - sum(base.values())
    order = sorted(ids, key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:left]:
        base[i] += 1
    return {i: Decimal(base[i]) * _CENT for i in ids}


@dataclass(frozen=True)
class ContentHit:
    member: str
    item: str
    period: Period
    value: Decimal


def content_hits(rows: RowIndex, award: ContentHitAward) -> list[ContentHit]:
    """Each (item, member) once, ever: the first award period whose sum reaches threshold."""
    hits: list[ContentHit] = []
    for subject in rows.subjects_of(award.metric):
        if subject.startswith("team:"):
            continue
        sums: dict[tuple[str, Period], Decimal] = defaultdict(lambda: ZERO)
        for row in rows.rows_of(subject, award.metric):
            if row.item and KIND_ORDER[row.period.kind] <= KIND_ORDER[award.period]:
                p = containing(row.period.start, award.period)
                sums[(row.item, p)] += row.value
        first: dict[str, tuple[Period, Decimal]] = {}
        for (item, p), total in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if total >= award.threshold and item not in first:
                first[item] = (p, total)
        hits.extend(ContentHit(subject, item, p, v) for item, (p, v) in sorted(first.items()))
    return hits


def key_action_points(org: Org, hits: Sequence[ContentHit], period: Period) -> dict[str, Decimal]:
    """Points earned inside `period`: recorded key actions plus content-hit awards."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for kap in org.key_action_points:
        if period.contains(kap.period):
            out[kap.member] += kap.points
    per_hit = org.incentives.key_action_points.get("content_hit", ZERO)
    for hit in hits:
        if period.contains(hit.period):
            out[hit.member] += per_hit
    return dict(out)
