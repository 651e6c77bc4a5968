"""import_metrics / import_ratings: upsert by natural key, history, idempotence, atomicity."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from scoring.model import MetricRow, Rating
from scoring.periods import Period
from storage.db import session_scope
from storage.repo import import_metrics, import_org, import_ratings, table_counts
from storage.tables import MetricValue, MetricValueHistory, RatingRecord
from tests.storage.helpers import config, example_text, snapshot

AUG = Period.month(2026, 8)


@pytest.fixture
def org_engine(engine: Engine) -> Engine:
    text = example_text()
    with session_scope(engine) as s:
        import_org(s, cfg=config(text), source_text=text)
    return engine


def _rows(value: str = "120000") -> list[MetricRow]:
    return [
        MetricRow("li.na", "content_exposure", AUG, Decimal(value), item="v1", origin="douyin"),
        MetricRow("li.na", "content_exposure", AUG, Decimal("5.50"), item="v2", origin="douyin"),
        MetricRow("team:growth", "young_new_customers", Period.quarter(2026, 3), Decimal("300")),
    ]


def _import(engine: Engine, rows: list[MetricRow], source: str = "m.csv") -> object:
    with session_scope(engine) as s:
        return import_metrics(s, rows=rows, source=source, actor="tester")


def test_same_rows_twice_change_nothing(org_engine: Engine) -> None:
    first = _import(org_engine, _rows())
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)  # type: ignore[attr-defined]
    before = snapshot(org_engine, skip=("audit_log", "import_batch"))
    second = _import(org_engine, _rows())
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)  # type: ignore[attr-defined]
    assert snapshot(org_engine, skip=("audit_log", "import_batch")) == before


def test_a_changed_value_replaces_and_keeps_history(org_engine: Engine) -> None:
    first = _import(org_engine, _rows("120000"))
    second = _import(org_engine, _rows("130000.00"))
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, 2)  # type: ignore[attr-defined]
    with session_scope(org_engine) as s:
        mv = s.exec(select(MetricValue).where(MetricValue.item == "v1")).one()
        hist = s.exec(select(MetricValueHistory)).one()
    assert str(mv.value) == "130000.00"
    assert mv.batch_id == second.batch_id  # type: ignore[attr-defined]
    assert (hist.metric_value_id, hist.old_value, hist.old_batch_id) == (
        mv.id,
        Decimal("120000"),
        first.batch_id,  # type: ignore[attr-defined]
    )
    assert hist.replaced_by == "tester"
    assert mv.seq > hist.old_seq


def test_seq_orders_by_import_then_line(org_engine: Engine) -> None:
    _import(org_engine, _rows())
    later = [
        MetricRow("li.na", "digital_tools", AUG, Decimal(1)),
        MetricRow("li.na", "digital_tools", Period.month(2026, 7), Decimal(0)),
    ]
    _import(org_engine, later)
    with session_scope(org_engine) as s:
        seqs = s.exec(
            select(
                col(MetricValue.indicator), col(MetricValue.period), col(MetricValue.seq)
            ).order_by(col(MetricValue.seq))
        ).all()
    assert [(i, p) for i, p, _ in seqs][-2:] == [
        ("digital_tools", "2026-08"),
        ("digital_tools", "2026-07"),
    ]
    assert len({q for _, _, q in seqs}) == 5


def test_a_later_line_with_the_same_key_wins(org_engine: Engine) -> None:
    rows = [_rows("1")[0], _rows("2")[0]]
    outcome = _import(org_engine, rows)
    assert outcome.inserted == 1  # type: ignore[attr-defined]
    with session_scope(org_engine) as s:
        assert s.exec(select(col(MetricValue.value))).one() == Decimal(2)


def test_a_failing_import_writes_nothing(org_engine: Engine) -> None:
    _import(org_engine, _rows())
    with session_scope(org_engine) as s:
        before = table_counts(s)
    snap = snapshot(org_engine, skip=())
    bad = [
        *_rows("999"),
        MetricRow("li.na", "x", AUG, Decimal("1"), recorded_at=datetime(2026, 8, 1)),  # noqa: DTZ001
    ]
    with pytest.raises(ValueError, match="row 4: recorded_at must carry a time zone"):
        _import(org_engine, bad)
    unknown_member = [*_rows("999"), MetricRow("li.na", "x", AUG, Decimal("NaN"))]
    with pytest.raises(ValueError, match="row 4: value must be a finite Decimal"):
        _import(org_engine, unknown_member)
    with session_scope(org_engine) as s:
        assert table_counts(s) == before
    assert snapshot(org_engine, skip=()) == snap


def test_a_database_error_mid_import_rolls_everything_back(org_engine: Engine) -> None:
    with session_scope(org_engine) as s:
        before = table_counts(s)
    unknown_rater = [Rating(Period.quarter(2026, 3), "nobody", "li.na", "collaboration", 3)]

    def metrics_then_bad_ratings() -> None:
        with session_scope(org_engine) as s:
            import_metrics(s, rows=_rows(), source="m.csv", actor="t")
            import_ratings(s, ratings=unknown_rater, source="r.csv", actor="t")

    with pytest.raises(sa.exc.IntegrityError, match="(?i)foreign key"):
        metrics_then_bad_ratings()
    with session_scope(org_engine) as s:
        assert table_counts(s) == before


def test_ratings_upsert(org_engine: Engine) -> None:
    q3 = Period.quarter(2026, 3)
    first = [
        Rating(q3, "zhang.wei", "li.na", "collaboration", 4),
        Rating(q3, "zhang.wei", "li.na", "responsiveness", 3),
    ]
    with session_scope(org_engine) as s:
        a = import_ratings(s, ratings=first, source="r.csv", actor="t")
    second = [Rating(q3, "zhang.wei", "li.na", "collaboration", 5, "great"), first[1]]
    with session_scope(org_engine) as s:
        b = import_ratings(s, ratings=second, source="r.csv", actor="t")
        stored = {(r.criterion, r.value, r.comment) for r in s.exec(select(RatingRecord))}
    assert (a.inserted, a.updated, a.unchanged) == (2, 0, 0)
    assert (b.inserted, b.updated, b.unchanged) == (0, 1, 1)
    assert stored == {("collaboration", 5, "great"), ("responsiveness", 3, None)}


def test_recorded_at_round_trips_in_utc(org_engine: Engine) -> None:
    at = datetime(2026, 8, 3, 1, 2, 3, tzinfo=UTC)
    _import(org_engine, [MetricRow("li.na", "content_exposure", AUG, Decimal(1), recorded_at=at)])
    with session_scope(org_engine) as s:
        assert s.exec(select(MetricValue.recorded_at)).one() == at
