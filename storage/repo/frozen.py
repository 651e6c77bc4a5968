"""Periods frozen by cycle-close: later imports must not change them silently."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from scoring.model import MetricRow
from scoring.periods import Period
from storage.repo.audit import audit
from storage.tables import ScoreSnapshot


def frozen_periods(session: Session) -> list[Period]:
    names = session.exec(select(ScoreSnapshot.period).distinct()).all()
    return sorted(Period.parse(n) for n in names)


def frozen_periods_touched(session: Session, *, rows: Iterable[MetricRow]) -> list[str]:
    """Frozen periods that any row would count in (a row counts in every period it overlaps)."""
    frozen = frozen_periods(session)
    if not frozen:
        return []
    touched = {str(f) for r in rows for f in frozen if f.overlaps(r.period)}
    return sorted(touched)


def record_reopen(session: Session, *, periods: list[str], actor: str, source: str) -> None:
    """A deliberate change to frozen periods is allowed, and always leaves a trace."""
    audit(
        session,
        actor=actor,
        action="period.reopen",
        subject=",".join(periods),
        details={"source": source, "periods": periods},
    )
