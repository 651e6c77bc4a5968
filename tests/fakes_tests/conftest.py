"""The fakes' own fixtures, shared with every test in this folder."""

from tests.fakes.fixtures import fake_clock, feishu_api, slack_api, wecom_api  # noqa: F401
