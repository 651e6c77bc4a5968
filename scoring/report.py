"""`score_report`: the whole breakdown of one period as of one moment (scoring.md).

Rows and ratings are indexed once, team-wide figures (OKR, splits, awards) are computed once
per team, and each member then costs only dictionary look-ups, so an org of thousands of
members scores in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

from scoring.breakdown import MemberScore, OkrScore, Report
from scoring.cadence import Context
from scoring.calibration import CalibrationIndex
from scoring.engine import score_member
from scoring.jsonout import report_to_json
from scoring.model import Member, MetricRow, Org, Rating, Template
from scoring.numbers import ZERO, exact_context
from scoring.okr import team_okr
from scoring.payouts import Payouts
from scoring.periods import Period
from scoring.reviews import ReviewIndex
from scoring.rules import ScoringError
from scoring.values import RowIndex

__all__ = ["as_of_in_org", "build_context", "report_to_json", "score_report"]


def as_of_in_org(as_of: datetime | date, tz: ZoneInfo) -> datetime:
    """An aware as-of time; naive times and bare dates are read in the org's timezone."""
    if not isinstance(as_of, datetime):
        return datetime.combine(as_of, time(), tzinfo=tz)
    if as_of.tzinfo is None:
        return as_of.replace(tzinfo=tz)
    return as_of.astimezone(tz)


def build_context(
    org: Org, rows: Iterable[MetricRow], ratings: Iterable[Rating], period: Period, as_of: datetime
) -> Context:
    """Index the inputs once; `as_of` must already be aware (see `as_of_in_org`)."""
    tz = ZoneInfo(org.timezone)
    return Context(
        org=org,
        rows=RowIndex(rows),
        reviews=ReviewIndex(org, ratings),
        cals=CalibrationIndex(org.calibrations, tz),
        period=period,
        today=as_of.astimezone(tz).date(),
        tz=tz,
    )


def _selected(org: Org, members: Iterable[str] | None) -> list[tuple[Member, Template]]:
    """Scored members (with a template), in config order, optionally filtered by id."""
    wanted = None if members is None else list(members)
    if wanted is not None:
        unknown = [m for m in wanted if m not in org.members]
        if unknown:
            raise ScoringError(f"unknown member(s): {', '.join(unknown)}")
    out: list[tuple[Member, Template]] = []
    for m in org.members.values():
        if m.template is None or (wanted is not None and m.id not in wanted):
            continue
        tpl = org.templates.get(m.template)
        if tpl is None:
            raise ScoringError(f"member {m.id!r}: unknown template {m.template!r}")
        out.append((m, tpl))
    return out


def score_report(
    org: Org,
    rows: Iterable[MetricRow],
    ratings: Iterable[Rating],
    period: Period | str,
    as_of: datetime | date,
    *,
    members: Iterable[str] | None = None,
) -> Report:
    """Score every scored member (or the named ones) for `period` as of `as_of`."""
    tz = ZoneInfo(org.timezone)
    p = Period.parse(period) if isinstance(period, str) else period
    at = as_of_in_org(as_of, tz)
    chosen = _selected(org, members)
    with localcontext(exact_context()):
        ctx = build_context(org, rows, ratings, p, at)
        payouts = Payouts(ctx)
        bonus: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for bp in org.bonus_points:
            if p.contains(bp.period):
                bonus[bp.member] += bp.points
        okrs: dict[str, OkrScore] = {}
        scored: list[MemberScore] = []
        for member, tpl in chosen:
            if member.team not in okrs:
                okrs[member.team] = team_okr(org.teams.get(member.team), ctx.rows, p, ctx.today, tz)
            okr = okrs[member.team]
            scored.append(score_member(ctx, member, tpl, okr, payouts, bonus[member.id]))
    provisional = not p.is_closed(ctx.today) or any(m.provisional for m in scored)
    return Report(p, at, provisional, scored, org.anonymity_threshold)
