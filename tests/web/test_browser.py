"""The dashboard in a real browser: link → session → pages, charts, switches, access rules,
phone width, and not a single request leaving 127.0.0.1."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.demo import DEMO_ADMIN, DEMO_MANAGER, DEMO_MEMBER
from handlers.access import manages
from scoring.model import Org
from storage.db import make_engine, session_scope
from storage.repo.scoring_inputs import current_org
from tests.web.conftest import Live, shot, sign_in

pytestmark = pytest.mark.browser


def _org(live: Live) -> Org:
    with session_scope(make_engine(live.settings.database_url)) as session:
        return current_org(session)


def _svg_shapes(page: Any, chart_id: str) -> int:
    return int(page.locator(f"#{chart_id} svg path").count())


def _no_overflow(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_member_link_charts_period_and_language(new_page: Any, live: Live) -> None:
    page = new_page()
    page.goto(live.link(DEMO_MEMBER))
    assert page.locator("#open-dashboard").is_visible()
    shot(page, "landing-desktop")
    page.click("#open-dashboard")
    page.wait_for_url(re.compile(rf"/dashboard/m/{DEMO_MEMBER}$"))
    page.wait_for_selector("#chart-trend[data-drawn=true]")
    assert _svg_shapes(page, "chart-dims") > 3
    assert _svg_shapes(page, "chart-trend") > 3
    assert page.locator("table.indicators tbody tr").count() >= 5
    assert "李娜" in page.locator("h1").inner_text()
    shot(page, "member-desktop")

    options = page.locator("#period option").evaluate_all("els => els.map(e => e.value)")
    previous_quarter = next(v for v in options if "-Q" in v and v != page.input_value("#period"))
    page.select_option("#period", previous_quarter)
    page.click("form.period button[type=submit]")
    page.wait_for_url(re.compile(rf"period={previous_quarter}"))
    assert page.input_value("#period") == previous_quarter
    assert previous_quarter in page.locator("main .head").inner_text()

    page.click(".langs a[lang=en]")
    page.wait_for_url(re.compile(r"lang=en"))
    assert "Performance of" in page.locator("h1").inner_text()
    assert "Indicators" in page.content()
    page.click(".langs a[lang=zh-CN]")
    page.wait_for_url(re.compile(r"lang=zh-CN"))
    assert "的绩效" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert "指标明细" in page.locator("main").inner_text()
    page.wait_for_selector("#chart-dims[data-drawn=true]")
    shot(page, "member-zh-desktop")


def test_manager_team_view_sorts(new_page: Any, live: Live) -> None:
    page = new_page()
    sign_in(page, live, DEMO_MANAGER)
    page.goto(f"{live.base}/dashboard/team/growth?lang=en")
    page.wait_for_selector("#chart-grades[data-drawn=true]")
    assert _svg_shapes(page, "chart-grades") > 0

    def totals() -> list[float]:
        cells = page.locator("#members tbody tr td:nth-child(2)")
        return [float(v) for v in cells.evaluate_all("els => els.map(e => e.dataset.sort)")]

    header = page.locator("#members thead th").nth(1)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert totals() == sorted(totals(), reverse=True)
    header.locator("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    assert totals() == sorted(totals())
    shown = page.locator("#members tbody tr").evaluate_all("els => els.map(e => e.dataset.member)")
    org = _org(live)
    assert set(shown) == {
        m.id
        for m in org.members.values()
        if manages(org, DEMO_MANAGER, m.id) and m.team == "growth" and m.template
    }
    assert DEMO_MANAGER not in shown
    shot(page, "team-desktop")


def test_member_cannot_open_another_members_page(new_page: Any, live: Live) -> None:
    page = new_page()
    sign_in(page, live, DEMO_MEMBER)
    response = page.goto(f"{live.base}/dashboard/m/zhang.wei?lang=en")
    assert response is not None
    assert response.status == 403
    assert "You may not see this page" in page.locator("h1").inner_text()
    response = page.goto(f"{live.base}/dashboard/team/growth")
    assert response is not None
    assert response.status == 403
    shot(page, "forbidden-desktop")


def test_no_session_gets_401_with_how_to(new_page: Any, live: Live) -> None:
    page = new_page()
    response = page.goto(f"{live.base}/dashboard/m/{DEMO_MEMBER}?lang=en")
    assert response is not None
    assert response.status == 401
    assert "/perf dashboard" in page.locator("main").inner_text()


def test_expired_and_reused_links(new_page: Any, live: Live) -> None:
    page = new_page()
    old = live.link(DEMO_MEMBER, datetime.now(UTC) - timedelta(minutes=16))
    response = page.goto(old + "?lang=en")
    assert response is not None
    assert response.status == 410
    assert "expired" in page.locator("h1").inner_text()
    assert page.locator("#open-dashboard").count() == 0
    shot(page, "expired-desktop")

    link = live.link(DEMO_MEMBER)
    page.goto(link)
    page.click("#open-dashboard")
    page.wait_for_url(re.compile(rf"/dashboard/m/{DEMO_MEMBER}"))
    other = new_page()
    response = other.goto(link + "?lang=en")
    assert response is not None
    assert response.status == 410
    assert "already used" in other.locator("h1").inner_text()
    shot(other, "reused-desktop")


def test_forged_post_is_refused_and_link_survives(new_page: Any, live: Live) -> None:
    link = live.link(DEMO_MEMBER)
    page = new_page()
    page.goto(link + "?lang=en")
    page.eval_on_selector("input[name=csrf]", "el => el.value = 'forged-token'")
    page.click("#open-dashboard")
    assert "Request refused" in page.locator("h1").inner_text()
    forged = page.context.request.post(link, form={"csrf": ""}, max_redirects=0)
    assert forged.status == 403
    assert page.context.cookies()
    assert not any(c["name"] == "perfbot_session" for c in page.context.cookies())
    page.goto(link)
    page.click("#open-dashboard")
    page.wait_for_url(re.compile(rf"/dashboard/m/{DEMO_MEMBER}"))


def test_csv_export_respects_visibility(new_page: Any, live: Live) -> None:
    org = _org(live)
    page = new_page()
    sign_in(page, live, DEMO_MANAGER)
    res = page.context.request.get(f"{live.base}/dashboard/team/growth/export.csv")
    assert res.status == 200
    rows = list(csv.DictReader(io.StringIO(res.text())))
    expected = {
        m
        for m in org.members
        if manages(org, DEMO_MANAGER, m)
        and org.members[m].team == "growth"
        and org.members[m].template
    }
    assert {r["member"] for r in rows} == expected
    assert not any(r["member"] == DEMO_MANAGER for r in rows)
    assert page.context.request.get(f"{live.base}/dashboard/team/brand/export.csv").status == 403

    admin = new_page()
    sign_in(admin, live, DEMO_ADMIN)
    res = admin.context.request.get(f"{live.base}/dashboard/team/brand/export.csv")
    brand = {m.id for m in org.members.values() if m.team == "brand" and m.template}
    assert {r["member"] for r in csv.DictReader(io.StringIO(res.text()))} == brand


def test_phone_width_has_no_horizontal_overflow(new_page: Any, live: Live) -> None:
    page = new_page(375, 812)
    sign_in(page, live, DEMO_MANAGER)
    for name, path in (
        ("member", f"/dashboard/m/{DEMO_MEMBER}"),
        ("team", "/dashboard/team/growth"),
        ("own", f"/dashboard/m/{DEMO_MANAGER}?lang=en"),
    ):
        page.goto(live.base + path)
        page.wait_for_load_state("networkidle")
        assert _no_overflow(page), name
        shot(page, f"{name}-phone")
    page.goto(live.link(DEMO_MEMBER))
    assert _no_overflow(page)
    shot(page, "landing-phone")


def test_zz_no_request_left_the_machine(live: Live) -> None:
    """Runs last in this module: every URL any browser page asked for was 127.0.0.1."""
    assert live.requests, "the browser tests recorded no request"
    hosts = {urlsplit(u).hostname for u in live.requests if not u.startswith(("data:", "about:"))}
    assert hosts == {"127.0.0.1"}
