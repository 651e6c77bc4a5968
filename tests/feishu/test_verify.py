"""Verification: the official decrypt vector, the url_verification challenge (plain and
encrypted), and every kind of bad request refused without storing anything."""

from __future__ import annotations

import json
import logging
import time

import pytest
from fastapi.testclient import TestClient
from lark_oapi.core.utils import AESCipher

from bot.app import create_app
from bot.platforms.feishu_verify import canonical_header
from tests.feishu import larkreq as lr
from tests.feishu.conftest import FeishuWorld
from tests.feishu.testroutes import ROUTES, SEEN
from tests.paths import VECTORS


def test_official_decrypt_vector_decrypts_with_the_sdk_cipher() -> None:
    vector = json.loads((VECTORS / "feishu_decrypt.json").read_text())
    plain = AESCipher(vector["encrypt_key"]).decrypt_str(vector["encrypt"])
    assert plain == vector["expected_plaintext"] == "hello world"


def test_our_encryption_round_trips_through_the_sdk_cipher() -> None:
    assert AESCipher("k").decrypt_str(lr.encrypt("你好 perfbot", "k")) == "你好 perfbot"


def test_header_names_are_restored_to_the_sdk_spelling() -> None:
    assert canonical_header("x-lark-request-timestamp") == "X-Lark-Request-Timestamp"
    assert canonical_header("x-lark-signature") == "X-Lark-Signature"


def _challenge(token: str = lr.VERIFICATION_TOKEN) -> dict[str, str]:
    vector = json.loads((VECTORS / "feishu_url_verification.json").read_text())
    return {**vector["plaintext_request"], "token": token}


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_url_verification_answers_the_challenge(feishu: FeishuWorld, encrypted: bool) -> None:
    started = time.monotonic()
    resp = feishu.post(_challenge(), encrypted=encrypted)
    assert resp.status_code == 200
    assert resp.json() == {"challenge": "ajls384kdjx98XX"}
    assert time.monotonic() - started < 1.0


def test_url_verification_with_a_wrong_token_is_refused(feishu: FeishuWorld) -> None:
    resp = feishu.post(_challenge("not-our-token"), encrypted=False)
    assert resp.status_code == 401
    assert "challenge" not in resp.text


def _message(feishu: FeishuWorld) -> dict[str, object]:
    return lr.envelope(
        "im.message.receive_v1", lr.text_message(feishu.open_id("li.na"), "/myscore")
    )


def _refused(feishu: FeishuWorld, resp_status: int, expected: int, before: dict[str, int]) -> None:
    assert resp_status == expected
    assert feishu.counts() == before
    assert SEEN == []
    assert feishu.fake.delivered == []


def test_wrong_signature_is_401(feishu: FeishuWorld) -> None:
    before = feishu.counts()
    resp = feishu.post(_message(feishu), **{"X-Lark-Signature": "0" * 64})
    _refused(feishu, resp.status_code, 401, before)


def test_stale_timestamp_is_401_even_when_correctly_signed(feishu: FeishuWorld) -> None:
    before = feishu.counts()
    resp = feishu.post(_message(feishu), timestamp=int(time.time()) - 600)
    _refused(feishu, resp.status_code, 401, before)


def test_missing_timestamp_is_401(feishu: FeishuWorld) -> None:
    before = feishu.counts()
    body = lr.sealed(_message(feishu))
    resp = feishu.http.post(
        "/feishu/events", content=body, headers={"Content-Type": "application/json"}
    )
    _refused(feishu, resp.status_code, 401, before)


def test_wrong_verification_token_is_401(feishu: FeishuWorld) -> None:
    before = feishu.counts()
    payload = _message(feishu)
    payload["header"]["token"] = "forged"  # type: ignore[index]
    _refused(feishu, feishu.post(payload).status_code, 401, before)


def test_body_encrypted_with_another_key_is_400(feishu: FeishuWorld) -> None:
    before = feishu.counts()
    body = lr.sealed(_message(feishu), key="someone else's key")
    _refused(feishu, feishu.post_raw(body).status_code, 400, before)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"encrypt": "bm90IGEgY2lwaGVydGV4dA=="}', b'{"schema": "2.0"}'],
    ids=["malformed", "not-object", "garbage-ciphertext", "no-header"],
)
def test_malformed_bodies_are_400(feishu: FeishuWorld, body: bytes) -> None:
    before = feishu.counts()
    _refused(feishu, feishu.post_raw(body).status_code, 400, before)


def test_decrypted_malformed_json_is_400(feishu: FeishuWorld) -> None:
    before = feishu.counts()
    body = json.dumps({"encrypt": lr.encrypt("{broken")}).encode()
    _refused(feishu, feishu.post_raw(body).status_code, 400, before)


def test_unknown_event_type_gets_an_empty_200_and_stores_nothing(feishu: FeishuWorld) -> None:
    before = feishu.counts()
    payload = lr.envelope("contact.user.created_v3", {"object": {"open_id": "ou_new"}})
    resp = feishu.post(payload)
    assert resp.status_code == 200
    _refused(feishu, 200, 200, before)


def test_unknown_event_type_with_a_bad_signature_is_still_401(feishu: FeishuWorld) -> None:
    payload = lr.envelope("contact.user.created_v3", {"object": {}})
    assert feishu.post(payload, **{"X-Lark-Signature": "f" * 64}).status_code == 401


def test_refusals_are_logged_without_the_payload(
    feishu: FeishuWorld, caplog: pytest.LogCaptureFixture
) -> None:
    payload = lr.envelope(
        "im.message.receive_v1", lr.text_message(feishu.open_id("li.na"), "/myscore SECRET-TEXT")
    )
    with caplog.at_level(logging.INFO):
        feishu.post(payload, encrypted=False, timestamp=1)
        feishu.post_raw(b'{"text": "SECRET-TEXT"')
    assert "refused" in caplog.text
    assert "SECRET-TEXT" not in caplog.text
    assert feishu.open_id("li.na") not in caplog.text


def test_without_an_encrypt_key_every_callback_is_refused(feishu: FeishuWorld) -> None:
    settings = feishu.settings.model_copy(update={"feishu_encrypt_key": None})
    app = create_app(settings, engine=feishu.engine, run_outbox=False, routes=ROUTES)
    with TestClient(app) as http:
        body = json.dumps(_challenge()).encode()
        resp = http.post("/feishu/events", content=body, headers=lr.signed_headers(body))
    assert resp.status_code == 401
    assert SEEN == []


def test_the_route_is_absent_without_feishu_credentials(feishu: FeishuWorld) -> None:
    settings = feishu.settings.model_copy(update={"feishu_app_id": None})
    app = create_app(settings, engine=feishu.engine, run_outbox=False, routes=ROUTES)
    with TestClient(app) as http:
        assert http.post("/feishu/events", content=b"{}").status_code in (404, 405)
