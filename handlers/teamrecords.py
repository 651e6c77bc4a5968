"""The team view's stored records: check-in and review completion (counts only) and the
calibrations and bonus points with their approval trails, for the visible members only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scoring.model import Org
from scoring.periods import Period
from storage.db import session_scope
from storage.tables import (
    BonusApproval,
    BonusPointsRecord,
    CalibrationApproval,
    CalibrationRecord,
    CheckIn,
    RatingRecord,
    ReviewAssignment,
)

Json = dict[str, Any]


@dataclass
class TeamRecords:
    checkins: list[Json] = field(default_factory=list)
    reviews: list[Json] = field(default_factory=list)
    calibrations: list[Json] = field(default_factory=list)
    bonus_points: list[Json] = field(default_factory=list)


def load_team_records(
    engine: Engine, team: str, members: list[str], period: Period, today: date, org: Org
) -> TeamRecords:
    with session_scope(engine) as session:
        return TeamRecords(
            checkins=_checkins(session, members, period, today, org),
            reviews=_reviews(session, members, period, today, org.anonymity_threshold),
            calibrations=_calibrations(session, team, members),
            bonus_points=_bonus_points(session, members),
        )


def _checkins(
    session: Session, members: list[str], period: Period, today: date, org: Org
) -> list[Json]:
    """Per month of the period (to date): submitted check-ins of members who owe one."""
    owing = [
        m
        for m in members
        if any(
            i.source == "checkin"
            for i in org.templates.get(org.members[m].template or "", _NO_TPL).indicators
        )
    ]
    months = (
        [m for m in period.subperiods("month") if m.start <= today] if period.kind != "day" else []
    )
    if not owing or not months:
        return []
    stmt = select(CheckIn.member_id, CheckIn.month).where(
        col(CheckIn.member_id).in_(owing),
        col(CheckIn.month).in_([str(m) for m in months]),
        col(CheckIn.submitted_at).is_not(None),
    )
    done: dict[str, int] = defaultdict(int)
    for _member, month in session.exec(stmt):
        done[month] += 1
    return [{"period": str(m), "done": done[str(m)], "total": len(owing)} for m in months]


class _NoTemplate:
    indicators: tuple[Any, ...] = ()


_NO_TPL: Any = _NoTemplate()


def _reviews(
    session: Session, members: list[str], period: Period, today: date, threshold: int
) -> list[Json]:
    """Per review cycle: assignments done, and ratees with enough raters to be shown."""
    quarters = [
        q
        for q in (
            period.subperiods("quarter") if period.kind == "year" else [period.enclosing("quarter")]
        )
        if q.start <= today
    ]
    out = []
    for q in quarters:
        cycle = str(q)
        assigned = session.exec(
            select(ReviewAssignment.rater_id, ReviewAssignment.ratee_id).where(
                col(ReviewAssignment.cycle) == cycle, col(ReviewAssignment.ratee_id).in_(members)
            )
        ).all()
        raters = session.connection().execute(
            sa.select(col(RatingRecord.ratee_id), col(RatingRecord.rater_id))
            .where(col(RatingRecord.cycle) == cycle, col(RatingRecord.ratee_id).in_(members))
            .distinct()
        )
        pairs = {(rater, ratee) for ratee, rater in raters}
        per_ratee: dict[str, int] = defaultdict(int)
        for _rater, ratee in pairs:
            per_ratee[ratee] += 1
        out.append(
            {
                "cycle": cycle,
                "assigned": len(assigned),
                "assigned_done": sum(1 for a in assigned if (a[0], a[1]) in pairs),
                "ratees": len(members),
                "ratees_shown": sum(1 for m in members if per_ratee.get(m, 0) >= threshold),
            }
        )
    return out


def _trail(approvals: list[CalibrationApproval] | list[BonusApproval]) -> list[Json]:
    return [
        {
            "role": a.role,
            "approver": a.approver,
            "decision": a.decision,
            "at": a.decided_at,
            "on_behalf": a.on_behalf,
        }
        for a in approvals
    ]


def _calibrations(session: Session, team: str, members: list[str]) -> list[Json]:
    stmt = (
        select(CalibrationRecord)
        .where(
            sa.or_(
                col(CalibrationRecord.member_id).in_(members),
                col(CalibrationRecord.team_key) == team,
            )
        )
        .order_by(col(CalibrationRecord.id))
    )
    out = []
    for c in session.exec(stmt):
        approvals = session.exec(
            select(CalibrationApproval)
            .where(CalibrationApproval.calibration_id == c.id)
            .order_by(col(CalibrationApproval.decided_at))
        ).all()
        out.append(
            {
                "id": c.id,
                "subject": c.member_id or f"team:{c.team_key}",
                "period": c.period,
                "type": c.type,
                "indicator": c.indicator or c.swap_from or "",
                "new_target": c.new_target,
                "coefficient": c.coefficient,
                "to": (c.swap_to or {}).get("key"),
                "reason": c.reason,
                "state": c.state,
                "source": c.source,
                "requested_by": c.requested_by,
                "trail": _trail(list(approvals)),
            }
        )
    return out


def _bonus_points(session: Session, members: list[str]) -> list[Json]:
    stmt = (
        select(BonusPointsRecord)
        .where(col(BonusPointsRecord.member_id).in_(members))
        .order_by(col(BonusPointsRecord.id))
    )
    out = []
    for b in session.exec(stmt):
        approvals = session.exec(
            select(BonusApproval)
            .where(BonusApproval.bonus_points_id == b.id)
            .order_by(col(BonusApproval.decided_at))
        ).all()
        out.append(
            {
                "id": b.id,
                "member": b.member_id,
                "period": b.period,
                "points": b.points,
                "reason": b.reason,
                "state": b.state,
                "source": b.source,
                "requested_by": b.requested_by,
                "trail": _trail(list(approvals)),
            }
        )
    return out
