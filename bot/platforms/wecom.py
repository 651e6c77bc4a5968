"""WeCom (企业微信) adapter: `GET, POST /wecom/callback` and the signed form page.

Inbound, in this order and before anything is parsed for meaning: the timestamp must be
fresh (replay protection WeCom itself does not give), `msg_signature` must match, the
envelope must decrypt and name our corp id as receiver. A refused request is logged
without its payload and stores nothing. An accepted callback is answered at once with an
empty 200 (WeCom's "no passive reply"; it re-posts after 5 s without an answer) and the
work runs after the answer: `dispatch` in a worker thread, then the replies go out through
the API (`message/send`, and `update_template_card` with the click's single-use
response_code). Retries are dropped by `dispatch` through the delivery id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
from fastapi import APIRouter, BackgroundTasks, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from bot.platforms import wecom_render as render
from bot.platforms.wecom_api import WeComClient
from bot.platforms.wecom_crypto import (
    WeComCrypto,
    WeComDecryptError,
    WeComReceiverError,
    WeComSignatureError,
)
from bot.platforms.wecom_form import FormLinks, mount_form_page
from bot.platforms.wecom_inbound import (
    Callback,
    MalformedCallback,
    member_locale_of,
    parse_callback,
)
from bot.platforms.wecom_sender import WeComSender
from bot.settings import Settings
from handlers import build_routes
from handlers import cards as c
from handlers.context import Deps
from handlers.fastpath import dispatch_fast
from handlers.i18n import t
from handlers.routes import Routes

log = logging.getLogger("perfbot.wecom")

FRESHNESS_SECONDS = 300
"""How far a callback's timestamp may be from our clock (WeCom retries within ~15 s)."""
MAX_BODY = 64 * 1024
REPLACE_NAME_CHARS = 12


def _refuse(status: int, reason: str) -> Response:
    log.warning("wecom callback refused (%s): %s", status, reason)
    return Response(status_code=status)


class WeComAdapter:
    """Verifies callbacks, hands them to `dispatch`, renders replies back to WeCom."""

    def __init__(
        self,
        *,
        crypto: WeComCrypto,
        deps: Deps,
        routes: Routes,
        sender: WeComSender,
        clock: Callable[[], float] = time.time,
        window: int = FRESHNESS_SECONDS,
    ) -> None:
        self.crypto = crypto
        self.deps = deps
        self.routes = routes
        self.sender = sender
        self.clock = clock
        self.window = window

    # -- verification --------------------------------------------------------------------
    def _query(self, request: Request) -> dict[str, str] | Response:
        """URL-decoded query (WeCom's echostr has '+' as %2B) after the freshness check."""
        query = {k: v[0] for k, v in parse_qs(request.url.query, keep_blank_values=True).items()}
        if not all(query.get(k) for k in ("msg_signature", "timestamp", "nonce")):
            return _refuse(400, "missing msg_signature, timestamp or nonce")
        try:
            stamp = int(query["timestamp"])
        except ValueError:
            return _refuse(400, "timestamp is not an integer")
        if abs(self.clock() - stamp) > self.window:
            return _refuse(401, "stale timestamp")
        return query

    async def verify_url(self, request: Request) -> Response:
        """The GET WeCom sends when the callback URL is saved: answer the plain echostr."""
        query = self._query(request)
        if isinstance(query, Response):
            return query
        if not query.get("echostr"):
            return _refuse(400, "missing echostr")
        try:
            echo = self.crypto.verify_url(
                query["msg_signature"], query["timestamp"], query["nonce"], query["echostr"]
            )
        except (WeComSignatureError, WeComReceiverError) as exc:
            return _refuse(401, type(exc).__name__)
        except WeComDecryptError as exc:
            return _refuse(400, type(exc).__name__)
        return Response(echo, media_type="text/plain")

    async def callback(self, request: Request, background: BackgroundTasks) -> Response:
        """A POSTed callback: verify, decrypt, ack with an empty 200, work afterwards."""
        query = self._query(request)
        if isinstance(query, Response):
            return query
        body = await request.body()
        if len(body) > MAX_BODY:
            return _refuse(413, "body too large")
        try:
            xml = self.crypto.decrypt_message(
                body, query["msg_signature"], query["timestamp"], query["nonce"]
            )
            parsed = parse_callback(xml)
        except (WeComSignatureError, WeComReceiverError) as exc:
            return _refuse(401, type(exc).__name__)
        except (WeComDecryptError, MalformedCallback) as exc:
            return _refuse(400, type(exc).__name__)
        if parsed is None:
            log.info("wecom callback ignored: a message or event kind perfbot does not use")
            return Response(status_code=200)
        background.add_task(self.process, parsed)
        return Response(status_code=200)

    # -- after the answer ----------------------------------------------------------------
    async def process(self, cb: Callback) -> None:
        """Dispatch, then deliver the replies; failures are logged (WeCom got its ack)."""
        try:
            replies = await dispatch_fast(self.deps, cb.inbound, self.routes)
            await self.deliver(cb, replies)
        except Exception:
            log.exception("wecom callback handling failed (%s)", cb.inbound.kind)

    async def deliver(self, cb: Callback, replies: list[c.Reply]) -> None:
        user = cb.inbound.user_id
        errors = [r for r in replies if isinstance(r, c.FormErrors)]
        rest: list[c.Reply] = [r for r in replies if not isinstance(r, c.FormErrors)]
        opens_form = any(isinstance(r, c.OpenForm) for r in replies) and not any(
            isinstance(r, c.Toast | c.UpdateSource) for r in replies
        )
        if cb.response_code and replies and not errors and not opens_form:
            rest = await self._update_clicked(cb, rest)
        for error in errors:  # the card stays clickable: the member may choose again
            await self.sender.send_text(user, "\n".join(f"- {m}" for m in error.errors.values()))
        for reply in rest:
            if isinstance(reply, c.OpenForm):
                await self.sender.send_form(user, reply.form)
            elif isinstance(reply, c.Toast):
                await self.sender.send_text(user, reply.text)
            elif isinstance(reply, c.Respond | c.Ephemeral | c.UpdateSource):
                await self.sender.send_card(user, reply.card)

    async def _update_clicked(self, cb: Callback, replies: list[c.Reply]) -> list[c.Reply]:
        """Spend the click's response_code on one update; returns the replies left to send."""
        code, user = cb.response_code or "", cb.inbound.user_id
        update = next((r for r in replies if isinstance(r, c.UpdateSource)), None)
        if update is not None:
            template = render.render_card(
                update.card, task_id=cb.task_id or "", link_url=self.deps.public_url
            )
            await self.sender.client.update_template_card(code, [user], template_card=template)
            return [r for r in replies if r is not update]
        toast = next((r for r in replies if isinstance(r, c.Toast)), None)
        if toast is not None:
            label = toast.text
        else:
            locale = await run_in_threadpool(member_locale_of, self.deps.engine, user)
            label = t("wecom.submitted", locale)
        name = label if len(label) <= REPLACE_NAME_CHARS else label[: REPLACE_NAME_CHARS - 1] + "…"
        await self.sender.client.update_template_card(code, [user], button={"replace_name": name})
        return [r for r in replies if r is not toast or len(toast.text) > REPLACE_NAME_CHARS]

    def router(self, links: FormLinks | None = None) -> APIRouter:
        router = APIRouter(tags=["wecom"])
        router.add_api_route("/wecom/callback", self.verify_url, methods=["GET"])
        router.add_api_route("/wecom/callback", self.callback, methods=["POST"])
        if links is not None:
            mount_form_page(router, self.deps, self.routes, links)
        return router


def build_wecom(
    settings: Settings,
    deps: Deps,
    http: httpx.AsyncClient,
    *,
    routes: Routes | None = None,
    clock: Callable[[], float] = time.time,
) -> tuple[WeComAdapter, FormLinks]:
    """The adapter and form links from `PERFBOT_WECOM_*` settings (all must be set)."""
    if not (settings.wecom_corp_id and settings.wecom_secret and settings.wecom_aes_key):
        raise ValueError("WeCom needs PERFBOT_WECOM_CORP_ID, _SECRET and _AES_KEY")
    if not (settings.wecom_token and settings.wecom_agent_id):
        raise ValueError("WeCom needs PERFBOT_WECOM_TOKEN and PERFBOT_WECOM_AGENT_ID")
    crypto = WeComCrypto(
        settings.wecom_token.get_secret_value(),
        settings.wecom_aes_key.get_secret_value(),
        settings.wecom_corp_id,
    )
    client = WeComClient(
        http,
        corp_id=settings.wecom_corp_id,
        secret=settings.wecom_secret.get_secret_value(),
        agent_id=int(settings.wecom_agent_id),
        base_url=settings.wecom_api_url,
    )
    links = FormLinks(deps.secret_key, deps.public_url)
    sender = WeComSender(client, form_link=links.url)
    adapter = WeComAdapter(
        crypto=crypto, deps=deps, routes=routes or build_routes(), sender=sender, clock=clock
    )
    return adapter, links


def install_wecom(
    app: FastAPI, deps: Deps, routes: Routes, settings: Settings, http: httpx.AsyncClient
) -> WeComSender:
    """Mount `/wecom/callback` and `/wecom/form/…`; returns the outbox sender (same client)."""
    adapter, links = build_wecom(settings, deps, http, routes=routes)
    app.include_router(adapter.router(links))
    return adapter.sender
