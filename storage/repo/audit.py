"""The audit trail and a whole-database row count (tests use it to prove nothing was written)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, SQLModel, func, select

import storage.tables  # noqa: F401  (fills SQLModel.metadata)
from storage.tables import AuditLog


def audit(
    session: Session, *, actor: str, action: str, subject: str, details: Mapping[str, Any]
) -> AuditLog:
    """Record who did what to what; written in the caller's transaction, so it commits or
    rolls back together with the change it describes."""
    row = AuditLog(actor=actor, action=action, subject=subject, details=dict(details))
    session.add(row)
    return row


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table, for every table of the schema."""
    counts: dict[str, int] = {}
    for table in SQLModel.metadata.sorted_tables:
        counts[table.name] = session.exec(select(func.count()).select_from(table)).one()
    return counts
