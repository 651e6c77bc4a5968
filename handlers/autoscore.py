"""Automatic processing after an import (CLI or API), inside the import's transaction.

Only the members the batch touched are rescored (a `team:KEY` row touches the whole team),
for the month, quarter and year of every changed value; content hits become awards with an
announcement in the team channel; indicators newly projected under `schedule.at_risk.below`
are flagged for the next digest. Runs in the import's transaction, so a failure leaves
neither the values nor their consequences behind.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from handlers.announce import grant_content_hit
from scoring import Scorer
from scoring.incentives import content_hits
from scoring.jsonout import member_json
from scoring.model import Member, Org
from scoring.periods import KIND_ORDER, Period, PeriodKind
from scoring.projection import projected_achievement
from scoring.rules import ScoringError
from scoring.values import RowIndex
from storage.repo import load_scoring_inputs
from storage.repo.ingest import (
    changed_rows,
    flag_at_risk,
    ingest_settings,
    save_provisional,
)

SCORED_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "year")


@dataclass
class Processed:
    members: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    content_hits: list[str] = field(default_factory=list)
    at_risk: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {
            "rescored_members": self.members,
            "rescored_periods": self.periods,
            "content_hits": self.content_hits,
            "at_risk": self.at_risk,
        }


def affected(org: Org, changes: list[tuple[str, str]]) -> tuple[list[str], list[Period]]:
    """Scored members and the month/quarter/year periods that the changed values count in."""
    members: set[str] = set()
    periods: set[Period] = set()
    for subject, period_text in changes:
        if subject.startswith("team:"):
            team = subject.removeprefix("team:")
            members.update(m.id for m in org.members.values() if m.team == team)
        else:
            members.add(subject)
        p = Period.parse(period_text)
        periods.update(
            p.enclosing(kind) for kind in SCORED_KINDS if KIND_ORDER[p.kind] <= KIND_ORDER[kind]
        )
    scored = [m for m in org.members if m in members and org.members[m].template]
    return scored, sorted(periods)


def process_batch(session: Session, *, batch_id: int, now: datetime) -> Processed:
    """Everything that follows from one committed-to-be batch of metric values."""
    changes = changed_rows(session, batch_id=batch_id)
    if not changes:
        return Processed()
    by_year: dict[Period, list[Period]] = defaultdict(list)
    org: Org | None = None
    members: list[str] = []
    out = Processed()
    for year_of in _years(changes):
        org, rows, ratings = load_scoring_inputs(session, period=year_of)
        members, periods = affected(org, changes)
        by_year[year_of] = [p for p in periods if p.enclosing("year") == year_of]
        if not members:
            continue
        scorer = Scorer(org, rows, ratings, now)
        index = scorer.rows
        _rescore(session, scorer, members, by_year[year_of], now)
        out.content_hits += _hits(session, org, index, members, now)
        out.at_risk += _at_risk(session, org, index, members, by_year[year_of], now)
    out.members = members
    out.periods = [str(p) for ps in by_year.values() for p in ps]
    return out


def _years(changes: list[tuple[str, str]]) -> list[Period]:
    return sorted({Period.parse(p).enclosing("year") for _, p in changes})


def _rescore(
    session: Session, scorer: Scorer, members: list[str], periods: list[Period], now: datetime
) -> None:
    """Every affected period from one `Scorer`: the rows are indexed once, not per period."""
    org = scorer.org
    for period in periods:
        report = scorer.report(period, members=members)
        for m in report.members:
            save_provisional(
                session,
                member_id=m.member,
                period=str(period),
                total=m.total,
                grade=m.grade,
                result=member_json(m, org.anonymity_threshold),
                computed_at=now,
            )


def _hits(
    session: Session, org: Org, index: RowIndex, members: list[str], now: datetime
) -> list[str]:
    """Grant each new content hit once (the award key decides) and announce it."""
    award = org.incentives.content_hit
    if award is None:
        return []
    wanted = set(members)
    hits = (h for h in content_hits(index, award) if h.member in wanted)
    return [key for h in hits if (key := grant_content_hit(session, org, h, now))]


def _at_risk(
    session: Session,
    org: Org,
    index: RowIndex,
    members: list[str],
    periods: list[Period],
    now: datetime,
) -> list[str]:
    below = ingest_settings(session).at_risk_below
    flagged: list[str] = []
    today = now.date()
    for quarter in (p for p in periods if p.kind == "quarter" and not p.is_closed(today)):
        for mid in members:
            for key, projected in _projections(org, index, org.members[mid], quarter, now):
                if projected < below and flag_at_risk(
                    session,
                    member_id=mid,
                    indicator=key,
                    period=str(quarter),
                    projected=projected,
                    flagged_at=now,
                ):
                    flagged.append(f"{mid}:{key}:{quarter}")
    return flagged


def _projections(
    org: Org, index: RowIndex, member: Member, quarter: Period, now: datetime
) -> list[tuple[str, Decimal]]:
    tpl = org.templates.get(member.template or "")
    out: list[tuple[str, Decimal]] = []
    for ind in tpl.indicators if tpl else ():
        try:
            a = projected_achievement(org, index, member.id, ind.key, quarter, now)
        except ScoringError:
            continue
        if a is not None:
            out.append((ind.key, a))
    return out
