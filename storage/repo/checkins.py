"""Monthly check-ins: one per member and month; a resubmission replaces the earlier one."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.tables import CheckIn


def save_checkin(
    session: Session,
    *,
    member_id: str,
    month: str,
    values: dict[str, str],
    reflection: str | None,
    submitted_at: datetime,
) -> CheckIn:
    row = session.exec(
        select(CheckIn).where(CheckIn.member_id == member_id, CheckIn.month == month)
    ).first()
    if row is None:
        row = CheckIn(member_id=member_id, month=month)
        session.add(row)
    row.values = dict(values)
    row.reflection = reflection
    row.submitted_at = submitted_at
    session.flush()
    return row
