"""Feishu renderer: card JSON 2.0 structure, forms, and card.action.trigger round-trips."""

from __future__ import annotations

import copy
import json
from typing import Any

from bot.platforms import feishu_render as fr
from handlers import cards as c
from tests.cards.samples import CHECKIN_ANSWERS, checkin_form, score_card
from tests.paths import VECTORS


def _trigger() -> dict[str, Any]:
    data = json.loads((VECTORS / "feishu_card_action_trigger.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data["payload"])


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every component dict in a card, depth first."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "tag" in node:
            found.append(node)
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for item in node:
            found += _walk(item)
    return found


def test_card_is_json_2_with_header_and_body_elements() -> None:
    card = fr.render_card(score_card())
    assert card["schema"] == "2.0"
    assert card["header"]["title"] == {
        "tag": "plain_text",
        "content": "Your performance score · 2026-08",
    }
    tags = [e["tag"] for e in card["body"]["elements"]]
    assert tags == [
        "markdown",
        "markdown",
        "column_set",
        "column_set",
        "markdown",
        "button",
        "hr",
        "column_set",
        "markdown",
    ]
    assert card["body"]["elements"][-1]["text_size"] == "notation"
    assert "action" not in tags  # JSON 2.0 has no action module


def test_buttons_call_back_with_action_id_and_value() -> None:
    buttons = [e for e in _walk(fr.render_card(score_card())) if e["tag"] == "button"]
    callbacks = [b["behaviors"][0] for b in buttons if b["behaviors"][0]["type"] == "callback"]
    assert [cb["value"] for cb in callbacks] == [
        {"action_id": "calib.approve", "value": "req-7"},
        {"action_id": "calib.reject", "value": "req-7"},
        {"action_id": "calib.approve", "value": "req-8"},
    ]
    links = [b["behaviors"][0] for b in buttons if b["behaviors"][0]["type"] == "open_url"]
    assert {link["default_url"] for link in links} == {"https://perf.example/dash"}
    styles = {b["text"]["content"]: b["type"] for b in buttons}
    assert (styles["Approve"], styles["Reject"], styles["Details"]) == (
        "primary_filled",
        "danger",
        "default",
    )


def test_select_carries_its_action_id() -> None:
    select = next(e for e in _walk(fr.render_card(score_card())) if e["tag"] == "select_static")
    assert select["behaviors"] == [{"type": "callback", "value": {"action_id": "settings.lang"}}]
    assert select["initial_option"] == "en"


def test_form_is_a_form_container_with_named_inputs_and_submit() -> None:
    card = fr.render_form(checkin_form())
    form = next(e for e in card["body"]["elements"] if e["tag"] == "form")
    assert form["name"] == "checkin"
    named = {e["name"]: e for e in form["elements"] if "name" in e}
    assert named["collab"]["tag"] == "select_static"
    assert [o["value"] for o in named["collab"]["options"]] == ["1", "2", "3", "4", "5"]
    assert named["copies"]["tag"] == "input"
    assert named["copies"]["input_type"] == "text"
    assert named["reflection"]["input_type"] == "multiline_text"
    assert named["reflection"]["required"] is False
    assert named["due"] == named["due"] | {"tag": "date_picker", "initial_date": "2026-09-05"}
    submit = named["submit"]
    assert submit["form_action_type"] == "submit"
    assert submit["behaviors"][0]["value"]["form_id"] == "checkin"


def test_form_values_round_trip_through_card_action_trigger() -> None:
    card = fr.render_form(checkin_form())
    form = next(e for e in card["body"]["elements"] if e["tag"] == "form")
    submit = next(e for e in form["elements"] if e.get("form_action_type") == "submit")
    payload = _trigger()
    answers = dict(CHECKIN_ANSWERS, due="2026-09-30 +0800")
    payload["event"]["action"].update(
        value=submit["behaviors"][0]["value"], name=submit["name"], form_value=answers
    )
    sub = fr.parse_action(payload["event"])
    assert sub.kind == "form"
    assert sub.name == "checkin"
    assert sub.values == CHECKIN_ANSWERS
    assert sub.private_metadata == "period=2026-08;member=li.na"
    assert sub.source_ref == "om_574d639e4a44e4dd646eaf628e2*****"


def test_parse_documented_trigger_sample() -> None:
    event = _trigger()["event"]
    event["action"]["value"] = {"form_id": "demo"}
    sub = fr.parse_action(event)
    assert sub.name == "demo"
    assert sub.values["field name1"] == "selectDemo1,selectDemo2"
    assert sub.values["DatePicker_bpqdq5puvn4"] == "2024-04-01"
    assert sub.values["Input_lf4fmxwfrd9"] == "1234"
    assert sub.values["DateTimePicker_ihz2d7a74i"] == "2024-04-29 07:07 +0800"


def test_button_click_round_trip() -> None:
    button = next(
        e
        for e in _walk(fr.render_card(score_card()))
        if e["tag"] == "button" and e["behaviors"][0]["type"] == "callback"
    )
    event = _trigger()["event"]
    event["action"] = {"tag": "button", "value": button["behaviors"][0]["value"]}
    sub = fr.parse_action(event)
    assert (sub.kind, sub.name, dict(sub.values)) == ("button", "calib.approve", {"value": "req-7"})


def test_select_click_yields_option() -> None:
    event = {
        "action": {
            "tag": "select_static",
            "value": {"action_id": "settings.lang"},
            "option": "zh_CN",
        }
    }
    sub = fr.parse_action(event)
    assert (sub.name, dict(sub.values)) == ("settings.lang", {"value": "zh_CN"})


def test_responses_match_documented_shapes() -> None:
    shapes = json.loads((VECTORS / "feishu_card_action_response.json").read_text(encoding="utf-8"))
    toast = fr.render_toast(c.Toast("ok", "success"))
    assert toast == shapes["response_toast_only"]
    errors = fr.render_form_errors(c.FormErrors({"copies": "Must be 0 or more."}))
    assert errors["toast"]["type"] == "error"
    assert "Must be 0 or more." in errors["toast"]["content"]
    update = fr.render_update(c.Card(blocks=[c.Text("Saved")]), c.Toast("Saved"))
    assert update["card"]["type"] == "raw"
    assert update["card"]["data"]["schema"] == "2.0"
    assert update.keys() == shapes["response_raw_card"].keys()
