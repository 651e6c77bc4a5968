"""The real FastAPI app with real slack-bolt and slack_sdk, pointed at the fake Slack API,
on the demo org in SQLite (and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.app import create_app
from bot.settings import Settings
from handlers.routes import Routes
from scoring.model import Org
from storage.db import make_engine, session_scope
from storage.repo import current_org
from tests.dbclone import Templates
from tests.fakes.fixtures import fake_clock, slack_api  # noqa: F401
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlackAPI
from tests.handlers.conftest import DEMO_TODAY, Clock
from tests.slack.slackreq import FORM, JSON, SECRET, sign
from tests.slack.testroutes import ROUTES


@dataclass
class SlackWorld:
    http: TestClient
    fake: FakeSlackAPI
    engine: Engine
    org: Org
    clock: Clock
    settings: Settings

    def uid(self, member_id: str) -> str:
        return self.org.members[member_id].identities["slack"]

    def post(self, body: str, *, json_body: bool = False, **headers: str):  # type: ignore[no-untyped-def]
        """POST a body to /slack/events signed now, unless `headers` override the signature."""
        sent = {**(JSON if json_body else FORM), **sign(body), **headers}
        return self.http.post("/slack/events", content=body, headers=sent)

    def counts(self) -> dict[str, int]:
        """Rows per table: what "nothing stored" is checked against."""
        with self.engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {
                n: conn.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names
            }


def _settings(db_url: str, fake: FakeSlackAPI) -> Settings:
    return Settings(
        database_url=db_url,
        secret_key=SecretStr("test-secret"),
        public_url="http://perfbot.test",
        slack_bot_token=SecretStr(DEFAULT_TOKEN),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake.url + "/api",
    )


def make_world(
    db_url: str, fake: FakeSlackAPI, routes: Routes | None, templates: Templates
) -> Iterator[SlackWorld]:
    settings = _settings(db_url, fake)
    templates.demo(db_url, DEMO_TODAY)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        org = current_org(s)
    clock = Clock()
    app = create_app(settings, engine=engine, clock=clock, run_outbox=False, routes=routes)
    with TestClient(app) as http:
        yield SlackWorld(http, fake, engine, org, clock, settings)


@pytest.fixture
def slack(
    db_url: str, db_templates: Templates, request: pytest.FixtureRequest
) -> Iterator[SlackWorld]:
    """Adapter tests: the app with the small routing table of `testroutes`."""
    yield from make_world(db_url, request.getfixturevalue("slack_api"), ROUTES, db_templates)


@pytest.fixture
def slack_real(
    db_url: str, db_templates: Templates, request: pytest.FixtureRequest
) -> Iterator[SlackWorld]:
    """End-to-end tests: the app with the real handlers (`build_routes()`)."""
    yield from make_world(db_url, request.getfixturevalue("slack_api"), None, db_templates)
