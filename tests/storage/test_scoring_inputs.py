"""load_scoring_inputs returns what was imported, limited to the period's year."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from scoring.model import BonusPoints, MetricRow, Rating
from scoring.periods import Period
from storage.db import session_scope
from storage.orgconfig import to_scoring_org
from storage.repo import NoOrgError, import_metrics, import_org, import_ratings, load_scoring_inputs
from storage.tables import BonusPointsRecord, CalibrationRecord
from storage.tabular import parse_metrics_file, parse_reviews_file
from tests.paths import SHARED
from tests.storage.helpers import config, example_text

WORKED = SHARED / "examples" / "worked"
Q3 = Period.quarter(2026, 3)


def _strip_seq(rows: list[MetricRow]) -> list[MetricRow]:
    return [dataclasses.replace(r, seq=0) for r in rows]


def test_worked_example_round_trips(engine: Engine) -> None:
    text = (WORKED / "org.yaml").read_text(encoding="utf-8")
    cfg = config(text)
    org = to_scoring_org(cfg)
    metrics = parse_metrics_file(WORKED / "metrics.csv", org).rows
    ratings = parse_reviews_file(WORKED / "reviews.csv", org)
    assert metrics
    assert ratings
    with session_scope(engine) as s:
        import_org(s, cfg=cfg, source_text=text)
        import_metrics(s, rows=metrics, source="metrics.csv", actor="t")
        import_ratings(s, ratings=ratings, source="reviews.csv", actor="t")
    with session_scope(engine) as s:
        got_org, got_rows, got_ratings = load_scoring_inputs(s, period=Q3)
    assert got_org == org
    assert _strip_seq(got_rows) == _strip_seq(metrics)
    assert [r.seq for r in got_rows] == sorted(r.seq for r in got_rows)
    assert got_ratings == ratings


def test_rows_outside_the_year_are_left_out_and_chat_approvals_added(engine: Engine) -> None:
    text = example_text()
    with session_scope(engine) as s:
        import_org(s, cfg=config(text), source_text=text)
        rows = [
            MetricRow(
                "li.na",
                "content_exposure",
                Period.parse("2026-08-14"),
                Decimal("1.10"),
                item="v",
                origin="douyin",
                recorded_at=datetime(2026, 8, 14, 2, tzinfo=UTC),
            ),
            MetricRow("team:growth", "young_new_customers", Q3, Decimal(300)),
            MetricRow("li.na", "digital_tools", Period.year(2026), Decimal(1)),
            MetricRow("li.na", "content_exposure", Period.month(2025, 12), Decimal(7)),
            MetricRow("li.na", "content_exposure", Period.month(2027, 1), Decimal(8)),
        ]
        import_metrics(s, rows=rows, source="m.csv", actor="t")
        ratings = [
            Rating(Q3, "zhang.wei", "li.na", "collaboration", 4),
            Rating(Period.quarter(2025, 4), "zhang.wei", "li.na", "collaboration", 2),
        ]
        import_ratings(s, ratings=ratings, source="r.csv", actor="t")
        approved = datetime(2026, 9, 1, tzinfo=UTC)
        s.add(
            BonusPointsRecord(
                member_id="zhang.wei",
                period="2026-Q3",
                points=Decimal("2.5"),
                state="approved",
                approved_at=approved,
            )
        )
        s.add(
            BonusPointsRecord(
                member_id="zhang.wei", period="2026-Q3", points=Decimal(9), state="pending"
            )
        )
        s.add(
            CalibrationRecord(
                member_id="li.na",
                period="2026-Q3",
                type="retarget",
                indicator="private_gmv",
                new_target=Decimal(150000),
                state="approved",
                approved_at=approved,
            )
        )
    with session_scope(engine) as s:
        org, got_rows, got_ratings = load_scoring_inputs(s, period=Period.month(2026, 8))
    assert _strip_seq(got_rows) == _strip_seq(rows[:3])
    assert got_ratings == ratings[:1]
    file_org = to_scoring_org(config(text))
    assert org.bonus_points == (
        *file_org.bonus_points,
        BonusPoints("zhang.wei", Q3, Decimal("2.5")),
    )
    assert org.calibrations[:-1] == file_org.calibrations
    chat = org.calibrations[-1]
    assert (chat.member, chat.type, chat.new_target, chat.approved_at) == (
        "li.na",
        "retarget",
        Decimal(150000),
        approved,
    )


def test_no_org_is_a_clear_error(engine: Engine) -> None:
    with session_scope(engine) as s, pytest.raises(NoOrgError, match="perfbot org import"):
        load_scoring_inputs(s, period=Q3)
