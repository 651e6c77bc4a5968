"""The Slack fake driven by the real slack_sdk WebClient and AsyncWebClient."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.base import REDACTED
from tests.fakes.limits import FakeClock, Limit
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlackAPI

MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Check-in"}, "blocks": []}


@pytest.fixture
def client(slack_api: FakeSlackAPI) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=slack_api.url + "/api/")


def _error(exc: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(exc.value.response["error"])


def test_auth_test_and_bad_tokens(slack_api: FakeSlackAPI, client: WebClient) -> None:
    assert client.auth_test()["user_id"] == "U0BOT"
    wrong = WebClient(token="xoxb-wrong", base_url=slack_api.url + "/api/")
    with pytest.raises(SlackApiError) as exc:
        wrong.chat_postMessage(channel="C1", text="hi")
    assert _error(exc) == "invalid_auth"
    with pytest.raises(SlackApiError) as exc:
        WebClient(base_url=slack_api.url + "/api/").auth_test()
    assert _error(exc) == "not_authed"
    assert slack_api.delivered == []
    assert [c.headers.get("authorization") for c in slack_api.calls] == [REDACTED] * 2 + [None]


def test_post_message_update_and_recording(slack_api: FakeSlackAPI, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    posted = client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    assert posted["ok"]
    assert posted["channel"] == "C1"
    assert posted["ts"]
    updated = client.chat_update(channel="C1", ts=posted["ts"], text="bye")
    assert updated["ts"] == posted["ts"]
    assert updated["text"] == "bye"
    (delivery,) = slack_api.delivered
    assert delivery.target == "C1"
    assert delivery.content == {"text": "hi", "blocks": blocks}
    call = slack_api.calls_to("chat.postMessage")[0]
    assert call.body["channel"] == "C1"
    assert call.status == 200
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel="C1", ts="1.000", text="x")
    assert _error(exc) == "message_not_found"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "C1"}, "no_text"),
        ({"text": "hi"}, "channel_not_found"),
        ({"channel": "not-a-channel", "text": "hi"}, "channel_not_found"),
    ],
)
def test_post_message_required_args(client: WebClient, kwargs: dict[str, str], error: str) -> None:
    with pytest.raises(SlackApiError) as exc:  # api_call: the typed method refuses early
        client.api_call("chat.postMessage", json=kwargs)
    assert _error(exc) == error
    with pytest.raises(SlackApiError) as exc:  # form-encoded, as older callers send it
        client.api_call("chat.postMessage", params=kwargs)
    assert _error(exc) == error


def test_unknown_channel_when_channels_configured() -> None:
    with FakeSlackAPI(channels={"C1"}) as fake:
        client = WebClient(token=DEFAULT_TOKEN, base_url=fake.url + "/api/")
        assert client.chat_postMessage(channel="C1", text="ok")["ok"]
        with pytest.raises(SlackApiError) as exc:
            client.chat_postMessage(channel="C2", text="no")
        assert _error(exc) == "channel_not_found"


def test_ephemeral_dm_and_users(slack_api: FakeSlackAPI, client: WebClient) -> None:
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    with pytest.raises(SlackApiError) as exc:
        client.api_call("chat.postEphemeral", json={"channel": "C1", "text": "psst"})
    assert _error(exc) == "user_not_in_channel"
    dm = client.conversations_open(users=["U1"])["channel"]["id"]
    assert dm.startswith("D")
    assert client.conversations_open(users="U1")["channel"]["id"] == dm
    assert client.chat_postMessage(channel=dm, text="hello")["channel"] == dm
    assert client.users_info(user="U1")["user"]["id"] == "U1"
    with pytest.raises(SlackApiError) as exc:
        client.users_info(user="nobody")
    assert _error(exc) == "user_not_found"
    assert [d.kind for d in slack_api.delivered] == ["ephemeral", "message"]


def test_views(slack_api: FakeSlackAPI, client: WebClient) -> None:
    view = client.views_open(trigger_id="111.222.valid", view=MODAL)["view"]
    assert view["id"].startswith("V")
    assert view["title"]["text"] == "Check-in"
    with pytest.raises(SlackApiError) as exc:
        client.views_open(trigger_id="111.222.valid", view=MODAL)
    assert _error(exc) == "expired_trigger_id"
    with pytest.raises(SlackApiError) as exc:
        client.views_open(trigger_id="", view=MODAL)
    assert _error(exc) == "invalid_arguments"
    new = {**MODAL, "title": {"type": "plain_text", "text": "Done"}}
    updated = client.views_update(view_id=view["id"], view=new, hash=view["hash"])["view"]
    assert updated["id"] == view["id"]
    assert updated["title"]["text"] == "Done"
    with pytest.raises(SlackApiError) as exc:
        client.views_update(view_id=view["id"], view=new, hash=view["hash"])
    assert _error(exc) == "hash_conflict"
    with pytest.raises(SlackApiError) as exc:
        client.views_update(view_id="VNOPE", view=new)
    assert _error(exc) == "not_found"
    home = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]
    assert slack_api.home_tabs["U1"]["id"] == home["id"]
    with pytest.raises(SlackApiError) as exc:
        client.views_publish(user_id="U1", view=MODAL)
    assert _error(exc) == "invalid_arguments"


def test_hammered_channel_gets_429_with_retry_after(
    slack_api: FakeSlackAPI, client: WebClient, fake_clock: FakeClock
) -> None:
    for i in range(3):  # burst of 3
        client.chat_postMessage(channel="C1", text=f"m{i}")
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="m3")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "1"
    assert _error(exc) == "ratelimited"
    assert client.chat_postMessage(channel="C2", text="other channel")["ok"]
    fake_clock.advance(1.0)
    assert client.chat_postMessage(channel="C1", text="m3")["ok"]
    assert [c.status for c in slack_api.calls_to("chat.postMessage")] == [200] * 3 + [429] + [
        200
    ] * 2
    assert len(slack_api.delivered) == 5
    assert slack_api.duplicates == 0


def test_app_wide_bucket() -> None:
    clock = FakeClock()
    with FakeSlackAPI(app_limit=Limit(per_minute=60, burst=2), clock=clock) as fake:
        client = WebClient(token=DEFAULT_TOKEN, base_url=fake.url + "/api/")
        client.chat_postMessage(channel="C1", text="a")
        client.chat_postMessage(channel="C2", text="b")
        with pytest.raises(SlackApiError) as exc:
            client.users_info(user="U1")
        assert exc.value.response.status_code == 429


def test_duplicate_content_and_metadata_keys(slack_api: FakeSlackAPI, client: WebClient) -> None:
    meta = {"event_type": "perfbot", "event_payload": {"idempotency_key": "k-1"}}
    client.chat_postMessage(channel="C1", text="one", metadata=meta)
    client.chat_postMessage(channel="C2", text="two", metadata=meta)
    assert [d.key for d in slack_api.delivered] == ["k-1", "k-1"]
    assert slack_api.duplicates == 1


async def test_async_client(slack_api: FakeSlackAPI) -> None:
    pytest.importorskip("aiohttp")
    client = AsyncWebClient(token=DEFAULT_TOKEN, base_url=slack_api.url + "/api/")
    assert (await client.auth_test())["team_id"] == "T0FAKE"
    posted = await client.chat_postMessage(channel="C9", text="async hi")
    assert posted["channel"] == "C9"
    with pytest.raises(SlackApiError) as exc:
        await client.api_call("views.open", json={"trigger_id": "t", "view": "not a view"})
    assert _error(exc) == "invalid_arguments"
    for _ in range(2):
        await client.chat_postMessage(channel="C9", text="again")
    with pytest.raises(SlackApiError) as exc:
        await client.chat_postMessage(channel="C9", text="too fast")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "1"
    assert len(slack_api.delivered) == 3
