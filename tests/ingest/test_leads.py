"""Lead handoff timeliness: the SLA edges, pending leads, month boundaries in the org zone,
and the API / CSV paths that feed it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from handlers.i18n import render
from handlers.leads import handoff_rates
from handlers.leads_io import import_leads_file
from storage.db import session_scope
from storage.tables import LeadEvent, MetricValue
from tests.ingest.conftest import AUTH, NOW
from tests.storage.helpers import snapshot

SH = ZoneInfo("Asia/Shanghai")
SLA = timedelta(hours=24)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def rates(
    leads: list[tuple[str, datetime, datetime | None]], now: datetime
) -> dict[tuple[str, str], Decimal]:
    return handoff_rates(leads, sla=SLA, now=now, tz=SH)


def test_exactly_at_the_sla_is_on_time() -> None:
    c = at("2026-08-03T10:00")
    got = rates(
        [("z", c, c + SLA), ("z", c, c + SLA + timedelta(seconds=1))], at("2026-08-20T00:00")
    )
    assert got == {("z", "2026-08"): Decimal("0.5")}


def test_pending_lead_counts_only_once_its_sla_has_passed() -> None:
    c = at("2026-08-03T10:00")
    leads: list[tuple[str, datetime, datetime | None]] = [
        ("z", c, c + timedelta(hours=1)),
        ("z", c, None),
    ]
    assert rates(leads, c + timedelta(hours=23)) == {("z", "2026-08"): Decimal(1)}
    assert rates(leads, c + SLA) == {("z", "2026-08"): Decimal(1)}
    assert rates(leads, c + SLA + timedelta(minutes=1)) == {("z", "2026-08"): Decimal("0.5")}
    assert rates([("z", c, None)], c + timedelta(hours=2)) == {}


def test_month_is_the_org_zone_month() -> None:
    utc_late = datetime(2026, 8, 31, 17, 0, tzinfo=UTC)  # 2026-09-01 01:00 in Shanghai
    got = rates([("z", utc_late, utc_late + timedelta(hours=1))], at("2026-09-10T00:00"))
    assert got == {("z", "2026-09"): Decimal(1)}
    july_end = at("2026-07-31T23:59")
    got = rates([("z", july_end, july_end + timedelta(hours=30))], at("2026-09-10T00:00"))
    assert got == {("z", "2026-07"): Decimal(0)}


def test_thirds_are_rounded() -> None:
    c = at("2026-08-03T10:00")
    leads = [("z", c, c), ("z", c, c), ("z", c, c + 2 * SLA)]
    assert rates(leads, at("2026-08-20T00:00")) == {("z", "2026-08"): Decimal("0.666667")}


def handoff(engine: Engine) -> dict[str, Decimal]:
    with session_scope(engine) as s:
        rows = s.exec(
            select(MetricValue).where(MetricValue.indicator == "lead_handoff_on_time")
        ).all()
    assert all(r.origin == "lead_events" for r in rows)
    return {f"{r.subject}:{r.period}": r.value for r in rows}


def test_api_feeds_the_computed_metric(client: TestClient, store: Engine) -> None:
    events = [
        {
            "lead_id": "L1",
            "member": "zhang.wei",
            "created_at": "2026-08-03T10:00:00",
            "handed_over_at": "2026-08-03T18:00:00",
        },
        {"lead_id": "L2", "member": "张伟", "created_at": "2026-08-04T10:00:00"},
    ]
    r = client.post("/api/v1/lead-events", json={"events": events}, headers=AUTH)
    assert r.status_code == 200, r.text
    # L2 is long past its SLA (the request's clock is now, after August 2026)
    assert handoff(store) == {"zhang.wei:2026-08": Decimal("0.5")}
    events[1]["handed_over_at"] = "2026-08-04T20:00:00"
    r = client.post("/api/v1/lead-events", json={"events": events[1:]}, headers=AUTH)
    assert r.json()["updated"] == 1
    assert handoff(store) == {"zhang.wei:2026-08": Decimal(1)}
    with session_scope(store) as s:
        assert len(s.exec(select(LeadEvent)).all()) == 2


def test_api_refuses_bad_events_whole(client: TestClient, store: Engine) -> None:
    before = snapshot(store)
    events = [
        {"lead_id": "L1", "member": "nobody", "created_at": "2026-08-03T10:00:00"},
        {"lead_id": "L2", "member": "zhang.wei", "created_at": "yesterday"},
        {
            "lead_id": "L3",
            "member": "zhang.wei",
            "created_at": "2026-08-03T10:00:00",
            "handed_over_at": "2026-08-02T10:00:00",
        },
    ]
    r = client.post("/api/v1/lead-events", json={"events": events}, headers=AUTH)
    assert r.status_code == 422
    assert [(e["index"], e["field"]) for e in r.json()["errors"]] == [
        (0, "member"),
        (1, "created_at"),
        (2, "handed_over_at"),
    ]
    assert snapshot(store) == before


def test_csv_import(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        "lead_id,member,created_at,handed_over_at\n"
        "A1,zhang.wei,2026-08-01T09:00:00,2026-08-01T10:00:00\n"
        "A2,zhang.wei,2026-08-19T18:00:00,\n",
        encoding="utf-8",
    )
    outcome = import_leads_file(store, path, now=NOW)
    assert not outcome.errors, outcome.errors
    # A2 is 18 hours old at NOW (12:00 in Shanghai): inside its SLA, not counted yet
    assert handoff(store) == {"zhang.wei:2026-08": Decimal(1)}
    later = NOW + timedelta(days=2)
    bad = tmp_path / "bad.csv"
    bad.write_text("lead_id,member,created_at\nB1,ghost,2026-08-01\n", encoding="utf-8")
    before = snapshot(store)
    assert import_leads_file(store, bad, now=later).errors == [
        "bad.csv:2 member: unknown member 'ghost'"
    ]
    assert snapshot(store) == before
    assert import_leads_file(store, path, now=later).message.endswith(")")
    assert handoff(store) == {"zhang.wei:2026-08": Decimal("0.5")}


def test_csv_duplicate_names_the_earlier_row(store: Engine, tmp_path: Path) -> None:
    """Row numbers as the file's other errors count them (header = row 1, blank rows
    counted), not the 0-based index of the earlier item."""
    dup = tmp_path / "dup.csv"
    dup.write_text(
        "lead_id,member,created_at\n"
        "D1,zhang.wei,2026-08-01T09:00:00\n"
        "D2,zhang.wei,2026-08-02T09:00:00\n"
        "\n"
        "D1,zhang.wei,2026-08-03T09:00:00\n",
        encoding="utf-8",
    )
    before = snapshot(store)
    errors = import_leads_file(store, dup, now=NOW).errors
    assert errors == ["dup.csv:5 lead_id: same lead_id as row 2"]
    assert render(errors[0], "zh-CN") == "dup.csv:5 lead_id：与第 2 行的 lead_id 相同"
    assert snapshot(store) == before


def test_cli_leads_import(store: Engine, db_url: str, tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.setenv("PERFBOT_DATABASE_URL", db_url)
    path = tmp_path / "leads.csv"
    path.write_text(
        "lead_id,member,created_at,handed_over_at\nC1,张伟,2026-08-01 09:00,2026-08-01 10:00\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["leads", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    assert handoff(store) == {"zhang.wei:2026-08": Decimal(1)}
    bad = tmp_path / "bad.csv"
    bad.write_text("lead_id,member\nC2,张伟\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["leads", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv:1 created_at: missing column" in result.output
