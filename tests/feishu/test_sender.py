"""The outbox's Feishu sender against the fake Open API: the SDK's token caching and early
refresh, `uuid` idempotency, receiver types, card patching and rate-limit errors."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import pytest

from bot.delivery import Sender
from bot.platforms import feishu_render as fr
from bot.platforms.feishu_send import FeishuSender, FeishuSendError, message_uuid, receiver
from handlers import cards as c
from tests.fakes.feishu_api import TOKEN_PATH, FakeFeishuAPI
from tests.fakes.limits import FakeClock, Limit

CARD = c.Card(blocks=(c.Text("hello 你好"),), title="perfbot")


def _sender(fake: FakeFeishuAPI) -> FeishuSender:
    return FeishuSender.create(fake.app_id, fake.app_secret, fake.url)


def test_it_is_an_outbox_sender_with_pacing_constants(feishu_api: FakeFeishuAPI) -> None:
    sender: Sender = _sender(feishu_api)
    assert sender.platform == "feishu"
    assert (FeishuSender.PER_APP_PER_SECOND, FeishuSender.PER_APP_PER_MINUTE) == (50, 1000)
    assert FeishuSender.PER_RECEIVER_PER_SECOND == 5


async def test_send_creates_an_interactive_card_for_a_user(feishu_api: FakeFeishuAPI) -> None:
    ref = await _sender(feishu_api).send("user:ou_abc", CARD, key="outbox:1")
    [create] = feishu_api.calls_to("/im/v1/messages")
    assert create.query == {"receive_id_type": "open_id"}
    assert create.body["msg_type"] == "interactive"
    assert create.body["uuid"] == message_uuid("outbox:1")
    assert json.loads(create.body["content"]) == fr.render_card(CARD)
    assert ref in feishu_api.messages
    assert [d.target for d in feishu_api.delivered] == ["open_id:ou_abc"]


async def test_channel_targets_use_chat_id(feishu_api: FakeFeishuAPI) -> None:
    await _sender(feishu_api).send("channel:oc_team", CARD, key="k")
    assert feishu_api.calls_to("/im/v1/messages")[0].query == {"receive_id_type": "chat_id"}


def test_targets_and_uuids() -> None:
    assert receiver("user:ou_1") == ("open_id", "ou_1")
    assert receiver("channel:oc_1") == ("chat_id", "oc_1")
    with pytest.raises(ValueError, match="not a Feishu target"):
        receiver("webhook:abc")
    long_key = "digest:" + "x" * 500
    assert len(message_uuid(long_key)) <= 50
    assert message_uuid(long_key) == message_uuid(long_key) != message_uuid("other")


async def test_same_key_sends_once(feishu_api: FakeFeishuAPI) -> None:
    sender = _sender(feishu_api)
    first = await sender.send("user:ou_abc", CARD, key="award:2026-Q4:li.na")
    second = await sender.send("user:ou_abc", CARD, key="award:2026-Q4:li.na")
    assert first == second
    assert len(feishu_api.delivered) == 1
    assert feishu_api.deduplicated == 1


async def test_the_tenant_token_is_cached(feishu_api: FakeFeishuAPI) -> None:
    sender = _sender(feishu_api)
    for n in range(3):
        await sender.send("user:ou_abc", CARD, key=f"k{n}")
    assert len(feishu_api.calls_to(TOKEN_PATH)) == 1


async def test_the_token_is_refreshed_before_it_expires(
    feishu_api: FakeFeishuAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lark-oapi keeps a token until 10 minutes before its expiry, then fetches a new one:
    the old one is never used when Feishu would already reject it."""
    now = [1_000_000.0]
    fake_time = SimpleNamespace(time=lambda: now[0])
    monkeypatch.setattr("lark_oapi.core.cache.local_cache.time", fake_time)
    monkeypatch.setattr("lark_oapi.core.token.manager.time", fake_time)
    sender = _sender(feishu_api)
    await sender.send("user:ou_abc", CARD, key="a")
    now[0] += feishu_api.token_expire - 11 * 60  # 11 minutes before expiry: still cached
    await sender.send("user:ou_abc", CARD, key="b")
    assert len(feishu_api.calls_to(TOKEN_PATH)) == 1
    now[0] += 2 * 60  # 9 minutes before expiry: refreshed, although still valid
    await sender.send("user:ou_abc", CARD, key="c")
    assert len(feishu_api.calls_to(TOKEN_PATH)) == 2
    assert len(feishu_api.tokens) == 2
    assert all(call.status == 200 for call in feishu_api.calls)


async def test_a_revoked_token_is_replaced_and_the_send_retried(feishu_api: FakeFeishuAPI) -> None:
    sender = _sender(feishu_api)
    await sender.send("user:ou_abc", CARD, key="a")
    feishu_api.expire_tokens()
    await sender.send("user:ou_abc", CARD, key="b")
    assert len(feishu_api.calls_to(TOKEN_PATH)) == 2
    assert len(feishu_api.delivered) == 2


async def test_update_patches_the_card(feishu_api: FakeFeishuAPI) -> None:
    sender = _sender(feishu_api)
    ref = await sender.send("user:ou_abc", CARD, key="a")
    done = c.Card(blocks=(c.Text("done ✓"),))
    await sender.update(ref, done)
    assert json.loads(feishu_api.cards[ref][-1]) == fr.render_card(done)


async def test_rate_limited_sends_raise_with_retry_after() -> None:
    clock = FakeClock()
    with FakeFeishuAPI(
        app_id=f"cli_{uuid.uuid4().hex[:16]}", clock=clock, receiver_limit=Limit.per_second(1, 1)
    ) as fake:
        sender = FeishuSender.create(fake.app_id, fake.app_secret, fake.url)
        await sender.send("user:ou_abc", CARD, key="a")
        with pytest.raises(FeishuSendError) as err:
            await sender.send("user:ou_abc", CARD, key="b")
    assert err.value.code == 99991400
    assert err.value.retry_after is not None


async def test_wrong_app_secret_is_an_error(feishu_api: FakeFeishuAPI) -> None:
    sender = FeishuSender.create(feishu_api.app_id, "wrong", feishu_api.url)
    with pytest.raises(Exception, match="token"):
        await sender.send("user:ou_abc", CARD, key="a")
    assert feishu_api.delivered == []
