"""`/metrics`, `/healthz` and JSON logs: what an operator sees, and what they never see."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.app import create_app
from bot.delivery import Dispatcher
from bot.delivery_logging import (
    CHATTY,
    JsonFormatter,
    Redactor,
    configure_logging,
    quiet_client_loggers,
    settings_secrets,
)
from bot.delivery_pacing import Limits
from bot.platforms.slack import SlackSender, make_client
from bot.settings import Settings
from handlers.cardjson import to_json
from handlers.cards import Card, Text
from storage.db import session_scope
from storage.repo.outbox import enqueue
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlackAPI

SIGNING = "observability-signing-secret"
BODY = "Li Na's private check-in reminder text"


def _settings(db_url: str, fake_url: str = "http://127.0.0.1:9/api/") -> Settings:
    return Settings(
        database_url=db_url,
        secret_key=SecretStr("obs-secret-key"),
        slack_bot_token=SecretStr(DEFAULT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING),
        slack_api_url=fake_url,
        log_format="text",
        scheduler="on",
    )


class _NoJobs:
    """A calendar with no jobs: the leader loop runs, nothing is scheduled."""

    def start(self, record_job: object) -> None:
        return None

    def stop(self) -> None:
        return None

    def tick(self) -> None:
        return None


def _queue(engine: Engine, n: int = 1) -> None:
    with session_scope(engine) as session:
        for i in range(n):
            enqueue(
                session,
                platform="slack",
                target=f"user:U000{i}",
                card=to_json(Card(blocks=(Text(BODY),))),
                idempotency_key=f"obs:{i}",
                not_before=datetime.now(UTC) - timedelta(seconds=1),
            )


def test_metrics_and_healthz(engine: Engine, db_url: str) -> None:
    _queue(engine, 2)
    app = create_app(_settings(db_url), engine=engine, run_outbox=False, scheduler=_NoJobs())
    with TestClient(app) as http:
        health = http.get("/healthz").json()
        assert health["status"] == "ok"
        assert health["database"] == "ok"
        assert health["scheduler"] in ("running", "standby")
        http.post("/slack/events", content="x")  # unsigned: 401, counted as a client error
        app.state.metrics.record_job("checkin-reminders", 0.25, True)
        text = http.get("/metrics").text
    assert 'perfbot_outbox_depth{state="pending"} 2.0' in text
    assert 'perfbot_http_requests_total{outcome="client_error",platform="slack"} 1.0' in text
    assert 'perfbot_http_requests_total{outcome="ok",platform="web"} 1.0' in text
    assert 'perfbot_job_runs_total{job="checkin-reminders",result="ok"} 1.0' in text
    assert "perfbot_job_seconds_bucket" in text
    assert "perfbot_scheduler_leader 1.0" in text  # SQLite, or the only replica on PG
    assert "# TYPE perfbot_outbox_rate_limited_total counter" in text
    assert "# TYPE perfbot_outbox_sends_total counter" in text


def test_two_apps_have_their_own_registries(engine: Engine, db_url: str) -> None:
    one = create_app(_settings(db_url), engine=engine, run_outbox=False, scheduler=_NoJobs())
    two = create_app(_settings(db_url), engine=engine, run_outbox=False, scheduler=_NoJobs())
    one.state.metrics.record_job("x", 1.0, False)
    assert b'job="x"' in one.state.metrics.render()
    assert b'job="x"' not in two.state.metrics.render()


async def test_json_logs_carry_ids_and_no_secret_or_body(engine: Engine, db_url: str) -> None:
    settings = _settings(db_url)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(Redactor(settings_secrets(settings))))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    old_levels = {name: logging.getLogger(name).level for name in CHATTY}
    root.setLevel(logging.DEBUG)  # even at DEBUG: the SDKs that log bodies stay quiet
    quiet_client_loggers()
    try:
        with FakeSlackAPI() as fake:
            _queue(engine, 2)
            fake.fail_next(1)
            sender = SlackSender(make_client(DEFAULT_TOKEN, fake.url + "/api/"))
            outbox = Dispatcher(engine, [sender], limits=Limits(), call_attempts=1)
            assert await outbox.run_once() == 1
            logging.getLogger("test").warning("oops %s / %s", DEFAULT_TOKEN, SIGNING)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for name, level in old_levels.items():
            logging.getLogger(name).setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    failed = [r for r in lines if r["event"] == "outbox send failed"]
    assert failed
    assert failed[0]["outbox_id"] >= 1
    assert failed[0]["key"].startswith("obs:")
    assert failed[0]["platform"] == "slack"
    raw = stream.getvalue()
    assert DEFAULT_TOKEN not in raw
    assert SIGNING not in raw
    assert BODY not in raw
    assert "<redacted>" in raw


def test_configure_logging_installs_one_json_handler(db_url: str) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        settings = _settings(db_url).model_copy(update={"log_format": "json"})
        configure_logging(settings)
        configure_logging(settings)
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1
        assert isinstance(added[0].formatter, JsonFormatter)
    finally:
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
