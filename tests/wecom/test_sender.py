"""`WeComSender` against the fake qyapi: token refresh, members, app chats, robots."""

from __future__ import annotations

import httpx
import pytest

from bot.platforms.wecom_api import WeComAPIError, WeComClient
from bot.platforms.wecom_form import FormLinks
from bot.platforms.wecom_sender import PER_MEMBER_PER_HOUR, PER_MEMBER_PER_MINUTE, WeComSender
from handlers import cards as c
from tests.fakes.wecom_api import FakeWeComAPI

INFO = c.Card(
    blocks=(c.Header("Weekly digest"), c.Text("**3** check-ins"), c.Fields([("Team", "growth")])),
    title="Digest",
)
ASK = c.Card(blocks=(c.Text("Confirm?"), c.Actions([c.Button("Yes", "t.yes", "1")])))


def _sender(http: httpx.AsyncClient, api: FakeWeComAPI) -> WeComSender:
    client = WeComClient(
        http, corp_id=api.corp_id, secret=api.corp_secret, agent_id=api.agent_id,
        base_url=api.url, clock=api.clock,
    )  # fmt: skip
    links = FormLinks("secret", "http://perfbot.test")
    return WeComSender(client, form_link=links.url)


async def test_token_is_cached_and_refreshed_on_42001(wecom_api: FakeWeComAPI) -> None:
    async with httpx.AsyncClient() as http:
        sender = _sender(http, wecom_api)
        await sender.send("user:SunHao", INFO, key="k1")
        await sender.send("user:SunHao", INFO, key="k2")
        assert len(wecom_api.calls_to("/gettoken")) == 1
        wecom_api.expire_tokens()  # the cache still holds it: WeCom answers 42001
        await sender.send("user:SunHao", INFO, key="k3")
    assert len(wecom_api.calls_to("/gettoken")) == 2
    codes = [c.status for c in wecom_api.calls_to("/message/send")]
    assert len(codes) == 4  # one rejected with 42001, retried once
    assert len(wecom_api.delivered) == 3


async def test_member_gets_markdown_or_an_interactive_card(wecom_api: FakeWeComAPI) -> None:
    async with httpx.AsyncClient() as http:
        sender = _sender(http, wecom_api)
        ref = await sender.send("user:SunHao", INFO, key="a")
        await sender.send("user:SunHao", ASK, key="b")
        # a retried row reuses its task_id; WeCom's 42014 means the first attempt got through
        again = await sender.send("user:SunHao", ASK, key="b")
    assert ref.startswith("msg")
    assert again == "user:SunHao"
    kinds = [d.kind for d in wecom_api.delivered]
    assert kinds == ["markdown", "template_card"]
    card = wecom_api.delivered[1].content["template_card"]
    assert card["card_type"] == "button_interaction"
    assert card["button_list"][0]["key"] == "t.yes|1"


async def test_appchat_and_robot_get_what_they_accept(wecom_api: FakeWeComAPI) -> None:
    async with httpx.AsyncClient() as http:
        sender = _sender(http, wecom_api)
        await sender.send("channel:wrGrowthChat01", ASK, key="c")  # buttons dropped
        await sender.send("webhook:fake-robot-key", INFO, key="d")
        with pytest.raises(WeComAPIError) as bad:
            await sender.send("webhook:not-a-robot", INFO, key="e")
    assert bad.value.errcode == 93000
    chat, robot = wecom_api.delivered
    assert chat.target == "chat:wrGrowthChat01"
    assert chat.kind == "markdown"
    assert "Confirm?" in chat.content["markdown"]["content"]
    assert robot.target == "robot:robot"
    assert robot.kind == "markdown"
    assert "Weekly digest" in robot.content["markdown"]["content"]


async def test_unknown_member_raises(wecom_api: FakeWeComAPI) -> None:
    wecom_api.users = {"SunHao"}
    async with httpx.AsyncClient() as http:
        with pytest.raises(WeComAPIError):
            await _sender(http, wecom_api).send("user:Nobody", INFO, key="f")


async def test_free_text_forms_link_to_the_signed_page(wecom_api: FakeWeComAPI) -> None:
    form = c.Form("t.f", "Check-in", "Save", (c.NumberInput("leads", "Leads"),))
    review = c.Form(
        "t.r", "Review", "Send",
        (c.RatingInput("q", "Quality"), c.TextInput("comment", "Comment", required=False)),
    )  # fmt: skip
    async with httpx.AsyncClient() as http:
        sender = _sender(http, wecom_api)
        await sender.send("user:SunHao", form, key="g")
        await sender.send("user:SunHao", review, key="h")
    link, vote = (d.content["template_card"] for d in wecom_api.delivered)
    assert link["card_type"] == "text_notice"
    assert link["card_action"]["url"].startswith("http://perfbot.test/wecom/form/")
    assert vote["card_type"] == "vote_interaction"
    assert vote["jump_list"][-1]["url"].startswith("http://perfbot.test/wecom/form/")


def test_pacing_limits_are_exposed() -> None:
    assert (PER_MEMBER_PER_MINUTE, PER_MEMBER_PER_HOUR) == (30, 1000)
    assert WeComSender.per_member_per_minute == 30
    assert WeComSender.platform == "wecom"
