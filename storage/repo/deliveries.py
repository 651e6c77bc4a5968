"""Platform deliveries already handled: a retried delivery hits the unique key and is dropped.

The claim is written in the same transaction as the delivery's effects, so a crash before
commit leaves neither and the platform's retry is processed normally.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage.tables import MemberIdentity, MemberRecord, ProcessedDelivery, utcnow


def claim_delivery(session: Session, *, platform: str, delivery_id: str) -> bool:
    """True the first time (platform, delivery_id) is seen, False on every repeat."""
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(ProcessedDelivery)
        .values(platform=platform, delivery_id=delivery_id, received_at=utcnow())
        .on_conflict_do_nothing(index_elements=["platform", "delivery_id"])
        .returning(ProcessedDelivery.id)
    )
    # RETURNING, not rowcount: psycopg reports rowcount -1 for this statement (truthy).
    return session.execute(stmt).first() is not None


def member_for_identity(session: Session, *, platform: str, user_id: str) -> str | None:
    """The active member behind a platform user id, or None for strangers."""
    stmt = (
        select(MemberIdentity.member_id)
        .join(MemberRecord, MemberRecord.id == MemberIdentity.member_id)  # type: ignore[arg-type]
        .where(
            MemberIdentity.platform == platform,
            MemberIdentity.platform_user_id == user_id,
            MemberRecord.active == True,  # noqa: E712
        )
    )
    return session.exec(stmt).first()
