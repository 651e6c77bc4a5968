"""`/wecom/callback`: the official samples, signed text commands, retries and refusals."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.platforms.wecom_crypto import WeComCrypto
from storage.tables import MemberPreference
from tests.fakes.wecom_api import FakeWeComAPI
from tests.handlers.conftest import World
from tests.paths import VECTORS
from tests.wecom.conftest import AES_KEY, WeComEnv, make_env, table_counts, text_xml

VERIFY = json.loads((VECTORS / "wecom_verify_url.json").read_text())
DECRYPT = json.loads((VECTORS / "wecom_decrypt_msg.json").read_text())


@pytest.fixture
def sample(world: World, wecom_api: FakeWeComAPI) -> Iterator[WeComEnv]:
    """The adapter configured with the official sample's token, key and corp id, its clock
    at the sample's time (the samples are from 2014)."""
    crypto = WeComCrypto(VERIFY["token"], VERIFY["encoding_aes_key"], VERIFY["receiveid_corpid"])
    yield from make_env(world, wecom_api, crypto=crypto, now=int(VERIFY["timestamp"]) + 200)


def test_official_verify_url_sample_answers_plain_echostr(sample: WeComEnv) -> None:
    query = (
        f"msg_signature={VERIFY['msg_signature']}&timestamp={VERIFY['timestamp']}"
        f"&nonce={VERIFY['nonce']}&echostr={quote(VERIFY['echostr'], safe='')}"
    )
    response = sample.client.get(f"/wecom/callback?{query}")
    assert response.status_code == 200
    assert response.content == VERIFY["expected_http_response_body"].encode()
    assert response.headers["content-type"].startswith("text/plain")


def test_verify_url_with_a_wrong_signature_is_refused(sample: WeComEnv) -> None:
    query = (
        f"msg_signature={'0' * 40}&timestamp={VERIFY['timestamp']}"
        f"&nonce={VERIFY['nonce']}&echostr={quote(VERIFY['echostr'], safe='')}"
    )
    response = sample.client.get(f"/wecom/callback?{query}")
    assert response.status_code == 401
    assert VERIFY["expected_msg"] not in response.text


def test_official_decrypt_sample_is_accepted_and_unknown_sender_is_told(
    sample: WeComEnv,
) -> None:
    env = sample
    before = table_counts(env.world.engine)
    query = f"msg_signature={DECRYPT['msg_signature']}&timestamp={DECRYPT['timestamp']}&nonce={DECRYPT['nonce']}"
    response = sample.client.post(f"/wecom/callback?{query}", content=DECRYPT["post_body_xml"])
    assert response.status_code == 200
    assert response.content == b""
    # "mycreate" is nobody in the demo org: the answer names the admin, nothing is stored
    (sent,) = [c.body for c in env.api.calls_to("/message/send")]
    assert sent["touser"] == "mycreate"
    assert sent["msgtype"] == "markdown"
    assert "陈静" in sent["markdown"]["content"]
    assert table_counts(env.world.engine) == before


def set_locale(env: WeComEnv, member_id: str, locale: str) -> None:
    with Session(env.world.engine) as session:
        session.add(MemberPreference(member_id=member_id, locale=locale))
        session.commit()


@pytest.mark.parametrize(
    ("locale", "text", "needle"),
    [
        ("zh_CN", "帮助", "我能做什么"),
        ("zh_CN", "/perf help", "我能做什么"),
        ("en", "/perf help", "What I can do"),
        ("en", "帮助", "What I can do"),
    ],
)
def test_help_command_in_both_languages(env: WeComEnv, locale: str, text: str, needle: str) -> None:
    set_locale(env, "ma.li", locale)
    response = env.text("ma.li", text)
    assert response.status_code == 200
    assert response.content == b""
    (body,) = env.sent_to("ma.li")
    assert needle in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("text", ["/myscore", "我的绩效", "/perf score"])
def test_myscore_command_spellings_reach_the_same_handler(env: WeComEnv, text: str) -> None:
    env.text("sun.hao", text)
    content = json.dumps(env.sent_to("sun.hao"), ensure_ascii=False)
    assert "我能做什么" not in content  # not the help fallback
    assert "孙浩" in content or "得分" in content or "绩效" in content


def test_unknown_text_gets_the_help_card(env: WeComEnv) -> None:
    env.text("sun.hao", "hello there")
    content = json.dumps(env.sent_to("sun.hao"), ensure_ascii=False)
    assert "hello" in content  # names what it did not understand
    assert "我的绩效" in content or "/myscore" in content


def test_retried_msgid_is_applied_once(env: WeComEnv) -> None:
    first = env.text("sun.hao", "/perf help", msg_id="777001")
    counts = table_counts(env.world.engine)
    again = env.text("sun.hao", "/perf help", msg_id="777001")
    assert first.status_code == again.status_code == 200
    assert len(env.sent_to("sun.hao")) == 1
    assert table_counts(env.world.engine) == counts


def _counts_unchanged(env: WeComEnv, response_status: int, expected: int) -> None:
    assert response_status == expected
    assert env.api.calls_to("/message/send") == []


def test_wrong_signature_is_refused_and_stores_nothing(
    env: WeComEnv, caplog: pytest.LogCaptureFixture
) -> None:
    before = table_counts(env.world.engine)
    other = WeComCrypto("another-token", AES_KEY, env.api.corp_id)
    with caplog.at_level(logging.WARNING, logger="perfbot.wecom"):
        response = env.signed_post(text_xml(env.uid("sun.hao"), "/perf help", "9"), crypto=other)
    _counts_unchanged(env, response.status_code, 401)
    assert table_counts(env.world.engine) == before
    assert "refused" in caplog.text
    assert "/perf help" not in caplog.text


def test_stale_timestamp_is_refused(env: WeComEnv) -> None:
    before = table_counts(env.world.engine)
    response = env.signed_post(
        text_xml(env.uid("sun.hao"), "/perf help", "10"), timestamp=env.now - 3600
    )
    _counts_unchanged(env, response.status_code, 401)
    assert table_counts(env.world.engine) == before


def test_wrong_receive_id_is_refused(env: WeComEnv) -> None:
    before = table_counts(env.world.engine)
    foreign = WeComCrypto("perfbotTok3n", AES_KEY, "wwOTHERcorp")
    response = env.signed_post(text_xml(env.uid("sun.hao"), "/perf help", "11"), crypto=foreign)
    _counts_unchanged(env, response.status_code, 401)
    assert table_counts(env.world.engine) == before


def test_undecryptable_and_malformed_bodies_are_400(env: WeComEnv) -> None:
    before = table_counts(env.world.engine)
    ts, nonce = str(int(env.now)), "n-bad"
    garbage = "bm90IGEgcmVhbCBjaXBoZXJ0ZXh0"  # base64 of a non-ciphertext
    sig = env.crypto.signature(ts, nonce, garbage)
    q = f"msg_signature={sig}&timestamp={ts}&nonce={nonce}"
    body = f"<xml><Encrypt><![CDATA[{garbage}]]></Encrypt></xml>"
    assert env.client.post(f"/wecom/callback?{q}", content=body).status_code == 400
    assert env.client.post(f"/wecom/callback?{q}", content="<xml><Encr").status_code == 400
    # a signed, decryptable envelope whose message is not XML
    assert env.signed_post("<xml><FromUserName>x</FromUserName").status_code == 400
    assert env.signed_post("<xml><Content>no sender</Content></xml>").status_code == 400
    assert env.client.post("/wecom/callback", content=body).status_code == 400
    assert table_counts(env.world.engine) == before
    assert env.api.calls_to("/message/send") == []


def test_unknown_event_type_gets_the_empty_200(env: WeComEnv) -> None:
    before = table_counts(env.world.engine)
    xml = (
        f"<xml><ToUserName>wwfakecorp</ToUserName><FromUserName>{env.uid('sun.hao')}"
        "</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType>"
        "<Event>enter_agent</Event><EventKey></EventKey><AgentID>1000002</AgentID></xml>"
    )
    response = env.signed_post(xml)
    assert response.status_code == 200
    assert response.content == b""
    assert table_counts(env.world.engine) == before
    assert env.api.calls == []


def test_create_app_mounts_the_callback_when_wecom_is_configured(world: World) -> None:
    from pydantic import SecretStr

    from bot.app import create_app
    from bot.settings import Settings

    settings = Settings(
        database_url=str(world.engine.url.render_as_string(hide_password=False)),
        wecom_corp_id=VERIFY["receiveid_corpid"], wecom_agent_id="1000002",
        wecom_secret=SecretStr("s"), wecom_token=SecretStr(VERIFY["token"]),
        wecom_aes_key=SecretStr(VERIFY["encoding_aes_key"]),
    )  # fmt: skip
    app = create_app(settings, engine=world.engine, run_outbox=False)
    with TestClient(app) as client:
        assert client.get("/wecom/callback").status_code == 400  # mounted, asks for a signature
        assert client.get("/wecom/form/forged").status_code == 403
