"""Signed, short-lived, single-use dashboard links, and the session and CSRF tokens they lead to.

A link carries (member, nonce) signed with `PERFBOT_SECRET_KEY` and a timestamp. Opening it
(a GET) only checks it, because chat link previewers fetch URLs too; a person's click (a
POST) consumes it by inserting the nonce into `processed_delivery`, whose unique key lets
exactly one of two racing clicks win. All time checks take an explicit `now` so tests and
the server agree on one clock.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.msg import Msg
from storage.tables import ProcessedDelivery

LINK_MINUTES = 15
SESSION_HOURS = 8
LINK_PLATFORM = "web-link"
_LINK_SALT = "perfbot.dashboard-link"
_SESSION_SALT = "perfbot.session"
_CSRF_SALT = "perfbot.csrf"

LinkState = Literal["ok", "expired", "invalid", "used"]


class LinkConfigError(RuntimeError):
    """No secret key: links cannot be signed (PERFBOT_SECRET_KEY is required)."""


@dataclass(frozen=True)
class LinkCheck:
    state: LinkState
    member: str | None = None
    nonce: str | None = None


def _secret(source: Any) -> str:
    """Accept Settings, a SecretStr or a plain string, so CLI, chat and web share one call."""
    key = getattr(source, "secret_key", source)
    if isinstance(key, SecretStr):
        key = key.get_secret_value()
    if not key:
        raise LinkConfigError(
            Msg("link.no_secret", "PERFBOT_SECRET_KEY is not set: dashboard links are disabled")
        )
    return str(key)


def _signer_at(now: datetime) -> type[TimestampSigner]:
    """A signer class whose clock is `now` (itsdangerous reads `time.time()` otherwise)."""
    stamp = int(now.timestamp())

    class _Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return stamp

    return _Signer


def _serializer(secret: str, salt: str, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt, signer=_signer_at(now))


def make_dashboard_link(
    settings_or_secret: Any,
    public_url: str,
    member_id: str,
    now: datetime | None = None,
) -> str:
    """The URL `…/dashboard/l/<token>` for `member_id`, valid `LINK_MINUTES` from `now`."""
    at = now or datetime.now(UTC)
    payload = {"m": member_id, "n": secrets.token_urlsafe(16)}
    token = _serializer(_secret(settings_or_secret), _LINK_SALT, at).dumps(payload)
    return f"{public_url.rstrip('/')}/dashboard/l/{token}"


def check_link(
    settings_or_secret: Any, token: str, now: datetime, *, minutes: int = LINK_MINUTES
) -> LinkCheck:
    """Verify signature and age without consuming (`used` is decided by `consume_link`)."""
    ser = _serializer(_secret(settings_or_secret), _LINK_SALT, now)
    try:
        data = ser.loads(token, max_age=minutes * 60)
    except SignatureExpired:
        return LinkCheck("expired")
    except BadSignature:
        return LinkCheck("invalid")
    if not isinstance(data, dict) or not isinstance(data.get("m"), str):
        return LinkCheck("invalid")
    return LinkCheck("ok", member=data["m"], nonce=str(data.get("n", "")))


def link_used(session: Session, nonce: str) -> bool:
    stmt = select(ProcessedDelivery.id).where(
        ProcessedDelivery.platform == LINK_PLATFORM, ProcessedDelivery.delivery_id == nonce
    )
    return session.exec(stmt).first() is not None


def consume_link(session: Session, nonce: str) -> bool:
    """Record the nonce; False when it was already there (the unique key decides races)."""
    try:
        with session.begin_nested():
            session.add(ProcessedDelivery(platform=LINK_PLATFORM, delivery_id=nonce))
            session.flush()
    except IntegrityError:
        return False
    return True


def make_session_token(settings_or_secret: Any, member_id: str, now: datetime) -> str:
    return _serializer(_secret(settings_or_secret), _SESSION_SALT, now).dumps({"m": member_id})


def read_session_token(
    settings_or_secret: Any, token: str | None, now: datetime, *, hours: int = SESSION_HOURS
) -> str | None:
    """The member of a valid, unexpired session cookie, else None."""
    if not token:
        return None
    try:
        data = _serializer(_secret(settings_or_secret), _SESSION_SALT, now).loads(
            token, max_age=hours * 3600
        )
    except BadSignature:
        return None
    member = data.get("m") if isinstance(data, dict) else None
    return member if isinstance(member, str) else None


def new_csrf_value() -> str:
    return secrets.token_urlsafe(24)


def csrf_form_token(settings_or_secret: Any, cookie_value: str, now: datetime) -> str:
    """The hidden-field token: the cookie's random value, signed (signed double submit)."""
    return _serializer(_secret(settings_or_secret), _CSRF_SALT, now).dumps(cookie_value)


def csrf_ok(
    settings_or_secret: Any, cookie_value: str | None, form_token: str | None, now: datetime
) -> bool:
    """A POST is genuine when its field's signature holds and it names the cookie's value."""
    if not cookie_value or not form_token:
        return False
    try:
        value = _serializer(_secret(settings_or_secret), _CSRF_SALT, now).loads(
            form_token, max_age=SESSION_HOURS * 3600
        )
    except BadSignature:
        return False
    return isinstance(value, str) and secrets.compare_digest(value, cookie_value)
