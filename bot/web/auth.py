"""Cookies of the web pages: the session (who is looking), the CSRF double-submit value and
the chosen language. Signing and checking live in `handlers.links`; this is the HTTP side."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import Request
from fastapi.responses import Response

from bot.settings import Settings
from handlers.links import (
    SESSION_HOURS,
    csrf_form_token,
    make_session_token,
    new_csrf_value,
    read_session_token,
)

SESSION_COOKIE = "perfbot_session"
CSRF_COOKIE = "perfbot_csrf"
LANG_COOKIE = "perfbot_lang"
Clock = Callable[[], datetime]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def now_of(request: Request) -> datetime:
    """The app's clock (tests replace `app.state.web_clock`)."""
    clock: Clock | None = getattr(request.app.state, "web_clock", None)
    return clock() if clock is not None else datetime.now(UTC)


def _secure(request: Request) -> bool:
    return settings_of(request).public_url.lower().startswith("https://")


def viewer_of(request: Request) -> str | None:
    settings = settings_of(request)
    if settings.secret_key is None:
        return None
    return read_session_token(settings, request.cookies.get(SESSION_COOKIE), now_of(request))


def start_session(request: Request, response: Response, member_id: str) -> None:
    token = make_session_token(settings_of(request), member_id, now_of(request))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(request), path="/"
    )


def csrf_token(request: Request) -> tuple[str, str | None]:
    """(form token, new cookie value or None): reuse the browser's value when it has one."""
    current = request.cookies.get(CSRF_COOKIE)
    fresh = None if current else new_csrf_value()
    value = current or fresh or ""
    return csrf_form_token(settings_of(request), value, now_of(request)), fresh


def set_csrf_cookie(request: Request, response: Response, value: str | None) -> None:
    if value:
        response.set_cookie(
            CSRF_COOKIE, value, httponly=True, samesite="lax", secure=_secure(request), path="/"
        )


def set_lang_cookie(request: Request, response: Response, lang: str | None) -> None:
    if lang:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 86400,
            samesite="lax",
            secure=_secure(request),
            path="/",
        )
