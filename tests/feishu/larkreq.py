"""Requests built the way Feishu builds them: the v2 envelope, AES-256-CBC encryption with
key = SHA-256(Encrypt Key) and a random IV in front, and `X-Lark-Signature` =
sha256(timestamp + nonce + encrypt_key + raw body) in hex."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

ENCRYPT_KEY = "perfbot-test-encrypt-key"
VERIFICATION_TOKEN = "perfbot-test-verification-token"
APP_ID = "cli_perfbot_test"


def encrypt(plaintext: str, key: str = ENCRYPT_KEY) -> str:
    """base64(iv ‖ AES-256-CBC(SHA-256(key), iv, PKCS#7(plaintext)))."""
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode()) + padder.finalize()
    enc = Cipher(algorithms.AES(hashlib.sha256(key.encode()).digest()), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + enc.update(data) + enc.finalize()).decode()


def signed_headers(
    body: bytes, *, key: str = ENCRYPT_KEY, timestamp: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = uuid.uuid4().hex
    signature = hashlib.sha256((stamp + nonce + key).encode() + body).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Lark-Request-Timestamp": stamp,
        "X-Lark-Request-Nonce": nonce,
        "X-Lark-Signature": signature,
    }


def envelope(event_type: str, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "schema": "2.0",
        "header": {
            "event_id": event_id or uuid.uuid4().hex,
            "event_type": event_type,
            "create_time": str(int(time.time() * 1000)),
            "token": VERIFICATION_TOKEN,
            "app_id": APP_ID,
            "tenant_key": "tenant_test",
        },
        "event": event,
    }


def sealed(payload: dict[str, Any], key: str = ENCRYPT_KEY) -> bytes:
    """The body Feishu posts when an Encrypt Key is set."""
    return json.dumps({"encrypt": encrypt(json.dumps(payload, ensure_ascii=False), key)}).encode()


def text_message(
    open_id: str,
    text: str,
    *,
    chat_type: str = "p2p",
    chat_id: str = "oc_test_chat",
    mentions: list[dict[str, Any]] | None = None,
    message_type: str = "text",
) -> dict[str, Any]:
    """The `event` of an `im.message.receive_v1`."""
    return {
        "sender": {
            "sender_id": {"open_id": open_id, "union_id": "on_x", "user_id": "u_x"},
            "sender_type": "user",
            "tenant_key": "tenant_test",
        },
        "message": {
            "message_id": "om_" + uuid.uuid4().hex,
            "root_id": "",
            "parent_id": "",
            "create_time": str(int(time.time() * 1000)),
            "chat_id": chat_id,
            "chat_type": chat_type,
            "message_type": message_type,
            "content": json.dumps({"text": text}, ensure_ascii=False),
            "mentions": mentions or [],
        },
    }


def mention(key: str, open_id: str, name: str, kind: str = "user") -> dict[str, Any]:
    return {
        "key": key,
        "id": {"open_id": open_id, "union_id": "on_" + open_id, "user_id": ""},
        "name": name,
        "mentioned_type": kind,
        "tenant_key": "tenant_test",
    }


def card_click(
    open_id: str,
    value: dict[str, str],
    *,
    form_value: dict[str, Any] | None = None,
    chat_id: str = "oc_test_chat",
) -> dict[str, Any]:
    """The `event` of a `card.action.trigger` (button, or form submit with `form_value`)."""
    action: dict[str, Any] = {"value": value, "tag": "button", "timezone": "Asia/Shanghai"}
    if form_value is not None:
        action["form_value"] = form_value
        action["name"] = "submit"
    return {
        "operator": {"tenant_key": "tenant_test", "open_id": open_id, "union_id": "on_x"},
        "token": "c-" + uuid.uuid4().hex,
        "action": action,
        "host": "im_message",
        "context": {"open_message_id": "om_" + uuid.uuid4().hex, "open_chat_id": chat_id},
    }
