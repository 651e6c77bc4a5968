"""Page assembly shared by the dashboard routes: language choice, navigation, CSRF field,
and the plain message pages (401, 403, expired or used link…)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from bot.web.auth import LANG_COOKIE, csrf_token, set_csrf_cookie, set_lang_cookie, viewer_of
from bot.web.render import render
from handlers.i18n import normalize_locale
from handlers.teamview import visible_teams
from handlers.webdata import page_locale, team_name
from scoring.model import Org


def requested_lang(request: Request) -> str | None:
    """A valid `?lang=` (remembered in a cookie), else None."""
    return normalize_locale(request.query_params.get("lang"))


def choose_locale(request: Request, org: Org | None = None, member: str | None = None) -> str:
    """`?lang=`, the language cookie, the member's locale, the org's default, English."""
    found = org.members.get(member) if org and member else None
    member_locale = found.locale if found else None
    return page_locale(
        requested_lang(request),
        request.cookies.get(LANG_COOKIE),
        member_locale,
        org.locale if org else None,
    )


def _lang_links(request: Request) -> list[dict[str, str]]:
    out = []
    for code, label in (("zh-CN", "中文"), ("en", "English")):
        params = dict(request.query_params) | {"lang": code}
        out.append(
            {"code": code, "label": label, "href": f"{request.url.path}?{urlencode(params)}"}
        )
    return out


def _nav(org: Org | None, viewer: str | None, locale: str) -> list[dict[str, str]]:
    if org is None or viewer is None or viewer not in org.members:
        return []
    items = []
    if org.members[viewer].template is not None:
        items.append({"href": f"/dashboard/m/{viewer}", "label": "web.nav.mine"})
    for team in visible_teams(org, viewer):
        items.append(
            {"href": f"/dashboard/team/{team}", "label": "", "text": team_name(org, team, locale)}
        )
    return items


def _display_name(org: Org | None, member: str | None) -> str | None:
    found = org.members.get(member) if org and member else None
    return (found.name or member) if found else member


def page(
    request: Request,
    name: str,
    locale: str,
    context: Mapping[str, Any],
    *,
    org: Org | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render with the navigation, language links and a CSRF field for the page's forms."""
    token, fresh = csrf_token(request)
    viewer = viewer_of(request)
    ctx = {
        "csrf": token,
        "viewer": viewer,
        "viewer_name": _display_name(org, viewer),
        "nav": _nav(org, viewer, locale),
        "lang_links": _lang_links(request),
        **context,
    }
    response = render(request, name, locale, ctx, status=status)
    set_csrf_cookie(request, response, fresh)
    set_lang_cookie(request, response, requested_lang(request) and request.query_params["lang"])
    return response


def message(
    request: Request,
    locale: str,
    kind: str,
    status: int,
    *,
    org: Org | None = None,
    **params: object,
) -> HTMLResponse:
    """A page with a title and an explanation: `web.msg.<kind>.title/.body`."""
    return page(
        request,
        "message.html",
        locale,
        {"kind": kind, "params": params, "status": status},
        org=org,
        status=status,
    )
