"""A WeCom deployment in a test: the demo org, the fake qyapi server, the real adapter.

Requests are encrypted and signed the way WeCom does it (`WeComCrypto.encrypt_message`
plays WeCom's side), posted to `/wecom/callback` through Starlette's TestClient, and the
adapter's replies land in the fake (`wecom_api.calls_to(...)`).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import SQLModel

from bot.platforms.wecom import WeComAdapter
from bot.platforms.wecom_api import WeComClient
from bot.platforms.wecom_crypto import WeComCrypto, xml_fields
from bot.platforms.wecom_form import FormLinks
from bot.platforms.wecom_sender import WeComSender
from handlers.routes import Routes
from tests.fakes.fixtures import fake_clock, wecom_api  # noqa: F401
from tests.fakes.wecom_api import FakeWeComAPI
from tests.handlers.conftest import World, world  # noqa: F401

TOKEN = "perfbotTok3n"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
_nonces = itertools.count(1)


def table_counts(engine: sa.Engine) -> dict[str, int]:
    """Rows per table: a refused request must leave every one of them unchanged."""
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
            if t.name in names
        }


@dataclass
class WeComEnv:
    world: World
    api: FakeWeComAPI
    client: TestClient
    crypto: WeComCrypto
    adapter: WeComAdapter
    links: FormLinks
    now: float

    def uid(self, member_id: str) -> str:
        return self.world.org.members[member_id].identities["wecom"]

    def signed_post(
        self, plain_xml: str, *, timestamp: float | None = None, crypto: WeComCrypto | None = None
    ) -> Any:  # TestClient's response type
        """POST `plain_xml` as WeCom would: encrypted, signed, wrapped in its outer XML."""
        ts = str(int(self.now if timestamp is None else timestamp))
        nonce = f"n{next(_nonces)}"
        envelope = xml_fields((crypto or self.crypto).encrypt_message(plain_xml, nonce, ts))
        body = (
            f"<xml><ToUserName><![CDATA[{self.api.corp_id}]]></ToUserName>"
            f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt>"
            f"<AgentID><![CDATA[{self.api.agent_id}]]></AgentID></xml>"
        )
        query = f"msg_signature={envelope['MsgSignature']}&timestamp={ts}&nonce={nonce}"
        return self.client.post(f"/wecom/callback?{query}", content=body)

    def text(self, member_id: str, content: str, msg_id: str | None = None) -> Any:
        return self.signed_post(
            text_xml(self.uid(member_id), content, msg_id or str(next(_nonces)))
        )

    def sent_to(self, member_id: str) -> list[dict[str, Any]]:
        """Bodies of the `message/send` calls addressed to this member."""
        uid = self.uid(member_id)
        return [c.body for c in self.api.calls_to("/message/send") if c.body["touser"] == uid]


def text_xml(user: str, content: str, msg_id: str, create: int = 1409659813) -> str:
    return (
        "<xml><ToUserName><![CDATA[wwfakecorp]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{create}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>"
    )


def card_event_xml(
    user: str, key: str, task_id: str, response_code: str, selected: dict[str, list[str]],
    *, card_type: str = "vote_interaction", create: int = 1409659900,
) -> str:  # fmt: skip
    items = "".join(
        f"<SelectedItem><QuestionKey><![CDATA[{q}]]></QuestionKey><OptionIds>"
        + "".join(f"<OptionId><![CDATA[{o}]]></OptionId>" for o in opts)
        + "</OptionIds></SelectedItem>"
        for q, opts in selected.items()
    )
    return (
        "<xml><ToUserName><![CDATA[wwfakecorp]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{create}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
        f"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{task_id}]]></TaskId>"
        f"<CardType><![CDATA[{card_type}]]></CardType>"
        f"<ResponseCode><![CDATA[{response_code}]]></ResponseCode><AgentID>1000002</AgentID>"
        f"<SelectedItems>{items}</SelectedItems></xml>"
    )


def make_env(
    demo: World, api: FakeWeComAPI, routes: Routes | None = None,
    *, crypto: WeComCrypto | None = None, now: float | None = None,
) -> Iterator[WeComEnv]:  # fmt: skip
    """The adapter on its own app and TestClient (one event loop, one httpx client)."""
    http = httpx.AsyncClient(timeout=5.0)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await http.aclose()

    now = demo.clock.now.timestamp() if now is None else now
    crypto = crypto or WeComCrypto(TOKEN, AES_KEY, api.corp_id)
    client = WeComClient(
        http, corp_id=api.corp_id, secret=api.corp_secret, agent_id=api.agent_id,
        base_url=api.url, clock=api.clock,
    )  # fmt: skip
    links = FormLinks(demo.deps.secret_key, demo.deps.public_url)
    sender = WeComSender(client, form_link=links.url)
    adapter = WeComAdapter(
        crypto=crypto, deps=demo.deps, routes=routes or demo.routes, sender=sender,
        clock=lambda: now,
    )  # fmt: skip
    app = FastAPI(lifespan=lifespan)
    app.include_router(adapter.router(links))
    with TestClient(app) as tc:
        yield WeComEnv(demo, api, tc, crypto, adapter, links, now)


@pytest.fixture
def env(world: World, wecom_api: FakeWeComAPI) -> Iterator[WeComEnv]:  # noqa: F811
    yield from make_env(world, wecom_api)
