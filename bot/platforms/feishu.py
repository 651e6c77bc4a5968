"""Feishu (Lark) adapter: `POST /feishu/events` for events and card callbacks.

lark-oapi's `EventDispatcherHandler` does the platform's own checks (decryption,
verification token, `X-Lark-Signature`, the `url_verification` challenge); `feishu_verify`
adds what it lacks. Text messages are answered with HTTP 200 at once and handled in a
background task (Feishu retries anything slower than 3 s); card clicks must be answered in
the response, within 3 s, so they are dispatched in a worker thread while the request
waits. Either way `dispatch` runs off the event loop and de-duplicates by `event_id`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import lark_oapi as lark
from fastapi import APIRouter, BackgroundTasks, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse
from lark_oapi.event.custom import CustomizedEventProcessor

from bot.platforms.feishu_inbound import (
    MessageIn,
    action_inbound,
    as_message,
    callback_answer,
    message_inbound,
)
from bot.platforms.feishu_send import FeishuSender
from bot.platforms.feishu_verify import (
    URL_VERIFICATION,
    Envelope,
    Refusal,
    check_fresh,
    open_envelope,
    raw_request,
    refuse,
)
from bot.settings import Settings
from handlers.context import Deps
from handlers.dispatch import Inbound, dispatch
from handlers.fastpath import dispatch_fast_sync
from handlers.routes import Routes

log = logging.getLogger("perfbot.feishu")

MESSAGE_EVENT = "im.message.receive_v1"
CARD_ACTION = "card.action.trigger"
PATH = "/feishu/events"

Json = dict[str, Any]
Outgoing = list[tuple[str, Json]]


@dataclass(frozen=True)
class FeishuConfig:
    """The console values the adapter needs (see README "Install on Feishu/Lark")."""

    verification_token: str
    encrypt_key: str = ""


@dataclass
class _Outcome:
    """What the SDK handed to our processors during one `do` call."""

    reached: bool = False
    message: MessageIn | None = None
    answer: Json = field(default_factory=dict)
    later: Outgoing = field(default_factory=list)
    event_id: str = ""


class _IgnoreUnknown(dict[str, Any]):
    """The SDK's processor map, answering unregistered event types with a no-op.

    Without it the SDK fails (500) on any event type we did not register, and Feishu keeps
    retrying; with it the SDK still verifies token and signature first, then we answer 200.
    """

    def __init__(self, base: Mapping[str, Any], fallback: Any) -> None:
        super().__init__(base)
        self.fallback = fallback

    def get(self, key: str, default: Any = None) -> Any:
        found = super().get(key, default)
        return found if found is not None else self.fallback


class FeishuAdapter:
    """Verifies and routes Feishu callbacks; replies go out through `sender`."""

    def __init__(
        self,
        config: FeishuConfig,
        deps: Deps,
        routes: Routes,
        sender: FeishuSender,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.deps = deps
        self.routes = routes
        self.sender = sender
        self.wall_clock = wall_clock

    async def handle(self, request: Request, background: BackgroundTasks) -> Response:
        """The route: refusals are 400/401 and logged without the payload."""
        body = await request.body()
        raw = raw_request(request.url.path, request.headers, body)
        try:
            if not (self.config.verification_token and self.config.encrypt_key):
                # without both, requests can be neither authenticated nor dated
                raise Refusal(401, "PERFBOT_FEISHU_VERIFICATION_TOKEN/ENCRYPT_KEY not set")
            envelope = open_envelope(body, self.config.encrypt_key)
            if envelope.kind == URL_VERIFICATION:
                return self._run_sdk(raw, envelope, _Outcome())[0]
            check_fresh(raw, self.wall_clock)
            response, outcome = await anyio.to_thread.run_sync(
                self._run_sdk, raw, envelope, _Outcome()
            )
        except Refusal as refusal:
            refuse(refusal, request.url.path)
            return JSONResponse({"msg": refusal.reason}, status_code=refusal.status)
        if outcome.message is not None:
            background.add_task(self.answer_message, outcome.message)
        if outcome.later:
            background.add_task(self.deliver, outcome.later, outcome.event_id)
        return response

    def _run_sdk(
        self, raw: Any, envelope: Envelope, outcome: _Outcome
    ) -> tuple[Response, _Outcome]:
        """Let the SDK verify and dispatch to our processors (blocking: worker thread)."""
        handler = self._sdk_handler(envelope, outcome)
        result = handler.do(raw)
        if result.status_code != 200:
            if not outcome.reached:
                raise Refusal(401, f"lark-oapi refused the request: {_sdk_msg(result)}")
            raise RuntimeError(f"feishu {envelope.kind} handler failed")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        return Response(result.content, status_code=200, headers=headers), outcome

    def _sdk_handler(self, envelope: Envelope, outcome: _Outcome) -> Any:
        outcome.event_id = envelope.event_id

        def on_message(_data: Any) -> None:
            outcome.reached = True
            outcome.message = message_inbound(envelope.body)

        def on_card(_data: Any) -> P2CardActionTriggerResponse:
            outcome.reached = True
            outcome.answer, outcome.later = self.answer_click(envelope.body)
            return P2CardActionTriggerResponse(outcome.answer)

        def on_other(_data: Any) -> None:
            outcome.reached = True
            log.info("feishu event type %s ignored", envelope.kind)

        handler = (
            lark.EventDispatcherHandler.builder(
                self.config.encrypt_key, self.config.verification_token
            )
            .register_p2_im_message_receive_v1(on_message)
            .register_p2_card_action_trigger(on_card)
            .build()
        )
        handler._processorMap = _IgnoreUnknown(
            handler._processorMap, CustomizedEventProcessor(on_other)
        )
        return handler

    def answer_click(self, body: Mapping[str, Any]) -> tuple[Json, Outgoing]:
        """Dispatch a card click now (worker thread) and build the 3-second answer."""
        inbound, user, chat = action_inbound(body)
        replies = dispatch_fast_sync(self.deps, inbound, self.routes)
        return callback_answer(replies, user, chat)

    async def answer_message(self, message: MessageIn) -> None:
        """Background: dispatch a typed command, then send its replies."""
        try:
            replies = await anyio.to_thread.run_sync(self._dispatch, message.inbound)
        except Exception:
            log.exception("feishu command %s failed", message.inbound.name)
            return
        outgoing = [as_message(r, message.open_id, message.chat_id) for r in replies]
        await self.deliver([m for m in outgoing if m], message.inbound.delivery_id)

    def _dispatch(self, inbound: Inbound) -> list[Any]:
        return dispatch(self.deps, inbound, self.routes)

    async def deliver(self, outgoing: Outgoing, event_id: str) -> None:
        """Send reply cards; the uuid derives from the event so a resend is not a duplicate."""
        for index, (target, card) in enumerate(outgoing):
            key = f"feishu:{event_id}:{index}" if event_id else ""
            try:
                await anyio.to_thread.run_sync(self.sender.post, target, card, key)
            except Exception as exc:  # noqa: BLE001 - one failed reply must not stop the rest
                log.warning("feishu reply to %s failed: %s", target.split(":")[0], exc)


def _sdk_msg(result: Any) -> str:
    content = result.content or b""
    return content.decode("utf-8", errors="replace")[:200]


def install_feishu(app: FastAPI, deps: Deps, routes: Routes, settings: Settings) -> FeishuSender:
    """Mount `POST /feishu/events`; returns the outbox sender sharing the same SDK client."""
    if not settings.feishu_app_id or settings.feishu_app_secret is None:
        raise ValueError("Feishu needs PERFBOT_FEISHU_APP_ID and PERFBOT_FEISHU_APP_SECRET")
    token = settings.feishu_verification_token
    key = settings.feishu_encrypt_key
    config = FeishuConfig(
        verification_token=token.get_secret_value() if token else "",
        encrypt_key=key.get_secret_value() if key else "",
    )
    sender = FeishuSender.create(
        settings.feishu_app_id,
        settings.feishu_app_secret.get_secret_value(),
        settings.feishu_api_url,
    )
    adapter = FeishuAdapter(config, deps, routes, sender)
    router = APIRouter(tags=["feishu"])

    @router.post(PATH)
    async def feishu_events(request: Request, background: BackgroundTasks) -> Response:
        """Feishu event subscription and card callback endpoint."""
        return await adapter.handle(request, background)

    app.include_router(router)
    app.state.feishu = adapter
    return sender
