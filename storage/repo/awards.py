"""Awards, the star-case library and key-action points: granted once per key."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, select

from storage.repo.audit import audit
from storage.tables import Award, KeyActionPointsRecord, StarCase


def grant_award(
    session: Session,
    *,
    key: str,
    kind: str,
    member_id: str,
    period: str,
    reason: dict[str, str],
    points: Decimal = Decimal(0),
    item: str = "",
    nominated_by: str | None = None,
    approved_by: str | None = None,
    star_case: bool = False,
    actor: str = "system",
) -> tuple[Award, bool]:
    """Grant `key` once: a second call returns the existing award and False."""
    existing = session.exec(select(Award).where(Award.key == key)).first()
    if existing is not None:
        return existing, False
    award = Award(
        key=key,
        kind=kind,
        member_id=member_id,
        period=period,
        item=item,
        nominated_by=nominated_by,
        approved_by=approved_by,
        reason=dict(reason),
    )
    session.add(award)
    session.flush()
    if points:
        session.add(
            KeyActionPointsRecord(
                member_id=member_id, award_id=award.id, period=period, points=points, reason=kind
            )
        )
    if star_case:
        session.add(StarCase(member_id=member_id, award_id=award.id, period=period, title=reason))
    audit(
        session,
        actor=actor,
        action="award.grant",
        subject=member_id,
        details={"key": key, "kind": kind, "period": period, "points": str(points)},
    )
    session.flush()
    return award, True
