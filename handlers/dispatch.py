"""The one door every platform's inbound traffic goes through.

An adapter verifies the request, turns it into an `Inbound` and calls `dispatch` (in a
worker thread: it does blocking database work). `dispatch` resolves who acted, drops a
delivery it has already processed, runs the handler, and queues `Send` replies in the same
short transaction, so the effect, the delivery claim and the outgoing messages commit
together or not at all. What comes back is rendered by the adapter as the response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field

from sqlmodel import Session

from handlers.cards import Card, Ephemeral, Event, EventKind, Reply, Send, Text
from handlers.context import Ctx, Deps, snapshot_settings
from handlers.delivery import send_to_member
from handlers.i18n import resolve_locale, t
from handlers.routes import Handler, Routes
from scoring.model import Org
from scoring.readonly import readonly
from storage.db import session_scope
from storage.repo import NoOrgError
from storage.repo.deliveries import claim_delivery
from storage.repo.snapshot import snapshot_cache


@readonly
class Inbound:
    """What an adapter recovered from a verified request, before identity is known."""

    platform: str
    user_id: str
    kind: EventKind
    name: str
    values: Mapping[str, str] = field(default_factory=dict)
    args: str = ""
    delivery_id: str = ""
    source_ref: str | None = None
    meta: str = ""
    locale_hint: str | None = None


def _notice(text: str) -> list[Reply]:
    return [Ephemeral(Card(blocks=(Text(text),)))]


def admin_names(org: Org) -> str:
    names = [m.name or m.id for m in org.members.values() if "admin" in m.roles]
    return ", ".join(names) or "HR"


def _lookup(routes: Routes, event: Event) -> Handler | None:
    table = {"command": routes.commands, "button": routes.actions, "form": routes.forms}
    return table[event.kind].get(event.name)


def dispatch(deps: Deps, inbound: Inbound, routes: Routes) -> list[Reply]:
    """Handle one inbound event in its own transaction; returns the replies."""
    with session_scope(deps.engine) as session:
        return dispatch_in(session, deps, inbound, routes)


def dispatch_in(session: Session, deps: Deps, inbound: Inbound, routes: Routes) -> list[Reply]:
    """The body of `dispatch` inside the caller's unit of work (which commits it).

    Org, identity and settings come from the process's snapshot, checked current with one
    read of the generation counter (`storage.repo.snapshot`)."""
    try:
        snap = snapshot_cache(deps.engine).get(session)
    except NoOrgError:
        return _notice(t("error.not_configured", inbound.locale_hint))
    org = snap.org
    member_id = snap.member_for(inbound.platform, inbound.user_id)
    if member_id is None:
        locale = resolve_locale(inbound.locale_hint, org.locale)
        return _notice(t("error.unknown_user", locale, admin=admin_names(org)))
    if inbound.delivery_id and not claim_delivery(
        session, platform=inbound.platform, delivery_id=inbound.delivery_id
    ):
        return []
    locale, tz, nudges = snapshot_settings(snap, member_id)
    ctx = Ctx(
        deps=deps,
        session=session,
        org=org,
        member_id=member_id,
        platform=inbound.platform,
        now=deps.clock(),
        locale=locale,
        timezone=tz,
        nudges=nudges,
        snapshot=snap,
    )
    event = build_event(inbound, member_id, locale)
    handler = _lookup(routes, event)
    if handler is None:
        fallback = routes.commands.get("help") if event.kind == "command" else None
        if fallback is None:
            return _notice(ctx.t("error.unknown_command", command=event.name))
        handler = fallback
    replies = handler(event, ctx)
    return queue_sends(ctx, replies)


def build_event(inbound: Inbound, member_id: str, locale: str) -> Event:
    """The neutral event a handler gets, once the member is known."""
    return Event(
        member_id=member_id,
        platform=inbound.platform,
        kind=inbound.kind,
        name=inbound.name,
        values=dict(inbound.values),
        locale=locale,
        delivery_id=inbound.delivery_id,
        source_ref=inbound.source_ref,
        args=inbound.args,
        meta=inbound.meta,
    )


def queue_sends(ctx: Ctx, replies: list[Reply]) -> list[Reply]:
    """`Send` replies become outbox rows now (same transaction); the rest go back."""
    out: list[Reply] = []
    for reply in replies:
        if isinstance(reply, Send):
            send_to_member(
                ctx.session,
                ctx.org,
                reply.target,
                reply.card,
                reply.idempotency_key,
                prefer=ctx.platform,
            )
        else:
            out.append(reply)
    return out
