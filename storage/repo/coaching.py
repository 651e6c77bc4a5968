"""Coaching sessions and improvement plans (status: proposed → confirmed | change_requested)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from storage.tables import Award, CoachingSession, ImprovementPlan

FOLLOW_UP_STATES = ("proposed", "confirmed")


def create_plan(
    session: Session,
    *,
    member_id: str,
    coach_id: str,
    cycle: str,
    skill: str,
    metric: str | None,
    target: Decimal | None,
    due: date | None,
    notes: str,
    now: datetime,
) -> ImprovementPlan:
    """One coaching session and the plan it produced, proposed to the member."""
    meeting = CoachingSession(
        member_id=member_id, coach_id=coach_id, cycle=cycle, notes=notes, held_at=now
    )
    session.add(meeting)
    session.flush()
    plan = ImprovementPlan(
        member_id=member_id,
        session_id=meeting.id,
        skill=skill,
        metric=metric,
        target=target,
        due=due,
        notes=notes,
        status="proposed",
        created_at=now,
        updated_at=now,
    )
    session.add(plan)
    session.flush()
    return plan


def get_plan(session: Session, *, plan_id: int) -> ImprovementPlan | None:
    return session.get(ImprovementPlan, plan_id)


def plan_coach(session: Session, *, plan: ImprovementPlan) -> str | None:
    """Who recorded the plan (the manager to notify)."""
    meeting = session.get(CoachingSession, plan.session_id) if plan.session_id else None
    return meeting.coach_id if meeting else None


def set_plan_status(
    session: Session, *, plan: ImprovementPlan, status: str, now: datetime
) -> ImprovementPlan:
    plan.status = status
    plan.updated_at = now
    session.add(plan)
    session.flush()
    return plan


def plan_followups_due(session: Session, today: date, days_before: int) -> list[ImprovementPlan]:
    """Open plans due within `days_before` days from `today` (inclusive), soonest first.

    The scheduler sends each one follow-up under a per-plan key, so a daily run that
    returns the same plan again sends nothing twice.
    """
    stmt = (
        select(ImprovementPlan)
        .where(
            col(ImprovementPlan.status).in_(FOLLOW_UP_STATES),
            col(ImprovementPlan.due).is_not(None),
            col(ImprovementPlan.due) >= today,
            col(ImprovementPlan.due) <= today + timedelta(days=days_before),
        )
        .order_by(col(ImprovementPlan.due), col(ImprovementPlan.id))
    )
    return list(session.exec(stmt))


def member_awards(session: Session, *, member_id: str) -> list[Award]:
    """Granted awards of a member, oldest first (the caller filters by period)."""
    stmt = (
        select(Award)
        .where(Award.member_id == member_id, Award.state == "granted")
        .order_by(col(Award.created_at), col(Award.id))
    )
    return list(session.exec(stmt))
