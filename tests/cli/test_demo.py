"""`perfbot demo`: the built-in org loads through the normal import paths and serves."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select
from typer.testing import CliRunner

from bot.app import create_app
from bot.demo.load import demo_settings, load_demo
from storage.db import make_engine, session_scope
from storage.tables import Award, CheckIn, KeyActionPointsRecord, MemberRecord, RatingRecord


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "demo.db"
    load_demo(demo_settings(db, 8000), today=date(2026, 11, 27))
    return db


def test_demo_store_has_the_case_study(demo_db: Path) -> None:
    engine = make_engine(f"sqlite:///{demo_db}")
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(MemberRecord)).one() >= 12
        assert s.exec(select(func.count()).select_from(RatingRecord)).one() > 50
        assert s.exec(select(func.count()).select_from(CheckIn)).one() > 10
        assert s.exec(select(func.count()).select_from(Award)).one() >= 3
        assert s.exec(select(func.count()).select_from(KeyActionPointsRecord)).one() >= 2


def test_demo_scores_from_the_cli(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFBOT_DATABASE_URL", f"sqlite:///{demo_db}")
    result = CliRunner().invoke(
        app_cli(), ["score", "--period", "2026-Q3", "--as-of", "2026-11-27", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    totals = {m["member"]: m["total"] for m in report["members"]}
    assert len(totals) >= 10
    assert all(t is None or 0 <= t <= 200 for t in totals.values())
    assert totals["li.na"] > totals["he.xin"]


def test_demo_reload_is_fresh(demo_db: Path) -> None:
    load_demo(demo_settings(demo_db, 8000), today=date(2026, 11, 27))
    engine = make_engine(f"sqlite:///{demo_db}")
    with session_scope(engine) as s:
        # 3 recorded awards + 4 content hits the metrics import detects (issue 7), once each
        assert s.exec(select(func.count()).select_from(Award)).one() == 7


def test_app_health_and_docs(demo_db: Path) -> None:
    with TestClient(create_app(demo_settings(demo_db, 8000))) as client:
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok", "scheduler": "off"}
        assert client.get("/openapi.json").json()["info"]["title"] == "perfbot"
        assert client.get("/docs").status_code == 200


def test_health_reports_a_broken_database(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path / "missing" / "x.db", 8000)
    with TestClient(create_app(settings)) as client:
        health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "error"


def app_cli():  # type: ignore[no-untyped-def]
    from bot.cli import app

    return app
