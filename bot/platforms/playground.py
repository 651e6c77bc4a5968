"""`/playground`: try the whole bot in a browser, as any demo member, in any platform's look.

Served only when the app runs with `PERFBOT_PLAYGROUND=on` (`perfbot demo` sets it): the
page lets anyone act as anyone, which is the point of a demo and unacceptable anywhere
else. Every button, form and typed command goes through `handlers.dispatch.dispatch`,
the same door the Slack, Feishu and WeCom adapters use. POSTs carry the dashboard's
signed double-submit CSRF token (checked against real time, not the playground clock,
so jumping the clock never invalidates a page) and answer with a redirect back to the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlmodel import Session

from bot.platforms import playground_page as pp
from bot.platforms.playground_actions import Playground, act, jump
from bot.platforms.playground_clock import parse_local, presets
from bot.platforms.playground_state import PlaygroundState, Talk, new_browser_id
from bot.platforms.playground_view import LOOKS
from bot.web.auth import CSRF_COOKIE, set_csrf_cookie, set_lang_cookie, settings_of, start_session
from bot.web.link_routes import engine_of, home_of, org_of, redirect
from bot.web.pages import _lang_links, choose_locale, message, requested_lang
from bot.web.render import render
from handlers.commands import parse_command
from handlers.i18n import t
from handlers.links import csrf_form_token, csrf_ok, new_csrf_value
from scoring.model import Org
from storage.db import session_scope
from storage.repo.config import current_config

router = APIRouter(prefix="/playground", include_in_schema=False)
BROWSER_COOKIE = "perfbot_playground"


def install_playground(app: FastAPI) -> None:
    """Mount the router; the playground clock becomes the handlers' and the pages' clock."""
    state = PlaygroundState()
    app.state.playground = Playground.build(app.state.deps, app.state.routes, state)
    app.state.web_clock = state.clock
    app.include_router(router)


def _pg(request: Request) -> Playground:
    pg: Playground = request.app.state.playground
    return pg


def _real_now() -> datetime:
    return datetime.now(UTC)


def _look(raw: str | None) -> str:
    return raw if raw in LOOKS else LOOKS[0]


def _back(member: str | None, look: str, talk: Talk | None = None) -> Response:
    """Back to the page: at the composer, or at the top when a form is open (a URL
    fragment would stop the browser from focusing the form's first field)."""
    query = urlencode({"as": member, "look": look} if member else {"look": look})
    anchor = "" if talk is not None and talk.modal is not None else "#end"
    return redirect(f"/playground?{query}{anchor}")


@router.get("")
def playground(request: Request) -> Response:
    org = org_of(request)
    locale = choose_locale(request, org)
    if org is None:
        return message(request, locale, "pg_no_org", 503)
    pg = _pg(request)
    asked = request.query_params.get("as")
    member = asked if asked in org.members else None
    look = _look(request.query_params.get("look"))
    browser = request.cookies.get(BROWSER_COOKIE) or new_browser_id()
    csrf_cookie = request.cookies.get(CSRF_COOKIE)
    fresh = None if csrf_cookie else new_csrf_value()
    ctx: dict[str, object] = {
        "csrf": csrf_form_token(settings_of(request), csrf_cookie or fresh or "", _real_now()),
        "lang_links": _lang_links(request),
        "members": pp.member_options(org, member, locale),
        "looks": LOOKS,
        "look": look,
        "member": member,
        "examples": pp.EXAMPLES,
    }
    with session_scope(engine_of(request)) as session:
        ctx["clock"] = pp.clock_view(session, org, pg.state, locale)
        if member is not None:
            talk = pg.state.talk(browser, member)
            ctx |= _member_context(request, session, org, member, look, talk, locale)
    response = render(request, "playground/page.html", locale, ctx)
    response.set_cookie(BROWSER_COOKIE, browser, httponly=True, samesite="lax", path="/")
    set_csrf_cookie(request, response, fresh)
    set_lang_cookie(request, response, requested_lang(request) and request.query_params["lang"])
    return response


def _member_context(
    request: Request, session: Session, org: Org, member: str, look: str, talk: Talk, locale: str
) -> dict[str, object]:
    public = settings_of(request).public_url
    tz = org.timezone
    flashes, talk.flashes = talk.flashes, []
    m = org.members[member]
    return {
        "member_name": m.name or member,
        "thread": pp.thread(
            session, org, member, talk, _pg(request).state, tz=tz, locale=locale, public_url=public
        ),
        "channel": pp.channel(
            session, org, member, look, _pg(request).state, tz=tz, locale=locale, public_url=public
        ),
        "modal": pp.modal_view(talk.modal),
        "flashes": flashes,
    }


class Posted:
    """A checked POST: the org, who is acted as, the look, the fields and the transcript."""

    def __init__(
        self, org: Org, member: str, look: str, fields: Mapping[str, str], talk: Talk, locale: str
    ) -> None:
        self.org, self.member, self.look = org, member, look
        self.fields, self.talk, self.locale = fields, talk, locale


async def _posted(request: Request) -> Posted | Response:
    """The form's fields after the CSRF check, or the page that says what is wrong."""
    org = org_of(request)
    locale = choose_locale(request, org)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_ok(
        settings_of(request), request.cookies.get(CSRF_COOKIE), fields.get("csrf"), _real_now()
    ):
        return message(request, locale, "csrf", 403, org=org)
    if org is None:
        return message(request, locale, "pg_no_org", 503)
    member = fields.get("as", "")
    look = _look(fields.get("look"))
    if member not in org.members:
        return _back(None, look)
    browser = request.cookies.get(BROWSER_COOKIE) or new_browser_id()
    talk = _pg(request).state.talk(browser, member)
    return Posted(org, member, look, fields, talk, locale)


@router.post("/say")
async def say(request: Request) -> Response:
    """A typed command, as Feishu and WeCom users type them (and Slack's slash commands)."""
    p = await _posted(request)
    if not isinstance(p, Posted):
        return p
    text = (p.fields.get("quick") or p.fields.get("text") or "").strip()
    if text:
        pg = _pg(request)
        pg.state.add(p.talk, "me", text=text)
        name, args = parse_command(text) or ("help", "")
        await run_in_threadpool(
            act,
            pg,
            p.org,
            p.member,
            p.look,
            p.talk,
            kind="command",
            name=name,
            args=args,
            locale=p.locale,
        )
    return _back(p.member, p.look, p.talk)


@router.post("/click")
async def click(request: Request) -> Response:
    """A card button, or a select's choice: `values={"value": …}` as every adapter sends."""
    p = await _posted(request)
    if not isinstance(p, Posted):
        return p
    action = p.fields.get("action_id", "")
    if action:
        await run_in_threadpool(
            act,
            _pg(request),
            p.org,
            p.member,
            p.look,
            p.talk,
            kind="button",
            name=action,
            values={"value": p.fields.get("value", "")},
            source=p.fields.get("source") or None,
            locale=p.locale,
        )
    return _back(p.member, p.look, p.talk)


@router.post("/submit")
async def submit(request: Request) -> Response:
    """The open form's values (every input it offered, nothing else) with its metadata."""
    p = await _posted(request)
    if not isinstance(p, Posted):
        return p
    modal = p.talk.modal
    if modal is None or modal.token != p.fields.get("token"):
        p.talk.flashes.append(("warning", t("pg.form_gone", p.locale)))
        return _back(p.member, p.look, p.talk)
    values = {i.input_id: p.fields.get(i.input_id, "") for i in modal.form.inputs}
    p.talk.modal = replace(modal, values=values, errors={})
    await run_in_threadpool(
        act,
        _pg(request),
        p.org,
        p.member,
        p.look,
        p.talk,
        kind="form",
        name=modal.form.form_id,
        values=values,
        meta=modal.form.private_metadata,
        source=modal.source,
        locale=p.locale,
    )
    return _back(p.member, p.look, p.talk)


@router.post("/close")
async def close(request: Request) -> Response:
    p = await _posted(request)
    if not isinstance(p, Posted):
        return p
    p.talk.modal = None
    return _back(p.member, p.look, p.talk)


def _target(p: Posted, request: Request) -> datetime | str:
    """The moment asked for, or the error message to flash."""
    pg = _pg(request)
    key = p.fields.get("preset", "")
    if key:
        with session_scope(pg.deps.engine) as session:
            schedule = current_config(session).schedule
        found = [x.at for x in presets(pg.state.clock(), p.org.timezone, schedule) if x.key == key]
        return found[0] if found else t("pg.clock.bad", p.locale)
    try:
        return parse_local(p.fields.get("date", ""), p.fields.get("time", ""), p.org.timezone)
    except ValueError:
        return t("pg.clock.bad", p.locale)


@router.post("/clock")
async def clock(request: Request) -> Response:
    """Jump the clock (a preset or a date and time) and run every job then; or reset it."""
    p = await _posted(request)
    if not isinstance(p, Posted):
        return p
    pg = _pg(request)
    if p.fields.get("reset"):
        pg.state.clock.reset()
        p.talk.flashes.append(("info", t("pg.clock.reset", p.locale)))
        return _back(p.member, p.look, p.talk)
    at = _target(p, request)
    if isinstance(at, str):
        p.talk.flashes.append(("error", at))
        return _back(p.member, p.look, p.talk)
    results = await run_in_threadpool(jump, pg, at)
    count = sum(r.total() for r in results)
    shown = pp.when(at, p.org.timezone, p.locale)
    p.talk.flashes.append(("success", t("pg.clock.jumped", p.locale, when=shown, count=count)))
    return _back(p.member, p.look, p.talk)


@router.post("/dashboard")
async def dashboard(request: Request) -> Response:
    """Open the acted-as member's dashboard (a session for them: demo only, like all of this)."""
    p = await _posted(request)
    if not isinstance(p, Posted):
        return p
    response = redirect(home_of(p.org, p.member))
    start_session(request, response, p.member)
    return response
