"""Sending Feishu cards: `im/v1/messages` create and patch through the lark-oapi client.

The SDK fetches the tenant access token and caches it process-wide until ten minutes
before it expires, so a token is refreshed before Feishu would reject it. A token revoked
early (Feishu answers 99991663/99991677) is evicted and the call retried once. The SDK is
synchronous (requests), so the async entry points run it in a worker thread and never block
the event loop.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import anyio
import lark_oapi as lark
from lark_oapi.api.im.v1 import (
    CreateMessageRequest,
    CreateMessageRequestBody,
    PatchMessageRequest,
    PatchMessageRequestBody,
)
from lark_oapi.core.token import TokenManager

from bot.platforms.feishu_render import render_card
from handlers.cards import Card

STALE_TOKEN_CODES = frozenset({99991661, 99991663, 99991677})
RATE_LIMITED_CODE = 99991400
Json = dict[str, Any]


class FeishuSendError(Exception):
    """Feishu refused a call; `retry_after` is set when it asked us to slow down."""

    def __init__(self, code: int, msg: str, retry_after: float | None = None) -> None:
        super().__init__(f"feishu error {code}: {msg}")
        self.code = code
        self.msg = msg
        self.retry_after = retry_after


def message_uuid(key: str) -> str:
    """Feishu's `uuid` (≤ 50 chars) from an idempotency key of any length: same key, same uuid."""
    return str(uuid.UUID(bytes=hashlib.sha256(key.encode()).digest()[:16]))


def receiver(target: str) -> tuple[str, str]:
    """`user:<open_id>` → ("open_id", id); `channel:<chat_id>` → ("chat_id", id)."""
    kind, _, ref = target.partition(":")
    id_type = {"user": "open_id", "channel": "chat_id"}.get(kind)
    if id_type is None or not ref:
        raise ValueError(f"not a Feishu target: {target!r}")
    return id_type, ref


def build_client(app_id: str, app_secret: str, api_url: str, timeout: float = 10.0) -> Any:
    """The SDK client for our self-built app, pointed at `PERFBOT_FEISHU_API_URL`."""
    return (
        lark.Client.builder()
        .app_id(app_id)
        .app_secret(app_secret)
        .domain(api_url.rstrip("/"))
        .timeout(timeout)
        .build()
    )


def _retry_after(resp: Any) -> float | None:
    headers = getattr(getattr(resp, "raw", None), "headers", None) or {}
    value = {k.lower(): v for k, v in headers.items()}.get("x-ogw-ratelimit-reset")
    try:
        return float(value) if value is not None else 1.0
    except ValueError:
        return 1.0


class FeishuSender:
    """The outbox's Feishu `Sender` (bot.delivery): `await send(target, card, key=...)` → message id."""

    platform = "feishu"
    # Feishu's frequency limits for im/v1/messages; the outbox dispatcher paces by these.
    PER_APP_PER_SECOND = 50
    PER_APP_PER_MINUTE = 1000
    PER_RECEIVER_PER_SECOND = 5

    def __init__(self, client: Any, app_id: str) -> None:
        self.client = client
        self.app_id = app_id

    @classmethod
    def create(cls, app_id: str, app_secret: str, api_url: str) -> FeishuSender:
        return cls(build_client(app_id, app_secret, api_url), app_id)

    async def send(self, target: str, card: Card, *, key: str) -> str:
        """Send a card for the outbox; its idempotency key becomes Feishu's `uuid`."""
        return await anyio.to_thread.run_sync(self.post, target, render_card(card), key)

    async def update(self, message_id: str, card: Card) -> None:
        """Replace a card we sent, in place."""
        await anyio.to_thread.run_sync(self.patch, message_id, render_card(card))

    def post(self, target: str, content: Json, key: str = "") -> str:
        """Blocking create of one interactive message; returns its `message_id`."""
        id_type, receive_id = receiver(target)
        body = (
            CreateMessageRequestBody.builder()
            .receive_id(receive_id)
            .msg_type("interactive")
            .content(json.dumps(content, ensure_ascii=False))
        )
        if key:
            body = body.uuid(message_uuid(key))
        request = (
            CreateMessageRequest.builder()
            .receive_id_type(id_type)
            .request_body(body.build())
            .build()
        )
        resp = self._call(lambda: self.client.im.v1.message.create(request))
        return str(resp.data.message_id)

    def patch(self, message_id: str, content: Json) -> None:
        """Blocking update of a card we sent (`im/v1/messages/:id` PATCH)."""
        body = PatchMessageRequestBody.builder().content(json.dumps(content, ensure_ascii=False))
        request = PatchMessageRequest.builder().message_id(message_id).request_body(body.build())
        self._call(lambda: self.client.im.v1.message.patch(request.build()))

    def _call(self, do: Any) -> Any:
        resp = do()
        if resp.code in STALE_TOKEN_CODES:
            self.forget_token()
            resp = do()
        if not resp.success():
            retry = _retry_after(resp) if resp.code == RATE_LIMITED_CODE else None
            raise FeishuSendError(int(resp.code or -1), str(resp.msg), retry)
        return resp

    def forget_token(self) -> None:
        """Drop the cached tenant token so the next call fetches a new one."""
        TokenManager.cache.set(f"self_tenant_token:{self.app_id}", "", 0)
