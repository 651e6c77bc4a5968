"""`score_report`: the whole breakdown of one period as of one moment (scoring.md).

Rows and ratings are indexed once (`Scorer`), team-wide figures (OKR, splits, awards) are
computed once per team and period, and each member then costs only dictionary look-ups, so
an org of thousands of members scores in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, localcontext
from zoneinfo import ZoneInfo

from scoring.breakdown import OkrScore, Report
from scoring.cadence import Context
from scoring.calibration import CalibrationIndex
from scoring.engine import score_member
from scoring.incentives import ContentHit, content_hits
from scoring.jsonout import report_to_json
from scoring.model import Member, MetricRow, Org, Rating, Template
from scoring.numbers import EXACT, ZERO, DecimalPool
from scoring.okr import team_okr
from scoring.payouts import Payouts
from scoring.periods import Period
from scoring.reviews import ReviewIndex
from scoring.rules import ScoringError
from scoring.values import RowIndex

__all__ = [
    "Scorer",
    "as_of_in_org",
    "build_context",
    "merge_reports",
    "report_to_json",
    "score_report",
]


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
    pool = DecimalPool()
    return Context(
        org=org,
        rows=RowIndex(rows),
        reviews=ReviewIndex(org, ratings, pool),
        cals=CalibrationIndex(org.calibrations, tz),
        period=period,
        today=as_of.astimezone(tz).date(),
        tz=tz,
        pool=pool,
    )


def _selected(org: Org, members: Iterable[str] | None) -> list[tuple[Member, Template]]:
    """Scored members (with a template), in config order, optionally filtered by id."""
    wanted = None if members is None else list(members)
    if wanted is not None:
        unknown = [m for m in wanted if m not in org.members]
        if unknown:
            raise ScoringError(f"unknown member(s): {', '.join(unknown)}")
    chosen = None if wanted is None else set(wanted)  # a team of a big org: no list scans
    out: list[tuple[Member, Template]] = []
    for m in org.members.values():
        if m.template is None or (chosen is not None and m.id not in chosen):
            continue
        tpl = org.templates.get(m.template)
        if tpl is None:
            raise ScoringError(f"member {m.id!r}: unknown template {m.template!r}")
        out.append((m, tpl))
    return out


class Scorer:
    """The inputs indexed once, for any number of reports at one as-of moment.

    Rows are grouped once, 360 cycle figures, team OKRs per (team, period) and content hits
    are computed once and shared, so a trend chart (twelve months and four quarters) or a
    rescore of several periods costs little more than its slowest report.
    """

    def __init__(
        self,
        org: Org,
        rows: Iterable[MetricRow] | RowIndex,
        ratings: Iterable[Rating],
        as_of: datetime | date,
    ) -> None:
        self.org = org
        self.tz = ZoneInfo(org.timezone)
        self.as_of = as_of_in_org(as_of, self.tz)
        self.today = self.as_of.date()
        self.rows = rows if isinstance(rows, RowIndex) else RowIndex(rows)
        self.pool = DecimalPool()  # equal figures of all its reports shared: see DecimalPool
        self.reviews = ReviewIndex(org, ratings, self.pool)
        self.cals = CalibrationIndex(org.calibrations, self.tz)
        self._okrs: dict[tuple[str, Period], OkrScore] = {}
        self._hits: list[ContentHit] | None = None

    def context(self, period: Period) -> Context:
        return Context(
            self.org, self.rows, self.reviews, self.cals, period, self.today, self.tz,
            pool=self.pool,
        )  # fmt: skip

    def _okr(self, team: str, period: Period) -> OkrScore:
        key = (team, period)
        if key not in self._okrs:
            self._okrs[key] = team_okr(
                self.org.teams.get(team), self.rows, period, self.today, self.tz
            )
        return self._okrs[key]

    def _content_hits(self) -> list[ContentHit]:
        award = self.org.incentives.content_hit
        if self._hits is None:
            self._hits = content_hits(self.rows, award) if award else []
        return self._hits

    def report(self, period: Period | str, *, members: Iterable[str] | None = None) -> Report:
        """Score every scored member (or the named ones) for `period`."""
        org = self.org
        p = Period.parse(period) if isinstance(period, str) else period
        chosen = _selected(org, members)
        with localcontext(EXACT):
            ctx = self.context(p)
            payouts = Payouts(ctx, self._content_hits())
            bonus: dict[str, Decimal] = defaultdict(lambda: ZERO)
            for bp in org.bonus_points:
                if p.contains(bp.period):
                    bonus[bp.member] += bp.points
            scored = [
                score_member(ctx, m, tpl, self._okr(m.team, p), payouts, bonus[m.id])
                for m, tpl in chosen
            ]
        provisional = not p.is_closed(self.today) or any(m.provisional for m in scored)
        return Report(p, self.as_of, provisional, scored, org.anonymity_threshold)


def merge_reports(org: Org, parts: Iterable[Report]) -> Report:
    """One report from reports of disjoint member sets of the same period and as-of (an
    org scored team by team), members back in config order, as `score_report` orders them."""
    reports = list(parts)
    if not reports:
        raise ScoringError("no reports to merge")
    first = reports[0]
    position = {m: n for n, m in enumerate(org.members)}
    members = sorted((m for r in reports for m in r.members), key=lambda m: position[m.member])
    provisional = any(r.provisional for r in reports)
    return Report(first.period, first.as_of, provisional, members, first.anonymity_threshold)


def score_report(
    org: Org,
    rows: Iterable[MetricRow],
    ratings: Iterable[Rating],
    period: Period | str,
    as_of: datetime | date,
    *,
    members: Iterable[str] | None = None,
) -> Report:
    """Score every scored member (or the named ones) for `period` as of `as_of`.

    The one-off entry point; to score several periods of the same inputs, build a
    `Scorer` once and call `.report` for each."""
    return Scorer(org, rows, ratings, as_of).report(period, members=members)
