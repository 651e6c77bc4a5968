"""The member page's stored records: awards, star cases, key-action points, improvement
plans and where each indicator's numbers came from (origin, last update).

Read in one session per page; everything is filtered to the member (and their team's
`team:KEY` rows) so a page never loads somebody else's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scoring.periods import Period, PeriodError
from storage.db import session_scope
from storage.tables import (
    Award,
    ImportBatch,
    ImprovementPlan,
    KeyActionPointsRecord,
    MetricValue,
    StarCase,
)


@dataclass(frozen=True)
class Provenance:
    origins: tuple[str, ...]
    last_update: datetime | None


@dataclass
class MemberRecords:
    awards: list[Award] = field(default_factory=list)
    star_cases: list[StarCase] = field(default_factory=list)
    key_action_points: list[KeyActionPointsRecord] = field(default_factory=list)
    plans: list[ImprovementPlan] = field(default_factory=list)
    provenance: dict[str, Provenance] = field(default_factory=dict)


def _in(period: Period, text: str) -> bool:
    """Whether a record's period string falls inside (overlaps) the page's period."""
    try:
        return period.overlaps(Period.parse(text))
    except PeriodError:
        return False


def load_member_records(engine: Engine, member_id: str, team: str, period: Period) -> MemberRecords:
    with session_scope(engine) as session:
        awards = session.exec(
            select(Award).where(Award.member_id == member_id).order_by(col(Award.id))
        ).all()
        stars = session.exec(
            select(StarCase).where(StarCase.member_id == member_id).order_by(col(StarCase.id))
        ).all()
        kap = session.exec(
            select(KeyActionPointsRecord)
            .where(KeyActionPointsRecord.member_id == member_id)
            .order_by(col(KeyActionPointsRecord.id))
        ).all()
        plans = session.exec(
            select(ImprovementPlan)
            .where(ImprovementPlan.member_id == member_id)
            .order_by(col(ImprovementPlan.id).desc())
        ).all()
        prov = _provenance(session, {member_id, f"team:{team}"}, period)
    return MemberRecords(
        awards=[a for a in awards if _in(period, a.period)],
        star_cases=[s for s in stars if _in(period, s.period)],
        key_action_points=[k for k in kap if _in(period, k.period)],
        plans=list(plans),
        provenance=prov,
    )


def _provenance(session: Session, subjects: set[str], period: Period) -> dict[str, Provenance]:
    """Per indicator: the origins of the values in the period and when they last changed."""
    stmt = (
        sa.select(
            col(MetricValue.indicator),
            col(MetricValue.origin),
            sa.func.max(col(MetricValue.recorded_at)),
            sa.func.max(col(ImportBatch.created_at)),
        )
        .join(ImportBatch, col(ImportBatch.id) == col(MetricValue.batch_id))
        .where(
            col(MetricValue.subject).in_(subjects),
            col(MetricValue.period_start) <= period.end,
            col(MetricValue.period_end) >= period.start,
        )
        .group_by(col(MetricValue.indicator), col(MetricValue.origin))
    )
    origins: dict[str, set[str]] = {}
    last: dict[str, datetime] = {}
    for indicator, origin, recorded, imported in session.connection().execute(stmt):
        origins.setdefault(indicator, set()).add(origin)
        stamp = recorded or imported
        if stamp is not None and (indicator not in last or stamp > last[indicator]):
            last[indicator] = stamp
    return {k: Provenance(tuple(sorted(v)), last.get(k)) for k, v in origins.items()}
