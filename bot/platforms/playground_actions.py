"""The playground as a chat platform: what a person does becomes an `Inbound` for `dispatch`.

Identity: a playground user picks a demo member, so there is nothing to verify. The
adapter then speaks as that member's real chat identity — the platform of the chosen look
when the member has one there, else their first — so `dispatch` resolves them through the
ordinary identity table, unchanged, and `Send` replies prefer that platform as they would
in the real chat. Delivery ids are fresh per action (`playground:<random>`).

The replies are kept the way a chat client would show them: ephemeral/respond as a bot
line in the DM, a form as an open modal (FormErrors stay on it), a toast as a flash,
UpdateSource over the card that was clicked.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from bot.platforms.playground_clock import run_all_jobs
from bot.platforms.playground_state import OpenModal, PlaygroundState, Talk, new_token
from bot.platforms.playground_view import stamp_new_rows
from handlers.cards import (
    Ephemeral,
    EventKind,
    FormErrors,
    OpenForm,
    Reply,
    Respond,
    Toast,
    UpdateSource,
)
from handlers.context import Deps
from handlers.delivery import member_platform
from handlers.dispatch import Inbound, dispatch
from handlers.i18n import t
from handlers.routes import Routes
from scheduler.jobs.base import JobResult
from scoring.model import Org

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Playground:
    """Everything an action needs: the app's deps with the playground clock, and state."""

    deps: Deps
    routes: Routes
    state: PlaygroundState

    @classmethod
    def build(cls, deps: Deps, routes: Routes, state: PlaygroundState) -> Playground:
        return cls(replace(deps, clock=state.clock), routes, state)

    def stamp(self) -> None:
        """Note the playground time of every outbox row queued since the last look."""
        high, fresh = stamp_new_rows(self.deps.engine, self.state.high_water, self.state.clock())
        with self.state.lock:
            self.state.arrived.update(fresh)
            self.state.high_water = high


def act(
    pg: Playground,
    org: Org,
    member: str,
    look: str,
    talk: Talk,
    *,
    kind: EventKind,
    name: str,
    values: Mapping[str, str] | None = None,
    args: str = "",
    meta: str = "",
    source: str | None = None,
    locale: str = "en",
) -> None:
    """Run one event through `dispatch` as `member` and keep what comes back."""
    where = member_platform(org, member, prefer=look)
    if where is None:
        talk.flashes.append(("error", t("pg.no_identity", locale)))
        return
    inbound = Inbound(
        platform=where[0],
        user_id=where[1],
        kind=kind,
        name=name,
        values=dict(values or {}),
        args=args,
        delivery_id=f"playground:{secrets.token_hex(8)}",
        source_ref=source,
        meta=meta,
        locale_hint=locale,
    )
    pg.stamp()
    try:
        replies = dispatch(pg.deps, inbound, pg.routes)
    except Exception:  # a handler bug must not take the demo page down
        log.exception("playground event failed: %s %s", kind, name)
        talk.flashes.append(("error", t("error.generic", locale)))
        return
    pg.stamp()
    keep(pg.state, talk, replies, source)


def keep(state: PlaygroundState, talk: Talk, replies: list[Reply], source: str | None) -> None:
    """Show replies as the chat client would; a form submission without errors closes."""
    submitted = talk.modal
    has_errors = any(isinstance(r, FormErrors) for r in replies)
    if submitted is not None and not has_errors:
        talk.modal = None
    for reply in replies:
        if isinstance(reply, Ephemeral):
            state.add(talk, "bot", card=reply.card, ephemeral=True)
        elif isinstance(reply, Respond):
            state.add(talk, "bot", card=reply.card)
        elif isinstance(reply, OpenForm):
            talk.modal = OpenModal(new_token(), reply.form, source)
        elif isinstance(reply, FormErrors) and submitted is not None:
            talk.modal = replace(submitted, errors=dict(reply.errors))
        elif isinstance(reply, Toast):
            talk.flashes.append((reply.kind, reply.text))
        elif isinstance(reply, UpdateSource) and source:
            talk.replaced[source] = reply.card


def jump(pg: Playground, at: datetime) -> list[JobResult]:
    """Set the clock and run every job at the new now; rows get stamped with that time."""
    pg.stamp()
    pg.state.clock.jump(at)
    results = run_all_jobs(pg.deps, pg.state.clock())
    pg.stamp()
    return results
