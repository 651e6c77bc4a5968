"""The real FastAPI app with the real lark-oapi handler and client, pointed at the fake
Feishu API, on the demo org in SQLite (and PostgreSQL when configured)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.app import create_app
from bot.settings import Settings
from handlers.routes import Routes
from scoring.model import Org
from storage.db import dispose_engine, make_engine, session_scope
from storage.repo import current_org
from tests.dbclone import Templates
from tests.fakes.feishu_api import FakeFeishuAPI
from tests.fakes.fixtures import fake_clock, feishu_api  # noqa: F401
from tests.feishu import larkreq as lr
from tests.feishu.testroutes import ROUTES, SEEN
from tests.handlers.conftest import DEMO_TODAY, Clock


@dataclass
class FeishuWorld:
    http: TestClient
    fake: FakeFeishuAPI
    engine: Engine
    org: Org
    clock: Clock
    settings: Settings

    def open_id(self, member_id: str) -> str:
        return self.org.members[member_id].identities["feishu"]

    def post(
        self,
        payload: dict[str, Any],
        *,
        encrypted: bool = True,
        timestamp: int | None = None,
        **headers: str,
    ) -> httpx.Response:
        """POST a callback sealed and signed now, as Feishu does; `headers` override."""
        body = lr.sealed(payload) if encrypted else json.dumps(payload).encode()
        sent = {**lr.signed_headers(body, timestamp=timestamp), **headers}
        return self.http.post("/feishu/events", content=body, headers=sent)

    def post_raw(self, body: bytes, **headers: str) -> httpx.Response:
        return self.http.post(
            "/feishu/events", content=body, headers={**lr.signed_headers(body), **headers}
        )

    def sent_cards(self) -> list[tuple[str, dict[str, Any]]]:
        """(receiver, card JSON) of every message the fake accepted, in order."""
        return [(d.target, d.content) for d in self.fake.delivered]

    def counts(self) -> dict[str, int]:
        """Rows per table: what "nothing stored" is checked against."""
        with self.engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {
                n: conn.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names
            }


def settings_for(db_url: str, fake: FakeFeishuAPI) -> Settings:
    return Settings(
        database_url=db_url,
        secret_key=SecretStr("test-secret"),
        public_url="http://perfbot.test",
        slack_bot_token=None,
        slack_signing_secret=None,
        wecom_corp_id=None,
        feishu_app_id=fake.app_id,
        feishu_app_secret=SecretStr(fake.app_secret),
        feishu_verification_token=SecretStr(lr.VERIFICATION_TOKEN),
        feishu_encrypt_key=SecretStr(lr.ENCRYPT_KEY),
        feishu_api_url=fake.url,
    )


def make_world(
    db_url: str, fake: FakeFeishuAPI, routes: Routes | None, templates: Templates
) -> Iterator[FeishuWorld]:
    settings = settings_for(db_url, fake)
    templates.demo(db_url, DEMO_TODAY)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        org = current_org(s)
    clock = Clock()
    app = create_app(settings, engine=engine, clock=clock, run_outbox=False, routes=routes)
    with TestClient(app) as http:
        yield FeishuWorld(http, fake, engine, org, clock, settings)


@pytest.fixture
def feishu_db(
    db_url: str,
    db_templates: Templates,
    feishu_api: FakeFeishuAPI,  # noqa: F811
) -> Iterator[FeishuWorld]:
    """A fresh world per test on every database backend, with the `testroutes` table."""
    SEEN.clear()
    yield from make_world(db_url, feishu_api, ROUTES, db_templates)


@pytest.fixture(scope="session")
def feishu_shared(
    tmp_path_factory: pytest.TempPathFactory, db_templates: Templates
) -> Iterator[FeishuWorld]:
    """One SQLite world for the adapter tests: loading the demo once keeps them fast.
    Every event carries a fresh event_id, and each test checks its own effects."""
    url = f"sqlite:///{tmp_path_factory.mktemp('feishu') / 'shared.db'}"
    with FakeFeishuAPI(app_id=f"cli_{uuid.uuid4().hex[:16]}") as fake:
        yield from make_world(url, fake, ROUTES, db_templates)
    dispose_engine(url)


@pytest.fixture
def feishu(feishu_shared: FeishuWorld) -> FeishuWorld:
    SEEN.clear()
    feishu_shared.fake.reset_records()
    return feishu_shared


@pytest.fixture
def feishu_full(
    db_url: str,
    db_templates: Templates,
    feishu_api: FakeFeishuAPI,  # noqa: F811
) -> Iterator[FeishuWorld]:
    """End-to-end tests: the app with every conversation's routes."""
    yield from make_world(db_url, feishu_api, None, db_templates)
