"""`/perf settings` choices: one row per member, kept across config re-imports."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.repo.audit import audit
from storage.tables import MemberPreference


def save_preference(
    session: Session,
    *,
    member_id: str,
    locale: str | None,
    timezone: str | None,
    nudges: bool,
    now: datetime,
) -> MemberPreference:
    """Create or replace the member's preferences (None = follow the config)."""
    row = session.get(MemberPreference, member_id)
    if row is None:
        row = MemberPreference(member_id=member_id)
        session.add(row)
    row.locale = locale
    row.timezone = timezone
    row.nudges = nudges
    row.updated_at = now
    audit(
        session,
        actor=member_id,
        action="settings.save",
        subject=member_id,
        details={"locale": locale, "timezone": timezone, "nudges": nudges},
    )
    session.flush()
    return row
