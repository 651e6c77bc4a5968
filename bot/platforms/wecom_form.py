"""The signed web form page for WeCom: the inputs a `template_card` cannot hold.

WeCom cards offer buttons and choices only, so a neutral `Form` with number, text or date
inputs is sent as a card linking here. The link carries the whole form (compressed) and
the WeCom UserID it was made for, signed with the app secret and short-lived, so nothing
is stored until the member submits. The POST goes through the same `dispatch` door as a
card click (a `form` Inbound for that user); `FormErrors` come back inline. A double-submit
cookie guards against cross-site posts; each rendered page has its own delivery id, so a
double click on one page is applied once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from bot.platforms.wecom_inbound import PLATFORM, member_locale_of
from bot.web.render import secure_headers
from handlers import cards as c
from handlers.cardjson import form_from_json, to_json
from handlers.context import Deps
from handlers.dispatch import Inbound, dispatch
from handlers.i18n import t
from handlers.routes import Routes

log = logging.getLogger("perfbot.wecom.form")

TOKEN_MAX_AGE = 12 * 3600
"""Seconds a form link stays valid: long enough for a working day, short enough to leak little."""
SALT = "perfbot.wecom.form"
CSRF_COOKIE = "perfbot_wecom_csrf"
MAX_BODY = 64 * 1024
_TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
_env = Environment(
    loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(default=True)
)


class FormLinks:
    """Makes and reads the signed `/wecom/form/<token>` links."""

    def __init__(self, secret_key: str, public_url: str, *, max_age: int = TOKEN_MAX_AGE) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self.public_url = public_url.rstrip("/")
        self.max_age = max_age

    def token(self, userid: str, form: c.Form) -> str:
        return self._serializer.dumps({"u": userid, "f": to_json(form)})

    def url(self, userid: str, form: c.Form) -> str:
        return f"{self.public_url}/wecom/form/{self.token(userid, form)}"

    def read(self, token: str) -> tuple[str, c.Form]:
        """(UserID, form); raises SignatureExpired or BadSignature (forged, altered)."""
        data = self._serializer.loads(token, max_age=self.max_age)
        if not isinstance(data, dict) or not isinstance(data.get("u"), str):
            raise BadSignature("form token without a user")
        try:
            return data["u"], form_from_json(data["f"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BadSignature("form token without a valid form") from exc


def _html(body: str, status: int = 200, *, csrf: str | None = None) -> HTMLResponse:
    response = HTMLResponse(body, status_code=status)
    if csrf is not None:
        response.set_cookie(
            CSRF_COOKIE, csrf, max_age=TOKEN_MAX_AGE, path="/wecom/form", httponly=True,
            samesite="strict", secure=False,
        )  # fmt: skip
    secure_headers(response)
    return response


def _page(locale: str, status: int = 200, *, csrf: str | None = None, **ctx: Any) -> HTMLResponse:
    def tr(msgid: str, **params: object) -> str:
        return t(msgid, locale, **params)

    html_lang = "zh-CN" if locale.startswith("zh") else "en"
    body = _env.get_template("wecom_form.html").render(tr=tr, html_lang=html_lang, csrf=csrf, **ctx)
    return _html(body, status, csrf=csrf)


def _inputs(form: c.Form) -> list[dict[str, Any]]:
    """Template-friendly view of the inputs (kind + the attributes the HTML needs)."""
    out: list[dict[str, Any]] = []
    for inp in form.inputs:
        item: dict[str, Any] = {"id": inp.input_id, "label": inp.label, "hint": inp.hint}
        item["required"], item["kind"] = inp.required, type(inp).__name__
        if isinstance(inp, c.RatingInput):
            item["options"] = [(str(n), str(n)) for n in range(1, inp.scale + 1)]
            item["initial"] = None if inp.initial is None else str(inp.initial)
        elif isinstance(inp, c.SelectInput):
            item["options"], item["initial"] = list(inp.options), inp.initial
        elif isinstance(inp, c.NumberInput):
            item.update(min=inp.min, max=inp.max, unit=inp.unit, step="any" if inp.decimal else 1)
            item["initial"] = None if inp.initial is None else f"{inp.initial:g}"
        elif isinstance(inp, c.TextInput):
            item.update(multiline=inp.multiline, max_length=inp.max_length, initial=inp.initial)
        else:
            item["initial"] = inp.initial
        out.append(item)
    return out


def _texts(blocks: Any) -> list[str]:
    return [b.text for b in blocks if isinstance(b, c.Header | c.Text | c.Context)]


def mount_form_page(
    router: APIRouter, deps: Deps, routes: Routes, links: FormLinks,
    *, run: Callable[..., Any] = run_in_threadpool,
) -> None:  # fmt: skip
    """Add `GET, POST /wecom/form/{token}` to the WeCom router."""

    def form_view(
        locale: str, form: c.Form, values: Mapping[str, str], errors: Mapping[str, str], status: int
    ) -> HTMLResponse:
        csrf = secrets.token_urlsafe(16)
        return _page(
            locale, status, csrf=csrf, view="form", form=form, intro=_texts(form.blocks_before),
            inputs=_inputs(form), values=values, errors=errors,
        )  # fmt: skip

    def refusal(request: Request, kind: str, status: int) -> HTMLResponse:
        accept = request.headers.get("accept-language", "")
        locale = "zh_CN" if accept.lower().startswith("zh") else "en"
        return _page(locale, status, view="message", kind=kind)

    def read(request: Request, token: str) -> tuple[str, c.Form] | HTMLResponse:
        try:
            return links.read(token)
        except SignatureExpired:
            log.warning("wecom form refused: link expired")
            return refusal(request, "expired", 410)
        except BadSignature:
            log.warning("wecom form refused: bad signature")
            return refusal(request, "invalid", 403)

    @router.get("/wecom/form/{token}", include_in_schema=False)
    async def show_form(request: Request, token: str) -> HTMLResponse:
        got = read(request, token)
        if isinstance(got, HTMLResponse):
            return got
        userid, form = got
        locale = await run(member_locale_of, deps.engine, userid)
        return form_view(locale, form, {}, {}, 200)

    @router.post("/wecom/form/{token}", include_in_schema=False)
    async def submit_form(request: Request, token: str) -> HTMLResponse:
        got = read(request, token)
        if isinstance(got, HTMLResponse):
            return got
        userid, form = got
        raw = await request.body()
        posted = {k: v[0] for k, v in parse_qs(raw[:MAX_BODY].decode(errors="replace"),
                                                 keep_blank_values=True).items()}  # fmt: skip
        nonce = posted.get("csrf", "")
        if not nonce or not secrets.compare_digest(nonce, request.cookies.get(CSRF_COOKIE, "")):
            log.warning("wecom form refused: CSRF check failed")
            return refusal(request, "csrf", 403)
        ids = {i.input_id for i in form.inputs}
        values = {k: v.strip() for k, v in posted.items() if k in ids}
        inbound = Inbound(
            platform=PLATFORM, user_id=userid, kind="form", name=form.form_id, values=values,
            meta=form.private_metadata, delivery_id=f"form:{nonce}",
        )  # fmt: skip
        replies = await run(dispatch, deps, inbound, routes)
        locale = await run(member_locale_of, deps.engine, userid)
        errors = next((r.errors for r in replies if isinstance(r, c.FormErrors)), None)
        if errors:
            return form_view(locale, form, values, errors, 422)
        texts = [
            text
            for r in replies
            if isinstance(r, c.Respond | c.Ephemeral | c.UpdateSource)
            for text in _texts(r.card.blocks)
        ] + [r.text for r in replies if isinstance(r, c.Toast)]
        kind = "done" if replies else "duplicate"
        return _page(locale, 200, view="message", kind=kind, texts=texts, title=form.title)
