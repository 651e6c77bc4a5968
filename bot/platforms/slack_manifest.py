"""The Slack app manifest, generated from what the adapter actually registers.

Commands and events come from `slack_inbound.SLASH_COMMANDS` / `EVENTS`, so a command
added to the adapter without a description here fails loudly instead of shipping a
manifest that Slack would reject or that misses it. Schema: docs.slack.dev
"App manifest reference" (`_metadata.major_version: 2`).
"""

from __future__ import annotations

import json
from typing import Any

from bot.platforms.slack import PATH
from bot.platforms.slack_inbound import EVENTS, SLASH_COMMANDS

DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "/myscore": ("Your score for the current quarter (or a period)", "[2026-Q3 | @member]"),
    "/checkin": ("Fill in this month's check-in", ""),
    "/coach": ("Prepare a coaching interview (managers)", "@member"),
    "/award": ("Nominate a member for an award (managers)", "innovation @member reason"),
    "/calibrate": ("Request a target calibration (managers)", ""),
    "/bonus": ("Propose bonus points", "@member points reason"),
    "/perf": ("perfbot: score, dashboard, settings, help", "score | dashboard | settings | help"),
}

BOT_SCOPES = ("chat:write", "commands", "im:write", "users:read")


def _command(name: str, url: str) -> dict[str, Any]:
    description, hint = DESCRIPTIONS[name]
    entry: dict[str, Any] = {
        "command": name,
        "url": url,
        "description": description,
        "should_escape": True,  # mentions arrive as <@U123|name>, which we rewrite
    }
    if hint:
        entry["usage_hint"] = hint
    return entry


def build_manifest(public_url: str) -> dict[str, Any]:
    """The manifest for a deployment reachable at `public_url` (`PERFBOT_PUBLIC_URL`)."""
    url = public_url.rstrip("/") + PATH
    return {
        "_metadata": {"major_version": 2, "minor_version": 1},
        "display_information": {
            "name": "perfbot",
            "description": "Performance cycle for marketing teams: scores, check-ins, reviews.",
            "background_color": "#2c3e50",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": "perfbot", "always_online": True},
            "slash_commands": [_command(name, url) for name in SLASH_COMMANDS],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": {"request_url": url, "bot_events": list(EVENTS)},
            "interactivity": {"is_enabled": True, "request_url": url},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }


def manifest_json(public_url: str) -> str:
    return json.dumps(build_manifest(public_url), indent=2, ensure_ascii=False)
