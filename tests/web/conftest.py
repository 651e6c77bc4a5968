"""A demo store served by a real uvicorn on a free 127.0.0.1 port, and Debian's Chromium
driven by Playwright. Every request the browser makes is recorded so a test can prove
that nothing left the machine."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import uvicorn

from bot.app import create_app
from bot.demo.load import demo_settings, load_demo
from bot.settings import Settings
from handlers.links import make_dashboard_link

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    settings: Settings
    base: str
    requests: list[str] = field(default_factory=list)

    def link(self, member: str, now: datetime | None = None) -> str:
        return make_dashboard_link(self.settings, self.base, member, now or datetime.now(UTC))


@pytest.fixture(scope="package")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    port = free_port()
    settings = demo_settings(tmp_path_factory.mktemp("web") / "demo.db", port)
    load_demo(settings, today=datetime.now(ZoneInfo("Asia/Shanghai")).date())
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield Live(settings, settings.public_url)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Package-scoped: Playwright's sync API keeps an event loop running on this thread,
    which must be gone before other packages' asyncio tests start."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Any, live: Live) -> Iterator[Any]:
    """A factory of pages in fresh contexts (own cookies); records every request URL."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900) -> Any:
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        ctx.on("request", lambda req: live.requests.append(req.url))
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, live: Live, member: str) -> None:
    """Open the member's link and press the landing page's button."""
    page.goto(live.link(member))
    page.click("#open-dashboard")
    page.wait_for_load_state("networkidle")
