"""One member's score: dimensions, base, coefficient, bonus, total and grade (§3)."""

from __future__ import annotations

from decimal import Decimal

from scoring.breakdown import DimensionScore, IndicatorScore, MemberScore, OkrScore
from scoring.cadence import Context, evaluate_indicator
from scoring.grades import grade_for
from scoring.model import Member, Template
from scoring.numbers import ZERO
from scoring.payouts import Payouts


def weighted(parts: list[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """Σ w·s / Σ w over the parts that have a score: dropped parts rescale the others."""
    kept = [(w, s) for w, s in parts if s is not None]
    total_w = sum((w for w, _ in kept), ZERO)
    if not kept or total_w == 0:
        return None
    return sum((w * s for w, s in kept), ZERO) / total_w


def score_dimensions(
    ctx: Context, member: Member, template: Template
) -> tuple[DimensionScore, ...]:
    """Each template dimension with its indicators in template order."""
    rows: dict[str, list[IndicatorScore]] = {d: [] for d in template.dimensions}
    for ind in template.indicators:
        if ind.dimension in rows:
            rows[ind.dimension].append(evaluate_indicator(ctx, member, ind))
    keep = ctx.pool
    return tuple(
        DimensionScore(d, w, keep(weighted([(i.weight, i.score) for i in rows[d]])), tuple(rows[d]))
        for d, w in template.dimensions.items()
    )


def score_member(
    ctx: Context, member: Member, template: Template, okr: OkrScore, payouts: Payouts, b: Decimal
) -> MemberScore:
    """T = B × c + min(b, bonus_cap), graded on T rounded to 2 decimals."""
    dims = score_dimensions(ctx, member, template)
    base = weighted([(d.weight, d.score) for d in dims])
    bonus = min(b, ctx.org.bonus_cap)
    total = None if base is None else ctx.pool(base * okr.coefficient + bonus)
    provisional = (
        not ctx.period.is_closed(ctx.today)
        or okr.provisional
        or any(i.provisional for d in dims for i in d.indicators)
    )
    return MemberScore(
        member=member.id,
        team=member.team,
        template=template.key,
        total=total,
        base=ctx.pool(base),
        okr_rate=okr.rate,
        coefficient=okr.coefficient,
        bonus=bonus,
        bonus_points=b,
        grade=None if total is None else grade_for(total, ctx.org.grades),
        dimensions=dims,
        incentives=payouts.for_member(member, template),
        provisional=provisional,
        key_results=okr.key_results,
    )
