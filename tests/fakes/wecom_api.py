"""Fake WeCom (qyapi) server API: token, app messages, template-card updates, app chats, robots.

Shapes and limits from developer.work.weixin.qq.com: every answer is HTTP 200 with
`{"errcode", "errmsg"}`. App messages beyond 30 per member per minute / 1000 per hour, and
app-chat messages beyond 200 per member per minute, are *silently dropped* (errcode 0, not
delivered): the fake lists them in `dropped` so tests can see the loss. Group robots answer
45009 beyond 20 per minute. Only where the docs give no code (reused response_code) the
fake answers the generic 40058 "invalid parameter".
"""

from __future__ import annotations

import itertools
import secrets
import time
from typing import Any

from tests.fakes.base import FakeServer
from tests.fakes.limits import Clock, Window, WindowLimiter
from tests.fakes.transport import Request, Response

APP_TYPES = {"text", "image", "voice", "video", "file", "textcard", "news", "mpnews",
             "markdown", "miniprogram_notice", "template_card"}  # fmt: skip
APPCHAT_TYPES = {"text", "image", "voice", "video", "file", "textcard", "news", "mpnews",
                 "markdown"}  # fmt: skip
ROBOT_TYPES = {"text", "markdown", "markdown_v2", "image", "news", "file", "voice",
               "template_card"}  # fmt: skip
CARD_TYPES = {"text_notice", "news_notice", "button_interaction", "vote_interaction",
              "multiple_interaction"}  # fmt: skip
INTERACTIVE_CARDS = {"button_interaction", "vote_interaction", "multiple_interaction"}
ROBOT_CARD_TYPES = {"text_notice", "news_notice"}
MEMBER_WINDOWS = (Window(30, 60.0), Window(1000, 3600.0))
APPCHAT_WINDOWS = (Window(200, 60.0), Window(10_000, 86_400.0))
ROBOT_WINDOWS = (Window(20, 60.0),)

E_INVALID_CREDENTIAL, E_INVALID_CORPID = 40001, 40013
E_INVALID_TOKEN, E_MISSING_TOKEN, E_TOKEN_EXPIRED = 40014, 41001, 42001
E_MSGTYPE, E_PARAM, E_AGENTID, E_MISSING_AGENTID = 40008, 40058, 40056, 41011
E_EMPTY_CONTENT, E_TASK_ID, E_FREQ = 44004, 42014, 45009
E_NO_RECEIVER, E_NO_CHAT, E_WEBHOOK = 81013, 86003, 93000


def _err(code: int, msg: str, **extra: Any) -> Response:
    return Response(200, {"errcode": code, "errmsg": msg, **extra})


def _ok(**extra: Any) -> Response:
    return Response(200, {"errcode": 0, "errmsg": "ok", **extra})


def _body(request: Request) -> dict[str, Any]:
    return request.body if isinstance(request.body, dict) else {}


class FakeWeComAPI(FakeServer):
    """One corp with one self-built app (`agent_id`), its app chats and group robots."""

    def __init__(
        self,
        *,
        corp_id: str = "wwfakecorp",
        corp_secret: str = "fake-corp-secret",
        agent_id: int = 1000002,
        token_expires_in: int = 7200,
        users: set[str] | None = None,
        chats: dict[str, list[str]] | None = None,
        webhook_keys: dict[str, str] | None = None,
        member_windows: tuple[Window, ...] = MEMBER_WINDOWS,
        appchat_windows: tuple[Window, ...] = APPCHAT_WINDOWS,
        robot_windows: tuple[Window, ...] = ROBOT_WINDOWS,
        clock: Clock = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(clock=clock, **kwargs)
        self.corp_id, self.corp_secret, self.agent_id = corp_id, corp_secret, agent_id
        self.token_expires_in = token_expires_in
        self.users = users  # None: every userid exists
        self.chats = chats  # None: every chatid exists, members unknown
        self.webhook_keys = webhook_keys or {"fake-robot-key": "robot"}
        self.member_limiter = WindowLimiter(member_windows, clock)
        self.appchat_limiter = WindowLimiter(appchat_windows, clock)
        self.robot_limiter = WindowLimiter(robot_windows, clock)
        self.tokens: dict[str, float] = {}
        self.task_ids: set[str] = set()
        self.response_codes: dict[str, str] = {}  # unused code -> task_id
        self.card_updates: list[dict[str, Any]] = []
        self.deduplicated = 0
        self._recent: dict[tuple[str, str], float] = {}
        self._seq = itertools.count(1)
        self._routes = {
            "/cgi-bin/gettoken": self._gettoken,
            "/cgi-bin/message/send": self._message_send,
            "/cgi-bin/message/update_template_card": self._update_card,
            "/cgi-bin/appchat/send": self._appchat_send,
        }

    # -- test controls -----------------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Every issued token answers 42001 from now on, as after `expires_in` seconds."""
        now = self.clock()
        self.tokens = dict.fromkeys(self.tokens, now - 1)

    def issue_response_code(self, task_id: str) -> str:
        """A code like the one a card-click callback carries (usable once)."""
        code = "rc-" + secrets.token_hex(12)
        self.response_codes[code] = task_id
        return code

    # -- dispatch ----------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.path == "/cgi-bin/webhook/send":
            return self._webhook_send(request)
        route = self._routes.get(request.path)
        if route is None:
            return Response(404, {"errcode": 404, "errmsg": "not found"})
        if request.path != "/cgi-bin/gettoken":
            denied = self._check_token(request.query.get("access_token"))
            if denied is not None:
                return denied
        return route(request)

    def _gettoken(self, request: Request) -> Response:
        if request.query.get("corpid") != self.corp_id:
            return _err(E_INVALID_CORPID, "invalid corpid")
        if request.query.get("corpsecret") != self.corp_secret:
            return _err(E_INVALID_CREDENTIAL, "invalid credential")
        token = secrets.token_urlsafe(32)
        self.tokens[token] = self.clock() + self.token_expires_in
        return _ok(access_token=token, expires_in=self.token_expires_in)

    def _check_token(self, token: str | None) -> Response | None:
        if not token:
            return _err(E_MISSING_TOKEN, "access_token missing")
        expiry = self.tokens.get(token)
        if expiry is None:
            return _err(E_INVALID_TOKEN, "invalid access_token")
        if expiry <= self.clock():
            return _err(E_TOKEN_EXPIRED, "access_token expired")
        return None

    # -- content checks ----------------------------------------------------------------------
    def _check_content(self, body: dict[str, Any], allowed: set[str]) -> Response | None:
        msgtype = body.get("msgtype")
        if msgtype not in allowed or not isinstance(body.get(msgtype), dict):
            return _err(E_MSGTYPE, f"invalid message type: {msgtype}")
        payload = body[msgtype]
        if msgtype in {"text", "markdown", "markdown_v2"} and not payload.get("content"):
            return _err(E_EMPTY_CONTENT, "empty content")
        if msgtype == "textcard" and not all(
            payload.get(f) for f in ("title", "description", "url")
        ):
            return _err(E_PARAM, "textcard needs title, description and url")
        if msgtype == "template_card":
            return self._check_card(payload)
        return None

    def _check_card(self, card: dict[str, Any]) -> Response | None:
        card_type = card.get("card_type")
        if card_type not in CARD_TYPES:
            return _err(E_PARAM, f"invalid card_type: {card_type}")
        if card_type == "text_notice" and not card.get("card_action"):
            return _err(E_PARAM, "text_notice requires card_action")
        if card_type in INTERACTIVE_CARDS or card.get("action_menu"):
            task_id = card.get("task_id")
            if not task_id or task_id in self.task_ids:
                return _err(E_TASK_ID, f"task_id empty or already used: {task_id}")
        return None

    # -- app messages ------------------------------------------------------------------------
    def _message_send(self, request: Request) -> Response:
        body = _body(request)
        if "agentid" not in body:
            return _err(E_MISSING_AGENTID, "missing agentid")
        if str(body["agentid"]) != str(self.agent_id):
            return _err(E_AGENTID, "invalid agentid")
        denied = self._check_content(body, APP_TYPES)
        if denied is not None:
            return denied
        wanted = [u for u in str(body.get("touser") or "").split("|") if u]
        valid = [u for u in wanted if u == "@all" or self.users is None or u in self.users]
        invalid = [u for u in wanted if u not in valid]
        if not valid and not body.get("toparty") and not body.get("totag"):
            return _err(E_NO_RECEIVER, "all touser, toparty and totag invalid")
        msgtype = body["msgtype"]
        content = {msgtype: body[msgtype]}
        for user in valid:
            self._deliver_to_member(user, msgtype, content, body)
        extra: dict[str, Any] = {}
        card = body.get("template_card") if msgtype == "template_card" else None
        if card and (card.get("card_type") in INTERACTIVE_CARDS or card.get("action_menu")):
            self.task_ids.add(card["task_id"])
            extra["response_code"] = self.issue_response_code(card["task_id"])
        return _ok(
            invaliduser="|".join(invalid),
            invalidparty="",
            invalidtag="",
            unlicenseduser="",
            msgid=f"msg{next(self._seq):010d}",
            **extra,
        )

    def _deliver_to_member(
        self, user: str, msgtype: str, content: dict[str, Any], body: dict[str, Any]
    ) -> None:
        if body.get("enable_duplicate_check"):
            interval = float(body.get("duplicate_check_interval") or 1800)
            signature = (user, repr(sorted(content.items())))
            last = self._recent.get(signature)
            now = self.clock()
            if last is not None and now - last < interval:
                self.deduplicated += 1
                return
            self._recent[signature] = now
        if self.member_limiter.allow(user):
            self.deliver(msgtype, user, content)
        else:
            self.drop(msgtype, user, content)

    def _update_card(self, request: Request) -> Response:
        body = _body(request)
        if str(body.get("agentid")) != str(self.agent_id):
            return _err(E_AGENTID, "invalid agentid")
        code = body.get("response_code")
        task_id = self.response_codes.pop(str(code), None)
        if task_id is None:
            return _err(E_PARAM, "invalid response_code: unknown or already used")
        if not (body.get("button") or {}).get("replace_name") and not body.get("template_card"):
            return _err(E_PARAM, "need button.replace_name or template_card")
        self.card_updates.append({"task_id": task_id, **body})
        return _ok(invaliduser=[])

    # -- app chats and group robots ----------------------------------------------------------
    def _appchat_send(self, request: Request) -> Response:
        body = _body(request)
        chatid = body.get("chatid")
        if not chatid or (self.chats is not None and chatid not in self.chats):
            return _err(E_NO_CHAT, "chatid not exist")
        denied = self._check_content(body, APPCHAT_TYPES)
        if denied is not None:
            return denied
        msgtype = body["msgtype"]
        content = {msgtype: body[msgtype]}
        members = self.chats[chatid] if self.chats is not None else [f"chat:{chatid}"]
        reached = [m for m in members if self.appchat_limiter.allow(m)]
        for member in set(members) - set(reached):
            self.drop(msgtype, f"{chatid}/{member}", content)
        if reached:
            self.deliver(msgtype, f"chat:{chatid}", content)
        return _ok()

    def _webhook_send(self, request: Request) -> Response:
        robot = self.webhook_keys.get(request.query.get("key", ""))
        if robot is None:
            return _err(E_WEBHOOK, "invalid webhook url")
        body = _body(request)
        denied = self._check_content(body, ROBOT_TYPES)
        if denied is not None:
            return denied
        msgtype = body["msgtype"]
        if msgtype == "template_card" and body[msgtype].get("card_type") not in ROBOT_CARD_TYPES:
            return _err(E_PARAM, "robots send only text_notice and news_notice cards")
        if not self.robot_limiter.allow(robot):
            return _err(E_FREQ, "api freq out of limit")
        self.deliver(msgtype, f"robot:{robot}", {msgtype: body[msgtype]})
        return _ok()
