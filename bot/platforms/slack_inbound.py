"""Verified Slack payloads → neutral `Inbound` events. Pure functions, no I/O.

The handled surface is declared here as data (`SLASH_COMMANDS`, `EVENTS`): the adapter
registers its listeners from these constants and the app manifest is generated from them,
so Slack can never be told about a command the code does not handle, or the reverse.

Delivery ids: an event's `event_id` (Slack retries an event with the same id), and the
`trigger_id` of a command or interaction (unique per invocation), so a retried delivery is
dropped by `dispatch`'s unique claim.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.platforms.slack_render import parse_block_actions, view_values
from handlers.commands import parse_command
from handlers.dispatch import Inbound

PLATFORM = "slack"

SLASH_COMMANDS: tuple[str, ...] = (
    "/myscore",
    "/checkin",
    "/coach",
    "/award",
    "/calibrate",
    "/bonus",
    "/perf",
)
"""Every slash command the adapter registers (and the manifest declares)."""

EVENTS: tuple[str, ...] = ("app_home_opened",)
"""Every Events API event the adapter subscribes to."""

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def rewrite_mentions(text: str) -> str:
    """`<@U123|name>` / `<@U123>` → `@slack:U123`, the neutral mention handlers resolve."""
    return _MENTION.sub(lambda m: f"@{PLATFORM}:{m.group(1)}", text)


def command_inbound(body: Mapping[str, Any]) -> Inbound:
    """A slash command form body → `Inbound(kind="command")` with a neutral name.

    An unknown `/perf` sub-command keeps its typed name so `dispatch` answers with help.
    """
    command = str(body.get("command", ""))
    text = rewrite_mentions(str(body.get("text") or ""))
    parsed = parse_command(f"{command} {text}".strip())
    if parsed is None:
        words = text.split(maxsplit=1)
        parsed = (words[0] if words else command.lstrip("/"), words[1] if len(words) > 1 else "")
    name, args = parsed
    return Inbound(
        platform=PLATFORM,
        user_id=str(body.get("user_id", "")),
        kind="command",
        name=name,
        args=args,
        delivery_id=str(body.get("trigger_id", "")),
        source_ref=str(body["channel_id"]) if body.get("channel_id") else None,
    )


def container_ref(body: Mapping[str, Any]) -> str | None:
    """Where a click came from: `<channel>:<message ts>` or the view id."""
    container = body.get("container") or {}
    if container.get("type") == "view" or (body.get("view") and not container):
        view = body.get("view") or {}
        return str(container.get("view_id") or view.get("id") or "") or None
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return f"{channel}:{ts}" if channel and ts else None


def _state_values(body: Mapping[str, Any]) -> dict[str, str]:
    """Inputs next to the clicked button (a message or view with input blocks)."""
    state = body.get("state") or (body.get("view") or {}).get("state") or {}
    if not state.get("values"):
        return {}
    return view_values({"state": state})


def action_inbound(body: Mapping[str, Any]) -> Inbound:
    """A `block_actions` payload → `Inbound(kind="button", name=action_id)`."""
    sub = parse_block_actions(body)
    return Inbound(
        platform=PLATFORM,
        user_id=str((body.get("user") or {}).get("id", "")),
        kind="button",
        name=sub.name,
        values={**_state_values(body), **sub.values},
        delivery_id=str(body.get("trigger_id", "")),
        source_ref=container_ref(body),
    )


def view_inbound(body: Mapping[str, Any]) -> Inbound:
    """A `view_submission` payload → `Inbound(kind="form")` with the parsed state (what
    `parse_view_submission` reads, straight into the event: every review click comes here)."""
    view = body["view"]
    return Inbound(
        platform=PLATFORM,
        user_id=str((body.get("user") or {}).get("id", "")),
        kind="form",
        name=str(view.get("callback_id", "")),
        values=view_values(view),
        meta=str(view.get("private_metadata") or ""),
        delivery_id=str(body.get("trigger_id", "")),
        source_ref=view.get("id"),
    )


def home_inbound(body: Mapping[str, Any]) -> Inbound | None:
    """`app_home_opened` on the Home tab → the neutral `home` command (None for other tabs)."""
    event = body.get("event") or {}
    if event.get("tab", "home") != "home":
        return None
    return Inbound(
        platform=PLATFORM,
        user_id=str(event.get("user", "")),
        kind="command",
        name="home",
        delivery_id=str(body.get("event_id", "")),
    )
