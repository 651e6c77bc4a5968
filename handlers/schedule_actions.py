"""Buttons on the scheduler's cards: "request calibration" (at-risk warning, half-year
review) opens the calibration form; "confirm targets" records an approver's confirmation
of the next half's targets (audited, idempotent per approver and half)."""

from __future__ import annotations

from handlers import calibration
from handlers.cards import Card, Ephemeral, Event, Reply, Text
from handlers.context import Ctx
from handlers.routes import Routes
from handlers.schedule_cards import CALIBRATION_ACTION, CONFIRM_TARGETS_ACTION
from storage.repo.audit import audit
from storage.repo.config import current_config
from storage.repo.schedule import audit_count

ROUTES = Routes()
ROUTES.action(CALIBRATION_ACTION)(calibration.start)


def _say(text: str) -> list[Reply]:
    return [Ephemeral(Card(blocks=(Text(text),)))]


@ROUTES.action(CONFIRM_TARGETS_ACTION)
def confirm_targets(event: Event, ctx: Ctx) -> list[Reply]:
    half = event.values.get("value", "")[:16]
    roles = current_config(ctx.session).org.approvers
    if ctx.member_id not in (*roles.strategy, *roles.marketing, *roles.hr):
        return _say(ctx.t("sched.half.not_approver"))
    subject = f"{half}:{ctx.member_id}"
    if not audit_count(ctx.session, action="targets.confirm", subject=subject):
        audit(
            ctx.session, actor=ctx.member_id, action="targets.confirm", subject=subject, details={}
        )
    return _say(ctx.t("sched.half.confirmed", half=half))
