"""Signed (and, for Feishu and WeCom, encrypted) requests exactly as each platform sends them.

Built before a run's clock starts, one per request with a fresh delivery id (trigger id,
event id, CreateTime), so no request is dropped as a retry: each one is a real review
submission that upserts its ratings, claims its delivery and writes the audit line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bench import webhook_apps as apps
from bench.loadgen import http_request


@dataclass(frozen=True)
class Rater:
    """One review assignment a platform user may submit: who, which, and what to rate."""

    user_id: str
    assignment_id: int
    criteria: tuple[str, ...]


def bare(port: int) -> bytes:
    return http_request("/hook", b"{}", {"Content-Type": "application/json"}, port)


def slack(port: int, rater: Rater, rating: int, seq: int) -> bytes:
    """A signed `view_submission` of the review form (static selects, as Slack sends)."""
    values = {
        c: {c: {"type": "static_select", "selected_option": {"value": str(rating)}}}
        for c in rater.criteria
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T111", "domain": "bench"},
        "user": {"id": rater.user_id, "team_id": "T111"},
        "api_app_id": "A111",
        "token": "verification_token",
        "trigger_id": f"{seq}.{int(time.time())}.bench{uuid.uuid4().hex[:12]}",
        "view": {
            "id": f"V{seq:08d}",
            "team_id": "T111",
            "type": "modal",
            "callback_id": "review.submit",
            "private_metadata": str(rater.assignment_id),
            "state": {"values": values},
            "app_id": "A111",
            "bot_id": "B111",
        },
        "response_urls": [],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(
        apps.SLACK_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256
    ).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    return http_request("/slack/events", body, headers, port)


def _feishu_seal(plaintext: str) -> bytes:
    """{"encrypt": base64(iv ‖ AES-256-CBC(SHA-256(key), iv, PKCS#7(text)))}."""
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode()) + padder.finalize()
    key = hashlib.sha256(apps.FEISHU_KEY.encode()).digest()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    sealed = base64.b64encode(iv + enc.update(data) + enc.finalize()).decode()
    return json.dumps({"encrypt": sealed}).encode()


def feishu(port: int, rater: Rater, rating: int, seq: int) -> bytes:
    """A sealed, signed `card.action.trigger` submitting the review form card."""
    event = {
        "operator": {"tenant_key": "tenant_bench", "open_id": rater.user_id},
        "token": f"c-{uuid.uuid4().hex}",
        "action": {
            "tag": "button",
            "name": "submit",
            "value": {
                "action_id": "review.submit",
                "form_id": "review.submit",
                "meta": str(rater.assignment_id),
            },
            "form_value": dict.fromkeys(rater.criteria, str(rating)),
        },
        "host": "im_message",
        "context": {"open_message_id": f"om_{seq:08d}", "open_chat_id": "oc_bench"},
    }
    payload = {
        "schema": "2.0",
        "header": {
            "event_id": uuid.uuid4().hex,
            "event_type": "card.action.trigger",
            "create_time": str(int(time.time() * 1000)),
            "token": apps.FEISHU_TOKEN,
            "app_id": apps.FEISHU_APP,
            "tenant_key": "tenant_bench",
        },
        "event": event,
    }
    body = _feishu_seal(json.dumps(payload, ensure_ascii=False))
    stamp, nonce = str(int(time.time())), uuid.uuid4().hex
    signature = hashlib.sha256((stamp + nonce + apps.FEISHU_KEY).encode() + body).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Lark-Request-Timestamp": stamp,
        "X-Lark-Request-Nonce": nonce,
        "X-Lark-Signature": signature,
    }
    return http_request("/feishu/events", body, headers, port)


def wecom(port: int, rater: Rater, rating: int, seq: int) -> bytes:
    """An encrypted, signed `template_card_event` submitting the review choice card."""
    from bot.platforms.wecom_crypto import WeComCrypto, xml_fields
    from bot.platforms.wecom_render import FORM_PREFIX, encode_key

    key = encode_key(FORM_PREFIX, "review.submit", str(rater.assignment_id))
    items = "".join(
        f"<SelectedItem><QuestionKey><![CDATA[{q}]]></QuestionKey><OptionIds>"
        f"<OptionId><![CDATA[{rating}]]></OptionId></OptionIds></SelectedItem>"
        for q in rater.criteria
    )
    task = f"bench-{seq}"
    plain = (
        f"<xml><ToUserName><![CDATA[{apps.WECOM_CORP}]]></ToUserName>"
        f"<FromUserName><![CDATA[{rater.user_id}]]></FromUserName>"
        f"<CreateTime>{1_700_000_000 + seq}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
        f"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{task}]]></TaskId>"
        "<CardType><![CDATA[multiple_interaction]]></CardType>"
        f"<ResponseCode><![CDATA[rc-{uuid.uuid4().hex}]]></ResponseCode>"
        f"<AgentID>{apps.WECOM_AGENT}</AgentID><SelectedItems>{items}</SelectedItems></xml>"
    )
    stamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    crypto = WeComCrypto(apps.WECOM_TOKEN, apps.WECOM_AES, apps.WECOM_CORP)
    envelope = xml_fields(crypto.encrypt_message(plain, nonce, stamp))
    body = (
        f"<xml><ToUserName><![CDATA[{apps.WECOM_CORP}]]></ToUserName>"
        f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt>"
        f"<AgentID><![CDATA[{apps.WECOM_AGENT}]]></AgentID></xml>"
    ).encode()
    query = f"msg_signature={envelope['MsgSignature']}&timestamp={stamp}&nonce={nonce}"
    return http_request(f"/wecom/callback?{query}", body, {"Content-Type": "text/xml"}, port)
