"""The Feishu fake driven by the real lark_oapi client."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import lark_oapi as lark
import pytest
from lark_oapi.api.im.v1 import (
    CreateMessageRequest,
    CreateMessageRequestBody,
    CreateMessageResponse,
    PatchMessageRequest,
    PatchMessageRequestBody,
)
from lark_oapi.core.exception import ObtainAccessTokenException

from tests.fakes.feishu_api import (
    CODE_EXPIRED_TOKEN,
    CODE_INVALID_TOKEN,
    CODE_MISSING_TOKEN,
    CODE_RATE_LIMITED,
    TOKEN_PATH,
    FakeFeishuAPI,
)
from tests.fakes.limits import FakeClock, Limit

CARD = {"schema": "2.0", "config": {"update_multi": True}, "body": {"elements": []}}


def _client(fake: FakeFeishuAPI, secret: str | None = None) -> lark.Client:
    return (
        lark.Client.builder()
        .app_id(fake.app_id)
        .app_secret(secret or fake.app_secret)
        .domain(fake.url)
        .log_level(lark.LogLevel.CRITICAL)
        .build()
    )


def _send(
    client: lark.Client, receive_id: str, *, uuid_: str | None = None, msg_type: str = "text"
) -> CreateMessageResponse:
    content = json.dumps({"text": "hi"} if msg_type == "text" else CARD)
    body = CreateMessageRequestBody.builder().receive_id(receive_id).msg_type(msg_type)
    body = body.content(content)
    if uuid_:
        body = body.uuid(uuid_)
    request = (
        CreateMessageRequest.builder().receive_id_type("open_id").request_body(body.build()).build()
    )
    return client.im.v1.message.create(request)


def test_create_message_fetches_and_caches_tenant_token(feishu_api: FakeFeishuAPI) -> None:
    client = _client(feishu_api)
    first = _send(client, "ou_a")
    assert first.success(), first.msg
    assert first.data.message_id.startswith("om_")
    assert first.data.msg_type == "text"
    assert _send(client, "ou_b").success()
    assert len(feishu_api.calls_to(TOKEN_PATH)) == 1  # token fetched once, then cached
    assert feishu_api.calls_to(TOKEN_PATH)[0].body["app_secret"] == "<redacted>"
    assert [d.target for d in feishu_api.delivered] == ["open_id:ou_a", "open_id:ou_b"]
    assert feishu_api.delivered[0].content == {"text": "hi"}


def test_short_token_expiry_makes_the_client_refetch(fake_clock: FakeClock) -> None:
    # lark_oapi keeps a token until 10 min before `expire`: 601 s means one real second
    app_id = f"cli_{uuid.uuid4().hex[:12]}"
    with FakeFeishuAPI(app_id=app_id, token_expire=601, clock=fake_clock) as fake:
        client = _client(fake)
        assert _send(client, "ou_a").success()
        assert _send(client, "ou_a").success()
        assert len(fake.calls_to(TOKEN_PATH)) == 1
        time.sleep(1.1)
        assert _send(client, "ou_a").success()
        assert len(fake.calls_to(TOKEN_PATH)) == 2


def test_uuid_is_idempotent_within_the_hour(
    feishu_api: FakeFeishuAPI, fake_clock: FakeClock
) -> None:
    client = _client(feishu_api)
    first = _send(client, "ou_a", uuid_="reminder-1")
    again = _send(client, "ou_a", uuid_="reminder-1")
    assert again.success()
    assert again.data.message_id == first.data.message_id
    assert len(feishu_api.delivered) == 1
    assert feishu_api.deduplicated == 1
    fake_clock.advance(3601)
    later = _send(client, "ou_a", uuid_="reminder-1")
    assert later.data.message_id != first.data.message_id
    assert len(feishu_api.delivered) == 2
    assert feishu_api.duplicates == 1


def test_patch_card(feishu_api: FakeFeishuAPI) -> None:
    client = _client(feishu_api)
    sent = _send(client, "ou_a", msg_type="interactive")
    new_card = json.dumps({**CARD, "body": {"elements": [{"tag": "markdown", "content": "x"}]}})

    def patch(message_id: str, content: str) -> lark.BaseResponse:
        body = PatchMessageRequestBody.builder().content(content).build()
        request = PatchMessageRequest.builder().message_id(message_id).request_body(body).build()
        return client.im.v1.message.patch(request)

    assert patch(sent.data.message_id, new_card).success()
    assert feishu_api.cards[sent.data.message_id][-1] == new_card
    assert not patch("om_missing", new_card).success()
    text = _send(client, "ou_a")
    assert not patch(text.data.message_id, new_card).success()


def test_wrong_secret_fails_to_obtain_a_token(feishu_api: FakeFeishuAPI) -> None:
    with pytest.raises(ObtainAccessTokenException, match="10014"):
        _send(_client(feishu_api, secret="wrong"), "ou_a")
    assert feishu_api.delivered == []


def test_token_errors_over_plain_http(feishu_api: FakeFeishuAPI) -> None:
    url = feishu_api.url + "/open-apis/im/v1/messages?receive_id_type=open_id"
    body = {"receive_id": "ou_a", "msg_type": "text", "content": '{"text":"x"}'}
    with httpx.Client() as http:
        assert http.post(url, json=body).json()["code"] == CODE_MISSING_TOKEN
        bad = http.post(url, json=body, headers={"Authorization": "Bearer t-nope"})
        assert bad.json()["code"] == CODE_INVALID_TOKEN
        token = http.post(
            feishu_api.url + TOKEN_PATH,
            json={"app_id": feishu_api.app_id, "app_secret": feishu_api.app_secret},
        ).json()
        assert token["code"] == 0
        assert token["expire"] == 7200
        auth = {"Authorization": "Bearer " + token["tenant_access_token"]}
        assert http.post(url, json=body, headers=auth).json()["code"] == 0
        feishu_api.expire_tokens()
        assert http.post(url, json=body, headers=auth).json()["code"] == CODE_EXPIRED_TOKEN
        missing = http.post(url, json={**body, "content": ""}, headers=auth)
        assert missing.status_code == 400


def test_rate_limit_answers_429_with_reset_header(fake_clock: FakeClock) -> None:
    app_id = f"cli_{uuid.uuid4().hex[:12]}"
    limits = {"receiver_limit": Limit.per_second(5, burst=2), "clock": fake_clock}
    with FakeFeishuAPI(app_id=app_id, **limits) as fake:  # type: ignore[arg-type]
        client = _client(fake)
        assert _send(client, "ou_a").success()
        assert _send(client, "ou_a").success()
        limited = _send(client, "ou_a")
        assert limited.code == CODE_RATE_LIMITED
        assert limited.raw.status_code == 429
        assert limited.raw.headers["x-ogw-ratelimit-reset"] == "1"
        assert _send(client, "ou_b").success()
        fake_clock.advance(0.25)
        assert _send(client, "ou_a").success()
        assert len(fake.delivered) == 4


@pytest.mark.parametrize("secret", ["wrong"])
def test_token_endpoint_rejects_bad_credentials(feishu_api: FakeFeishuAPI, secret: str) -> None:
    with httpx.Client() as http:
        answer = http.post(
            feishu_api.url + TOKEN_PATH, json={"app_id": feishu_api.app_id, "app_secret": secret}
        ).json()
        assert answer["code"] != 0
        assert "tenant_access_token" not in answer
        answer = http.post(
            feishu_api.url + TOKEN_PATH, json={"app_id": "cli_other", "app_secret": secret}
        ).json()
        assert answer["code"] != 0
