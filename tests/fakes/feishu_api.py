"""Fake Feishu (Lark) Open API for `lark_oapi.Client.builder().domain(fake.url)`.

Shapes from open.feishu.cn server docs: every answer is `{"code", "msg", ...}`; code 0 is
success. Rate limiting is HTTP 429 with code 99991400 and `x-ogw-ratelimit-reset`
(frequency-control doc). Sending with the same `uuid` within one hour returns the first
message again and sends nothing new (im/v1/messages create doc).
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.base import FakeServer
from tests.fakes.limits import BucketLimiter, Clock, Limit, retry_after_header
from tests.fakes.transport import Request, Response

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES_PATH = "/open-apis/im/v1/messages"
RECEIVE_ID_TYPES = {"open_id", "user_id", "union_id", "email", "chat_id"}
MSG_TYPES = {"text", "post", "image", "file", "audio", "media", "sticker", "interactive",
             "share_chat", "share_user", "system"}  # fmt: skip
UUID_WINDOW = 3600.0
CODE_MISSING_TOKEN = 99991661
CODE_INVALID_TOKEN = 99991663
CODE_EXPIRED_TOKEN = 99991677
CODE_RATE_LIMITED = 99991400
CODE_BAD_PARAM = 230001
CODE_FIELD_VALIDATION = 99992402
CODE_APP_SECRET_INVALID = 10014
CODE_APP_ID_INVALID = 10003
_PATCH_RE = re.compile(r"^/open-apis/im/v1/messages/([^/]+)$")


@dataclass
class _Sent:
    message_id: str
    uuid: str | None
    at: float
    receive_id: str
    msg_type: str
    content: str


def _fail(code: int, msg: str, status: int = 400) -> Response:
    return Response(status, {"code": code, "msg": msg})


class FakeFeishuAPI(FakeServer):
    """Tenant token + message create/patch, with per-app and per-receiver buckets."""

    def __init__(
        self,
        *,
        app_id: str = "cli_fake",
        app_secret: str = "fake-secret",
        token_expire: int = 7200,
        app_limit: Limit | None = None,
        receiver_limit: Limit | None = None,
        clock: Clock = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(clock=clock, **kwargs)
        self.app_id = app_id
        self.app_secret = app_secret
        self.token_expire = token_expire
        self.app_limiter = BucketLimiter(app_limit, clock)
        self.receiver_limiter = BucketLimiter(receiver_limit, clock)
        self.tokens: dict[str, float] = {}  # token -> expiry on the fake clock
        self.messages: dict[str, _Sent] = {}
        self.cards: dict[str, list[str]] = {}  # message_id -> content history (patches)
        self.deduplicated = 0
        self._seq = itertools.count(1)

    def expire_tokens(self) -> None:
        """Make every issued token expired, as after two hours."""
        now = self.clock()
        self.tokens = dict.fromkeys(self.tokens, now - 1)

    def handle(self, request: Request) -> Response:
        if request.path == TOKEN_PATH and request.method == "POST":
            return self._token(request)
        denied = self._check_token(request)
        if denied is not None:
            return denied
        wait = self.app_limiter.acquire("app")
        if wait:
            return self._rate_limited(wait)
        if request.path == MESSAGES_PATH and request.method == "POST":
            return self._create(request)
        match = _PATCH_RE.match(request.path)
        if match and request.method == "PATCH":
            return self._patch(match.group(1), request)
        return Response(404, {"code": 404, "msg": "404 page not found"})

    @staticmethod
    def _rate_limited(wait: float) -> Response:
        headers = {"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": retry_after_header(wait)}
        return Response(
            429, {"code": CODE_RATE_LIMITED, "msg": "request trigger frequency limit"}, headers
        )

    def _token(self, request: Request) -> Response:
        body = request.body if isinstance(request.body, dict) else {}
        if body.get("app_id") != self.app_id:
            return _fail(CODE_APP_ID_INVALID, "app_id is invalid")
        if body.get("app_secret") != self.app_secret:
            return _fail(CODE_APP_SECRET_INVALID, "app secret invalid")
        token = "t-" + secrets.token_hex(16)
        self.tokens[token] = self.clock() + self.token_expire
        return Response(
            200,
            {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": self.token_expire},
        )

    def _check_token(self, request: Request) -> Response | None:
        token = request.bearer()
        if not token:
            return _fail(CODE_MISSING_TOKEN, "Missing access token for authorization.")
        expiry = self.tokens.get(token)
        if expiry is None:
            return _fail(CODE_INVALID_TOKEN, "Invalid access token for authorization.")
        if expiry <= self.clock():
            return _fail(CODE_EXPIRED_TOKEN, "Authentication token expired.")
        return None

    def _create(self, request: Request) -> Response:
        id_type = request.query.get("receive_id_type")
        if id_type not in RECEIVE_ID_TYPES:
            return _fail(CODE_FIELD_VALIDATION, "field validation failed: receive_id_type")
        body = request.body if isinstance(request.body, dict) else {}
        missing = [f for f in ("receive_id", "msg_type", "content") if not body.get(f)]
        if missing:
            return _fail(CODE_FIELD_VALIDATION, f"field validation failed: {missing[0]}")
        if body["msg_type"] not in MSG_TYPES:
            return _fail(CODE_BAD_PARAM, "invalid msg_type")
        try:
            content = json.loads(body["content"])
        except (TypeError, ValueError):
            return _fail(CODE_BAD_PARAM, "content is not a JSON string")
        uuid = body.get("uuid") or None
        previous = self._by_uuid(uuid)
        if previous is not None:
            self.deduplicated += 1
            return self._message_response(previous, id_type)
        wait = self.receiver_limiter.acquire(str(body["receive_id"]))
        if wait:
            return self._rate_limited(wait)
        sent = _Sent(
            f"om_{next(self._seq):032x}",
            uuid,
            self.clock(),
            str(body["receive_id"]),
            body["msg_type"],
            body["content"],
        )
        self.messages[sent.message_id] = sent
        self.cards[sent.message_id] = [body["content"]]
        self.deliver(body["msg_type"], f"{id_type}:{sent.receive_id}", content, uuid)
        return self._message_response(sent, id_type)

    def _by_uuid(self, uuid: str | None) -> _Sent | None:
        if uuid is None:
            return None
        now = self.clock()
        for sent in self.messages.values():
            if sent.uuid == uuid and now - sent.at < UUID_WINDOW:
                return sent
        return None

    def _message_response(self, sent: _Sent, id_type: str) -> Response:
        ms = str(int(time.time() * 1000))
        chat_id = sent.receive_id if id_type == "chat_id" else f"oc_{sent.message_id[3:]}"
        data = {
            "message_id": sent.message_id,
            "root_id": "",
            "parent_id": "",
            "msg_type": sent.msg_type,
            "create_time": ms,
            "update_time": ms,
            "deleted": False,
            "updated": False,
            "chat_id": chat_id,
            "sender": {
                "id": self.app_id,
                "id_type": "app_id",
                "sender_type": "app",
                "tenant_key": "fake_tenant",
            },
            "body": {"content": sent.content},
        }
        return Response(200, {"code": 0, "msg": "success", "data": data})

    def _patch(self, message_id: str, request: Request) -> Response:
        body = request.body if isinstance(request.body, dict) else {}
        sent = self.messages.get(message_id)
        if sent is None:
            return _fail(CODE_BAD_PARAM, "message not found")
        if sent.msg_type != "interactive":
            return _fail(CODE_BAD_PARAM, "only interactive cards can be updated")
        content = body.get("content")
        if not isinstance(content, str) or not _is_json(content):
            return _fail(CODE_FIELD_VALIDATION, "field validation failed: content")
        sent.content = content
        self.cards[message_id].append(content)
        return Response(200, {"code": 0, "msg": "success", "data": {}})


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
