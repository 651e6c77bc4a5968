"""The WeCom fake driven over httpx, as perfbot's WeCom adapter will drive it."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.limits import FakeClock, Window
from tests.fakes.wecom_api import FakeWeComAPI
from tests.paths import VECTORS

CARDS = json.loads((VECTORS / "wecom_template_cards.json").read_text(encoding="utf-8"))


class TinyWeComClient:
    """The token dance every WeCom client does: fetch, cache, refetch on 40014/42001."""

    def __init__(self, fake: FakeWeComAPI) -> None:
        self.fake = fake
        self.http = httpx.Client(base_url=fake.url)
        self.token: str | None = None
        self.token_fetches = 0

    def _fetch_token(self) -> str:
        query = {"corpid": self.fake.corp_id, "corpsecret": self.fake.corp_secret}
        answer = self.http.get("/cgi-bin/gettoken", params=query).json()
        assert answer["errcode"] == 0, answer
        self.token_fetches += 1
        return str(answer["access_token"])

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        for _ in range(2):
            self.token = self.token or self._fetch_token()
            answer: dict[str, Any] = self.http.post(
                path, params={"access_token": self.token}, json=body
            ).json()
            if answer["errcode"] not in (40014, 42001):
                return answer
            self.token = None
        return answer


@pytest.fixture
def client(wecom_api: FakeWeComAPI) -> Iterator[TinyWeComClient]:
    tiny = TinyWeComClient(wecom_api)
    yield tiny
    tiny.http.close()


def text(touser: str, content: str = "hi", agentid: int = 1000002) -> dict[str, Any]:
    return {"touser": touser, "msgtype": "text", "agentid": agentid, "text": {"content": content}}


def card(kind: str, task_id: str, touser: str = "li.na") -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(CARDS["requests"][kind])
    body["touser"], body["template_card"]["task_id"] = touser, task_id
    return body


def test_gettoken_and_credentials(wecom_api: FakeWeComAPI) -> None:
    with httpx.Client(base_url=wecom_api.url) as http:
        good = {"corpid": wecom_api.corp_id, "corpsecret": wecom_api.corp_secret}
        answer = http.get("/cgi-bin/gettoken", params=good).json()
        assert answer["errcode"] == 0
        assert answer["expires_in"] == 7200
        assert answer["access_token"]
        bad_secret = http.get("/cgi-bin/gettoken", params={**good, "corpsecret": "x"}).json()
        assert bad_secret["errcode"] == 40001
        assert http.get("/cgi-bin/gettoken", params={**good, "corpid": "x"}).json()["errcode"] == (
            40013
        )
        send = http.post("/cgi-bin/message/send", json=text("a")).json()
        assert send["errcode"] == 41001
        send = http.post("/cgi-bin/message/send?access_token=nope", json=text("a")).json()
        assert send["errcode"] == 40014
    assert all(c.query.get("corpsecret") in (None, "<redacted>") for c in wecom_api.calls)


def test_token_refresh_on_42001(wecom_api: FakeWeComAPI, client: TinyWeComClient) -> None:
    assert client.post("/cgi-bin/message/send", text("li.na"))["errcode"] == 0
    wecom_api.expire_tokens()
    answer = client.post("/cgi-bin/message/send", text("li.na", "second"))
    assert answer["errcode"] == 0
    assert client.token_fetches == 2
    paths = [c.path for c in wecom_api.calls]
    assert paths.count("/cgi-bin/gettoken") == 2
    assert [d.content["text"]["content"] for d in wecom_api.delivered] == ["hi", "second"]


def test_send_validation(client: TinyWeComClient) -> None:
    send = "/cgi-bin/message/send"
    assert client.post(send, text("a", agentid=1))["errcode"] == 40056
    assert client.post(send, {"touser": "a", "msgtype": "text", "text": {}})["errcode"] == 41011
    assert client.post(send, text("a", content=""))["errcode"] == 44004
    assert client.post(send, {**text("a"), "msgtype": "bogus"})["errcode"] == 40008
    assert client.post(send, text(""))["errcode"] == 81013


def test_unknown_users_are_reported(fake_clock: FakeClock) -> None:
    with FakeWeComAPI(users={"li.na"}, clock=fake_clock) as fake:
        tiny = TinyWeComClient(fake)
        answer = tiny.post("/cgi-bin/message/send", text("li.na|ghost"))
        tiny.http.close()
    assert answer["errcode"] == 0
    assert answer["invaliduser"] == "ghost"
    assert [d.target for d in fake.delivered] == ["li.na"]


def test_silent_drop_beyond_30_per_member_minute(
    wecom_api: FakeWeComAPI, client: TinyWeComClient, fake_clock: FakeClock
) -> None:
    answers = [client.post("/cgi-bin/message/send", text("li.na", f"m{i}")) for i in range(32)]
    assert all(a["errcode"] == 0 for a in answers)  # the platform says ok every time...
    assert len(wecom_api.delivered) == 30  # ...but two never arrive
    assert [d.content["text"]["content"] for d in wecom_api.dropped] == ["m30", "m31"]
    assert client.post("/cgi-bin/message/send", text("wang.wei"))["errcode"] == 0
    assert wecom_api.delivered[-1].target == "wang.wei"
    fake_clock.advance(60)
    client.post("/cgi-bin/message/send", text("li.na", "after a minute"))
    assert wecom_api.delivered[-1].content["text"]["content"] == "after a minute"


def test_hourly_member_quota(fake_clock: FakeClock) -> None:
    windows = (Window(30, 60.0), Window(40, 3600.0))  # a short hour quota keeps this fast
    with FakeWeComAPI(member_windows=windows, clock=fake_clock) as fake:
        tiny = TinyWeComClient(fake)
        for i in range(45):
            if i and i % 30 == 0:
                fake_clock.advance(61)
            tiny.post("/cgi-bin/message/send", text("li.na", f"m{i}"))
        tiny.http.close()
    assert len(fake.delivered) == 40
    assert len(fake.dropped) == 5


def test_duplicate_check(wecom_api: FakeWeComAPI, client: TinyWeComClient) -> None:
    body = {**text("li.na"), "enable_duplicate_check": 1, "duplicate_check_interval": 1800}
    client.post("/cgi-bin/message/send", body)
    client.post("/cgi-bin/message/send", body)
    assert len(wecom_api.delivered) == 1
    assert wecom_api.deduplicated == 1
    client.post("/cgi-bin/message/send", text("li.na"))  # without the check: delivered again
    assert wecom_api.duplicates == 1


def test_template_cards_and_single_use_response_code(
    wecom_api: FakeWeComAPI, client: TinyWeComClient
) -> None:
    answer = client.post("/cgi-bin/message/send", card("button_interaction", "task-1"))
    assert answer["errcode"] == 0
    code = answer["response_code"]
    assert client.post("/cgi-bin/message/send", card("button_interaction", "task-1"))[
        "errcode"
    ] == (42014)
    update = {
        "userids": ["li.na"],
        "agentid": 1000002,
        "response_code": code,
        "button": {"replace_name": "Done"},
    }
    assert client.post("/cgi-bin/message/update_template_card", update)["errcode"] == 0
    assert client.post("/cgi-bin/message/update_template_card", update)["errcode"] == 40058
    callback_code = wecom_api.issue_response_code("task-1")
    update["response_code"] = callback_code
    assert client.post("/cgi-bin/message/update_template_card", update)["errcode"] == 0
    assert [u["task_id"] for u in wecom_api.card_updates] == ["task-1", "task-1"]
    for kind in ("vote_interaction", "multiple_interaction", "text_notice"):
        sent = client.post("/cgi-bin/message/send", card(kind, f"task-{kind}"))
        assert sent["errcode"] == 0, (kind, sent)
    no_action = card("text_notice", "task-x")
    del no_action["template_card"]["card_action"]
    assert client.post("/cgi-bin/message/send", no_action)["errcode"] == 40058


def test_appchat_accepts_no_template_card(wecom_api: FakeWeComAPI, client: TinyWeComClient) -> None:
    chat = {"chatid": "perf-team", "msgtype": "markdown", "markdown": {"content": "**hi**"}}
    assert client.post("/cgi-bin/appchat/send", chat)["errcode"] == 0
    as_card = card("text_notice", "t-chat")
    as_card.pop("touser")
    as_card["chatid"] = "perf-team"
    assert client.post("/cgi-bin/appchat/send", as_card)["errcode"] == 40008
    assert [d.target for d in wecom_api.delivered] == ["chat:perf-team"]


def test_appchat_unknown_chat_and_member_drops(fake_clock: FakeClock) -> None:
    chats = {"team": ["li.na", "wang.wei"]}
    with FakeWeComAPI(chats=chats, appchat_windows=(Window(2, 60.0),), clock=fake_clock) as fake:
        tiny = TinyWeComClient(fake)
        msg = {"chatid": "team", "msgtype": "text", "text": {"content": "x"}}
        assert tiny.post("/cgi-bin/appchat/send", {**msg, "chatid": "other"})["errcode"] == 86003
        answers = [tiny.post("/cgi-bin/appchat/send", msg)["errcode"] for _ in range(3)]
        tiny.http.close()
    assert answers == [0, 0, 0]
    assert len(fake.delivered) == 2
    assert sorted(d.target for d in fake.dropped) == ["team/li.na", "team/wang.wei"]


def test_webhook_robot(wecom_api: FakeWeComAPI, fake_clock: FakeClock) -> None:
    with httpx.Client(base_url=wecom_api.url) as http:

        def robot(body: dict[str, Any], key: str = "fake-robot-key") -> int:
            answer = http.post("/cgi-bin/webhook/send", params={"key": key}, json=body).json()
            return int(answer["errcode"])

        md = {"msgtype": "markdown", "markdown": {"content": "# hi"}}
        assert robot(md, key="wrong") == 93000
        assert robot(md) == 0
        notice = {
            "msgtype": "template_card",
            "template_card": card("text_notice", "r")["template_card"],
        }
        assert robot(notice) == 0
        button = card("button_interaction", "r2")["template_card"]
        assert robot({"msgtype": "template_card", "template_card": button}) == 40058
        assert robot({"msgtype": "textcard", "textcard": {"title": "t"}}) == 40008
        assert [robot(md) for _ in range(19)] == [0] * 18 + [45009]
        fake_clock.advance(60)
        assert robot(md) == 0
    assert len(wecom_api.delivered) == 21
    assert "fake-robot-key" not in repr(wecom_api.calls)
