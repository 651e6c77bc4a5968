"""The outbox: every message that is not a direct response is a row here first.

Producers insert with a deterministic idempotency key; inserting the same key again is a
no-op whichever replica does it (the unique index decides, not a read-then-write).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.tables import OutboxMessage, utcnow


def enqueue(
    session: Session,
    *,
    platform: str,
    target: str,
    card: dict[str, Any],
    idempotency_key: str,
    not_before: datetime | None = None,
) -> bool:
    """Queue one message; True if it is new, False if the key was already queued."""
    values = {
        "platform": platform,
        "target": target,
        "card": card,
        "idempotency_key": idempotency_key,
        "not_before": not_before or utcnow(),
        "attempts": 0,
        "state": "pending",
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    # RETURNING, not rowcount: psycopg reports -1 for a skipped ON CONFLICT insert.
    return session.execute(stmt).first() is not None


def pending_count(session: Session) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.state == "pending"  # type: ignore[arg-type]
        )
    )
    return int(session.execute(stmt).scalar_one())
