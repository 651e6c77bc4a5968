"""Metric import: one batch, upsert by (subject, indicator, period, item, origin).

Set-based on purpose (bulk INSERT/UPDATE over column tuples, not one ORM object per row):
this path carries whole-company exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, insert, update

from scoring.model import MetricRow
from storage.repo.audit import audit
from storage.tables import ImportBatch, MetricValue, MetricValueHistory, utcnow

SEQ_STRIDE = 10_000_000
"""seq = batch id x stride + line: a later import, then a later line, sorts later."""

Key = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class MetricsOutcome:
    batch_id: int
    inserted: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


def import_metrics(
    session: Session, *, rows: list[MetricRow], source: str, actor: str
) -> MetricsOutcome:
    """Upsert `rows` (in line order); a replaced value is kept in `metric_value_history`.

    Flushes, never commits: on any error the caller's rollback leaves nothing behind.
    """
    _check(rows)
    batch = ImportBatch(kind="metrics", source=source, actor=actor)
    session.add(batch)
    session.flush()
    assert batch.id is not None
    latest: dict[Key, tuple[int, MetricRow]] = {}
    for line, row in enumerate(rows, start=1):
        latest[_key(row)] = (batch.id * SEQ_STRIDE + line, row)
    existing = _existing(session, rows)
    new: list[dict[str, Any]] = []
    changed: list[tuple[Any, int, MetricRow]] = []
    for key, (seq, row) in latest.items():
        old = existing.get(key)
        if old is None:
            new.append(_values(row, seq, batch.id))
        elif old.value != row.value or old.recorded_at != row.recorded_at:
            changed.append((old, seq, row))
    if new:
        session.exec(insert(MetricValue), params=new)
    if changed:
        _replace(session, changed, batch.id, actor)
    outcome = MetricsOutcome(
        batch.id, len(new), len(changed), len(latest) - len(new) - len(changed)
    )
    batch.counts = {"rows": len(rows), **_counts(outcome)}
    audit(session, actor=actor, action="metrics.import", subject=source, details=batch.counts)
    session.flush()
    return outcome


def _check(rows: list[MetricRow]) -> None:
    """The store's own invariants (the file parser reports user errors before this)."""
    for line, row in enumerate(rows, start=1):
        if not isinstance(row.value, Decimal) or not row.value.is_finite():
            raise ValueError(f"row {line}: value must be a finite Decimal, got {row.value!r}")
        if row.recorded_at is not None and row.recorded_at.tzinfo is None:
            raise ValueError(f"row {line}: recorded_at must carry a time zone")
    if len(rows) >= SEQ_STRIDE:
        raise ValueError(f"at most {SEQ_STRIDE - 1} rows per import")


def _key(row: MetricRow) -> Key:
    return (row.subject, row.indicator, str(row.period), row.item, row.origin)


def _existing(session: Session, rows: list[MetricRow]) -> dict[Key, Any]:
    """Current values that could clash, fetched by the batch's few periods and indicators."""
    if not rows:
        return {}
    periods = sorted({str(r.period) for r in rows})
    indicators = sorted({r.indicator for r in rows})
    stmt = sa.select(
        col(MetricValue.id),
        col(MetricValue.subject),
        col(MetricValue.indicator),
        col(MetricValue.period),
        col(MetricValue.item),
        col(MetricValue.origin),
        col(MetricValue.value),
        col(MetricValue.recorded_at),
        col(MetricValue.batch_id),
        col(MetricValue.seq),
    ).where(col(MetricValue.period).in_(periods), col(MetricValue.indicator).in_(indicators))
    return {
        (r.subject, r.indicator, r.period, r.item, r.origin): r
        for r in session.connection().execute(stmt)
    }


def _values(row: MetricRow, seq: int, batch_id: int) -> dict[str, Any]:
    return {
        "subject": row.subject,
        "indicator": row.indicator,
        "period": str(row.period),
        "period_kind": row.period.kind,
        "period_start": row.period.start,
        "period_end": row.period.end,
        "item": row.item,
        "origin": row.origin,
        "value": row.value,
        "recorded_at": row.recorded_at,
        "batch_id": batch_id,
        "seq": seq,
    }


def _replace(
    session: Session, changed: list[tuple[Any, int, MetricRow]], batch_id: int, actor: str
) -> None:
    now: datetime = utcnow()
    history = [
        {
            "metric_value_id": old.id,
            "old_value": old.value,
            "old_recorded_at": old.recorded_at,
            "old_batch_id": old.batch_id,
            "old_seq": old.seq,
            "replaced_at": now,
            "replaced_by_batch_id": batch_id,
            "replaced_by": actor,
        }
        for old, _seq, _row in changed
    ]
    session.exec(insert(MetricValueHistory), params=history)
    updates = [
        {
            "id": old.id,
            "value": row.value,
            "recorded_at": row.recorded_at,
            "batch_id": batch_id,
            "seq": seq,
        }
        for old, seq, row in changed
    ]
    session.exec(update(MetricValue), params=updates)


def _counts(outcome: MetricsOutcome) -> dict[str, int]:
    return {
        "inserted": outcome.inserted,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
    }
