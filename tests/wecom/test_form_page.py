"""The signed WeCom form page: labelled inputs, inline errors, dispatch, refused tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from itsdangerous import URLSafeTimedSerializer

from bot.platforms.wecom_form import SALT
from handlers import cards as c
from handlers.context import Ctx
from handlers.routes import Routes
from tests.fakes.wecom_api import FakeWeComAPI
from tests.handlers.conftest import World
from tests.wecom.conftest import WeComEnv, make_env, table_counts

FORM = c.Form(
    "t.checkin", "Monthly check-in", "Save",
    (c.NumberInput("leads", "New leads", min=0), c.TextInput("note", "Note", multiline=True)),
    private_metadata="2026-11",
)  # fmt: skip
got: list[c.Event] = []


def _routes() -> Routes:
    routes = Routes()

    @routes.form("t.checkin")
    def save(event: c.Event, ctx: Ctx) -> list[c.Reply]:
        if not event.values.get("leads", "").isdigit():
            return [c.FormErrors({"leads": ctx.t("validation.not_a_number")})]
        got.append(event)
        return [c.Ephemeral(c.Card(blocks=(c.Text("Check-in saved"),)))]

    return routes


@pytest.fixture
def page(world: World, wecom_api: FakeWeComAPI) -> Iterator[WeComEnv]:
    got.clear()
    yield from make_env(world, wecom_api, routes=_routes())


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_get_renders_labelled_inputs(page: WeComEnv) -> None:
    url = "/wecom/form/" + page.links.token(page.uid("sun.hao"), FORM)
    response = page.client.get(url)
    assert response.status_code == 200
    html = response.text
    assert '<label for="f-leads">New leads</label>' in html
    assert 'type="number" id="f-leads" name="leads"' in html
    assert '<textarea id="f-note" name="note"' in html
    assert 'lang="zh-CN"' in html  # sun.hao's locale
    assert response.headers["Content-Security-Policy"]


def test_post_with_errors_rerenders_then_valid_post_dispatches(page: WeComEnv) -> None:
    url = "/wecom/form/" + page.links.token(page.uid("sun.hao"), FORM)
    csrf = _csrf(page.client.get(url).text)
    before = table_counts(page.world.engine)
    bad = page.client.post(url, data={"csrf": csrf, "leads": "many", "note": "hi"})
    assert bad.status_code == 422
    assert "请输入数字" in bad.text or "数字" in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert "hi</textarea>" in bad.text  # what was typed stays
    assert got == []
    ok = page.client.post(url, data={"csrf": _csrf(bad.text), "leads": "12", "note": "ok"})
    assert ok.status_code == 200
    assert "Check-in saved" in ok.text
    (event,) = got
    assert event.member_id == "sun.hao"
    assert event.values == {"leads": "12", "note": "ok"}
    assert event.meta == "2026-11"
    after = table_counts(page.world.engine)
    assert after["processed_delivery"] == before["processed_delivery"] + 2


def test_forged_expired_and_cross_site_posts_are_refused(page: WeComEnv) -> None:
    token = page.links.token(page.uid("sun.hao"), FORM)
    forged = URLSafeTimedSerializer("not-our-secret", salt=SALT).dumps(
        {"u": page.uid("chen.jing"), "f": {}}
    )
    assert page.client.get(f"/wecom/form/{forged}").status_code == 403
    assert page.client.get(f"/wecom/form/{token[:-3]}abc").status_code == 403
    assert page.client.get(f"/wecom/form/{token}").status_code == 200
    before = table_counts(page.world.engine)
    page.links.max_age = -1  # the same link, past its lifetime
    assert page.client.get(f"/wecom/form/{token}").status_code == 410
    page.links.max_age = 3600
    page.client.cookies.clear()
    response = page.client.post(f"/wecom/form/{token}", data={"csrf": "guess", "leads": "1"})
    assert response.status_code == 403
    assert got == []
    assert table_counts(page.world.engine) == before
