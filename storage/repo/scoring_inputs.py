"""Read back what scoring needs for one period: the org, metric rows and ratings.

The org is rebuilt from the stored config (the same `to_scoring_org` the file path uses,
so database and `--config` scoring cannot drift) plus approvals made in chat. Rows are
read as column tuples for the period's enclosing year: the benchmarked path.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from scoring import model as sm
from scoring.periods import Period, PeriodKind
from storage.gcpause import paused_gc
from storage.msg import Msg
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


NO_ORG = Msg("store.no_org", "no org config imported yet: run `perfbot org import FILE.yaml`")


_org_cache: dict[str, sm.Org] = {}
_org_cache_lock = threading.Lock()


def load_scoring_inputs(
    session: Session, *, period: Period, members: Iterable[str] | None = None
) -> tuple[sm.Org, list[sm.MetricRow], list[sm.Rating]]:
    """Org, metric rows and ratings of `period`'s year.

    With `members` (the `/myscore` path) only what their scores read is loaded: their own
    rows and their teams' `team:KEY` rows (plus teammates' content-hit rows when a team
    pool is split by key-action points), the ratings where they are ratee, and for a
    `normalize: true` indicator every rating of its criteria (bias correction is org-wide).
    """
    year = period.enclosing("year")
    org = current_org(session)
    if members is None:
        return org, _metric_rows(session, year), _ratings(session, year)
    wanted = [m for m in dict.fromkeys(members) if m in org.members]
    return (
        org,
        _member_rows(session, org, year, wanted),
        _member_ratings(session, org, year, wanted),
    )


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
        raise NoOrgError(NO_ORG)
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


def _metric_rows(
    session: Session, year: Period, where: sa.ColumnElement[bool] | None = None
) -> list[sm.MetricRow]:
    """One SELECT of plain columns; periods and repeated values are shared objects.

    Dates and values come back raw (strings on SQLite, native on PostgreSQL) and are
    converted once per distinct value, which is most of the cost of a year's rows."""
    stmt = sa.select(
        col(MetricValue.subject),
        col(MetricValue.indicator),
        sa.type_coerce(col(MetricValue.period_start), sa.String),
        sa.type_coerce(col(MetricValue.period_end), sa.String),
        col(MetricValue.period_kind),
        sa.type_coerce(col(MetricValue.value), sa.String),
        col(MetricValue.item),
        col(MetricValue.origin),
        sa.type_coerce(col(MetricValue.recorded_at), sa.String),
        col(MetricValue.seq),
    ).where(col(MetricValue.period_start) >= year.start, col(MetricValue.period_end) <= year.end)
    # A filtered read (some members) comes through the subject index and is sorted here:
    # the database's sort of the index's matches cost 3× the read itself.
    stmt = stmt.order_by(col(MetricValue.seq)) if where is None else stmt.where(where)
    periods: dict[tuple[object, object, str], Period] = {}
    values: dict[str, Decimal] = {}
    names: dict[str, str] = {}  # one str object per distinct id, not one per row
    times: dict[object, datetime] = {}
    row_type = sm.MetricRow
    out: list[sm.MetricRow] = []
    append = out.append
    # on the statement, never the connection: there it would outlive this read and make
    # the session's later statements server-side cursors on PostgreSQL
    result = session.connection().execute(stmt.execution_options(yield_per=_CHUNK))
    with paused_gc():  # acyclic objects only: see storage.gcpause
        for part in result.partitions():
            for subject, indicator, start, end, kind, raw, item, origin, at, seq in part:
                p = periods.get((start, end, kind))
                if p is None:
                    p = periods[(start, end, kind)] = _period(start, end, kind)
                if isinstance(raw, Decimal):
                    value = raw
                elif (value := values.get(raw)) is None:
                    value = Decimal(raw)
                    if len(values) < _VALUE_CACHE:
                        values[raw] = value
                if at is not None and (stamp := times.get(at)) is None:
                    stamp = times[at] = _instant(at)
                append(
                    row_type(
                        names.setdefault(subject, subject),
                        names.setdefault(indicator, indicator),
                        p,
                        value,
                        names.setdefault(item, item),
                        names.setdefault(origin, origin),
                        None if at is None else stamp,
                        seq,
                    )
                )
    if where is not None:
        out.sort(key=attrgetter("seq"))
    return out


_CHUNK = 10_000
"""Rows fetched per round trip (and buffered at once) while loading."""
_VALUE_CACHE = 65_536
"""Distinct values remembered while loading (metrics repeat: 0, 1, targets, ratios)."""


def _instant(raw: object) -> datetime:
    """`recorded_at` from its raw column, as `UTCDateTime` reads it (aware, UTC); raw
    because rows of one import share it, so it is parsed once per distinct value."""
    at = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _period(start: object, end: object, kind: str) -> Period:
    """A stored period from its raw columns (ISO strings on SQLite, dates on PostgreSQL)."""
    s = start if isinstance(start, date) else date.fromisoformat(str(start))
    e = end if isinstance(end, date) else date.fromisoformat(str(end))
    return Period(s, e, cast(PeriodKind, kind))


def _member_rows(
    session: Session, org: sm.Org, year: Period, members: list[str]
) -> list[sm.MetricRow]:
    teams = {org.members[m].team for m in members}
    subjects = set(members) | {f"team:{t}" for t in teams}
    where: sa.ColumnElement[bool] = col(MetricValue.subject).in_(sorted(subjects))
    hit = org.incentives.content_hit
    split = [t for t in teams if _splits_by_points(org.teams.get(t))]
    if hit is not None and split:
        mates = sorted(m.id for m in org.members.values() if m.team in split)
        where = sa.or_(
            where,
            sa.and_(col(MetricValue.indicator) == hit.metric, col(MetricValue.subject).in_(mates)),
        )
    return _metric_rows(session, year, where) if members else []


def _splits_by_points(team: sm.Team | None) -> bool:
    """A team pool or award split reads every teammate's key-action points (content hits)."""
    return team is not None and (team.bonus_pool is not None or team.new_customer_award is not None)


def _member_ratings(
    session: Session, org: sm.Org, year: Period, members: list[str]
) -> list[sm.Rating]:
    if not members:
        return []
    scored = [m for m in members if org.members[m].template in org.templates]
    where: sa.ColumnElement[bool] = col(RatingRecord.ratee_id).in_(members)
    normalized = sorted(
        {
            c
            for m in scored
            for i in org.templates[org.members[m].template or ""].indicators
            if i.normalize
            for c in (i.criteria or (i.key,))
        }
    )
    if normalized:
        where = sa.or_(where, col(RatingRecord.criterion).in_(normalized))
    return _ratings(session, year, where)


def _ratings(
    session: Session, year: Period, where: sa.ColumnElement[bool] | None = None
) -> list[sm.Rating]:
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
    if where is not None:
        stmt = stmt.where(where)
    names: dict[str, str] = {}
    get = names.setdefault
    # `.all()`: one fetch of the (small, per-team) result instead of a fetchone per row
    with paused_gc():
        return [
            sm.Rating(
                quarters[cycle], get(rater, rater), get(ratee, ratee), get(crit, crit), v, note
            )
            for cycle, rater, ratee, crit, v, note in session.connection().execute(stmt).all()
        ]
