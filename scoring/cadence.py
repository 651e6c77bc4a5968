"""Evaluating one member's indicator over a report period (scoring.md §1–§3 cadence).

An indicator shorter than the report is evaluated on each of its periods inside it; an
equal one on the report period; a longer one on its enclosing period to date. Each
evaluation period resolves its own calibration, so a quarter's swap or retarget applies to
exactly the months it contains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from scoring.breakdown import IndicatorScore, SubScore
from scoring.calibration import CalibrationIndex, InForce
from scoring.model import Calibration, Indicator, Member, Org
from scoring.numbers import ZERO, DecimalPool, mean
from scoring.periods import KIND_ORDER, Period
from scoring.reviews import CycleFigure, ReviewIndex
from scoring.rules import score_value
from scoring.values import RowIndex, aggregate, counted_for


@dataclass(frozen=True)
class Context:
    """Everything shared by all members of one report."""

    org: Org
    rows: RowIndex
    reviews: ReviewIndex
    cals: CalibrationIndex
    period: Period
    today: date
    tz: ZoneInfo
    spans: dict[Period, tuple[date, bool]] = field(default_factory=dict)
    """Per evaluation period: (cutoff, is_open), computed once per report."""
    pool: DecimalPool = field(default_factory=DecimalPool)
    """Equal figures of the breakdowns kept as one object (`DecimalPool`), so a report's
    memory grows with its distinct figures, not with its members."""

    def span(self, period: Period) -> tuple[date, bool]:
        """(cutoff, is_open) of an evaluation period inside this report."""
        found = self.spans.get(period)
        if found is None:
            found = self.spans[period] = (
                min(period.end, self.period.end),
                not period.is_closed(self.today),
            )
        return found


@lru_cache(maxsize=256)
def evaluation_periods(kind: str, report: Period) -> tuple[bool, tuple[Period, ...]]:
    """(is_sub, periods): the indicator's periods inside P, P itself, or the enclosing one."""
    order, p_order = KIND_ORDER[kind], KIND_ORDER[report.kind]
    if order < p_order:
        return True, tuple(report.subperiods(kind))  # type: ignore[arg-type]
    if order == p_order:
        return False, (report,)
    return False, (report.enclosing(kind),)  # type: ignore[arg-type]


def _value(
    ctx: Context, member: Member, ind: Indicator, period: Period, cutoff: date
) -> tuple[Decimal | None, tuple[CycleFigure, ...]]:
    if ind.source in ("peer", "manager"):
        rv = ctx.reviews.value(member.id, ind, period, cutoff)
        return rv.value, rv.cycles
    subject = "team:" + member.team if ind.subject == "team" else member.id
    rows = ctx.rows.rows_in(subject, ind.key, period, cutoff)
    return aggregate(rows, ind.aggregate, ctx.tz), ()


def evaluate_once(
    ctx: Context, member: Member, base: Indicator, period: Period, sub: bool
) -> SubScore:
    """Score one evaluation period; an open sub-period without a value is not counted."""
    cutoff, is_open = ctx.span(period)
    force = ctx.cals.resolve(member, base, period)
    cals = force.calibrations
    if not counted_for(member, period.start, cutoff):
        return _blank(period, force, cals, is_open)
    value, figs = _value(ctx, member, force.indicator, period, cutoff)
    if value is None:
        if sub and is_open:
            return _blank(period, force, cals, is_open)
        return SubScore(
            period, force.indicator.key, None, force.target, force.original_target,
            None, ZERO, True, True, is_open, cals, figs,
        )  # fmt: skip
    a, s = score_value(force.indicator, value, force.target, ctx.org.review_scale)
    keep = ctx.pool
    return SubScore(
        period, force.indicator.key, keep(value), force.target, force.original_target,
        keep(a), keep(s), False, True, is_open, cals, figs,
    )  # fmt: skip


def _blank(
    period: Period, force: InForce, cals: tuple[Calibration, ...], is_open: bool
) -> SubScore:
    return SubScore(
        period, force.indicator.key, None, force.target, force.original_target,
        None, None, False, False, is_open, cals,
    )  # fmt: skip


def evaluate_indicator(ctx: Context, member: Member, base: Indicator) -> IndicatorScore:
    """Combine the evaluation periods into one breakdown row (means of counted figures)."""
    sub, periods = evaluation_periods(base.period, ctx.period)
    subs = tuple(evaluate_once(ctx, member, base, p, sub) for p in periods)
    counted = [s for s in subs if s.counted]
    keys = {s.indicator for s in counted}
    mixed = len(keys) > 1
    key = keys.pop() if len(keys) == 1 else base.key
    shown = _shown_indicator(ctx, member, base, subs, key)
    figs = tuple(f for s in counted for f in s.reviews)
    threshold = ctx.org.anonymity_threshold
    keep = ctx.pool
    return IndicatorScore(
        key=key,
        dimension=base.dimension,
        weight=base.weight,
        value=None if mixed else keep(mean(s.value for s in counted if s.value is not None)),
        target=None if mixed else keep(mean(s.target for s in counted if s.target is not None)),
        original_target=None
        if mixed
        else keep(mean(s.original_target for s in counted if s.original_target is not None)),
        achievement=keep(mean(s.achievement for s in counted if s.achievement is not None)),
        score=keep(mean(s.score for s in counted if s.score is not None)),
        missing=any(s.missing for s in counted),
        counted=bool(counted),
        replaces=base.key if key != base.key else None,
        calibrations=_distinct(cals)
        if (cals := [c for s in counted for c in s.calibrations])
        else (),
        source=shown.source,
        unit=shown.unit,
        rule=shown.rule,
        direction=shown.direction,
        period_kind=shown.period,
        provisional=any(s.open for s in subs),
        subperiods=subs,
        reviews=figs,
        value_visible=all(f.raters >= threshold for f in figs),
    )


def _shown_indicator(
    ctx: Context, member: Member, base: Indicator, subs: tuple[SubScore, ...], key: str
) -> Indicator:
    if key == base.key:
        return base
    return ctx.cals.resolve(
        member, base, next(s.period for s in subs if s.indicator == key)
    ).indicator


def _distinct(cals: Iterable[Calibration]) -> tuple[Calibration, ...]:
    out: list[Calibration] = []
    for c in cals:
        if not any(c is o for o in out):
            out.append(c)
    return tuple(out)
