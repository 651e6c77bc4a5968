"""Commands, clicks, modal submissions and App Home through the real app and real bolt,
answered within the request (ack) or through the real slack_sdk client at the fake API."""

from __future__ import annotations

import json

import pytest

from tests.slack import testroutes
from tests.slack.conftest import SlackWorld
from tests.slack.slackreq import block_action, home_opened, slash, view_submission


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    testroutes.CALLS.clear()


def test_slash_command_answers_ephemerally_in_the_ack(slack: SlackWorld) -> None:
    li, wang = slack.uid("li.na"), slack.uid("wang.fang")
    response = slack.post(slash(li, "/myscore", f"<@{wang}|wang.fang> 2026-Q3"))
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["type"] == "header"
    assert body["blocks"][0]["text"]["text"] == "My score"
    assert f"args=@slack:{wang} 2026-Q3" in body["text"] + json.dumps(body["blocks"])
    assert testroutes.CALLS == [("myscore", "li.na")]


def test_perf_subcommand_maps_to_the_neutral_command(slack: SlackWorld) -> None:
    response = slack.post(slash(slack.uid("li.na"), "/perf", "score"))
    assert "score of li.na" in json.dumps(response.json())
    unknown = slack.post(slash(slack.uid("li.na"), "/perf", "dance"))
    assert "help for li.na" in json.dumps(unknown.json())


def test_command_opening_a_form_calls_views_open_with_the_trigger(slack: SlackWorld) -> None:
    body = slash(slack.uid("li.na"), "/checkin")
    response = slack.post(body)
    assert response.status_code == 200
    (call,) = slack.fake.calls_to("views.open")
    trigger = dict(__import__("urllib.parse").parse.parse_qsl(body))["trigger_id"]
    assert call.body["trigger_id"] == trigger
    (view,) = slack.fake.views.values()
    assert view["callback_id"] == "t.form"
    assert view["private_metadata"] == "period=2026-11"


def test_button_updates_its_message_and_queues_the_note(slack: SlackWorld) -> None:
    from slack_sdk import WebClient

    bot = WebClient(token=slack.fake.token, base_url=slack.fake.url + "/api/")
    posted = bot.chat_postMessage(channel="C0GROWTH01", text="Reminder")
    slack.fake.reset_records()
    before = slack.counts()["outbox"]
    response = slack.post(
        block_action(slack.uid("li.na"), "t.done", "nov", channel="C0GROWTH01", ts=posted["ts"])
    )
    assert response.status_code == 200
    (update,) = slack.fake.calls_to("chat.update")
    assert update.body["ts"] == posted["ts"]
    assert "Done ✓" in json.dumps(
        slack.fake.messages[("C0GROWTH01", posted["ts"])], ensure_ascii=False
    )
    assert slack.counts()["outbox"] == before + 1
    assert slack.fake.calls_to("chat.postMessage") == []  # the note waits in the outbox


def test_double_click_with_the_same_trigger_applies_once(slack: SlackWorld) -> None:
    from slack_sdk import WebClient

    bot = WebClient(token=slack.fake.token, base_url=slack.fake.url + "/api/")
    ts = bot.chat_postMessage(channel="C0GROWTH01", text="Reminder")["ts"]
    body = block_action(slack.uid("li.na"), "t.done", "x", channel="C0GROWTH01", ts=ts)
    first, second = slack.post(body), slack.post(body, **{"X-Slack-Retry-Num": "1"})
    assert (first.status_code, second.status_code) == (200, 200)
    assert testroutes.CALLS == [("done", "li.na")]


def test_view_submission_with_errors_keeps_the_modal_open(slack: SlackWorld) -> None:
    bad = slack.post(view_submission(slack.uid("li.na"), "t.form", {"n": "lots"}, meta="m1"))
    assert bad.json() == {"response_action": "errors", "errors": {"n": "Enter a whole number."}}
    good = slack.post(view_submission(slack.uid("li.na"), "t.form", {"n": "12"}, meta="m1"))
    body = good.json()
    assert body["response_action"] == "update"
    assert body["view"]["type"] == "modal"
    assert "Saved 12" in json.dumps(body["view"]["blocks"])
    assert testroutes.CALLS == [("form", "li.na:m1"), ("form", "li.na:m1")]


def test_app_home_opened_publishes_the_home_view(slack: SlackWorld) -> None:
    uid = slack.uid("li.na")
    response = slack.post(home_opened(uid), json_body=True)
    assert response.status_code == 200
    home = slack.fake.home_tabs[uid]
    assert home["type"] == "home"
    assert "tasks of li.na" in json.dumps(home["blocks"])


def test_retried_event_is_applied_once(slack: SlackWorld) -> None:
    uid = slack.uid("li.na")
    body = home_opened(uid, event_id="Ev0RETRY1")
    assert slack.post(body, json_body=True).status_code == 200
    before = slack.counts()
    retry = slack.post(body, json_body=True, **{"X-Slack-Retry-Num": "1"})
    assert retry.status_code == 200
    assert testroutes.CALLS == [("home", "li.na")]
    assert len(slack.fake.calls_to("views.publish")) == 1
    assert slack.counts() == before


def test_unknown_user_gets_the_admins_name_and_nothing_is_stored(slack: SlackWorld) -> None:
    before = slack.counts()
    response = slack.post(slash("U0STRANGER", "/myscore"))
    assert response.status_code == 200
    admin = slack.org.members["chen.jing"].name
    assert admin
    assert admin in json.dumps(response.json(), ensure_ascii=False)
    assert slack.counts() == before
    assert testroutes.CALLS == []


def test_link_button_click_is_acknowledged_without_dispatch(slack: SlackWorld) -> None:
    before = slack.counts()
    response = slack.post(block_action(slack.uid("li.na"), "myscore.dashboard", "x"))
    assert response.status_code == 200
    assert slack.counts() == before
