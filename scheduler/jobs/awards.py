"""`award-detection`: content hits, the new-customer development award and the team bonus
pool, read from the metrics and announced once each.

Content hits are granted whenever their threshold is reached (imports grant them too, with
the same key). Team awards are only decided for *closed* periods, when the metric can no
longer change the split among members: each member's share of the new-customer award is
an award of its own; a reached bonus pool is announced to the team once
(`pool:<team>:<period>`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.announce import grant_content_hit, grant_new_customer
from handlers.context import Deps
from handlers.convkit import text_of
from handlers.delivery import send_to_team
from handlers.i18n import format_money
from handlers.schedule_cards import pool_card
from scheduler.jobs.base import JobResult, World, world
from scoring import Scorer
from scoring.incentives import content_hits
from scoring.model import TeamAward
from scoring.periods import Period
from scoring.values import aggregate
from storage.repo import load_scoring_inputs

NAME = "award-detection"


def run(deps: Deps, now: datetime) -> JobResult:
    result = JobResult(NAME)
    with world(deps, now) as w:
        today = w.org_today()
        years = sorted({Period.containing(d, "year") for d in (today, today - timedelta(days=92))})
        for year in years:
            org, rows, ratings = load_scoring_inputs(w.session, period=year)
            scorer = Scorer(org, rows, ratings, now)
            award = org.incentives.content_hit
            for hit in content_hits(scorer.rows, award) if award else ():
                result.add("content_hits", grant_content_hit(w.session, org, hit, now) is not None)
            for team in org.teams.values():
                for which, spec in (
                    ("new_customer", team.new_customer_award),
                    ("pool", team.bonus_pool),
                ):
                    if spec is None:
                        continue
                    for p in _closed_periods(w, spec, year):
                        _team_award(w, scorer, team.key, which, spec, p, result)
    return result


def _closed_periods(w: World, spec: TeamAward, year: Period) -> list[Period]:
    """The award's last closed period, if it lies in `year` (older ones were decided then)."""
    today = w.org_today()
    current = Period.containing(today, spec.period)
    last = Period.containing(current.start - timedelta(days=1), spec.period)
    return [last] if year.contains(last) and last.is_closed(today) else []


def _team_award(
    w: World, scorer: Scorer, team: str, which: str, spec: TeamAward, p: Period, result: JobResult
) -> None:
    total = aggregate(scorer.rows.rows_in(f"team:{team}", spec.metric, p), "sum", scorer.tz)
    if total is None or total < spec.target:
        return
    if which == "pool":
        names = w.org.teams[team].name
        card = pool_card(
            text_of(names, w.org.locale, team),
            spec.metric,
            str(p),
            format_money(spec.amount, w.org.locale),
            w.org.locale,
        )
        result.add("pools", send_to_team(w.session, w.org, team, card, f"pool:{team}:{p}"))
        return
    members = [m for m in w.org.members if w.org.members[m].team == team]
    report = scorer.report(p, members=members)
    for m in report.members:
        for a in m.incentives.awards:
            if a.type == "new_customer" and a.amount is not None:
                new = grant_new_customer(
                    w.session,
                    w.org,
                    team=team,
                    member_id=m.member,
                    period=str(p),
                    value=total,
                    amount=a.amount,
                    now=w.now,
                )
                result.add("new_customer", new is not None)
