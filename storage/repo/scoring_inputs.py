"""Read back what scoring needs for one period: the org, metric rows and ratings.

The org is rebuilt from the stored config (the same `to_scoring_org` the file path uses,
so database and `--config` scoring cannot drift) plus approvals made in chat. Rows are
read as column tuples for the period's enclosing year: the benchmarked path.
"""

from __future__ import annotations

import dataclasses
import threading
from decimal import Decimal
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from scoring import model as sm
from scoring.periods import Period, PeriodKind
from storage.orgconfig import OrgConfig, to_scoring_org
from storage.tables import (
    BonusPointsRecord,
    CalibrationRecord,
    KeyActionPointsRecord,
    MetricValue,
    OrgRecord,
    RatingRecord,
)


class NoOrgError(LookupError):
    """No org config has been imported yet."""


_org_cache: dict[str, sm.Org] = {}
_org_cache_lock = threading.Lock()


def load_scoring_inputs(
    session: Session, *, period: Period
) -> tuple[sm.Org, list[sm.MetricRow], list[sm.Rating]]:
    year = period.enclosing("year")
    org = current_org(session)
    return org, _metric_rows(session, year), _ratings(session, year)


def current_org(session: Session) -> sm.Org:
    """The imported org with chat-approved calibrations and bonus points (no metric rows)."""
    org = _stored_org(session)
    return dataclasses.replace(
        org,
        calibrations=org.calibrations + _chat_calibrations(session),
        bonus_points=org.bonus_points + _chat_bonus_points(session),
        key_action_points=org.key_action_points + _key_action_points(session),
    )


def _key_action_points(session: Session) -> tuple[sm.KeyActionPoints, ...]:
    stmt = select(KeyActionPointsRecord).order_by(col(KeyActionPointsRecord.id))
    return tuple(
        sm.KeyActionPoints(
            member=k.member_id, period=Period.parse(k.period), points=k.points, reason=k.reason
        )
        for k in session.exec(stmt)
    )


def _stored_org(session: Session) -> sm.Org:
    """The config's Org, cached by its hash (a 10,000-member config is costly to rebuild)."""
    sha = session.exec(select(OrgRecord.config_sha256)).first()
    if sha is None:
        raise NoOrgError("no org config imported yet: run `perfbot org import FILE.yaml`")
    with _org_cache_lock:
        cached = _org_cache.get(sha)
    if cached is not None:
        return cached
    config = session.exec(select(OrgRecord.config)).one()
    org = to_scoring_org(OrgConfig.model_validate(config))
    with _org_cache_lock:
        if len(_org_cache) >= 4:
            _org_cache.clear()
        _org_cache[sha] = org
    return org


def _chat_calibrations(session: Session) -> tuple[sm.Calibration, ...]:
    stmt = (
        select(CalibrationRecord)
        .where(CalibrationRecord.source == "chat", CalibrationRecord.state == "approved")
        .order_by(col(CalibrationRecord.approved_at), col(CalibrationRecord.id))
    )
    return tuple(_calibration(c) for c in session.exec(stmt))


def _calibration(c: CalibrationRecord) -> sm.Calibration:
    return sm.Calibration(
        period=Period.parse(c.period),
        type="swap" if c.type == "swap" else "retarget",
        member=c.member_id,
        team=c.team_key,
        indicator=c.indicator,
        coefficient=c.coefficient,
        new_target=c.new_target,
        swap_from=c.swap_from,
        swap_to=swap_target(c.swap_to) if c.swap_to else None,
        reason=dict(c.reason),
        id=str(c.id),
        approved_at=c.approved_at,
    )


def swap_target(spec: dict[str, object]) -> sm.SwapTarget:
    """A swap's `to` indicator from its stored JSON (decimals are exact strings there)."""

    def dec(name: str, default: Decimal | None = None) -> Decimal | None:
        value = spec.get(name)
        return default if value is None else Decimal(str(value))

    steps = cast(list[list[str]], spec.get("steps") or [])
    return sm.SwapTarget(
        key=str(spec["key"]),
        period=cast(sm.IndicatorPeriod, spec["period"]),
        aggregate=cast(sm.Aggregate, spec.get("aggregate") or "sum"),
        target=dec("target"),
        rule=cast(sm.Rule, spec.get("rule") or "linear"),
        direction=cast(sm.Direction, spec.get("direction") or "higher"),
        floor=dec("floor", Decimal(0)) or Decimal(0),
        cap=dec("cap", Decimal("1.2")) or Decimal("1.2"),
        steps=tuple((Decimal(str(a)), Decimal(str(b))) for a, b in steps),
        scale=cast(int | None, spec.get("scale")),
        unit=cast(str | None, spec.get("unit")),
    )


def _chat_bonus_points(session: Session) -> tuple[sm.BonusPoints, ...]:
    stmt = (
        select(BonusPointsRecord)
        .where(BonusPointsRecord.source == "chat", BonusPointsRecord.state == "approved")
        .order_by(col(BonusPointsRecord.approved_at), col(BonusPointsRecord.id))
    )
    return tuple(
        sm.BonusPoints(
            member=b.member_id,
            period=Period.parse(b.period),
            points=b.points,
            reason=dict(b.reason),
        )
        for b in session.exec(stmt)
    )


def _metric_rows(session: Session, year: Period) -> list[sm.MetricRow]:
    stmt = (
        sa.select(
            col(MetricValue.subject),
            col(MetricValue.indicator),
            col(MetricValue.period_start),
            col(MetricValue.period_end),
            col(MetricValue.period_kind),
            col(MetricValue.value),
            col(MetricValue.item),
            col(MetricValue.origin),
            col(MetricValue.recorded_at),
            col(MetricValue.seq),
        )
        .where(col(MetricValue.period_start) >= year.start, col(MetricValue.period_end) <= year.end)
        .order_by(col(MetricValue.seq))
    )
    periods: dict[tuple[object, ...], Period] = {}
    out = []
    for (
        subject,
        indicator,
        start,
        end,
        kind,
        value,
        item,
        origin,
        recorded_at,
        seq,
    ) in session.connection().execute(stmt):
        p = periods.get((start, end, kind))
        if p is None:
            p = periods[(start, end, kind)] = Period(start, end, cast(PeriodKind, kind))
        out.append(sm.MetricRow(subject, indicator, p, value, item, origin, recorded_at, seq))
    return out


def _ratings(session: Session, year: Period) -> list[sm.Rating]:
    quarters = {str(q): q for q in year.subperiods("quarter")}
    stmt = (
        sa.select(
            col(RatingRecord.cycle),
            col(RatingRecord.rater_id),
            col(RatingRecord.ratee_id),
            col(RatingRecord.criterion),
            col(RatingRecord.value),
            col(RatingRecord.comment),
        )
        .where(col(RatingRecord.cycle).in_(quarters))
        .order_by(col(RatingRecord.id))
    )
    return [
        sm.Rating(quarters[cycle], rater, ratee, criterion, value, comment)
        for cycle, rater, ratee, criterion, value, comment in session.connection().execute(stmt)
    ]
