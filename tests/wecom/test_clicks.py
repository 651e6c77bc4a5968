"""Card clicks on WeCom: vote/button callbacks → dispatch → one update_template_card."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.platforms import wecom_render as render
from handlers import cards as c
from handlers.context import Ctx
from handlers.routes import Routes
from tests.fakes.wecom_api import FakeWeComAPI
from tests.handlers.conftest import World
from tests.wecom.conftest import WeComEnv, card_event_xml, make_env, table_counts

RATE = c.Form(
    form_id="t.rate",
    title="Rate",
    submit_label="Send",
    inputs=(c.RatingInput("quality", "Quality", scale=5),),
    private_metadata="42",
)
seen: list[c.Event] = []


def _routes() -> Routes:
    routes = Routes()

    @routes.command("rate")
    def ask(event: c.Event, ctx: Ctx) -> list[c.Reply]:
        return [c.OpenForm(RATE)]

    @routes.form("t.rate")
    def rated(event: c.Event, ctx: Ctx) -> list[c.Reply]:
        seen.append(event)
        if event.values.get("quality") not in {"1", "2", "3", "4", "5"}:
            return [c.FormErrors({"quality": "pick 1-5"})]
        return [c.Toast("Saved")]

    @routes.action("t.yes")
    def yes(event: c.Event, ctx: Ctx) -> list[c.Reply]:
        seen.append(event)
        return [c.UpdateSource(c.Card(blocks=(c.Text("Confirmed"),), title="Done"))]

    return routes


@pytest.fixture
def clicks(world: World, wecom_api: FakeWeComAPI) -> Iterator[WeComEnv]:
    seen.clear()
    yield from make_env(world, wecom_api, routes=_routes())


def _vote(env: WeComEnv, member: str, value: str, code: str, create: int = 1) -> None:
    key = render.encode_key(render.FORM_PREFIX, RATE.form_id, RATE.private_metadata)
    xml = card_event_xml(env.uid(member), key, "task-1", code, {"quality": [value]}, create=create)
    assert env.signed_post(xml).status_code == 200


def test_command_sends_a_vote_card(clicks: WeComEnv) -> None:
    clicks.text("sun.hao", "rate")
    (body,) = clicks.sent_to("sun.hao")
    card = body["template_card"]
    assert card["card_type"] == "vote_interaction"
    assert [o["id"] for o in card["checkbox"]["option_list"]] == ["1", "2", "3", "4", "5"]
    assert card["task_id"]


def test_vote_click_dispatches_once_and_updates_the_card_once(clicks: WeComEnv) -> None:
    code = clicks.api.issue_response_code("task-1")
    _vote(clicks, "sun.hao", "4", code)
    (event,) = seen
    assert event.kind == "form"
    assert event.name == "t.rate"
    assert event.meta == "42"
    assert event.values["quality"] == "4"
    assert event.source_ref == code
    (update,) = clicks.api.card_updates
    assert update["response_code"] == code
    assert update["userids"] == [clicks.uid("sun.hao")]
    assert update["button"]["replace_name"] == "Saved"
    # WeCom retries the same event (same user, time, key, task): nothing happens again
    counts = table_counts(clicks.world.engine)
    _vote(clicks, "sun.hao", "4", code)
    assert len(seen) == 1
    assert len(clicks.api.card_updates) == 1
    assert table_counts(clicks.world.engine) == counts


def test_form_errors_leave_the_card_clickable(clicks: WeComEnv) -> None:
    code = clicks.api.issue_response_code("task-1")
    _vote(clicks, "sun.hao", "9", code)
    assert clicks.api.card_updates == []
    (body,) = clicks.sent_to("sun.hao")
    assert "pick 1-5" in body["markdown"]["content"]


def test_button_click_replaces_the_card(clicks: WeComEnv) -> None:
    code = clicks.api.issue_response_code("task-9")
    key = render.encode_key("t.yes", "v1")
    xml = card_event_xml(
        clicks.uid("sun.hao"), key, "task-9", code, {}, card_type="button_interaction"
    )
    assert clicks.signed_post(xml).status_code == 200
    assert seen[0].values["value"] == "v1"
    (update,) = clicks.api.card_updates
    assert update["response_code"] == code
    assert update["template_card"]["main_title"]["title"] == "Done"
