"""The fast path of hot events (a review submission): the handler runs on the event loop
against the process's snapshot, and its writes join the batch writer's next transaction.

Why: `dispatch` costs a worker-thread hop, a session, and several queries and ORM objects
per event, while a click's answer only needs what the snapshot already holds plus a few row
writes. Here the very same handler runs with `ctx.session` unusable and `ctx.defer`
collecting its writes; it is decided by the snapshot alone or not at all. Whenever the
snapshot cannot decide — no snapshot yet, an unknown user, a handler that touches the
store (`NeedsStore`), a `Send` to queue — the event goes to `dispatch` as before.

Correctness does not rest on the snapshot being fresh: the batch writer re-reads the
generation counter inside the transaction that writes the event, and an event planned on an
older snapshot is re-run there on the general path (so a cycle closed or an assignment
moved by another replica a moment ago is seen). The reply is returned only after COMMIT.
"""

from __future__ import annotations

import asyncio

from handlers.batchwriter import FastJob, batch_writer
from handlers.cards import Reply, Send
from handlers.context import NO_STORE, Ctx, Deps, NeedsStore, snapshot_settings
from handlers.dispatch import Inbound, build_event, dispatch
from handlers.routes import Routes
from storage.repo.snapshot import snapshot_cache


def plan(deps: Deps, inbound: Inbound, routes: Routes) -> FastJob | None:
    """Run a fast-capable handler on the cached snapshot; None when only `dispatch` can."""
    if (inbound.kind, inbound.name) not in routes.fast or not inbound.delivery_id:
        return None
    snap = snapshot_cache(deps.engine).peek()
    if snap is None:
        return None
    member_id = snap.member_for(inbound.platform, inbound.user_id)
    if member_id is None:
        return None  # `dispatch` answers strangers (and stores nothing)
    locale, tz, nudges = snapshot_settings(snap, member_id)
    ctx = Ctx(
        deps=deps,
        session=NO_STORE,
        org=snap.org,
        member_id=member_id,
        platform=inbound.platform,
        now=deps.clock(),
        locale=locale,
        timezone=tz,
        nudges=nudges,
        snapshot=snap,
        deferred=[],
    )
    event = build_event(inbound, member_id, locale)
    handler = routes.forms.get(inbound.name) if inbound.kind == "form" else None
    handler = handler or (routes.actions.get(inbound.name) if inbound.kind == "button" else None)
    if handler is None:
        return None
    try:
        replies = handler(event, ctx)
    except NeedsStore:
        return None
    for reply in replies:
        if isinstance(reply, Send):
            return None  # outbox rows are written by `dispatch`'s `queue_sends`
    return FastJob(inbound, deps, routes, snap.generation, replies, ctx.deferred or [])


async def dispatch_fast(deps: Deps, inbound: Inbound, routes: Routes) -> list[Reply]:
    """`dispatch`'s result for any event, through the fast path when the snapshot decides.

    Never blocks the event loop: the general path runs in a worker thread, the fast path's
    writes in the batch writer's thread; either way the answer comes after the commit."""
    job = plan(deps, inbound, routes)
    if job is None:
        return await asyncio.to_thread(dispatch, deps, inbound, routes)
    return await batch_writer(deps.engine).run(job)


def dispatch_fast_sync(deps: Deps, inbound: Inbound, routes: Routes) -> list[Reply]:
    """`dispatch_fast` for callers in a worker thread (blocks until committed)."""
    job = plan(deps, inbound, routes)
    if job is None:
        return dispatch(deps, inbound, routes)
    return batch_writer(deps.engine).call(job)
