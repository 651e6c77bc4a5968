"""The three-role approval shared by calibrations and bonus points.

A request counts only once one approver of each role (strategy, marketing, hr) approved,
three different people; any rejection ends it. Nobody signs a request they raised or that
is about them. When every listed approver of a role is away (on leave, gone) or involved,
an admin may sign for that role, recorded with `on_behalf`. Every decision is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from handlers.access import is_admin
from handlers.cards import Actions, Button, Card, Form, OpenForm, Reply, TextInput
from handlers.context import Ctx, member_locale
from handlers.delivery import send_to_member
from handlers.i18n import t
from scoring.model import Org
from storage.repo.approvals import (
    Decision,
    Request,
    RequestKind,
    add_decision,
    close_request,
    decisions,
    get_request,
)
from storage.repo.audit import audit
from storage.repo.config import current_config

ROLES = ("strategy", "marketing", "hr")
APPROVE = "approval.approve"
REJECT = "approval.reject"
REJECT_FORM = "approval.reject_form"

CardFor = Callable[[str], Card]
"""Builds the request's card in a given locale (approval cards, notices)."""


@dataclass(frozen=True)
class Outcome:
    """What a click did: `refused` (with a message id), `recorded`, `approved`, `rejected`."""

    status: str
    message: str = ""
    role: str = ""
    on_behalf: bool = False
    request: Request | None = None


def approvers(ctx: Ctx) -> dict[str, list[str]]:
    cfg = current_config(ctx.session).org.approvers
    return {"strategy": list(cfg.strategy), "marketing": list(cfg.marketing), "hr": list(cfg.hr)}


def is_away(org: Org, member_id: str, today: date) -> bool:
    """Gone, not yet joined, or on leave today: such an approver cannot sign."""
    m = org.members.get(member_id)
    if m is None or (m.left and m.left < today) or (m.joined and m.joined > today):
        return True
    return any(lv.start <= today <= lv.end for lv in m.leave)


def involved(req: Request) -> set[str]:
    """The people who may not sign: whoever raised it and whoever it is about."""
    return {x for x in (req.requested_by, req.member_id) if x}


def _unavailable(ctx: Ctx, who: str, req: Request, done: list[Decision]) -> bool:
    return (
        who in involved(req)
        or any(d.approver == who for d in done)
        or is_away(ctx.org, who, ctx.org_today())
    )


def pick_role(ctx: Ctx, req: Request, done: list[Decision]) -> tuple[str, bool] | str:
    """(role, on_behalf) the acting member may fill, or the message id of the refusal."""
    actor = ctx.member_id
    if actor in involved(req):
        return "calibration.own_request"
    if any(d.approver == actor for d in done):
        return "approval.already_signed"
    table = approvers(ctx)
    open_roles = [r for r in ROLES if r not in {d.role for d in done}]
    for role in open_roles:
        if actor in table[role]:
            return role, False
    if is_admin(ctx.org, actor):
        for role in open_roles:
            if all(_unavailable(ctx, who, req, done) for who in table[role]):
                return role, True
    return "approval.not_approver"


def decide(
    ctx: Ctx, kind: RequestKind, request_id: int, *, approve: bool, reason: str | None = None
) -> Outcome:
    """Record the acting member's decision and close the request when it is settled."""
    req = get_request(ctx.session, kind=kind, request_id=request_id)
    if req is None:
        return Outcome("refused", "error.expired")
    if req.state != "pending":
        return Outcome("refused", "approval.closed", request=req)
    done = decisions(ctx.session, kind=kind, request_id=request_id)
    picked = pick_role(ctx, req, done)
    if isinstance(picked, str):
        return Outcome("refused", picked, request=req)
    role, on_behalf = picked
    decision = "approved" if approve else "rejected"
    if not add_decision(
        ctx.session,
        kind=kind,
        request_id=request_id,
        role=role,
        approver=ctx.member_id,
        decision=decision,
        now=ctx.now,
        reason=reason,
        on_behalf=on_behalf,
    ):
        return Outcome("refused", "approval.already_signed", request=req)
    audit(
        ctx.session,
        actor=ctx.member_id,
        action=f"{kind}.{'approve' if approve else 'reject'}",
        subject=f"{kind}:{request_id}",
        details={"role": role, "on_behalf": on_behalf, "reason": reason},
    )
    status = "recorded"
    if not approve:
        close_request(ctx.session, kind=kind, request_id=request_id, state="rejected", now=ctx.now)
        status = "rejected"
    elif len(done) + 1 == len(ROLES) and all(d.decision == "approved" for d in done):
        close_request(ctx.session, kind=kind, request_id=request_id, state="approved", now=ctx.now)
        status = "approved"
    if status != "recorded":
        audit(
            ctx.session,
            actor=ctx.member_id,
            action=f"{kind}.{status}",
            subject=f"{kind}:{request_id}",
            details={"reason": reason} if reason else {},
        )
    return Outcome(status, role=role, on_behalf=on_behalf, request=req)


def approval_buttons(kind: RequestKind, request_id: int, locale: str) -> Actions:
    value = f"{kind}:{request_id}"
    return Actions(
        (
            Button(t("awards.approve", locale), APPROVE, value, "primary"),
            Button(t("awards.reject", locale), REJECT, value, "danger"),
        )
    )


def ask_approvers(ctx: Ctx, kind: RequestKind, req: Request, card_for: CardFor) -> int:
    """DM the approval card to every available approver; admins stand in for a role with
    nobody available. Returns how many people were asked."""
    assert req.id is not None
    table = approvers(ctx)
    asked: set[str] = set()
    for role in ROLES:
        people = [w for w in table[role] if not _unavailable(ctx, w, req, [])]
        if not people:
            people = [m for m in ctx.org.members if is_admin(ctx.org, m) and m not in involved(req)]
        asked.update(people)
    for who in sorted(asked):
        send(ctx, who, card_for(member_locale(ctx.session, ctx.org, who)), f"{kind}:{req.id}:ask")
    return len(asked)


def send(ctx: Ctx, member_id: str, card: Card, key: str) -> None:
    """Queue a DM now, keyed per recipient so a repeat is a no-op."""
    send_to_member(ctx.session, ctx.org, member_id, card, f"{key}:{member_id}", prefer=ctx.platform)


def parse_ref(value: str) -> tuple[RequestKind, int] | None:
    """`calibration:12` / `bonus:3` from a button value or form metadata."""
    kind, _, ident = value.partition(":")
    if kind not in ("calibration", "bonus") or not ident.isdigit():
        return None
    return ("calibration" if kind == "calibration" else "bonus"), int(ident)


def reject_form(ctx: Ctx, ref: str) -> list[Reply]:
    return [
        OpenForm(
            Form(
                form_id=REJECT_FORM,
                title=ctx.t("awards.reject"),
                submit_label=ctx.t("common.submit"),
                inputs=(TextInput("reason", ctx.t("approval.reject_reason"), multiline=True),),
                private_metadata=ref,
            )
        )
    ]
