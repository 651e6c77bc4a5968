"""Pytest fixtures for the fakes; bring them into a conftest.py with
`from tests.fakes.fixtures import fake_clock, slack_api, feishu_api, wecom_api  # noqa: F401`.

Each fixture yields a started server on 127.0.0.1 with its own port, stopped afterwards.
The fakes read time from `fake_clock`, so a test moves rate windows and token expiry with
`fake_clock.advance(seconds)` instead of sleeping.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.fakes.feishu_api import FakeFeishuAPI
from tests.fakes.limits import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.wecom_api import FakeWeComAPI


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def slack_api(fake_clock: FakeClock) -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(clock=fake_clock) as fake:
        yield fake


@pytest.fixture
def feishu_api(fake_clock: FakeClock) -> Iterator[FakeFeishuAPI]:
    # lark_oapi caches tenant tokens process-wide by app_id: a unique id per test isolates it
    with FakeFeishuAPI(app_id=f"cli_{uuid.uuid4().hex[:16]}", clock=fake_clock) as fake:
        yield fake


@pytest.fixture
def wecom_api(fake_clock: FakeClock) -> Iterator[FakeWeComAPI]:
    with FakeWeComAPI(clock=fake_clock) as fake:
        yield fake
