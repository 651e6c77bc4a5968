"""One perfbot app with Slack, Feishu and WeCom all enabled, each pointed at its fake API,
on the demo org in SQLite (and PostgreSQL when configured).

The per-platform test worlds (`SlackWorld`, `FeishuWorld`, `WeComEnv`) are built over this
single app, so the mixed round reuses their request builders instead of copying them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.app import create_app
from bot.platforms.wecom import WeComAdapter
from bot.platforms.wecom_crypto import WeComCrypto
from bot.platforms.wecom_form import FormLinks
from bot.settings import Settings
from scoring.model import Org
from storage.db import make_engine, session_scope
from storage.repo import current_org
from tests.dbclone import Templates
from tests.fakes.feishu_api import FakeFeishuAPI
from tests.fakes.fixtures import fake_clock, feishu_api, slack_api, wecom_api  # noqa: F401
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlackAPI
from tests.fakes.wecom_api import FakeWeComAPI
from tests.feishu.conftest import FeishuWorld, settings_for
from tests.handlers.conftest import DEMO_TODAY, Clock, World
from tests.slack.conftest import SlackWorld
from tests.slack.slackreq import SECRET
from tests.wecom.conftest import AES_KEY, TOKEN, WeComEnv


@dataclass
class MixedWorld:
    """The one app seen through each platform's test helpers."""

    engine: Engine
    org: Org
    clock: Clock
    slack: SlackWorld
    feishu: FeishuWorld
    wecom: WeComEnv


def mixed_settings(
    db_url: str, slack: FakeSlackAPI, feishu: FakeFeishuAPI, wecom: FakeWeComAPI
) -> Settings:
    """Every platform's credentials at once, each pointing at its fake."""
    return settings_for(db_url, feishu).model_copy(
        update={
            "slack_bot_token": SecretStr(DEFAULT_TOKEN),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_api_url": slack.url + "/api",
            "wecom_corp_id": wecom.corp_id,
            "wecom_agent_id": str(wecom.agent_id),
            "wecom_secret": SecretStr(wecom.corp_secret),
            "wecom_token": SecretStr(TOKEN),
            "wecom_aes_key": SecretStr(AES_KEY),
            "wecom_api_url": wecom.url,
        }
    )


def _wecom_adapter(routes: list[Any]) -> WeComAdapter | None:
    """The adapter `create_app` mounted: the owner of the `/wecom/callback` endpoint
    (included routers are walked, whether FastAPI flattens them or not)."""
    for route in routes:
        owner = getattr(getattr(route, "endpoint", None), "__self__", None)
        if isinstance(owner, WeComAdapter):
            return owner
        inner = getattr(route, "original_router", None) or getattr(route, "app", None)
        found = _wecom_adapter(list(getattr(inner, "routes", [])))
        if found is not None:
            return found
    return None


@pytest.fixture
def mixed(
    db_url: str,
    db_templates: Templates,
    slack_api: FakeSlackAPI,  # noqa: F811
    feishu_api: FakeFeishuAPI,  # noqa: F811
    wecom_api: FakeWeComAPI,  # noqa: F811
) -> Iterator[MixedWorld]:
    settings = mixed_settings(db_url, slack_api, feishu_api, wecom_api)
    assert settings.slack_enabled
    assert settings.feishu_enabled
    assert settings.wecom_enabled
    db_templates.demo(db_url, DEMO_TODAY)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        org = current_org(s)
    clock = Clock()
    app = create_app(settings, engine=engine, clock=clock, run_outbox=False)
    with TestClient(app) as http:
        deps = app.state.deps
        adapter = _wecom_adapter(list(app.routes))
        assert adapter is not None, "create_app mounted no WeCom adapter"
        env = WeComEnv(
            World(deps, app.state.routes, clock, org),
            wecom_api,
            http,
            WeComCrypto(TOKEN, AES_KEY, wecom_api.corp_id),
            adapter,
            FormLinks(deps.secret_key, deps.public_url),
            time.time(),  # the app's WeCom adapter checks freshness against the real clock
        )
        yield MixedWorld(
            engine,
            org,
            clock,
            SlackWorld(http, slack_api, engine, org, clock, settings),
            FeishuWorld(http, feishu_api, engine, org, clock, settings),
            env,
        )
