"""Slack renderer: Block Kit structure, limits, and form value round-trips."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import HeaderBlock

from bot.platforms import slack_render as sr
from bot.platforms.slack_inbound import view_inbound
from handlers import cards as c
from handlers.textsplit import clip
from tests.cards.samples import CHECKIN_ANSWERS, checkin_form, long_list_card, score_card
from tests.paths import VECTORS


def _vector(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def test_score_card_block_types_and_actions() -> None:
    (message,) = sr.render_messages(score_card())
    blocks = message["blocks"]
    assert [b["type"] for b in blocks] == [
        "header", "header", "section", "section", "image", "section", "divider", "actions", "context",
    ]  # fmt: skip
    assert blocks[2]["text"]["text"].startswith("*Strongest:*")
    assert "<https://perf.example/d?t=1&x=2|dashboard>" in blocks[2]["text"]["text"]
    assert [f["text"] for f in blocks[3]["fields"]][0] == "*Result*\n88.0"
    elements = blocks[7]["elements"]
    assert [e["action_id"] for e in elements] == [
        "calib.approve", "calib.reject", "calib.approve#2", "open.dashboard", "settings.lang",
    ]  # fmt: skip
    assert [e.get("style") for e in elements[:3]] == ["primary", "danger", None]
    assert elements[3]["url"] == "https://perf.example/dash"
    assert elements[4]["type"] == "static_select"
    assert elements[4]["initial_option"]["value"] == "en"
    assert message["text"].startswith("Your performance score")


def test_long_list_splits_into_messages_within_limits() -> None:
    card = long_list_card(120)
    messages = sr.render_messages(card)
    assert len(messages) >= 3
    for message in messages:
        assert len(message["blocks"]) <= sr.MAX_BLOCKS
        assert message["blocks"][0] == {
            "type": "header",
            "text": {"type": "plain_text", "text": "Check-in status", "emoji": True},
        }
    sections = [b["text"]["text"] for m in messages for b in m["blocks"] if b["type"] == "section"]
    assert sections == [b.text for b in card.blocks if isinstance(b, c.Text)]


def test_huge_section_is_split_without_cutting_words() -> None:
    text = " ".join(f"conversion{i}" for i in range(1500))
    messages = sr.render_messages(c.Card(blocks=[c.Text(text)]))
    sections = [b["text"]["text"] for m in messages for b in m["blocks"]]
    assert all(len(s) <= sr.MAX_TEXT for s in sections)
    assert " ".join(sections).split() == text.split()


def test_header_and_button_texts_are_clipped_on_word_boundaries() -> None:
    long = " ".join(["performance"] * 40)
    card = c.Card(blocks=[c.Header(long), c.Actions([c.Button(long, "a")])])
    header, actions = sr.render_blocks(card)
    assert len(header["text"]["text"]) <= sr.MAX_HEADER
    assert header["text"]["text"].endswith("performance…")
    label = actions["elements"][0]["text"]["text"]
    assert len(label) <= sr.MAX_BUTTON
    assert set(label.rstrip("…").split()) == {"performance"}


def test_render_blocks_refuses_more_than_50_blocks() -> None:
    with pytest.raises(ValueError, match="render_messages"):
        sr.render_blocks(long_list_card(60))


def test_form_renders_as_modal_with_typed_inputs() -> None:
    view = sr.render_form(checkin_form())
    assert view["type"] == "modal"
    assert view["callback_id"] == "checkin"
    assert view["private_metadata"] == "period=2026-08;member=li.na"
    assert len(view["title"]["text"]) <= sr.MAX_VIEW_TITLE
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert view["blocks"][0]["type"] == "section"
    assert [(b["block_id"], b["element"]["type"]) for b in inputs] == [
        ("collab", "static_select"),
        ("copies", "number_input"),
        ("reflection", "plain_text_input"),
        ("due", "datepicker"),
        ("channel", "static_select"),
    ]
    rating, number, text = (b["element"] for b in inputs[:3])
    assert [o["value"] for o in rating["options"]] == ["1", "2", "3", "4", "5"]
    assert rating["initial_option"]["value"] == "3"
    assert (number["min_value"], number["max_value"]) == ("0", "500")
    assert inputs[1]["label"]["text"] == "Original copies written (pcs)"
    assert text["multiline"] is True
    assert [b["optional"] for b in inputs] == [False, False, True, False, False]


def _state_for(block: dict[str, Any], answer: str) -> dict[str, Any]:
    """The `state.values` entry Slack sends for one input element, per its type."""
    element = block["element"]
    kind = element["type"]
    if kind == "static_select":
        option = next(o for o in element["options"] if o["value"] == answer)
        return {"type": kind, "selected_option": option}
    if kind == "datepicker":
        return {"type": kind, "selected_date": answer}
    return {"type": kind, "value": answer}


def test_form_values_round_trip_through_a_view_submission() -> None:
    view = sr.render_form(checkin_form())
    payload = copy.deepcopy(_vector("slack_view_submission.json"))
    payload["view"].update(
        callback_id=view["callback_id"],
        private_metadata=view["private_metadata"],
        blocks=view["blocks"],
        state={
            "values": {
                b["block_id"]: {
                    b["element"]["action_id"]: _state_for(b, CHECKIN_ANSWERS[b["block_id"]])
                }
                for b in view["blocks"]
                if b["type"] == "input"
            }
        },
    )
    sub = sr.parse_view_submission(payload)
    assert sub == c.Submission(
        kind="form",
        name="checkin",
        values=CHECKIN_ANSWERS,
        private_metadata="period=2026-08;member=li.na",
        source_ref="V111",
    )


def test_parse_documented_view_submission_sample() -> None:
    sub = sr.parse_view_submission(_vector("slack_view_submission.json"))
    assert (sub.kind, sub.name, dict(sub.values)) == ("form", "view-id", {"hspI": "test"})
    assert sub.private_metadata == "This is for you!"


def test_the_adapters_view_event_carries_what_the_parser_reads() -> None:
    """`slack_inbound.view_inbound` reads the payload itself (the review click's path):
    it must agree with `parse_view_submission` field by field."""
    payload = _vector("slack_view_submission.json")
    sub = sr.parse_view_submission(payload)
    event = view_inbound(payload)
    assert (event.kind, event.name, dict(event.values)) == (sub.kind, sub.name, dict(sub.values))
    assert (event.meta, event.source_ref) == (sub.private_metadata, sub.source_ref)
    assert event.delivery_id == payload["trigger_id"]
    assert event.user_id == payload["user"]["id"]


def test_empty_optional_input_parses_as_empty_string() -> None:
    payload = {
        "view": {
            "callback_id": "f",
            "state": {"values": {"n": {"n": {"type": "number_input", "value": None}}}},
        }
    }
    assert sr.parse_view_submission(payload).values == {"n": ""}


def test_parse_block_actions_sample_and_deduped_ids() -> None:
    payload = _vector("slack_block_actions.json")
    sub = sr.parse_block_actions(payload)
    assert (sub.kind, sub.name, dict(sub.values)) == ("button", "a", {"value": "click_me_123"})
    assert sub.source_ref == payload["response_url"]
    payload = copy.deepcopy(payload)
    payload["actions"][0]["action_id"] = "calib.approve#2"
    assert sr.parse_block_actions(payload).name == "calib.approve"


def test_select_action_yields_selected_value() -> None:
    payload = {"actions": [{"action_id": "settings.lang", "type": "static_select",
                            "selected_option": {"value": "zh_CN"}}]}  # fmt: skip
    assert sr.parse_block_actions(payload).values == {"value": "zh_CN"}


def test_form_errors_response() -> None:
    body = sr.render_form_errors(c.FormErrors({"copies": "Must be 0 or more."}))
    assert body == {"response_action": "errors", "errors": {"copies": "Must be 0 or more."}}


def test_oversized_private_metadata_is_refused() -> None:
    form = c.Form("f", "T", "OK", [c.TextInput("t", "T")], private_metadata="x" * 3001)
    with pytest.raises(ValueError, match="private_metadata"):
        sr.render_form(form)


_TEXTS = st.lists(
    st.sampled_from([*"ab 中文*_[]()<>&\n", "**", "https://x.example/p?q=1", "[l](https://u.x)"]),
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS, label=_TEXTS, title=_TEXTS)
def test_blocks_built_directly_equal_the_sdk_models(text: str, label: str, title: str) -> None:
    """The hand-built dicts of the common blocks are exactly what the SDK's models give."""
    blocks: list[c.Block] = [c.Text(text), c.Context(text), c.Divider()]
    blocks.append(c.ChartLink(label or "chart", "https://perf.example/c?x=1&y=2"))
    card = c.Card(blocks=blocks, title=title or None)
    expected = [sr.block(b).to_dict() for b in blocks]
    if card.title:
        expected.insert(0, HeaderBlock(text=clip(sr.plain(card.title), sr.MAX_HEADER)).to_dict())
    assert sr.render_blocks(card) == expected


@pytest.mark.parametrize(
    ("text", "mrkdwn", "plain_text"),
    [
        ("plain words, 中文 and dots...", "plain words, 中文 and dots...", "plain words, 中文 and dots..."),
        ("**Done** — see [the page](https://x.example/p?a=1&b=2) <now>",
         "*Done* — see <https://x.example/p?a=1&b=2|the page> &lt;now&gt;",
         "Done — see the page <now>"),
        ("a & b", "a &amp; b", "a & b"),
    ],
)  # fmt: skip
def test_markup_conversion_with_and_without_markup(text: str, mrkdwn: str, plain_text: str) -> None:
    assert sr.to_mrkdwn(text) == mrkdwn
    assert sr.plain(text) == plain_text
