"""Local fake platform API servers (Slack, Feishu, WeCom) for tests and benchmarks.

Start one as a context manager (`with FakeSlackAPI() as fake: ... fake.url`) or through the
pytest fixtures in `tests.fakes.fixtures` (import them into a conftest.py).
"""

from tests.fakes.base import Call, Delivery, FakeServer
from tests.fakes.feishu_api import FakeFeishuAPI
from tests.fakes.limits import FakeClock, Limit, Window
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.transport import Request, Response
from tests.fakes.wecom_api import FakeWeComAPI

__all__ = [
    "Call",
    "Delivery",
    "FakeClock",
    "FakeFeishuAPI",
    "FakeServer",
    "FakeSlackAPI",
    "FakeWeComAPI",
    "Limit",
    "Request",
    "Response",
    "Window",
]
