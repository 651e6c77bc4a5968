"""Projected achievement for the at-risk warning (scheduler `at-risk-warning`).

For a `sum` the period-to-date value is scaled up by the elapsed share of the period (30 %
of the quarter gone and 25 % of the target done projects to 83 %); `avg` and `last` use the
value so far; a monthly indicator in a quarter uses the mean of its months so far (a closed
empty month counts 0). Review-sourced indicators are not projected (None).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

from scoring.calibration import CalibrationIndex
from scoring.model import Indicator, Member, MetricRow, Org
from scoring.numbers import ONE, ZERO, exact_context, mean
from scoring.periods import KIND_ORDER, Period
from scoring.report import as_of_in_org
from scoring.rules import ScoringError, achievement, indicator_scale
from scoring.values import RowIndex, aggregate


def _elapsed(period: Period, at: datetime, tz: ZoneInfo) -> Decimal:
    start = datetime.combine(period.start, time(), tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=tz)
    share = Decimal((at - start).total_seconds()) / Decimal((end - start).total_seconds())
    return min(max(share, ZERO), ONE)


def _one(
    org: Org,
    rows: RowIndex,
    member: Member,
    ind: Indicator,
    period: Period,
    at: datetime,
    scale: bool,
) -> Decimal | None:
    tz = ZoneInfo(org.timezone)
    force = CalibrationIndex(org.calibrations, tz).resolve(member, ind, period)
    cur = force.indicator
    subject = f"team:{member.team}" if cur.subject == "team" else member.id
    value = aggregate(rows.rows_in(subject, cur.key, period, at.date()), cur.aggregate, tz)
    if value is None:
        return ZERO if period.is_closed(at.date()) else None
    if scale and cur.aggregate == "sum":
        share = _elapsed(period, at, tz)
        if share == 0:
            return None
        value = value / share
    if cur.rule == "rating" and not force.target:
        return value / indicator_scale(cur, org.review_scale)
    if force.target is None:
        raise ScoringError(f"indicator {cur.key!r}: no target to project against")
    return achievement(value, force.target, cur.direction)


def projected_achievement(
    org: Org,
    rows: RowIndex | Iterable[MetricRow],
    member_id: str,
    indicator: str,
    period: Period | str,
    as_of: datetime | date,
) -> Decimal | None:
    """Projected a for one member's indicator over `period` (a quarter, typically)."""
    member = org.members[member_id]
    tpl = org.templates.get(member.template or "")
    ind = next((i for i in tpl.indicators if i.key == indicator), None) if tpl else None
    if ind is None:
        raise ScoringError(f"member {member_id!r} has no indicator {indicator!r}")
    if ind.source in ("peer", "manager"):
        return None
    index = rows if isinstance(rows, RowIndex) else RowIndex(rows)
    p = Period.parse(period) if isinstance(period, str) else period
    at = as_of_in_org(as_of, ZoneInfo(org.timezone))
    with localcontext(exact_context()):
        if KIND_ORDER[ind.period] < KIND_ORDER[p.kind]:
            subs = [s for s in p.subperiods(ind.period) if s.start <= at.date()]
            return mean(
                a for s in subs if (a := _one(org, index, member, ind, s, at, False)) is not None
            )
        target_period = p if ind.period == p.kind else p.enclosing(ind.period)
        return _one(org, index, member, ind, target_period, at, True)
