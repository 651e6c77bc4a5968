"""The playground without a browser: mounting, CSRF, the form round trip through the real
handlers, the clock's presets and jobs, and the card text renderer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup
from sqlmodel import select

from bot.app import create_app
from bot.demo import DEMO_MANAGER, DEMO_MEMBER
from bot.demo.load import demo_settings, load_demo
from bot.platforms.playground_clock import PlaygroundClock, parse_local, presets
from bot.platforms.playground_view import markdown_lite
from bot.settings import Settings
from storage.db import make_engine, session_scope
from storage.repo.config import current_config
from storage.tables import CheckIn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = demo_settings(tmp_path_factory.mktemp("pg") / "demo.db", 8765)
    settings = settings.model_copy(update={"scheduler": "off"})
    load_demo(settings, today=datetime.now(ZoneInfo("Asia/Shanghai")).date())
    return settings


@pytest.fixture
def client(demo: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo, run_outbox=False), base_url="http://127.0.0.1:8765") as c:
        yield c


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _page(client: TestClient, member: str, look: str = "slack") -> tuple[str, dict[str, str]]:
    html = client.get(f"/playground?as={member}&look={look}&lang=en").text
    return html, {"csrf": _csrf(html), "as": member, "look": look}


def test_off_unless_enabled(demo: Settings) -> None:
    off = demo.model_copy(update={"playground": "off"})
    with TestClient(create_app(off, run_outbox=False)) as c:
        assert c.get("/playground").status_code == 404


def test_post_without_csrf_is_refused_and_runs_nothing(client: TestClient) -> None:
    _page(client, DEMO_MEMBER)
    r = client.post(
        "/playground/say", data={"as": DEMO_MEMBER, "look": "slack", "text": "/perf help"}
    )
    assert r.status_code == 403
    html, _ = _page(client, DEMO_MEMBER)
    assert "/perf help</p>" not in html


def test_typed_command_opens_the_form_errors_inline_then_saves(
    client: TestClient, demo: Settings
) -> None:
    _, base = _page(client, DEMO_MEMBER, "feishu")
    html = client.post("/playground/say", data=base | {"text": "打卡"}).text
    if 'data-form="checkin.submit"' not in html:  # today outside the window: jump to it
        client.post("/playground/clock", data=base | {"preset": "checkin"})
        html = client.post("/playground/say", data=base | {"text": "/checkin"}).text
    assert 'data-form="checkin.submit"' in html
    token = re.search(r'name="token" value="([^"]+)"', html)
    field = re.search(r'inputmode="decimal"', html) and re.search(r'<input id="f-([a-z_]+)"', html)
    assert token
    assert field
    bad = client.post("/playground/submit", data=base | {"token": token[1], field[1]: "-3"}).text
    assert 'class="pg-error"' in bad
    assert 'aria-invalid="true"' in bad
    token = re.search(r'name="token" value="([^"]+)"', bad)
    assert token
    ok = client.post("/playground/submit", data=base | {"token": token[1], field[1]: "21"}).text
    assert "pg-modal" not in ok
    assert f'data-card="checkin:{DEMO_MEMBER}:' in ok
    with session_scope(make_engine(demo.database_url)) as session:
        rows = session.exec(select(CheckIn).where(CheckIn.member_id == DEMO_MEMBER)).all()
        assert any(str(r.values.get(field[1])) in {"21", "21.0"} for r in rows)
    stale = client.post("/playground/submit", data=base | {"token": token[1], field[1]: "1"})
    assert "no longer open" in stale.text


def test_clock_jump_runs_jobs_and_reset(client: TestClient) -> None:
    _, base = _page(client, DEMO_MANAGER)
    html = client.post("/playground/clock", data=base | {"preset": "review_open"}).text
    assert 'class="pg-flash is-success"' in html
    assert "simulated" in html
    assert 'data-action="review.open"' in html
    html = client.post("/playground/clock", data=base | {"date": "2026-02-30", "time": "x"}).text
    assert "not a date and time" in html
    html = client.post("/playground/clock", data=base | {"reset": "1"}).text
    assert "back to real time" in html
    assert "simulated</span>" not in html


def test_every_look_renders_the_same_card_text(client: TestClient) -> None:
    texts = []
    for look in ("slack", "feishu", "wecom"):
        html, _ = _page(client, DEMO_MEMBER, look)
        dm = html.split('class="pg-pane pg-channel"')[0]
        texts.append(sorted(re.findall(r"data-c>([^<]+)<", dm)))
    assert texts[0]
    assert texts[0] == texts[1] == texts[2]


def test_unknown_member_shows_the_picker_only(client: TestClient) -> None:
    html = client.get("/playground?as=nobody").text
    assert 'id="pg-as"' in html
    assert "pg-dm" not in html


def test_markdown_lite_escapes_first() -> None:
    out = markdown_lite("**hi** <script>x</script>\n- [a](https://e.x/y) _z_ new_customer")
    assert isinstance(out, Markup)
    assert "<strong>hi</strong>" in out
    assert "&lt;script&gt;" in out
    assert '<a href="https://e.x/y"' in out
    assert "<em>z</em>" in out
    assert "new_customer" in out
    assert "<br>• " in out


def test_clock_offsets_and_presets_are_in_the_future(demo: Settings) -> None:
    fixed = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    clock = PlaygroundClock(lambda: fixed)
    at = parse_local("2026-12-25", "10:00", "Asia/Shanghai")
    clock.jump(at)
    assert clock() == at
    assert clock.shifted
    clock.reset()
    assert clock() == fixed
    assert not clock.shifted
    with pytest.raises(ValueError, match="not a date"):
        parse_local("25th", "10:00", "UTC")
    with session_scope(make_engine(demo.database_url)) as session:
        schedule = current_config(session).schedule
    found = {p.key: p.at for p in presets(fixed, "Asia/Shanghai", schedule)}
    assert set(found) == {"checkin", "review_open", "digest", "cycle_close", "coaching"}
    assert all(fixed < at <= fixed + timedelta(days=100) for at in found.values())
    assert found["checkin"].astimezone(ZoneInfo("Asia/Shanghai")).day == 25
    assert found["digest"].astimezone(ZoneInfo("Asia/Shanghai")).weekday() == 0
