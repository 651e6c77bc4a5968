"""Fake Slack Web API for `WebClient(base_url=fake.url + "/api/")` and `AsyncWebClient`.

Shapes follow docs.slack.dev method pages: errors are HTTP 200 with `{"ok": false, "error":
...}`; rate limiting is HTTP 429 with `Retry-After` and `{"ok": false, "error":
"ratelimited"}`. Posting is limited per channel (1/s, burst 3 by default) and optionally
app-wide (`app_limit`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.base import FakeServer
from tests.fakes.limits import BucketLimiter, Clock, Limit, retry_after_header
from tests.fakes.transport import Request, Response

DEFAULT_TOKEN = "xoxb-fake-token"
CHANNEL_LIMIT = Limit.per_second(1.0, burst=3)
_CHANNEL_RE = re.compile(r"^[CDG][A-Z0-9]+$")
_USER_RE = re.compile(r"^[UW][A-Z0-9]+$")
_POSTING = {"chat.postMessage", "chat.postEphemeral"}


def _err(error: str, **extra: Any) -> Response:
    return Response(200, {"ok": False, "error": error, **extra})


def _ok(**fields: Any) -> Response:
    return Response(200, {"ok": True, **fields})


class FakeSlackAPI(FakeServer):
    """The Slack methods perfbot uses; state lives in dicts for tests to inspect."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        channels: set[str] | None = None,
        users: dict[str, dict[str, Any]] | None = None,
        channel_limit: Limit | None = CHANNEL_LIMIT,
        app_limit: Limit | None = None,
        single_use_triggers: bool = True,
        clock: Clock = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(clock=clock, **kwargs)
        self.token = token
        self.channels = channels  # None: any well-formed channel id exists
        self.users = users or {}
        self.channel_limiter = BucketLimiter(channel_limit, clock)
        self.app_limiter = BucketLimiter(app_limit, clock)
        self.single_use_triggers = single_use_triggers
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_tabs: dict[str, dict[str, Any]] = {}
        self._used_triggers: set[str] = set()
        self._seq = itertools.count(1)
        self._methods: dict[str, Callable[[dict[str, Any]], Response]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._chat_update,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
        }

    def handle(self, request: Request) -> Response:
        method = request.path.removeprefix("/api/")
        handler = self._methods.get(method)
        if handler is None:
            return Response(404, {"ok": False, "error": "unknown_method"})
        args = {**request.query, **(request.body if isinstance(request.body, dict) else {})}
        token = request.bearer() or args.pop("token", None)
        if not token:
            return _err("not_authed")
        if token != self.token:
            return _err("invalid_auth")
        wait = self.app_limiter.acquire("app")
        if not wait and method in _POSTING and isinstance(args.get("channel"), str):
            wait = self.channel_limiter.acquire(args["channel"])
        if wait:
            headers = {"Retry-After": retry_after_header(wait)}
            return Response(429, {"ok": False, "error": "ratelimited"}, headers)
        return handler(args)

    # -- helpers -----------------------------------------------------------------------------
    def _ts(self) -> str:
        return f"{int(time.time())}.{next(self._seq):06d}"

    def _channel_exists(self, channel: Any) -> bool:
        if not isinstance(channel, str) or not _CHANNEL_RE.match(channel):
            return False
        return self.channels is None or channel in self.channels or channel.startswith("D")

    @staticmethod
    def _content(args: dict[str, Any]) -> dict[str, Any] | None:
        content = {k: _json_arg(args[k]) for k in ("text", "blocks", "attachments") if args.get(k)}
        return content or None

    @staticmethod
    def _key(args: dict[str, Any]) -> str | None:
        """An idempotency key carried in message metadata, if the sender put one there."""
        payload = (_json_arg(args.get("metadata")) or {}).get("event_payload") or {}
        key = payload.get("idempotency_key") if isinstance(payload, dict) else None
        return str(key) if key else None

    # -- methods -----------------------------------------------------------------------------
    def _auth_test(self, args: dict[str, Any]) -> Response:
        return _ok(
            url="https://fake-workspace.slack.com/",
            team="Fake Workspace",
            user="perfbot",
            team_id="T0FAKE",
            user_id="U0BOT",
            bot_id="B0BOT",
            is_enterprise_install=False,
        )

    def _post_message(self, args: dict[str, Any]) -> Response:
        channel = args.get("channel")
        if isinstance(channel, str) and _USER_RE.match(channel) and self._user_exists(channel):
            channel = self._dm_id([channel])  # a user id posts to the app's DM with them
        if not self._channel_exists(channel):
            return _err("channel_not_found")
        content = self._content(args)
        if content is None:
            return _err("no_text")
        ts = self._ts()
        message = {"type": "message", "bot_id": "B0BOT", "user": "U0BOT", "ts": ts, **content}
        self.messages[(str(channel), ts)] = message
        self.deliver("message", str(channel), content, self._key(args))
        return _ok(channel=channel, ts=ts, message=message)

    def _post_ephemeral(self, args: dict[str, Any]) -> Response:
        channel, user = args.get("channel"), args.get("user")
        if not self._channel_exists(channel):
            return _err("channel_not_found")
        if not isinstance(user, str) or not user:
            return _err("user_not_in_channel")
        content = self._content(args)
        if content is None:
            return _err("no_text")
        self.deliver("ephemeral", f"{channel}/{user}", content, self._key(args))
        return _ok(message_ts=self._ts())

    def _chat_update(self, args: dict[str, Any]) -> Response:
        channel, ts = args.get("channel"), args.get("ts")
        if not self._channel_exists(channel):
            return _err("channel_not_found")
        if not ts:
            return _err("invalid_arguments")
        message = self.messages.get((str(channel), str(ts)))
        if message is None:
            return _err("message_not_found")
        content = self._content(args)
        if content is None:
            return _err("no_text")
        message.update(content, edited={"user": "U0BOT", "ts": self._ts()})
        return _ok(channel=channel, ts=ts, text=message.get("text", ""), message=message)

    def _new_view(self, view: dict[str, Any], **extra: Any) -> dict[str, Any]:
        view_id = f"V{next(self._seq):08d}"
        digest = hashlib.sha1(json.dumps(view, sort_keys=True).encode()).hexdigest()[:8]
        stored = {**view, "id": view_id, "hash": f"{int(time.time())}.{digest}", **extra}
        self.views[view_id] = stored
        return stored

    def _views_open(self, args: dict[str, Any]) -> Response:
        trigger, view = args.get("trigger_id"), _json_arg(args.get("view"))
        if not trigger or not isinstance(view, dict):
            return _err("invalid_arguments")
        if self.single_use_triggers and trigger in self._used_triggers:
            return _err("expired_trigger_id")
        self._used_triggers.add(str(trigger))
        return _ok(view=self._new_view(view))

    def _views_update(self, args: dict[str, Any]) -> Response:
        view = _json_arg(args.get("view"))
        if not isinstance(view, dict) or not (args.get("view_id") or args.get("external_id")):
            return _err("invalid_arguments")
        current = self.views.get(str(args.get("view_id")))
        if current is None:
            match = [
                v for v in self.views.values() if v.get("external_id") == args.get("external_id")
            ]
            current = match[0] if match and args.get("external_id") else None
        if current is None:
            return _err("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            return _err("hash_conflict")
        updated = {**view, "id": current["id"], "hash": f"{int(time.time())}.{next(self._seq)}"}
        self.views[current["id"]] = updated
        return _ok(view=updated)

    def _views_publish(self, args: dict[str, Any]) -> Response:
        user, view = args.get("user_id"), _json_arg(args.get("view"))
        if not user or not isinstance(view, dict):
            return _err("invalid_arguments")
        if view.get("type") != "home":
            return _err("invalid_arguments")
        stored = self._new_view(view)
        self.home_tabs[str(user)] = stored
        return _ok(view=stored)

    def _conversations_open(self, args: dict[str, Any]) -> Response:
        users = args.get("users")
        if isinstance(users, list):
            users = ",".join(users)
        if args.get("channel"):
            return _ok(channel={"id": args["channel"]})
        if not users:
            return _err("users_list_not_supplied")
        ids = sorted(u.strip() for u in str(users).split(","))
        if any(not self._user_exists(u) for u in ids):
            return _err("user_not_found")
        return _ok(channel={"id": self._dm_id(ids)})

    @staticmethod
    def _dm_id(ids: list[str]) -> str:
        suffix = hashlib.sha1(",".join(sorted(ids)).encode()).hexdigest()[:9].upper()
        return ("D" if len(ids) == 1 else "G") + suffix

    def _user_exists(self, user: str) -> bool:
        return user in self.users or (not self.users and bool(_USER_RE.match(user)))

    def _users_info(self, args: dict[str, Any]) -> Response:
        user = str(args.get("user") or "")
        if not user:
            return _err("invalid_arguments")
        if not self._user_exists(user):
            return _err("user_not_found")
        profile = {"id": user, "name": user.lower(), "tz": "UTC", "locale": "en-US"}
        profile.update(self.users.get(user, {}))
        return _ok(user=profile)


def _json_arg(value: Any) -> Any:
    """slack_sdk sends JSON bodies, but form bodies carry blocks/view as JSON strings."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
