"""Lead events: upsert by (origin, lead_id), and read back what the handoff rate needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.repo.audit import audit
from storage.tables import ImportBatch, LeadEvent


@dataclass(frozen=True)
class LeadIn:
    lead_id: str
    member: str
    created_at: datetime
    handed_over_at: datetime | None
    origin: str


@dataclass(frozen=True)
class LeadsOutcome:
    batch_id: int
    inserted: int
    updated: int
    unchanged: int
    touched: list[tuple[str, datetime]]
    """(member, created_at) of every event of the batch (and of the values a change replaced):
    whose months to recompute; unchanged ones too, as a pending lead turns late with time."""


def upsert_leads(session: Session, *, leads: list[LeadIn], source: str, actor: str) -> LeadsOutcome:
    batch = ImportBatch(kind="leads", source=source, actor=actor)
    session.add(batch)
    session.flush()
    assert batch.id is not None
    existing = {
        (e.origin, e.lead_id): e
        for e in session.exec(
            select(LeadEvent).where(col(LeadEvent.lead_id).in_({x.lead_id for x in leads}))
        )
    }
    inserted = updated = 0
    touched: list[tuple[str, datetime]] = []
    for x in leads:
        old = existing.get((x.origin, x.lead_id))
        if old is None:
            session.add(
                LeadEvent(
                    lead_id=x.lead_id,
                    member_id=x.member,
                    created_at=x.created_at,
                    handed_over_at=x.handed_over_at,
                    origin=x.origin,
                    batch_id=batch.id,
                )
            )
            inserted += 1
        elif (old.member_id, old.created_at, old.handed_over_at) != (
            x.member,
            x.created_at,
            x.handed_over_at,
        ):
            touched.append((old.member_id, old.created_at))
            old.member_id, old.created_at = x.member, x.created_at
            old.handed_over_at, old.batch_id = x.handed_over_at, batch.id
            session.add(old)
            updated += 1
        touched.append((x.member, x.created_at))
    counts = {"rows": len(leads), "inserted": inserted, "updated": updated}
    counts["unchanged"] = len(leads) - inserted - updated
    batch.counts = counts
    audit(session, actor=actor, action="leads.import", subject=source, details=counts)
    session.flush()
    return LeadsOutcome(batch.id, inserted, updated, counts["unchanged"], touched)


def lead_times(
    session: Session, *, members: set[str], start: datetime, end: datetime
) -> list[tuple[str, datetime, datetime | None]]:
    """(member, created_at, handed_over_at) of the members' leads created in [start, end)."""
    stmt = sa.select(
        col(LeadEvent.member_id), col(LeadEvent.created_at), col(LeadEvent.handed_over_at)
    ).where(
        col(LeadEvent.member_id).in_(members),
        col(LeadEvent.created_at) >= start,
        col(LeadEvent.created_at) < end,
    )
    rows = session.execute(stmt).all()
    return [(m, c, h) for m, c, h in rows]


def pending_lead_members(session: Session) -> list[tuple[str, datetime]]:
    """(member, created_at) of leads not yet handed over: their rate changes with time."""
    stmt = sa.select(col(LeadEvent.member_id), col(LeadEvent.created_at)).where(
        col(LeadEvent.handed_over_at).is_(None)
    )
    return [(m, c) for m, c in session.execute(stmt).all()]
