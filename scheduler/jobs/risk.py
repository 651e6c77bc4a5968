"""`at-risk-warning` and `score-digest`: what managers hear about their reports mid-quarter.

At-risk: on `schedule.at_risk.day_of_quarter` (from the manager's local morning to the
end of that day — a warning a week late is noise, not news), one card per report with
indicators projected under `below` (`scoring.projection`), with a button that opens the
calibration form; the indicators are also flagged for the next digest. Digest: weekly on
the configured weekday and time in the manager's zone (that day only) — their direct
reports' provisional quarter scores, who moved since the last digest, and at-risk flags
not yet digested (then marked digested). Keys: `at-risk:<quarter>:<manager>:<member>`,
`score-digest:<local date>:<manager>`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property

from sqlmodel import col, select

from handlers.coaching_prep import indicator_name
from handlers.context import Deps
from handlers.delivery import send_to_member
from handlers.schedule_cards import at_risk_card, score_digest_card
from scheduler.calendar import at_risk_at, digest_moments, outside_quiet_hours
from scheduler.jobs.base import JobResult, World, world
from scoring import Scorer
from scoring.periods import Period
from scoring.projection import projected_achievement
from scoring.rules import ScoringError
from storage.repo import load_scoring_inputs
from storage.repo.audit import audit
from storage.repo.ingest import flag_at_risk
from storage.repo.schedule import last_audit, queued
from storage.tables import AtRiskFlag

DIGEST_AUDIT = "score_digest.sent"
MOVE = Decimal("1")
"""A total that moved by at least one point since the last digest is a mover."""


class _Quarter:
    """The current quarter's scorer, built only when some card actually needs it."""

    def __init__(self, w: World) -> None:
        self.w = w
        self.period = Period.containing(w.org_today(), "quarter")

    @cached_property
    def scorer(self) -> Scorer:
        org, rows, ratings = load_scoring_inputs(self.w.session, period=self.period)
        return Scorer(org, rows, ratings, self.w.now)


def run_at_risk(deps: Deps, now: datetime) -> JobResult:
    result = JobResult("at-risk-warning")
    with world(deps, now) as w:
        quarter = _Quarter(w)
        sched = w.config.schedule
        for manager in w.managers():
            p = w.person(manager)
            at = outside_quiet_hours(
                at_risk_at(quarter.period, p.tz, sched), p.tz, sched.quiet_hours
            )
            if not at <= now or now.astimezone(at.tzinfo).date() != at.date() or w.quiet(manager):
                continue
            for mid in w.direct_reports(manager):
                key = f"at-risk:{quarter.period}:{manager}:{mid}"
                if w.org.members[mid].template is None or w.away(mid) or queued(w.session, key):
                    continue
                lines = _below(w, quarter, mid)
                if lines:
                    names = [(indicator_name(w.org, mid, k, p.locale), a) for k, a in lines]
                    card = at_risk_card(
                        w.name(mid), mid, str(quarter.period), sched.at_risk.below, names, p.locale
                    )
                    result.add("warnings", send_to_member(w.session, w.org, manager, card, key))
    return result


def _below(w: World, quarter: _Quarter, mid: str) -> list[tuple[str, Decimal]]:
    below = w.config.schedule.at_risk.below
    tpl = w.org.templates.get(w.org.members[mid].template or "")
    out: list[tuple[str, Decimal]] = []
    for ind in tpl.indicators if tpl else ():
        try:
            a = projected_achievement(
                w.org, quarter.scorer.rows, mid, ind.key, quarter.period, w.now
            )
        except ScoringError:
            continue
        if a is not None and a < below:
            out.append((ind.key, a))
            flag_at_risk(
                w.session,
                member_id=mid,
                indicator=ind.key,
                period=str(quarter.period),
                projected=a,
                flagged_at=w.now,
            )
    return out


def run_digest(deps: Deps, now: datetime) -> JobResult:
    result = JobResult("score-digest")
    with world(deps, now) as w:
        quarter = _Quarter(w)
        for manager in w.managers():
            p = w.person(manager)
            today = p.today(now)
            due = [
                m
                for m in digest_moments(today - timedelta(days=6), today, p.tz, w.config.schedule)
                if m <= now
            ]
            if not due or due[-1].date() != today or w.quiet(manager):
                continue
            key = f"score-digest:{due[-1].date()}:{manager}"
            if not queued(w.session, key):
                result.add("digests", _digest(w, quarter, manager, key))
    return result


def _digest(w: World, quarter: _Quarter, manager: str, key: str) -> bool:
    locale = w.person(manager).locale
    reports = [m for m in w.direct_reports(manager) if w.org.members[m].template]
    report = quarter.scorer.report(quarter.period, members=reports)
    totals = {m.member: m.total for m in report.members}
    last = last_audit(w.session, action=DIGEST_AUDIT, subject=manager)
    before = {
        k: Decimal(v) if v is not None else None
        for k, v in (last.details.get("totals", {}) if last else {}).items()
    }
    movers = [
        (w.name(mid), before[mid], total)
        for mid, total in totals.items()
        if mid in before and _moved(before[mid], total)
    ]
    flags = list(
        w.session.exec(
            select(AtRiskFlag)
            .where(col(AtRiskFlag.member_id).in_(reports), col(AtRiskFlag.digested_at).is_(None))
            .order_by(col(AtRiskFlag.id))
        )
    )
    risks = [
        (w.name(f.member_id), indicator_name(w.org, f.member_id, f.indicator, locale), f.projected)
        for f in flags
    ]
    scores = [(w.name(m.member), m.total, m.grade) for m in report.members]
    card = score_digest_card(str(quarter.period), scores, movers, risks, locale)
    sent = send_to_member(w.session, w.org, manager, card, key)
    if sent:
        for f in flags:
            f.digested_at = w.now
            w.session.add(f)
        saved = {k: (str(v) if v is not None else None) for k, v in totals.items()}
        audit(
            w.session,
            actor="scheduler",
            action=DIGEST_AUDIT,
            subject=manager,
            details={"totals": saved},
        )
    return sent


def _moved(before: Decimal | None, after: Decimal | None) -> bool:
    if before is None or after is None:
        return before is not after
    return abs(after - before) >= MOVE
