"""Messages and card clicks through the real app: commands in both languages, mentions,
replies as DMs or chat posts, card callbacks answered with toast/card, retries applied once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.platforms import feishu_render as fr
from tests.feishu import larkreq as lr
from tests.feishu.conftest import FeishuWorld
from tests.feishu.testroutes import CHECKIN_FORM, SEEN


def _say(feishu: FeishuWorld, member: str, text: str, **kw: Any) -> dict[str, Any]:
    payload = lr.envelope(
        "im.message.receive_v1", lr.text_message(feishu.open_id(member), text, **kw)
    )
    resp = feishu.post(payload)
    assert resp.status_code == 200
    return payload


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("/myscore", "myscore", ""),
        ("我的绩效", "myscore", ""),
        ("/checkin", "checkin", ""),
        ("打卡", "checkin", ""),
        ("/coach", "coach", ""),
        ("面谈", "coach", ""),
        ("/calibrate", "calibrate", ""),
        ("/perf help", "help", ""),
        ("帮助", "help", ""),
        ("/perf score", "myscore", ""),
        ("hello there", "help", ""),
        ("你好", "help", ""),
    ],
)
def test_text_commands_in_both_languages(
    feishu: FeishuWorld, text: str, name: str, args: str
) -> None:
    _say(feishu, "li.na", text)
    assert [(e.name, e.args, e.kind, e.member_id) for e in SEEN] == [
        (name, args, "command", "li.na")
    ]


def test_reply_goes_out_as_a_dm_card_after_the_answer(feishu: FeishuWorld) -> None:
    _say(feishu, "li.na", "/myscore")
    [(target, card)] = feishu.sent_cards()
    assert target == f"open_id:{feishu.open_id('li.na')}"
    assert card["schema"] == "2.0"
    assert "myscore|" in json.dumps(card, ensure_ascii=False)
    [create] = feishu.fake.calls_to("/im/v1/messages")
    assert create.query["receive_id_type"] == "open_id"
    assert create.body["msg_type"] == "interactive"
    assert 0 < len(create.body["uuid"]) <= 50


def test_respond_is_posted_in_the_chat_the_command_came_from(feishu: FeishuWorld) -> None:
    _say(feishu, "li.na", "/dashboard", chat_type="group", chat_id="oc_team")
    assert [t for t, _ in feishu.sent_cards()] == ["chat_id:oc_team"]


def test_a_command_opening_a_form_sends_the_form_card(feishu: FeishuWorld) -> None:
    _say(feishu, "li.na", "打卡")
    [(_, card)] = feishu.sent_cards()
    assert card == fr.render_form(CHECKIN_FORM)


def test_group_mentions_strip_the_bot_and_rewrite_people(feishu: FeishuWorld) -> None:
    wang = feishu.open_id("wang.fang")
    mentions = [
        lr.mention("@_user_1", "ou_the_bot", "perfbot", kind="bot"),
        lr.mention("@_user_2", wang, "王芳"),
    ]
    _say(
        feishu, "li.na", "@_user_1 /award @_user_2 great launch", chat_type="group",
        mentions=mentions,
    )  # fmt: skip
    [event] = SEEN
    assert (event.name, event.args) == ("award", f"@feishu:{wang} great launch")


def test_leading_group_mention_is_the_bot_even_untyped(feishu: FeishuWorld) -> None:
    mentions = [{"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "perfbot"}]
    _say(feishu, "li.na", "@_user_1 我的绩效", chat_type="group", mentions=mentions)
    assert [(e.name, e.args) for e in SEEN] == [("myscore", "")]


def test_the_vector_message_is_accepted(feishu: FeishuWorld) -> None:
    from tests.paths import VECTORS

    payload = json.loads((VECTORS / "feishu_event_im_message_receive_v1.json").read_text())
    payload = payload["payload"]
    payload["header"]["token"] = lr.VERIFICATION_TOKEN
    assert feishu.post(payload).status_code == 200
    # the sender of the vector is nobody in the demo org: a friendly notice, nothing else
    assert SEEN == []
    [(target, _)] = feishu.sent_cards()
    assert target == "open_id:ou_84aad35d084aa403a838cf73ee18467"


def test_non_text_messages_and_bot_senders_are_ignored(feishu: FeishuWorld) -> None:
    _say(feishu, "li.na", "", message_type="image")
    event = lr.text_message(feishu.open_id("li.na"), "/myscore")
    event["sender"]["sender_type"] = "app"
    assert feishu.post(lr.envelope("im.message.receive_v1", event)).status_code == 200
    assert SEEN == []
    assert feishu.sent_cards() == []


def test_a_retried_event_is_applied_once(feishu_db: FeishuWorld) -> None:
    feishu = feishu_db
    payload = _say(feishu, "li.na", "/myscore")
    assert feishu.post(payload).status_code == 200  # Feishu's retry: same event_id
    click = lr.envelope(
        "card.action.trigger", lr.card_click(feishu.open_id("li.na"), {"action_id": "ack"})
    )
    first = feishu.post(click)
    again = feishu.post(click)
    assert [e.name for e in SEEN] == ["myscore", "ack"]
    assert len(feishu.sent_cards()) == 1
    assert first.json()["toast"]["content"] == "saved"
    assert again.status_code == 200
    assert again.json() == {}


def _click(feishu: FeishuWorld, member: str, value: dict[str, str], **kw: Any) -> Any:
    payload = lr.envelope("card.action.trigger", lr.card_click(feishu.open_id(member), value, **kw))
    resp = feishu.post(payload)
    assert resp.status_code == 200
    return resp.json()


def test_button_click_answers_with_toast_and_updated_card(feishu: FeishuWorld) -> None:
    answer = _click(feishu, "li.na", {"action_id": "ack", "value": "42"})
    assert answer["toast"] == {"type": "success", "content": "saved"}
    assert answer["card"]["type"] == "raw"
    assert answer["card"]["data"]["schema"] == "2.0"
    assert "done ✓" in json.dumps(answer["card"]["data"], ensure_ascii=False)
    [event] = SEEN
    assert (event.kind, event.name, event.values) == ("button", "ack", {"value": "42"})


def test_button_opening_a_form_answers_with_the_form_card(feishu: FeishuWorld) -> None:
    answer = _click(feishu, "li.na", {"action_id": "open"})
    assert answer == {"card": {"type": "raw", "data": fr.render_form(CHECKIN_FORM)}}


def test_form_submit_becomes_a_form_event(feishu: FeishuWorld) -> None:
    value = {"action_id": "t_checkin", "form_id": "t_checkin", "meta": "meta-1"}
    form_value = {"hours": "7.5", "day": "2026-11-26 +0800"}
    answer = _click(feishu, "li.na", value, form_value=form_value)
    [event] = SEEN
    assert (event.kind, event.name, event.meta) == ("form", "t_checkin", "meta-1")
    assert dict(event.values) == {"hours": "7.5", "day": "2026-11-26"}
    assert "saved 2026-11-26" in json.dumps(answer, ensure_ascii=False)


def test_form_errors_become_an_error_toast(feishu: FeishuWorld) -> None:
    value = {"action_id": "t_checkin", "form_id": "t_checkin"}
    answer = _click(feishu, "li.na", value, form_value={"hours": "lots", "day": ""})
    assert answer == {"toast": {"type": "error", "content": "hours: Hours must be a number"}}


def test_ephemeral_after_a_click_is_a_dm_and_the_card_stays(feishu: FeishuWorld) -> None:
    assert _click(feishu, "li.na", {"action_id": "dm"}) == {}
    assert [t for t, _ in feishu.sent_cards()] == [f"open_id:{feishu.open_id('li.na')}"]


def test_the_documented_card_callback_parses(feishu: FeishuWorld) -> None:
    from tests.paths import VECTORS

    payload = json.loads((VECTORS / "feishu_card_action_trigger.json").read_text())["payload"]
    payload["header"]["token"] = lr.VERIFICATION_TOKEN
    resp = feishu.post(payload)
    assert resp.status_code == 200  # unknown operator: a DM notice, the card unchanged
    assert resp.json() == {}
    assert SEEN == []


async def test_a_message_is_answered_before_it_is_handled(feishu: FeishuWorld) -> None:
    """The 3-second rule: the 200 goes back first, dispatch and sending run afterwards."""
    from fastapi import BackgroundTasks, Request

    adapter = feishu.http.app.state.feishu  # type: ignore[attr-defined]
    payload = lr.envelope(
        "im.message.receive_v1", lr.text_message(feishu.open_id("li.na"), "/myscore")
    )
    body = lr.sealed(payload)
    headers = [(k.lower().encode(), v.encode()) for k, v in lr.signed_headers(body).items()]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/feishu/events", "headers": headers}
    background = BackgroundTasks()
    response = await adapter.handle(Request(scope, receive), background)
    assert response.status_code == 200
    assert SEEN == []
    assert feishu.sent_cards() == []
    await background()
    assert [e.name for e in SEEN] == ["myscore"]
    assert len(feishu.sent_cards()) == 1
