"""POST /api/v1/metrics: auth, limits, validation errors, idempotency, frozen periods."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.app import create_app
from bot.settings import Settings
from storage.db import session_scope
from storage.tables import AuditLog, MetricValue, ScoreSnapshot
from tests.ingest.conftest import AUTH, counts, item, make_client
from tests.storage.helpers import snapshot


def post(client: TestClient, body: object, headers: dict[str, str] | None = None, **kw: object):
    return client.post("/api/v1/metrics", json=body, headers=headers or AUTH, **kw)


def test_missing_or_wrong_token_is_401_without_detail(client: TestClient, store: Engine) -> None:
    before = snapshot(store)
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic tok"}):
        r = client.post("/api/v1/metrics", json={"metrics": [item()]}, headers=headers)
        assert r.status_code == 401
        assert r.content == b""
        assert r.headers["www-authenticate"] == "Bearer"
    assert snapshot(store) == before


def test_no_token_configured_refuses_everyone(store: Engine, db_url: str) -> None:
    with TestClient(create_app(Settings(database_url=db_url), engine=store)) as c:
        r = c.post(
            "/api/v1/metrics", json={"metrics": [item()]}, headers={"Authorization": "Bearer "}
        )
        assert r.status_code == 401


def test_applied_batch_counts_and_origin(client: TestClient, store: Engine) -> None:
    r = post(client, {"metrics": [item(), item(item="v2", value="12.50")]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["rows"], body["inserted"], body["updated"]) == (2, 2, 0)
    with session_scope(store) as s:
        rows = s.exec(select(MetricValue).order_by(MetricValue.item)).all()
    assert [(m.item, str(m.value), m.origin) for m in rows] == [
        ("v1", "1000", "api"),
        ("v2", "12.50", "api"),
    ]


def test_named_token_binds_its_origin(client: TestClient, store: Engine) -> None:
    dtok = {"Authorization": "Bearer dtok"}
    assert post(client, {"metrics": [item()]}, dtok).status_code == 200
    with session_scope(store) as s:
        assert s.exec(select(MetricValue.origin)).all() == ["douyin"]
    before = snapshot(store)
    r = post(client, {"metrics": [item(origin="crm")]}, dtok)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"index": 0, "field": "origin", "reason": "this token may only write origin 'douyin'"}
    ]
    assert snapshot(store) == before


def test_422_lists_every_bad_item_and_writes_nothing(client: TestClient, store: Engine) -> None:
    before = snapshot(store)
    batch = [
        item(),
        item(member="nobody", item="v2"),
        item(value=-5, item="v3"),
        item(period="2026-13", item="v4"),
        item(indicator="bogus", item="v5"),
        {"member": "li.na"},
        item(),
    ]
    r = post(client, {"metrics": batch})
    assert r.status_code == 422
    errors = {(e["index"], e["field"]) for e in r.json()["errors"]}
    assert {(1, "member"), (2, "value"), (3, "period"), (4, "indicator")} <= errors
    assert {(5, "indicator"), (5, "period"), (5, "value"), (6, "member")} <= errors
    assert (0, "member") not in errors
    assert all(e["reason"] for e in r.json()["errors"])
    assert snapshot(store) == before


def test_body_errors(client: TestClient, store: Engine) -> None:
    before = snapshot(store)
    bad = client.post("/api/v1/metrics", content=b"{nope", headers=AUTH)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body"
    assert post(client, {"rows": []}).status_code == 422
    assert post(client, {"metrics": [item(value=True)]}).status_code == 422
    assert post(client, {"metrics": [item(member="li\x00na")]}).status_code == 422
    assert post(client, {"metrics": [item(value="1e400")]}).status_code == 422
    assert snapshot(store) == before


def test_413_over_items_or_bytes(store: Engine, db_url: str) -> None:
    before = snapshot(store)
    with make_client(store, db_url, ingest_max_items=2, ingest_max_bytes=400) as c:
        r = c.post(
            "/api/v1/metrics", json={"metrics": [item(item=str(i)) for i in range(3)]}, headers=AUTH
        )
        assert r.status_code == 413
        big = json.dumps({"metrics": [item(item="x" * 500)]}).encode()
        r = c.post("/api/v1/metrics", content=big, headers=AUTH)
        assert r.status_code == 413
        assert r.json()["errors"][0]["reason"] == "body over 400 bytes"
        # a lying Content-Length is refused before the body is read
        r = c.post("/api/v1/metrics", content=b"{}", headers={**AUTH, "Content-Length": "999"})
        assert r.status_code in (400, 413)
    assert snapshot(store) == before


def test_retried_batch_with_the_same_key_is_applied_once(client: TestClient, store: Engine) -> None:
    headers = {**AUTH, "Idempotency-Key": "batch-1"}
    first = post(client, {"metrics": [item()]}, headers)
    assert first.status_code == 200
    after_first = snapshot(store)
    again = post(client, {"metrics": [item()]}, headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert snapshot(store) == after_first
    other = post(client, {"metrics": [item(value=5)]}, headers)
    assert other.status_code == 409
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert snapshot(store) == after_first
    # without a key the same batch is a new (unchanged) import
    plain = post(client, {"metrics": [item()]})
    assert plain.json()["unchanged"] == 1


def test_frozen_period_needs_reopen_and_is_audited(client: TestClient, store: Engine) -> None:
    from datetime import UTC, datetime

    with session_scope(store) as s:
        s.add(ScoreSnapshot(period="2026-Q3", member_id="li.na", as_of=datetime.now(UTC)))
    before = snapshot(store)
    r = post(client, {"metrics": [item()]})
    assert r.status_code == 422
    assert "2026-Q3" in r.json()["errors"][0]["reason"]
    assert snapshot(store) == before
    r = post(client, {"metrics": [item()]}, params={"reopen": "true"})
    assert r.status_code == 200
    assert r.json()["reopened"] == ["2026-Q3"]
    with session_scope(store) as s:
        reopen = s.exec(select(AuditLog).where(AuditLog.action == "period.reopen")).one()
    assert reopen.actor == "api:default"
    assert counts(store)["metric_value"] == 1


def test_openapi_documents_the_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/metrics"]["post"]
    assert {"200", "401", "409", "413", "422"} <= set(op["responses"])
    assert op["requestBody"]["content"]["application/json"]["example"]["metrics"]
    assert op["responses"]["422"]["content"]["application/json"]["examples"]
    assert "/api/v1/lead-events" in spec["paths"]
