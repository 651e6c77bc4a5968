"""`cycle-close`: freeze the last quarter's scores, tell each member theirs, post the team
digest (aggregates only), then let `coaching-prompts` take over.

Idempotent: once the quarter has snapshots a run only re-checks the coaching prompts.
A re-close (`jobs run cycle-close --reclose`) recomputes and replaces the snapshots, is
audited as `cycle.reclose`, and sends the summaries and digests again under new keys
(`…:r<n>`), because the figures may have changed. Everyone is scored a team at a time
(`handlers.orgscore.score_org`, the path `bench/bench_scoring.py` measures), so the org's
rows are never all in memory.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal

from sqlmodel import select

from handlers.context import Deps
from handlers.convkit import checkin_indicators, text_of
from handlers.delivery import send_to_member, send_to_team
from handlers.orgscore import score_org
from handlers.review_assign import away
from handlers.schedule_cards import summary_card, team_digest_card
from scheduler.calendar import cycle_close_at, previous_quarter
from scheduler.jobs import coaching
from scheduler.jobs.base import JobResult, World, world
from scoring.breakdown import MemberScore
from scoring.jsonout import member_json
from scoring.periods import Period
from storage.repo.audit import audit
from storage.repo.reviews import assignments
from storage.repo.schedule import audit_count, has_snapshots, save_snapshot, submitted_members
from storage.tables import RatingRecord

NAME = "cycle-close"


def run(deps: Deps, now: datetime, *, reclose: bool = False) -> JobResult:
    result = JobResult(NAME)
    with world(deps, now) as w:
        q = previous_quarter(w.org_today())
        due = now >= cycle_close_at(q, w.org.timezone, w.config.schedule)
        if due and (reclose or not has_snapshots(w.session, period=str(q))):
            _close(w, q, reclose, result)
    prompts = coaching.run(deps, now)
    for kind, n in prompts.counts.items():
        result.add(f"coaching_{kind}", n)
    return result


def _close(w: World, q: Period, reclose: bool, result: JobResult) -> None:
    org, report = score_org(w.session, period=q, as_of=w.now)  # a team at a time
    for m in report.members:
        save_snapshot(
            w.session,
            period=str(q),
            member_id=m.member,
            as_of=w.now,
            total=m.total,
            grade=m.grade,
            result=member_json(m, org.anonymity_threshold),
        )
    result.add("snapshots", len(report.members))
    action = "cycle.reclose" if reclose else "cycle.close"
    audit(
        w.session,
        actor="scheduler",
        action=action,
        subject=str(q),
        details={"members": len(report.members)},
    )
    n = audit_count(w.session, action="cycle.reclose", subject=str(q)) if reclose else 0
    suffix = f":r{n}" if reclose else ""
    for m in report.members:
        card = summary_card(str(q), m.total, m.grade, w.person(m.member).locale)
        key = f"cycle-summary:{q}:{m.member}{suffix}"
        result.add("summaries", send_to_member(w.session, w.org, m.member, card, key))
    for team in w.org.teams.values():
        members = [m for m in report.members if m.team == team.key]
        if not members:
            continue
        card = team_digest_card(
            text_of(team.name, w.org.locale, team.key),
            str(q),
            _grades(w, members),
            len(members),
            _checkin_rate(w, q, [m.member for m in members]),
            _review_rate(w, q, [m.member for m in members]),
            w.org.locale,
        )
        result.add(
            "digests",
            send_to_team(w.session, w.org, team.key, card, f"cycle-digest:{q}:{team.key}{suffix}"),
        )


def _grades(w: World, members: list[MemberScore]) -> dict[str, int]:
    """Counts per grade band, best first, every band shown (a zero says something too)."""
    counts = Counter(m.grade for m in members if m.grade)
    return {g: counts.get(g, 0) for g, _ in w.org.grades}


def _checkin_rate(w: World, q: Period, members: list[str]) -> Decimal | None:
    expected = done = 0
    for month in q.subperiods("month"):
        submitted = submitted_members(w.session, month=str(month))
        day = month.start.replace(day=w.config.schedule.checkin.day)
        for mid in members:
            if checkin_indicators(w.org, mid) and not away(w.org.members[mid], day):
                expected += 1
                done += mid in submitted
    return Decimal(done) / Decimal(expected) if expected else None


def _review_rate(w: World, q: Period, members: list[str]) -> Decimal | None:
    """Share of the team's 360 assignments (as ratees) with ratings, without naming anyone."""
    wanted = set(members)
    rated = set(
        w.session.exec(
            select(RatingRecord.rater_id, RatingRecord.ratee_id).where(RatingRecord.cycle == str(q))
        )
    )
    mine = [a for a in assignments(w.session, cycle=str(q)) if a.ratee_id in wanted]
    if not mine:
        return None
    done = sum((a.rater_id, a.ratee_id) in rated for a in mine)
    return Decimal(done) / Decimal(len(mine))
