"""The member page, the team view and its CSV export. Routes stay thin: who may look is
`handlers.access` (through `handlers.teamview`), what is shown is `handlers.dashboard`."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.web.auth import now_of, viewer_of
from bot.web.link_routes import engine_of, org_of
from bot.web.pages import choose_locale, message, page
from bot.web.render import secure_headers
from handlers.access import can_view_scores, is_admin
from handlers.dashboard import member_page
from handlers.i18n import render
from handlers.teamview import team_csv, team_members, team_page, team_rows
from handlers.webdata import Inputs, load_inputs, org_today, parse_period, period_options
from scoring.model import Org
from scoring.periods import Period, PeriodError
from storage.msg import msg_of

router = APIRouter(prefix="/dashboard", include_in_schema=False)


@dataclass(frozen=True)
class Seen:
    """A signed-in viewer with the org, page language, period and scoring inputs."""

    org: Org
    viewer: str
    locale: str
    period: Period
    inputs: Inputs


def _seen(request: Request, members: list[str] | None = None) -> Seen | Response:
    """The viewer, or the 401/400 page that explains what is wrong."""
    org = org_of(request)
    viewer = viewer_of(request)
    if org is None or viewer is None or viewer not in org.members:
        return message(request, choose_locale(request, org), "login", 401, org=org)
    locale = choose_locale(request, org, viewer)
    now = now_of(request)
    try:
        period = parse_period(request.query_params.get("period"), org_today(org, now))
    except PeriodError as exc:  # worded in the viewer's language, not scoring's English
        error = render(msg_of(exc), locale)
        return message(request, locale, "bad_period", 400, org=org, error=error)
    inputs = load_inputs(engine_of(request), period, now, members=members)
    return Seen(org, viewer, locale, period, inputs)


def _switcher(seen: Seen) -> dict[str, object]:
    return {
        "period": str(seen.period),
        "period_groups": period_options(seen.inputs.today, seen.period),
    }


@router.get("/m/{member}")
def member(request: Request, member: str) -> Response:
    seen = _seen(request, members=[member])
    if not isinstance(seen, Seen):
        return seen
    org = seen.org
    if member not in org.members:
        status, kind = (404, "not_found") if is_admin(org, seen.viewer) else (403, "forbidden")
        return message(request, seen.locale, kind, status, org=org)
    if not can_view_scores(org, seen.viewer, member):
        return message(request, seen.locale, "forbidden", 403, org=org)
    data = member_page(engine_of(request), member, seen.period, seen.inputs, seen.locale)
    return page(request, "member.html", seen.locale, {"m": data, **_switcher(seen)}, org=org)


def _team(request: Request, team: str) -> tuple[Seen, list[str]] | Response:
    seen = _seen(request)
    if not isinstance(seen, Seen):
        return seen
    members = team_members(seen.org, seen.viewer, team)
    if members is None:
        admin = is_admin(seen.org, seen.viewer)
        status, kind = (404, "not_found") if admin else (403, "forbidden")
        return message(request, seen.locale, kind, status, org=seen.org)
    return seen, members


@router.get("/team/{team}")
def team(request: Request, team: str) -> Response:
    found = _team(request, team)
    if not isinstance(found, tuple):
        return found
    seen, members = found
    data = team_page(engine_of(request), team, members, seen.period, seen.inputs, seen.locale)
    return page(request, "team.html", seen.locale, {"tv": data, **_switcher(seen)}, org=seen.org)


@router.get("/team/{team}/export.csv")
def team_export(request: Request, team: str) -> Response:
    found = _team(request, team)
    if not isinstance(found, tuple):
        return found
    seen, members = found
    _scored, _provisional, rows = team_rows(members, seen.period, seen.inputs, seen.locale)
    filename = f"perfbot-{team}-{seen.period}.csv"
    response = Response(
        team_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    return secure_headers(response)
