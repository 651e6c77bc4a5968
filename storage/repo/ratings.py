"""Rating import (offline or past cycles): upsert by (cycle, rater, ratee, criterion)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, insert, update

from scoring.model import Rating
from storage.repo.audit import audit
from storage.tables import ImportBatch, RatingRecord

Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class RatingsOutcome:
    batch_id: int
    inserted: int
    updated: int
    unchanged: int


def import_ratings(
    session: Session, *, ratings: list[Rating], source: str, actor: str
) -> RatingsOutcome:
    """Upsert `ratings`; a later line for the same key wins. Flushes, never commits."""
    batch = ImportBatch(kind="ratings", source=source, actor=actor)
    session.add(batch)
    session.flush()
    assert batch.id is not None
    latest = {_key(r): r for r in ratings}
    existing = _existing(session, latest)
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for key, r in latest.items():
        old = existing.get(key)
        if old is None:
            new.append(_values(r, batch.id))
        elif (old.value, old.comment) != (r.value, r.comment):
            changed.append(
                {"id": old.id, "value": r.value, "comment": r.comment, "batch_id": batch.id}
            )
    if new:
        session.exec(insert(RatingRecord), params=new)
    if changed:
        session.exec(update(RatingRecord), params=changed)
    outcome = RatingsOutcome(
        batch.id, len(new), len(changed), len(latest) - len(new) - len(changed)
    )
    batch.counts = {
        "rows": len(ratings),
        "inserted": outcome.inserted,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    }
    audit(session, actor=actor, action="reviews.import", subject=source, details=batch.counts)
    session.flush()
    return outcome


def _key(r: Rating) -> Key:
    return (str(r.cycle), r.rater, r.ratee, r.criterion)


def _existing(session: Session, latest: dict[Key, Rating]) -> dict[Key, Any]:
    cycles = sorted({k[0] for k in latest})
    if not cycles:
        return {}
    stmt = sa.select(
        col(RatingRecord.id),
        col(RatingRecord.cycle),
        col(RatingRecord.rater_id),
        col(RatingRecord.ratee_id),
        col(RatingRecord.criterion),
        col(RatingRecord.value),
        col(RatingRecord.comment),
    ).where(col(RatingRecord.cycle).in_(cycles))
    return {
        (r.cycle, r.rater_id, r.ratee_id, r.criterion): r
        for r in session.connection().execute(stmt)
    }


def _values(r: Rating, batch_id: int) -> dict[str, Any]:
    return {
        "cycle": str(r.cycle),
        "rater_id": r.rater,
        "ratee_id": r.ratee,
        "criterion": r.criterion,
        "value": r.value,
        "comment": r.comment,
        "batch_id": batch_id,
    }
