"""Link landing, session start and logout. A GET never consumes a link (chat previewers
fetch links too); only the landing page's CSRF-protected POST turns it into a session."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Engine

from bot.web.auth import (
    CSRF_COOKIE,
    end_session,
    now_of,
    settings_of,
    start_session,
    viewer_of,
)
from bot.web.pages import choose_locale, message, page
from bot.web.render import secure_headers
from handlers.links import check_link, consume_link, csrf_ok, link_used
from handlers.teamview import visible_teams
from scoring.model import Org
from storage.db import session_scope
from storage.repo.scoring_inputs import NoOrgError, current_org

router = APIRouter(prefix="/dashboard", include_in_schema=False)


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def org_of(request: Request) -> Org | None:
    try:
        with session_scope(engine_of(request)) as session:
            return current_org(session)
    except NoOrgError:
        return None


def home_of(org: Org, member: str) -> str:
    """Where a fresh session lands: the member's own page, else their first team."""
    if org.members[member].template is not None:
        return f"/dashboard/m/{member}"
    teams = visible_teams(org, member)
    return f"/dashboard/team/{teams[0]}" if teams else "/dashboard"


def redirect(url: str) -> Response:
    return secure_headers(RedirectResponse(url, status_code=303))


@router.get("")
def dashboard_home(request: Request) -> Response:
    org = org_of(request)
    viewer = viewer_of(request)
    if org is not None and viewer in org.members and viewer is not None:
        target = home_of(org, viewer)
        if target != "/dashboard":
            return redirect(target)
        return message(request, choose_locale(request, org, viewer), "nothing", 200, org=org)
    return message(request, choose_locale(request, org), "login", 401, org=org)


@router.get("/l/{token}")
def landing(request: Request, token: str) -> Response:
    org = org_of(request)
    locale = choose_locale(request, org)
    if settings_of(request).secret_key is None:
        return message(request, locale, "disabled", 503)
    chk = check_link(settings_of(request), token, now_of(request))
    if chk.state != "ok" or chk.nonce is None:
        return message(request, locale, chk.state, 410 if chk.state == "expired" else 400)
    with session_scope(engine_of(request)) as session:
        used = link_used(session, chk.nonce)
    if used:
        return message(request, locale, "used", 410)
    locale = choose_locale(request, org, chk.member)
    found = org.members.get(chk.member) if org and chk.member else None
    name = found.name or chk.member if found else chk.member
    return page(request, "landing.html", locale, {"action": request.url.path, "who": name}, org=org)


@router.post("/l/{token}")
async def consume(request: Request, token: str) -> Response:
    settings = settings_of(request)
    org = org_of(request)
    locale = choose_locale(request, org)
    if settings.secret_key is None:
        return message(request, locale, "disabled", 503)
    form = await request.form()
    field = form.get("csrf")
    if not csrf_ok(
        settings,
        request.cookies.get(CSRF_COOKIE),
        field if isinstance(field, str) else None,
        now_of(request),
    ):
        return message(request, locale, "csrf", 403)
    chk = check_link(settings, token, now_of(request))
    if chk.state != "ok" or chk.nonce is None:
        return message(request, locale, chk.state, 410 if chk.state == "expired" else 400)
    if org is None or chk.member not in org.members or chk.member is None:
        return message(request, locale, "invalid", 400)
    with session_scope(engine_of(request)) as session:
        won = consume_link(session, chk.nonce)
    if not won:
        return message(request, locale, "used", 410)
    response = redirect(home_of(org, chk.member))
    start_session(request, response, chk.member)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    settings = settings_of(request)
    locale = choose_locale(request)
    form = await request.form()
    field = form.get("csrf")
    if settings.secret_key is None or not csrf_ok(
        settings,
        request.cookies.get(CSRF_COOKIE),
        field if isinstance(field, str) else None,
        now_of(request),
    ):
        return message(request, locale, "csrf", 403)
    response = message(request, locale, "logged_out", 200)
    end_session(request, response)
    return response
