"""Feishu request checks around lark-oapi's `EventDispatcherHandler`.

The SDK decrypts, checks the verification token and `X-Lark-Signature` and answers the
`url_verification` challenge, but it answers every failure with HTTP 500, ships only a
Flask adapter, never checks how old a request is, and fails on event types nobody
registered. This module supplies those parts: the SDK's `RawRequest` built from a FastAPI
request, a pre-read of the body (so malformed JSON and undecryptable bodies are a 400, not a
500), a freshness window on `X-Lark-Request-Timestamp` (a captured request replayed later is
a 401), and the mapping of the SDK's refusals to 401. No payload is ever logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lark_oapi.core.const import LARK_REQUEST_TIMESTAMP
from lark_oapi.core.model import RawRequest
from lark_oapi.core.utils import AESCipher

log = logging.getLogger("perfbot.feishu")

FRESHNESS_SECONDS = 300
URL_VERIFICATION = "url_verification"


@dataclass(frozen=True)
class Refusal(Exception):
    """A request we will not process: the HTTP status and a reason safe to log."""

    status: int
    reason: str


@dataclass(frozen=True)
class Envelope:
    """The decrypted body: its type, the event id Feishu retries with, and the JSON."""

    kind: str
    event_id: str
    body: Mapping[str, Any]


def canonical_header(name: str) -> str:
    """`x-lark-signature` → `X-Lark-Signature`: the SDK looks headers up case-sensitively."""
    return "-".join(part.capitalize() for part in name.split("-"))


def raw_request(path: str, headers: Mapping[str, str], body: bytes) -> RawRequest:
    """The SDK's request object, built the way its Flask adapter builds it."""
    req = RawRequest()
    req.uri = path
    req.body = body
    req.headers = {canonical_header(k): v for k, v in headers.items()}
    return req


def _decode(body: bytes, encrypt_key: str) -> Mapping[str, Any]:
    try:
        outer = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refusal(400, "body is not JSON") from None
    if not isinstance(outer, dict):
        raise Refusal(400, "body is not a JSON object")
    encrypted = outer.get("encrypt")
    if not encrypted:
        return outer
    if not encrypt_key:
        raise Refusal(400, "encrypted body but no encrypt key configured")
    try:
        inner = json.loads(AESCipher(encrypt_key).decrypt_str(encrypted))
    except (ValueError, UnicodeDecodeError, TypeError):
        raise Refusal(400, "body does not decrypt with the encrypt key") from None
    if not isinstance(inner, dict):
        raise Refusal(400, "decrypted body is not a JSON object")
    return inner


def open_envelope(body: bytes, encrypt_key: str) -> Envelope:
    """Parse (and decrypt) a callback body; `Refusal(400)` when it is not one."""
    data = _decode(body, encrypt_key)
    if data.get("type") == URL_VERIFICATION:
        return Envelope(URL_VERIFICATION, "", data)
    header = data.get("header")
    if not isinstance(header, dict) or not header.get("event_type"):
        raise Refusal(400, "no event header")
    if not isinstance(data.get("event"), dict):
        raise Refusal(400, "no event object")
    return Envelope(str(header["event_type"]), str(header.get("event_id") or ""), data)


def check_fresh(raw: RawRequest, now: Callable[[], float], window: int = FRESHNESS_SECONDS) -> None:
    """`Refusal(401)` unless `X-Lark-Request-Timestamp` is within `window` seconds of now.

    Feishu stamps every delivery attempt afresh, so its own retries pass while a captured
    request replayed later does not (the signature covers the timestamp).
    """
    stamp = raw.headers.get(LARK_REQUEST_TIMESTAMP, "")
    try:
        sent = int(stamp)
    except ValueError:
        raise Refusal(401, "missing or malformed request timestamp") from None
    if abs(now() - sent) > window:
        raise Refusal(401, "stale request timestamp")


def refuse(refusal: Refusal, path: str) -> None:
    """Log a refusal: path, status and reason only, never the body."""
    log.warning("feishu request refused: %s %s (%s)", path, refusal.status, refusal.reason)
