"""What a member still has to do (App Home): reviews to give, plans to confirm, approvals.

Read-only queries. Reviews list ratees only to the rater themselves, which is no
anonymity leak: the rater knows whom they were asked to rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, col, select

from storage.tables import (
    BonusApproval,
    BonusPointsRecord,
    CalibrationApproval,
    CalibrationRecord,
    ImprovementPlan,
    RatingRecord,
    ReviewAssignment,
    ReviewCycle,
)

PLAN_AWAITING = ("open", "proposed")
"""Improvement-plan states that still wait for the member's confirmation."""


@dataclass(frozen=True)
class PendingApproval:
    kind: Literal["calibration", "bonus"]
    record_id: int
    member_id: str | None
    team_key: str | None
    roles: tuple[str, ...]


def reviews_to_give(session: Session, *, rater_id: str) -> list[tuple[int, str, str]]:
    """(assignment id, cycle, ratee) of open-cycle assignments the rater has not rated yet."""
    stmt = (
        select(ReviewAssignment.id, ReviewAssignment.cycle, ReviewAssignment.ratee_id)
        .join(ReviewCycle, col(ReviewCycle.quarter) == col(ReviewAssignment.cycle))
        .where(ReviewAssignment.rater_id == rater_id, ReviewCycle.state == "open")
        .order_by(col(ReviewAssignment.id))
    )
    assigned = list(session.exec(stmt))
    if not assigned:
        return []
    cycles = sorted({c for _, c, _ in assigned})
    rated = set(
        session.exec(
            select(RatingRecord.cycle, RatingRecord.ratee_id).where(
                RatingRecord.rater_id == rater_id, col(RatingRecord.cycle).in_(cycles)
            )
        )
    )
    return [(int(i or 0), c, r) for i, c, r in assigned if (c, r) not in rated]


def plans_to_confirm(session: Session, *, member_id: str) -> list[ImprovementPlan]:
    stmt = (
        select(ImprovementPlan)
        .where(
            ImprovementPlan.member_id == member_id,
            col(ImprovementPlan.status).in_(PLAN_AWAITING),
        )
        .order_by(col(ImprovementPlan.id))
    )
    return list(session.exec(stmt))


def _open_roles(
    approvers: Mapping[str, Iterable[str]], member_id: str, decided: set[str]
) -> tuple[str, ...]:
    return tuple(
        role for role, who in approvers.items() if member_id in who and role not in decided
    )


def approvals_waiting(
    session: Session, *, member_id: str, approvers: Mapping[str, Iterable[str]]
) -> list[PendingApproval]:
    """Pending calibrations and bonus points where `member_id` may sign a still-open role.

    A role another approver already decided is done; nobody approves their own request.
    """
    out: list[PendingApproval] = []
    cals = session.exec(
        select(CalibrationRecord)
        .where(CalibrationRecord.state == "pending")
        .order_by(col(CalibrationRecord.id))
    )
    for cal in cals:
        assert cal.id is not None
        if cal.requested_by == member_id:
            continue
        decided = set(
            session.exec(
                select(CalibrationApproval.role).where(CalibrationApproval.calibration_id == cal.id)
            )
        )
        roles = _open_roles(approvers, member_id, decided)
        if roles:
            out.append(PendingApproval("calibration", cal.id, cal.member_id, cal.team_key, roles))
    bonuses = session.exec(
        select(BonusPointsRecord)
        .where(BonusPointsRecord.state == "pending")
        .order_by(col(BonusPointsRecord.id))
    )
    for bp in bonuses:
        assert bp.id is not None
        if bp.requested_by == member_id:
            continue
        decided = set(
            session.exec(select(BonusApproval.role).where(BonusApproval.bonus_points_id == bp.id))
        )
        roles = _open_roles(approvers, member_id, decided)
        if roles:
            out.append(PendingApproval("bonus", bp.id, bp.member_id, None, roles))
    return out
