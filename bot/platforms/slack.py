"""The Slack adapter: slack-bolt's `AsyncApp` at `POST /slack/events`, plus the outbox sender.

Verification is bolt's own middleware (v0 HMAC signature, 5-minute window; forged, stale
or unsigned requests get 401 before any listener runs). Each listener translates the
payload (`slack_inbound`), runs `dispatch` in a worker thread (it does blocking database
work and must not stall the event loop), and answers (`slack_replies`).

`process_before_response=True`: bolt sends the HTTP response when the listener returns,
instead of polling for `ack()` every 10 ms and finishing the listener afterwards. The
listener only does one short transaction plus at most a few Web API calls, well inside
Slack's 3 seconds, and the slow work (messages to other people) is in the outbox, so no
lazy listener is needed and nothing runs after the response where an error would be lost.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request, Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger import get_bolt_app_logger
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms import slack_inbound as inbound
from bot.platforms import slack_replies as replies
from bot.platforms.slack_render import render_messages
from bot.settings import Settings
from handlers import cards as c
from handlers.context import Deps
from handlers.dispatch import Inbound
from handlers.fastpath import dispatch_fast
from handlers.i18n import t
from handlers.routes import Routes

log = logging.getLogger(__name__)

PATH = "/slack/events"


def make_client(token: str, api_url: str) -> AsyncWebClient:
    """The one Web API client of the process (`PERFBOT_SLACK_API_URL` may point anywhere)."""
    base = api_url if api_url.endswith("/") else api_url + "/"
    return AsyncWebClient(token=token, base_url=base)


def _origin(body: Mapping[str, Any], user_id: str) -> replies.Origin:
    """Channel, message or view a command/click came from, for answering it."""
    container = body.get("container") or {}
    view = body.get("view") or {}
    channel = body.get("channel_id") or container.get("channel_id")
    channel = channel or (body.get("channel") or {}).get("id")
    return replies.Origin(
        user_id=user_id,
        channel_id=str(channel) if channel else None,
        trigger_id=body.get("trigger_id"),
        message_ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
        view_id=view.get("id") or container.get("view_id"),
        view_type=view.get("type"),
        response_url=body.get("response_url"),
        ephemeral=bool(container.get("is_ephemeral")),
    )


class _App(AsyncApp):
    """bolt's `AsyncApp` without its per-request Web API client and logger look-up: bolt
    builds a new `AsyncWebClient` for every request (reading the proxy environment each
    time) so that a listener may change its token; ours never do and answer through the
    shared client."""

    _listener_logger: logging.Logger | None = None

    def _init_context(self, req: AsyncBoltRequest) -> None:
        if self._listener_logger is None:  # bolt looks it up anew for every request
            self._listener_logger = get_bolt_app_logger(
                app_name=self.name, base_logger=self._base_logger
            )
        req.context["logger"] = self._listener_logger
        req.context["token"] = self._token
        req.context["client"] = self._async_client
        req.context["listener_runner"] = self.listener_runner


class SlackAdapter:
    """Listeners bound to the process's `Deps`, routing table and Web API client."""

    def __init__(self, deps: Deps, routes: Routes, client: AsyncWebClient) -> None:
        self.deps = deps
        self.routes = routes
        self.client = client

    async def run(self, event: Inbound) -> list[c.Reply]:
        """`dispatch` off the event loop (the fast path when the snapshot decides the event);
        a crash becomes a polite notice, not a timeout."""
        try:
            return await dispatch_fast(self.deps, event, self.routes)
        except Exception:
            log.exception("slack %s %r failed", event.kind, event.name)
            return [c.Ephemeral(c.Card(blocks=(c.Text(t("error.generic", None)),)))]

    async def on_command(self, ack: replies.Ack, body: dict[str, Any]) -> None:
        event = inbound.command_inbound(body)
        out = await self.run(event)
        await replies.answer_command(out, ack, self.client, _origin(body, event.user_id))

    async def on_action(self, ack: replies.Ack, body: dict[str, Any]) -> None:
        event = inbound.action_inbound(body)
        if event.name not in self.routes.actions:
            await ack()  # a link button, or one no handler claims: nothing to do
            return
        out = await self.run(event)
        await replies.answer_action(out, ack, self.client, _origin(body, event.user_id))

    async def on_view(self, ack: replies.Ack, body: dict[str, Any]) -> None:
        out = await self.run(inbound.view_inbound(body))
        await replies.answer_view(out, ack)

    async def on_home(self, body: dict[str, Any]) -> None:
        event = inbound.home_inbound(body)
        if event is None:
            return
        out = await self.run(event)
        await replies.publish_home(out, self.client, event.user_id)

    def bolt_app(self, signing_secret: str) -> AsyncApp:
        """The bolt app with every listener registered from the declared surface."""
        bolt = _App(
            name="perfbot",
            client=self.client,
            signing_secret=signing_secret,
            process_before_response=True,
        )

        # bolt picks listener arguments by parameter name, so wrap the bound methods
        async def command(ack: replies.Ack, body: dict[str, Any]) -> None:
            await self.on_command(ack, body)

        async def action(ack: replies.Ack, body: dict[str, Any]) -> None:
            await self.on_action(ack, body)

        async def view(ack: replies.Ack, body: dict[str, Any]) -> None:
            await self.on_view(ack, body)

        async def home(body: dict[str, Any]) -> None:
            await self.on_home(body)

        # bolt tries listeners in registration order, building each one's arguments: the
        # hot interactions first, and one listener for every slash command
        events = {"app_home_opened": home}
        bolt.view_submission(re.compile(".*"))(view)
        bolt.block_action(re.compile(".+"))(action)
        names = "|".join(re.escape(n) for n in inbound.SLASH_COMMANDS)
        bolt.command(re.compile(f"^(?:{names})$"))(command)
        for name in inbound.EVENTS:
            bolt.event(name)(events[name])
        return bolt


def mount_slack(app: FastAPI, bolt: AsyncApp) -> None:
    """`POST /slack/events`: one Request URL for events, commands and interactivity."""
    handler = AsyncSlackRequestHandler(bolt)

    @app.post(PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        if not request.headers.get("x-slack-request-timestamp", "").strip().isdigit():
            # bolt's verifier crashes (500) on an empty or non-numeric timestamp
            log.warning("slack request without a valid timestamp rejected")
            return Response(status_code=401, content="invalid request")
        return await handler.handle(request)


class SlackSender:
    """The outbox's Slack sender: a neutral card to a DM (`user:U…`) or `channel:C…`.

    A DM is posted with the user id as the channel (Slack delivers it to the app's DM with
    that user), which saves a `conversations.open` call — and a slot of the app budget —
    per message. Errors surface as `SlackApiError` with the HTTP status and headers, so
    the dispatcher reads a 429's `Retry-After` (no SDK retry handler swallows it).
    """

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._own_session = False

    async def open(self) -> None:
        """One keep-alive HTTP session for every send while the dispatcher runs
        (slack_sdk otherwise opens a new session, and connection, per call)."""
        import aiohttp

        if self.client.session is None or self.client.session.closed:
            timeout = aiohttp.ClientTimeout(total=self.client.timeout)
            self.client.session = aiohttp.ClientSession(timeout=timeout)
            self._own_session = True

    async def aclose(self) -> None:
        if self._own_session and self.client.session is not None:
            await self.client.session.close()
            self.client.session = None
            self._own_session = False

    async def _channel(self, target: str) -> str:
        kind, _, ref = target.partition(":")
        if kind in ("user", "channel") and ref:
            return ref
        if not ref and target[:1] in "CGD":
            return target  # a bare conversation id, as some producers write it
        raise ValueError(f"slack cannot send to target {target!r}")

    async def send(self, target: str, card: c.Card, *, key: str) -> str:
        """Post every page; returns `<channel>:<ts>` of the first. The key rides in message
        metadata so a duplicate is visible on Slack's side too."""
        channel = await self._channel(target)
        refs: list[str] = []
        for n, page in enumerate(render_messages(card)):
            page_key = key if n == 0 else f"{key}:p{n + 1}"
            metadata = {
                "event_type": "perfbot_outbox",
                "event_payload": {"idempotency_key": page_key},
            }
            posted = await self.client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, metadata=metadata, **page
            )
            refs.append(f"{posted['channel']}:{posted['ts']}")
        return refs[0]


def install_slack(app: FastAPI, deps: Deps, routes: Routes, settings: Settings) -> SlackSender:
    """Mount the Slack endpoint; returns the outbox sender sharing the same Web API client."""
    if settings.slack_bot_token is None or settings.slack_signing_secret is None:
        raise ValueError("Slack needs PERFBOT_SLACK_BOT_TOKEN and PERFBOT_SLACK_SIGNING_SECRET")
    client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    adapter = SlackAdapter(deps, routes, client)
    mount_slack(app, adapter.bolt_app(settings.slack_signing_secret.get_secret_value()))
    return SlackSender(client)
