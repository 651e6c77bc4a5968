"""The manifest declares exactly what the adapter handles, with the public Request URL."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli import app
from bot.platforms.slack_inbound import EVENTS, SLASH_COMMANDS
from bot.platforms.slack_manifest import build_manifest
from tests.slack.conftest import SlackWorld


def test_manifest_declares_every_handled_command_and_event() -> None:
    m = build_manifest("https://perf.example.com/")
    url = "https://perf.example.com/slack/events"
    commands = m["features"]["slash_commands"]
    assert [c["command"] for c in commands] == list(SLASH_COMMANDS)
    assert all(c["url"] == url and c["description"] and c["should_escape"] for c in commands)
    assert m["settings"]["event_subscriptions"] == {"request_url": url, "bot_events": list(EVENTS)}
    assert m["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert {"chat:write", "commands", "im:write", "users:read"} <= set(
        m["oauth_config"]["scopes"]["bot"]
    )


def test_bolt_listens_to_what_the_manifest_declares(slack: SlackWorld) -> None:
    """Each declared command is answered (not bolt's 404 for unhandled requests)."""
    from tests.slack.slackreq import slash

    for command in SLASH_COMMANDS:
        assert slack.post(slash(slack.uid("li.na"), command)).status_code == 200, command


def test_cli_prints_the_manifest_for_the_public_url(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PERFBOT_PUBLIC_URL", "https://perf.example.com")
    result = CliRunner().invoke(app, ["slack", "manifest"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (
        data["settings"]["interactivity"]["request_url"] == "https://perf.example.com/slack/events"
    )
