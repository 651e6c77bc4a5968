"""Jinja2 rendering shared by every web page (the dashboard now, the playground later).

Every page gets the same security headers: a Content-Security-Policy that allows only this
origin (no CDN, no web fonts, no beacon can leave the machine), no Referer (a link token
must not leak to anyone), no framing and no caching of personal figures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from handlers.i18n import format_date, format_number, t
from handlers.webdata import text_of

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def secure_headers(response: Response) -> Response:
    for key, value in SECURITY_HEADERS.items():
        response.headers[key] = value
    return response


def _json_script(value: Any) -> Markup:
    """Data for the page's scripts, safe inside `<script type="application/json">`."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above, not HTML


def _fmt_date(value: date | datetime | None, locale: str) -> str:
    return "—" if value is None else format_date(value, locale)


def _fmt_dec(value: Decimal | float | None, locale: str) -> str:
    return "—" if value is None else format_number(value, locale)


def _loc_text(value: Mapping[str, str] | None, locale: str) -> str:
    return text_of(value or {}, locale, "")


templates.env.filters["json_script"] = _json_script
templates.env.globals["fmt_date"] = _fmt_date
templates.env.globals["fmt_dec"] = _fmt_dec
templates.env.globals["loc_text"] = _loc_text


def render(
    request: Request,
    name: str,
    locale: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
) -> HTMLResponse:
    """A page in `locale`; `tr(msgid, **params)` translates inside the template."""

    def tr(msgid: str, **params: object) -> str:
        return t(msgid, locale, **params)

    ctx = {
        "locale": locale,
        "html_lang": "zh-CN" if locale == "zh_CN" else "en",
        "tr": tr,
        **context,
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    secure_headers(response)
    return response
