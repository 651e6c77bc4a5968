"""Requests that wait for approval: calibrations and bonus points (three roles) and award
nominations (one approver).

State changes are conditional updates (`WHERE state = 'pending'`), so a double click or two
approvers clicking at once close a request exactly once; a role is filled at most once by
the table's unique (request, role) key, inserted under a savepoint so a lost race is a
plain False instead of a broken transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.tables import (
    Award,
    BonusApproval,
    BonusPointsRecord,
    CalibrationApproval,
    CalibrationRecord,
    KeyActionPointsRecord,
    StarCase,
)

RequestKind = Literal["calibration", "bonus"]
Request = CalibrationRecord | BonusPointsRecord


@dataclass(frozen=True)
class Decision:
    role: str
    approver: str
    decision: str
    reason: str | None
    on_behalf: bool


def create_calibration(session: Session, **fields: Any) -> CalibrationRecord:
    """A pending chat calibration (fields as in `CalibrationRecord`)."""
    row = CalibrationRecord(source="chat", state="pending", **fields)
    session.add(row)
    session.flush()
    return row


def create_bonus(session: Session, **fields: Any) -> BonusPointsRecord:
    """A pending chat bonus-points request (fields as in `BonusPointsRecord`)."""
    row = BonusPointsRecord(source="chat", state="pending", **fields)
    session.add(row)
    session.flush()
    return row


def get_request(session: Session, *, kind: RequestKind, request_id: int) -> Request | None:
    if kind == "calibration":
        return session.get(CalibrationRecord, request_id)
    return session.get(BonusPointsRecord, request_id)


def decisions(session: Session, *, kind: RequestKind, request_id: int) -> list[Decision]:
    """The decisions recorded on a request, oldest first."""
    rows: list[CalibrationApproval] | list[BonusApproval]
    if kind == "calibration":
        rows = list(
            session.exec(
                select(CalibrationApproval)
                .where(CalibrationApproval.calibration_id == request_id)
                .order_by(col(CalibrationApproval.id))
            )
        )
    else:
        rows = list(
            session.exec(
                select(BonusApproval)
                .where(BonusApproval.bonus_points_id == request_id)
                .order_by(col(BonusApproval.id))
            )
        )
    return [Decision(r.role, r.approver, r.decision, r.reason, r.on_behalf) for r in rows]


def add_decision(
    session: Session,
    *,
    kind: RequestKind,
    request_id: int,
    role: str,
    approver: str,
    decision: str,
    now: datetime,
    reason: str | None = None,
    on_behalf: bool = False,
) -> bool:
    """Fill `role` on the request; False when that role was already filled."""
    fields: dict[str, Any] = {
        "role": role,
        "approver": approver,
        "decision": decision,
        "reason": reason,
        "on_behalf": on_behalf,
        "decided_at": now,
    }
    row: CalibrationApproval | BonusApproval
    if kind == "calibration":
        row = CalibrationApproval(calibration_id=request_id, **fields)
    else:
        row = BonusApproval(bonus_points_id=request_id, **fields)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def close_request(
    session: Session, *, kind: RequestKind, request_id: int, state: str, now: datetime
) -> bool:
    """Move a pending request to `state` (approved/rejected); False if it was not pending."""
    table: Any = CalibrationRecord if kind == "calibration" else BonusPointsRecord
    values: dict[str, Any] = {"state": state}
    if state == "approved":
        values["approved_at"] = now
    stmt = (
        sa.update(table)
        .where(table.id == request_id, table.state == "pending")
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return bool(getattr(session.execute(stmt), "rowcount", 0))


def nominate_award(
    session: Session,
    *,
    key: str,
    kind: str,
    member_id: str,
    period: str,
    reason: dict[str, str],
    nominated_by: str,
) -> Award:
    """A pending award waiting for its approver."""
    award = Award(
        key=key,
        kind=kind,
        member_id=member_id,
        period=period,
        state="pending",
        nominated_by=nominated_by,
        reason=dict(reason),
    )
    session.add(award)
    session.flush()
    return award


def _close_award(session: Session, award_id: int, values: dict[str, Any]) -> bool:
    stmt = (
        sa.update(Award)
        .where(col(Award.id) == award_id, col(Award.state) == "pending")
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return bool(getattr(session.execute(stmt), "rowcount", 0))


def grant_pending_award(
    session: Session, *, award_id: int, approver: str, points: Decimal, title: dict[str, str]
) -> bool:
    """Grant a pending award with its key-action points and star case; False if not pending."""
    if not _close_award(session, award_id, {"state": "granted", "approved_by": approver}):
        return False
    award = session.get(Award, award_id)
    assert award is not None
    session.refresh(award)
    if points:
        session.add(
            KeyActionPointsRecord(
                member_id=award.member_id,
                award_id=award_id,
                period=award.period,
                points=points,
                reason=award.kind,
            )
        )
    session.add(
        StarCase(member_id=award.member_id, award_id=award_id, period=award.period, title=title)
    )
    session.flush()
    return True


def reject_pending_award(session: Session, *, award_id: int, approver: str) -> bool:
    """End a pending nomination; False if it was already decided."""
    return _close_award(session, award_id, {"state": "rejected", "approved_by": approver})
