"""WeCom renderer: template card types, task ids, form fallbacks and event round-trips."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.platforms import wecom_render as wr
from handlers import cards as c
from tests.cards.samples import checkin_form, rating_form, score_card
from tests.paths import VECTORS

TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")


def _vector(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def _event_xml(event_key: str, selections: dict[str, list[str]], card_type: str) -> str:
    """A decrypted template_card_event in the documented shape (see the shared vector)."""
    items = "".join(
        f"<SelectedItem><QuestionKey><![CDATA[{q}]]></QuestionKey><OptionIds>"
        + "".join(f"<OptionId><![CDATA[{o}]]></OptionId>" for o in ids)
        + "</OptionIds></SelectedItem>"
        for q, ids in selections.items()
    )
    return (
        "<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[li.na]]></FromUserName>"
        "<CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[template_card_event]]></Event>"
        f"<EventKey><![CDATA[{event_key}]]></EventKey><TaskId><![CDATA[t1]]></TaskId>"
        f"<CardType><![CDATA[{card_type}]]></CardType><ResponseCode><![CDATA[rc-1]]></ResponseCode>"
        f"<AgentID>1</AgentID><SelectedItems>{items}</SelectedItems></xml>"
    )


@pytest.mark.parametrize(
    "key",
    ["checkin-reminder:2026-08:li.na:1", "x" * 300, "提醒:2026-08:李娜", "a b/c?d=e&f"],
)
def test_task_id_is_legal_bounded_and_deterministic(key: str) -> None:
    tid = wr.task_id(key)
    assert TASK_ID.match(tid), tid
    assert len(tid.encode()) <= wr.MAX_TASK_ID
    assert wr.task_id(key) == tid
    assert wr.task_id(key, page=1) != tid


def test_task_ids_differ_for_keys_differing_only_in_illegal_chars() -> None:
    assert wr.task_id("a:b") != wr.task_id("a/b")


def test_interactive_card_is_button_interaction() -> None:
    card = wr.render_card(score_card(), task_id="t-1")
    assert card["card_type"] == "button_interaction"
    assert card["task_id"] == "t-1"
    assert card["main_title"]["title"].startswith("Your performance score")
    assert [b["key"] for b in card["button_list"]] == [
        "calib.approve|req-7",
        "calib.reject|req-7",
        "calib.approve|req-8",
    ]
    assert [b["style"] for b in card["button_list"]] == [1, 3, 2]
    assert card["button_selection"]["question_key"] == "settings.lang"
    assert card["button_selection"]["selected_id"] == "en"
    assert [h["keyname"] for h in card["horizontal_content_list"]] == [
        "Result",
        "Process",
        "Capability",
    ]
    assert len(card["jump_list"]) <= wr.MAX_JUMPS
    assert card["jump_list"][0] == {
        "type": 1,
        "title": "Open my…",
        "url": "https://perf.example/dash",
    }


def test_information_card_is_text_notice_with_card_action() -> None:
    info = c.Card(
        title="Awards", blocks=[c.Text("Congratulations!"), c.ChartLink("https://p/x", "Cases")]
    )
    card = wr.render_card(info, task_id="t-2")
    assert card["card_type"] == "text_notice"
    assert card["card_action"] == {"type": 1, "url": "https://p/x"}
    with pytest.raises(ValueError, match="link_url"):
        wr.render_card(c.Card(blocks=[c.Text("no link")]), task_id="t-3")
    linked = wr.render_card(c.Card(blocks=[c.Text("x")]), task_id="t-4", link_url="https://p/d")
    assert linked["card_action"]["url"] == "https://p/d"


def test_single_rating_is_a_vote_card_and_round_trips() -> None:
    card = wr.render_form(rating_form(1), task_id="t-5")
    assert card["card_type"] == "vote_interaction"
    assert card["checkbox"]["mode"] == 0
    assert [o["id"] for o in card["checkbox"]["option_list"]] == ["1", "2", "3", "4", "5"]
    xml = _event_xml(
        card["submit_button"]["key"], {card["checkbox"]["question_key"]: ["4"]}, "vote_interaction"
    )
    sub = wr.parse_template_card_event(xml)
    assert sub == c.Submission(
        "form", "review", {"collab": "4"}, private_metadata="rev-42", source_ref="rc-1"
    )


def test_several_ratings_are_a_multiple_card_and_round_trip() -> None:
    card = wr.render_form(rating_form(3), task_id="t-6")
    assert card["card_type"] == "multiple_interaction"
    selects = card["select_list"]
    assert len(selects) == 3
    answers = {"collab": "5", "response": "3", "quality": "1"}
    xml = _event_xml(
        card["submit_button"]["key"],
        {s["question_key"]: [answers[s["question_key"]]] for s in selects},
        "multiple_interaction",
    )
    sub = wr.parse_template_card_event(xml)
    assert (sub.kind, sub.name, dict(sub.values)) == ("form", "review", answers)


def test_free_text_form_links_to_the_signed_form_page() -> None:
    with pytest.raises(ValueError, match="form_url"):
        wr.render_form(checkin_form(), task_id="t-7")
    card = wr.render_form(
        checkin_form(), task_id="t-7", form_url="https://p/f?sig=abc", link_label="Open the form"
    )
    assert card["card_type"] == "text_notice"
    assert card["card_action"] == {"type": 1, "url": "https://p/f?sig=abc"}
    assert card["jump_list"][0]["url"] == "https://p/f?sig=abc"


def test_button_click_round_trip() -> None:
    card = wr.render_card(score_card(), task_id="t-8")
    key = card["button_list"][1]["key"]
    sub = wr.parse_template_card_event(_event_xml(key, {}, "button_interaction"))
    assert (sub.kind, sub.name, dict(sub.values)) == ("button", "calib.reject", {"value": "req-7"})


def test_parse_documented_event_sample() -> None:
    sub = wr.parse_template_card_event(_vector("wecom_template_card_event.json")["decrypted_xml"])
    assert sub.kind == "button"
    assert sub.name == "key111"
    assert sub.values == {
        "value": "",
        "QuestionKey1": "OptionId1,OptionId2",
        "QuestionKey2": "OptionId3,OptionId4",
    }
    assert sub.source_ref == "ResponseCode"


def test_rendered_cards_use_documented_field_names() -> None:
    documented = _vector("wecom_template_cards.json")["requests"]
    for kind, card in {
        "button_interaction": wr.render_card(score_card(), task_id="t"),
        "vote_interaction": wr.render_form(rating_form(1), task_id="t"),
        "multiple_interaction": wr.render_form(rating_form(2), task_id="t"),
    }.items():
        assert set(card) <= set(documented[kind]["template_card"]) | {
            "jump_list",
            "horizontal_content_list",
            "sub_title_text",
        }
    message = wr.app_message(
        touser="li.na", agentid=1000002, template_card={"card_type": "text_notice"}
    )
    assert message["msgtype"] == documented["text_notice"]["msgtype"]


def test_markdown_for_group_chats_splits_by_bytes() -> None:
    card = c.Card(
        title="Check-in status", blocks=[c.Text("增长 " * 60 + str(i)) for i in range(120)]
    )
    messages = wr.render_markdown(card)
    assert len(messages) >= 2
    assert all(len(m["markdown"]["content"].encode()) <= wr.MAX_MARKDOWN_BYTES for m in messages)
    joined = "\n".join(m["markdown"]["content"] for m in messages)
    assert (
        joined.split()
        == ("## " + card.title + "\n" + "\n".join(b.text for b in card.blocks)).split()
    )


def test_markdown_keeps_links_and_drops_callbacks() -> None:
    (message,) = wr.render_markdown(score_card())
    content = message["markdown"]["content"]
    assert "[Dashboard](https://perf.example/dash)" in content
    assert "calib.approve" not in content
    assert "Approve" not in content


def test_textcard_respects_byte_limits() -> None:
    card = c.Card(title="标题" * 100, blocks=[c.Text("内容很长" * 300)])
    body = wr.render_textcard(card, url="https://p/x", button_text="详情")["textcard"]
    assert len(body["title"].encode()) <= 128
    assert len(body["description"].encode()) <= 512


def test_markdown_does_not_repeat_a_title_that_is_also_the_header() -> None:
    card = c.Card(
        blocks=(c.Header("360 评价提醒"), c.Text("你有 4 份评价待完成")), title="360 评价提醒"
    )
    (message,) = wr.render_markdown(card)
    assert message["markdown"]["content"].count("360 评价提醒") == 1
