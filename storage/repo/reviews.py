"""360 review storage: cycles, assignments and in-chat ratings.

Ratings are keyed (cycle, rater, ratee, criterion); a resubmission while the window is
open replaces the earlier values. Nothing here logs or audits a rater next to a value:
the audit trail of a submission (written by the caller) carries only counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.orgconfig import OrgConfig
from storage.repo.config import current_config
from storage.repo.scoring_inputs import NoOrgError
from storage.tables import RatingRecord, ReviewAssignment, ReviewCycle


def stored_config(session: Session) -> OrgConfig | None:
    """The imported org config (review/coaching settings live there), or None before any
    import; the cached `current_config` does the reading."""
    try:
        return current_config(session)
    except NoOrgError:
        return None


def get_cycle(session: Session, *, quarter: str) -> ReviewCycle | None:
    return session.get(ReviewCycle, quarter)


def upsert_cycle(
    session: Session, *, quarter: str, opens_at: datetime, closes_at: datetime, state: str
) -> ReviewCycle:
    """Create the cycle or move an existing one to `state` with the given window."""
    cycle = session.get(ReviewCycle, quarter)
    if cycle is None:
        cycle = ReviewCycle(quarter=quarter, opens_at=opens_at, closes_at=closes_at, state=state)
        session.add(cycle)
    else:
        cycle.opens_at, cycle.closes_at, cycle.state = opens_at, closes_at, state
    session.flush()
    return cycle


def set_cycle_state(session: Session, *, quarter: str, state: str) -> ReviewCycle | None:
    cycle = session.get(ReviewCycle, quarter)
    if cycle is not None:
        cycle.state = state
        session.flush()
    return cycle


@dataclass(frozen=True)
class Pair:
    rater: str
    ratee: str
    kind: str


def add_assignments(
    session: Session, *, cycle: str, pairs: Iterable[Pair]
) -> list[ReviewAssignment]:
    """Insert the pairs not yet assigned in `cycle`; returns every assignment of the pairs."""
    existing = {(a.rater_id, a.ratee_id): a for a in assignments(session, cycle=cycle)}
    out: list[ReviewAssignment] = []
    for p in pairs:
        row = existing.get((p.rater, p.ratee))
        if row is None:
            row = ReviewAssignment(cycle=cycle, rater_id=p.rater, ratee_id=p.ratee, kind=p.kind)
            session.add(row)
            existing[(p.rater, p.ratee)] = row
        out.append(row)
    session.flush()
    return out


def assignments(
    session: Session, *, cycle: str, rater_id: str | None = None
) -> list[ReviewAssignment]:
    stmt = select(ReviewAssignment).where(ReviewAssignment.cycle == cycle)
    if rater_id is not None:
        stmt = stmt.where(ReviewAssignment.rater_id == rater_id)
    return list(session.exec(stmt.order_by(col(ReviewAssignment.id))))


def get_assignment(session: Session, *, assignment_id: int) -> ReviewAssignment | None:
    return session.get(ReviewAssignment, assignment_id)


def ratings_given(
    session: Session, *, cycle: str, rater_id: str, ratee_id: str
) -> dict[str, RatingRecord]:
    """The rater's own ratings of one ratee (to prefill their form), by criterion."""
    stmt = select(RatingRecord).where(
        RatingRecord.cycle == cycle,
        RatingRecord.rater_id == rater_id,
        RatingRecord.ratee_id == ratee_id,
    )
    return {r.criterion: r for r in session.exec(stmt)}


def save_ratings(
    session: Session,
    *,
    cycle: str,
    rater_id: str,
    ratee_id: str,
    values: Mapping[str, int],
    comment: str | None,
    submitted_at: datetime,
) -> int:
    """Upsert one rater's ratings of one ratee; criteria not in `values` are removed so an
    edit leaves exactly what the form showed. Returns how many ratings are stored."""
    old = ratings_given(session, cycle=cycle, rater_id=rater_id, ratee_id=ratee_id)
    for criterion, row in old.items():
        if criterion not in values:
            session.delete(row)
    for criterion, value in values.items():
        found = old.get(criterion)
        row = (
            found
            if found is not None
            else RatingRecord(
                cycle=cycle, rater_id=rater_id, ratee_id=ratee_id, criterion=criterion, value=0
            )
        )
        session.add(row)
        row.value = value
        row.comment = comment
        row.batch_id = None
        row.submitted_at = submitted_at
    session.flush()
    return len(values)


def submitted_assignment_count(session: Session, *, cycle: str) -> int:
    """How many assignments of `cycle` have at least one rating (for progress, no names)."""
    done = {
        (r, e)
        for r, e in session.exec(
            select(RatingRecord.rater_id, RatingRecord.ratee_id).where(RatingRecord.cycle == cycle)
        )
    }
    return sum((a.rater_id, a.ratee_id) in done for a in assignments(session, cycle=cycle))
