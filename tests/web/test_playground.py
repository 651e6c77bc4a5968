"""The playground in a real browser: a check-in through the form, a peer rating, the
manager's digest after a clock jump, the same card in three looks, and the member's
dashboard showing the new figure. Screenshots at desktop and phone width."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.demo import DEMO_MANAGER, DEMO_MEMBER
from tests.web.conftest import Live, shot

pytestmark = pytest.mark.browser

LOOKS = ("slack", "feishu", "wecom")
VALUE = "19"


def _open(page: Any, live: Live, member: str, look: str = "slack") -> None:
    page.goto(f"{live.base}/playground?as={member}&look={look}&lang=en")
    page.wait_for_selector(".pg-dm")


def _jump(page: Any, preset: str) -> None:
    page.click(f"button[data-preset={preset}]")
    page.wait_for_selector(".pg-flash.is-success")


def _content(page: Any, card: str) -> list[str]:
    """The texts a card shows (its `data-c` elements), as a multiset independent of layout."""
    texts = (
        page.locator(f".pg-dm [data-card='{card}']")
        .last.locator("[data-c]")
        .evaluate_all(
            "els => els.map(e => (e.getAttribute('data-c') || e.innerText).replace(/\\s+/g, ' ').trim())"
        )
    )
    return sorted(Counter(texts).elements())


@pytest.fixture
def reset_clock(new_page: Any, live: Live) -> Iterator[None]:
    """Put the shared server's clock back, whatever the test did (other tests use real time)."""
    yield
    page = new_page()
    _open(page, live, DEMO_MEMBER)
    if page.locator("#pg-reset").count():
        page.click("#pg-reset")


def test_playground_flow(new_page: Any, live: Live, reset_clock: None) -> None:
    page = new_page()
    page.goto(f"{live.base}/playground?lang=en")
    assert "Try perfbot" in page.locator("h1").inner_text()
    shot(page, "playground-picker-desktop")
    page.select_option("#pg-as", DEMO_MEMBER)
    page.check("input[name=look][value=slack]")
    page.click("#pg-show")
    page.wait_for_selector(".pg-dm")

    # The review window opens, then the next check-in day: both arrive in the DM.
    _jump(page, "review_open")
    _jump(page, "checkin")
    page.locator(".pg-dm [data-action='checkin.open']").last.click()
    page.wait_for_selector(".pg-modal[data-form='checkin.submit']")
    shot(page, "playground-form-desktop")
    number = page.locator(".pg-modal input[inputmode=decimal]").first
    number.fill("abc")
    page.click("#pg-submit")
    page.wait_for_selector(".pg-modal .pg-error")
    assert page.locator(".pg-modal [aria-invalid=true]").count() == 1
    page.locator(".pg-modal input[inputmode=decimal]").first.fill(VALUE)
    page.click("#pg-submit")
    page.wait_for_selector(f".pg-dm [data-card^='checkin:{DEMO_MEMBER}:']")
    assert page.locator(".pg-modal").count() == 0
    month = page.locator(f".pg-dm [data-card^='checkin:{DEMO_MEMBER}:']").last.get_attribute(
        "data-card"
    )
    assert month is not None
    assert VALUE in page.locator(".pg-dm .pg-msg").last.inner_text()
    shot(page, "playground-member-desktop")

    # As a reviewer: rate a peer through the rating form; the card becomes "submitted".
    page.locator(".pg-dm [data-action='review.open']").first.click()
    page.wait_for_selector(".pg-modal[data-form='review.submit']")
    for group in page.locator(".pg-modal fieldset.pg-rating").all():
        group.locator("input[type=radio][value='4']").check()
    page.click("#pg-submit")
    page.wait_for_selector(".pg-modal", state="detached")
    assert page.locator(".pg-flash.is-error").count() == 0
    assert page.locator(".pg-dm [data-action='review.open']").count() >= 1  # other peers left

    # As the manager: the weekly digest arrives after the clock's jump.
    _open(page, live, DEMO_MANAGER)
    _jump(page, "digest")
    digest = page.locator(".pg-dm [data-card^='score-digest']").last
    assert digest.is_visible()
    card = digest.get_attribute("data-card")
    contents = {}
    for look in LOOKS:
        _open(page, live, DEMO_MANAGER, look)
        page.locator(f".pg-dm [data-card='{card}']").last.scroll_into_view_if_needed()
        contents[look] = _content(page, str(card))
        shot(page, f"playground-{look}-desktop")
    assert contents["slack"]
    assert contents["slack"] == contents["feishu"] == contents["wecom"]

    # Back as the member: the dashboard shows the figure typed into the check-in form.
    _open(page, live, DEMO_MEMBER)
    page.click("#pg-dashboard")
    page.wait_for_url(re.compile(rf"/dashboard/m/{DEMO_MEMBER}"))
    period = month.rsplit(":", 1)[1]
    page.goto(f"{live.base}/dashboard/m/{DEMO_MEMBER}?period={period}&lang=en")
    row = page.locator("table.indicators tbody tr", has_text="Original copies")
    assert re.search(rf"\b{VALUE}\b", row.first.inner_text())
    assert all(urlsplit(u).netloc == urlsplit(live.base).netloc for u in live.requests), [
        u for u in live.requests if not u.startswith(live.base)
    ]


def test_playground_phone_width(new_page: Any, live: Live) -> None:
    """375 px: no sideways scrolling, labelled composer, every look and the open form."""
    page = new_page(375, 812)
    for look in LOOKS:
        _open(page, live, DEMO_MANAGER, look)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shot(page, f"playground-{look}-phone")
    page.goto(f"{live.base}/playground?lang=zh-CN")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    shot(page, "playground-picker-phone")
    _open(page, live, DEMO_MEMBER, "wecom")
    page.fill("#pg-text", "/perf settings")
    page.keyboard.press("Enter")
    page.wait_for_selector(".pg-modal")
    assert page.evaluate("document.activeElement.closest('.pg-modal') !== null")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "playground-form-phone")
    page.click(".pg-modal-actions button:has-text('Cancel')")
    page.wait_for_selector(".pg-modal", state="detached")
