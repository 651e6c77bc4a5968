"""A dashboard URL with a period the page cannot show: the 400 page says what is wrong in
the viewer's language, the period's own problem included — without a browser."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.demo import DEMO_MEMBER
from bot.demo.load import demo_settings, load_demo
from bot.settings import Settings
from handlers.links import make_dashboard_link

EN_MEMBER = "zhang.wei"
"""A demo member whose locale is `en` (DEMO_MEMBER has the org's zh-CN)."""


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = demo_settings(tmp_path_factory.mktemp("bad_period") / "demo.db", 8000)
    load_demo(settings, today=datetime.now(UTC).date())
    return settings.model_copy(update={"public_url": "https://perf.example.com"})


def _error_page(settings: Settings, member: str, period: str) -> str:
    """Sign `member` in through a dashboard link, open their page at `?period=`, and give
    back the text of its explanation (a 400)."""
    with TestClient(create_app(settings), base_url=settings.public_url) as client:
        path = make_dashboard_link(settings, settings.public_url, member).split(".com", 1)[1]
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
        assert csrf is not None
        signed_in = client.post(path, data={"csrf": csrf.group(1)}, follow_redirects=False)
        assert signed_in.status_code == 303
        page = client.get(f"/dashboard/m/{member}", params={"period": period})
    assert page.status_code == 400
    body = re.search(r'data-kind="bad_period">.*?<p>(.*?)</p>', page.text, re.S)
    assert body is not None
    return html.unescape(body.group(1))


@pytest.mark.parametrize(
    ("period", "zh", "en"),
    [
        (
            "2026-13",
            "无效的期间 '2026-13'：月份须为 01..12。",
            "bad period '2026-13': month must be 01..12. ",
        ),
        (
            "garbage",
            "无效的期间 'garbage'：应为 YYYY-MM-DD、YYYY-MM、YYYY-Qn 或 YYYY。",
            "bad period 'garbage': expected YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY. ",
        ),
        (
            "2026-08-14",
            "'2026-08-14'：请选择月份、季度或年份。",
            "'2026-08-14': choose a month, a quarter or a year. ",
        ),
    ],
    ids=["month", "shape", "day"],
)
def test_bad_period_is_explained_in_the_viewers_language(
    settings: Settings, period: str, zh: str, en: str
) -> None:
    zh_text = _error_page(settings, DEMO_MEMBER, period)
    assert zh_text.startswith(zh), zh_text
    assert "bad period" not in zh_text
    assert "choose a" not in zh_text
    en_text = _error_page(settings, EN_MEMBER, period)
    assert en_text.startswith(en), en_text
    assert not re.search(r"[\u4e00-\u9fff]", en_text), en_text
