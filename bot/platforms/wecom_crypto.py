"""WeCom callback crypto: the msg_signature check and AES envelope of WXBizMsgCrypt.

WeCom signs every callback with SHA1 over the sorted [token, timestamp, nonce, encrypt] and
encrypts the payload with AES-256-CBC (key = base64(EncodingAESKey + "="), IV = key[:16],
PKCS#7 padded to a 32-byte block). The plaintext is 16 random bytes, a 4-byte big-endian
length, the message and the receive id (our corp id). The cipher itself comes from
`cryptography`; this module only does the framing, and checks the signature before it
decrypts or trusts anything.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct
import xml.etree.ElementTree as StdET
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

try:  # defusedxml also refuses entity tricks the text guard below cannot see
    from defusedxml import ElementTree as SafeET
except ImportError:  # pragma: no cover - depends on the environment
    SafeET = None

BLOCK_SIZE = 32  # WeCom pads to 32 bytes, not AES's 16
_DTD_RE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class WeComCryptoError(Exception):
    """Base of every WeCom callback verification failure."""


class WeComSignatureError(WeComCryptoError):
    """msg_signature does not match: the request is not from WeCom (or was altered)."""


class WeComDecryptError(WeComCryptoError):
    """The body is not a well-formed WeCom envelope (base64, AES, padding, length, XML)."""


class WeComReceiverError(WeComCryptoError):
    """The envelope decrypted but names another corp/app as receiver."""


def parse_xml(data: str | bytes) -> StdET.Element:
    """Parse untrusted XML: DTDs and entities are refused outright (WeCom never sends them)."""
    raw = data.encode() if isinstance(data, str) else data
    if _DTD_RE.search(raw):
        raise WeComDecryptError("XML with a DTD or entity declaration is refused")
    try:
        if SafeET is not None:
            root: StdET.Element = SafeET.fromstring(raw)
        else:  # pragma: no cover - the DTD guard above already did defusedxml's job here
            root = StdET.fromstring(raw)
    except Exception as exc:  # ParseError, or defusedxml's DefusedXmlException family
        raise WeComDecryptError(f"malformed XML: {exc}") from exc
    return root


def xml_fields(data: str | bytes) -> dict[str, str]:
    """The top-level `<Tag>text</Tag>` pairs of a WeCom XML message."""
    return {child.tag: (child.text or "") for child in parse_xml(data)}


class WeComCrypto:
    """Verify, decrypt and encrypt WeCom callbacks for one app (token, key, corp id)."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey must be 43 characters")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise ValueError("EncodingAESKey is not base64") from exc
        if len(key) != 32:  # pragma: no cover - 43 valid base64 chars always give 32 bytes
            raise ValueError("EncodingAESKey must decode to 32 bytes")
        self.token = token
        self.receive_id = receive_id
        self._key = key

    # -- signature ---------------------------------------------------------------------------
    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        parts = sorted([self.token, str(timestamp), str(nonce), encrypt])
        return hashlib.sha1("".join(parts).encode()).hexdigest()

    def _check_signature(self, msg_signature: str, timestamp: str, nonce: str, enc: str) -> None:
        expected = self.signature(timestamp, nonce, enc)
        if not hmac.compare_digest(expected.encode(), (msg_signature or "").lower().encode()):
            raise WeComSignatureError("msg_signature mismatch")

    # -- public API --------------------------------------------------------------------------
    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """Answer the GET that WeCom sends when the callback URL is saved: the plain echostr.

        Query parameters must already be URL-decoded ('+' arrives as %2B).
        """
        self._check_signature(msg_signature, timestamp, nonce, echostr)
        return self.decrypt(echostr)

    def decrypt_message(
        self, xml_body_or_encrypt: str | bytes, msg_signature: str, timestamp: str, nonce: str
    ) -> str:
        """The decrypted message XML of a POSTed callback, after checking its signature."""
        encrypt = self._extract_encrypt(xml_body_or_encrypt)
        self._check_signature(msg_signature, timestamp, nonce, encrypt)
        return self.decrypt(encrypt)

    def encrypt_message(
        self, reply: str, nonce: str, timestamp: str, *, random_prefix: bytes | None = None
    ) -> str:
        """A passive-reply XML envelope (also what tests use to play WeCom's side)."""
        encrypt = self.encrypt(reply, random_prefix=random_prefix)
        signature = self.signature(timestamp, nonce, encrypt)
        return (
            f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp>"
            f"<Nonce><![CDATA[{nonce}]]></Nonce></xml>"
        )

    # -- envelope ----------------------------------------------------------------------------
    def encrypt(self, message: str, *, random_prefix: bytes | None = None) -> str:
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError("random_prefix must be 16 bytes")
        body = message.encode()
        plain = prefix + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        pad = BLOCK_SIZE - len(plain) % BLOCK_SIZE
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypt: str) -> str:
        """Decrypt an Encrypt value; raise on any framing fault or foreign receiver."""
        try:
            data = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WeComDecryptError("Encrypt is not valid base64") from exc
        if not data or len(data) % 16:
            raise WeComDecryptError("ciphertext length is not a multiple of the AES block")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        message, receive_id = _unframe(_unpad(plain))
        if not hmac.compare_digest(receive_id.encode(), self.receive_id.encode()):
            raise WeComReceiverError("receive id does not match this corp/app")
        return message

    def _cipher(self) -> Cipher[Any]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    @staticmethod
    def _extract_encrypt(xml_body_or_encrypt: str | bytes) -> str:
        text = xml_body_or_encrypt
        stripped = (
            text.lstrip() if isinstance(text, str) else text.lstrip().decode(errors="replace")
        )
        if not stripped.startswith("<"):
            return stripped.strip()
        encrypt = parse_xml(text).findtext("Encrypt")
        if not encrypt:
            raise WeComDecryptError("XML body has no Encrypt element")
        return encrypt.strip()


def _unpad(plain: bytes) -> bytes:
    pad = plain[-1]
    if not 1 <= pad <= BLOCK_SIZE or len(plain) < pad or plain[-pad:] != bytes([pad]) * pad:
        raise WeComDecryptError("bad PKCS#7 padding")
    return plain[:-pad]


def _unframe(content: bytes) -> tuple[str, str]:
    if len(content) < 20:
        raise WeComDecryptError("plaintext too short for random prefix and length")
    (length,) = struct.unpack(">I", content[16:20])
    if 20 + length > len(content):
        raise WeComDecryptError("message length exceeds the plaintext")
    try:
        message = content[20 : 20 + length].decode()
        receive_id = content[20 + length :].decode()
    except UnicodeDecodeError as exc:
        raise WeComDecryptError("plaintext is not UTF-8") from exc
    return message, receive_id
