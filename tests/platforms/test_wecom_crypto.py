"""WeCom callback crypto against the official WXBizMsgCrypt samples and forged inputs."""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.platforms.wecom_crypto import (
    WeComCrypto,
    WeComDecryptError,
    WeComReceiverError,
    WeComSignatureError,
    parse_xml,
    xml_fields,
)
from tests.paths import VECTORS


def _vector(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


VERIFY = _vector("wecom_verify_url.json")
DECRYPT = _vector("wecom_decrypt_msg.json")


@pytest.fixture
def crypto() -> WeComCrypto:
    return WeComCrypto(VERIFY["token"], VERIFY["encoding_aes_key"], VERIFY["receiveid_corpid"])


def _raw_encrypt(crypto: WeComCrypto, plain: bytes) -> str:
    """Encrypt bytes without any framing, to forge envelopes the real encoder never makes."""
    key = base64.b64decode(VERIFY["encoding_aes_key"] + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def test_official_verify_url_sample(crypto: WeComCrypto) -> None:
    v = VERIFY
    assert (
        crypto.verify_url(v["msg_signature"], v["timestamp"], v["nonce"], v["echostr"])
        == (v["expected_msg"])
    )


def test_official_decrypt_sample_from_xml_and_from_encrypt(crypto: WeComCrypto) -> None:
    d = DECRYPT
    args = (d["msg_signature"], d["timestamp"], d["nonce"])
    assert crypto.decrypt_message(d["post_body_xml"], *args) == d["expected_msg"]
    assert crypto.decrypt_message(d["post_body_xml"].encode(), *args) == d["expected_msg"]
    assert crypto.decrypt_message(d["encrypt"], *args) == d["expected_msg"]
    assert xml_fields(crypto.decrypt_message(d["encrypt"], *args))["Content"] == "hello"


def test_signature_matches_doc_sort_order(crypto: WeComCrypto) -> None:
    d = DECRYPT
    assert crypto.signature(d["timestamp"], d["nonce"], d["encrypt"]) == d["msg_signature"]


def test_encrypt_reproduces_official_ciphertext(crypto: WeComCrypto) -> None:
    prefix = DECRYPT["encrypt_roundtrip"]["random_prefix_ascii"].encode()
    encrypted = crypto.encrypt(DECRYPT["expected_msg"], random_prefix=prefix)
    assert encrypted == DECRYPT["encrypt_roundtrip"]["expected_encrypt"]


@pytest.mark.parametrize("reply", ["", "ok", "<xml><Content><![CDATA[你好]]></Content></xml>"])
def test_round_trip_passive_reply(crypto: WeComCrypto, reply: str) -> None:
    envelope = crypto.encrypt_message(reply, nonce="n123", timestamp="1700000000")
    fields = xml_fields(envelope)
    assert fields["TimeStamp"] == "1700000000"
    assert fields["Nonce"] == "n123"
    out = crypto.decrypt_message(envelope, fields["MsgSignature"], "1700000000", "n123")
    assert out == reply


def test_random_prefix_makes_each_envelope_different(crypto: WeComCrypto) -> None:
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_forged_signature_is_refused(crypto: WeComCrypto) -> None:
    d = DECRYPT
    forged = "0" * 40
    with pytest.raises(WeComSignatureError):
        crypto.decrypt_message(d["post_body_xml"], forged, d["timestamp"], d["nonce"])
    with pytest.raises(WeComSignatureError):
        crypto.decrypt_message(d["post_body_xml"], d["msg_signature"], "1409659814", d["nonce"])
    v = VERIFY
    with pytest.raises(WeComSignatureError):
        crypto.verify_url(forged, v["timestamp"], v["nonce"], v["echostr"])


def test_wrong_token_fails_signature() -> None:
    other = WeComCrypto("other", VERIFY["encoding_aes_key"], VERIFY["receiveid_corpid"])
    v = VERIFY
    with pytest.raises(WeComSignatureError):
        other.verify_url(v["msg_signature"], v["timestamp"], v["nonce"], v["echostr"])


def test_wrong_receive_id_is_refused() -> None:
    other = WeComCrypto(VERIFY["token"], VERIFY["encoding_aes_key"], "wwsomeoneelse")
    d = DECRYPT
    with pytest.raises(WeComReceiverError):
        other.decrypt_message(d["post_body_xml"], d["msg_signature"], d["timestamp"], d["nonce"])


def _signed(crypto: WeComCrypto, encrypt: str) -> tuple[str, str, str, str]:
    return encrypt, crypto.signature("1", "2", encrypt), "1", "2"


@pytest.mark.parametrize("pad_byte", [0, 33, 255])
def test_bad_padding_is_refused(crypto: WeComCrypto, pad_byte: int) -> None:
    body = b"x" * 16 + struct.pack(">I", 2) + b"hi" + VERIFY["receiveid_corpid"].encode()
    body += b"\x05" * (64 - len(body) - 1) + bytes([pad_byte])
    with pytest.raises(WeComDecryptError, match="padding"):
        crypto.decrypt_message(*_signed(crypto, _raw_encrypt(crypto, body)))


def test_inconsistent_padding_bytes_are_refused(crypto: WeComCrypto) -> None:
    body = b"x" * 16 + struct.pack(">I", 2) + b"hi" + b"corp"
    body += b"\x01" * (64 - len(body) - 1) + b"\x03"
    with pytest.raises(WeComDecryptError, match="padding"):
        crypto.decrypt_message(*_signed(crypto, _raw_encrypt(crypto, body)))


def test_length_beyond_plaintext_is_refused(crypto: WeComCrypto) -> None:
    body = b"x" * 16 + struct.pack(">I", 4000) + b"hi"
    body += bytes([32 - len(body) % 32]) * (32 - len(body) % 32)
    with pytest.raises(WeComDecryptError, match="length"):
        crypto.decrypt_message(*_signed(crypto, _raw_encrypt(crypto, body)))


def test_truncated_body(crypto: WeComCrypto) -> None:
    d = DECRYPT
    truncated = d["encrypt"][:-8]  # still base64, no longer whole AES blocks
    with pytest.raises(WeComSignatureError):  # unsigned truncation: signature fails first
        crypto.decrypt_message(truncated, d["msg_signature"], d["timestamp"], d["nonce"])
    with pytest.raises(WeComDecryptError, match="multiple"):
        crypto.decrypt_message(*_signed(crypto, truncated))
    whole_blocks = base64.b64encode(base64.b64decode(d["encrypt"])[:-32]).decode()
    with pytest.raises(WeComDecryptError):  # drops the padding block: padding/receiver garbage
        crypto.decrypt_message(*_signed(crypto, whole_blocks))


@pytest.mark.parametrize("encrypt", ["not base64!!", "", "QUJD"])
def test_garbage_encrypt_is_refused(crypto: WeComCrypto, encrypt: str) -> None:
    with pytest.raises(WeComDecryptError):
        crypto.decrypt_message(*_signed(crypto, encrypt))


def test_xml_without_encrypt_is_refused(crypto: WeComCrypto) -> None:
    with pytest.raises(WeComDecryptError, match="no Encrypt"):
        crypto.decrypt_message("<xml><ToUserName>x</ToUserName></xml>", "0" * 40, "1", "2")


def test_entity_expansion_is_refused_before_anything_else() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>'
    )
    with pytest.raises(WeComDecryptError, match="DTD"):
        parse_xml(bomb)
    with pytest.raises(WeComDecryptError, match="malformed"):
        parse_xml("<xml><Encrypt>")


def test_bad_encoding_aes_key() -> None:
    with pytest.raises(ValueError, match="43"):
        WeComCrypto("t", "short", "corp")
    with pytest.raises(ValueError, match="base64"):
        WeComCrypto("t", "!" * 43, "corp")
