"""Conversation: calibration and bonus-point requests and their three-role approval.

`/calibrate` (managers) opens a form; `/bonus @member points reason` (managers of the
member, or admins) goes straight to a request. Either one is `pending` until one approver
of each role signs (see `handlers.approvals`); approvers answer on the DM card.
"""

from __future__ import annotations

from handlers import bonus
from handlers.access import is_admin, is_manager
from handlers.approvals import (
    APPROVE,
    REJECT,
    REJECT_FORM,
    Outcome,
    approval_buttons,
    ask_approvers,
    decide,
    parse_ref,
    reject_form,
    send,
)
from handlers.calibration_form import FORM_ID, build_form, parse_submission, text_in
from handlers.cards import (
    Block,
    Card,
    Context,
    Ephemeral,
    Event,
    FormErrors,
    Header,
    OpenForm,
    Reply,
    Text,
    UpdateSource,
)
from handlers.context import Ctx, member_locale
from handlers.i18n import t
from handlers.routes import Routes
from storage.repo.approvals import Request, RequestKind, create_calibration
from storage.repo.audit import audit
from storage.tables import CalibrationRecord

ROUTES = Routes()
ROUTES.command("bonus")(bonus.start)
ROUTES.form(bonus.FORM_ID)(bonus.submit)


def notice(text: str) -> list[Reply]:
    return [Ephemeral(Card(blocks=(Text(text),)))]


@ROUTES.command("calibrate")
def start(_event: Event, ctx: Ctx) -> list[Reply]:
    if not (is_manager(ctx.org, ctx.member_id) or is_admin(ctx.org, ctx.member_id)):
        return notice(ctx.t("calibration.managers_only"))
    return [OpenForm(build_form(ctx))]


def subject_name(ctx: Ctx, req: Request, locale: str) -> str:
    if req.member_id:
        return ctx.org.members[req.member_id].name or req.member_id
    key = getattr(req, "team_key", None) or ""
    return text_in(ctx.org.teams[key].name, locale, key) if key in ctx.org.teams else key


def summary(cal: CalibrationRecord, locale: str) -> str:
    """One line: what changes, for which indicator and period."""
    if cal.type == "swap" and cal.swap_to:
        change = t("calibration.summary_swap", locale, old=cal.swap_from, new=cal.swap_to["key"])
    elif cal.coefficient is not None:
        change = t(
            "calibration.summary_coefficient", locale, indicator=cal.indicator, k=cal.coefficient
        )
    else:
        change = t(
            "calibration.summary_target", locale, indicator=cal.indicator, target=cal.new_target
        )
    return f"{change} ({cal.period})"


def request_card(ctx: Ctx, req: Request, locale: str, *, buttons: bool = False) -> Card:
    """The approval card (buttons) or the status card an approver's click leaves behind."""
    assert req.id is not None
    requester = (
        ctx.org.members[req.requested_by or ""].name if req.requested_by in ctx.org.members else ""
    )
    reason = text_in(req.reason, locale)
    if isinstance(req, CalibrationRecord):
        kind: RequestKind = "calibration"
        title = t("calibration.title", locale)
        body = t(
            "calibration.approval_card",
            locale,
            requester=requester,
            name=subject_name(ctx, req, locale),
            summary=summary(req, locale),
        )
    else:
        kind = "bonus"
        title = t("bonus.title", locale)
        body = t(
            "bonus.approval_card",
            locale,
            requester=requester,
            points=req.points,
            name=subject_name(ctx, req, locale),
            reason=reason,
        )
    blocks: list[Block] = [
        Header(title),
        Text(body),
        Context(t("calibration.reason", locale) + ": " + reason),
    ]
    if buttons:
        blocks.append(approval_buttons(kind, req.id, locale))
    return Card(blocks=tuple(blocks), title=title, card_id=f"{kind}:{req.id}")


def submit(event: Event, ctx: Ctx) -> list[Reply]:
    if not (is_manager(ctx.org, ctx.member_id) or is_admin(ctx.org, ctx.member_id)):
        return notice(ctx.t("calibration.managers_only"))
    parsed = parse_submission(ctx, event.values)
    if parsed.errors:
        return [FormErrors(parsed.errors)]
    cal = create_calibration(
        ctx.session, requested_by=ctx.member_id, requested_at=ctx.now, **parsed.fields
    )
    audit(
        ctx.session,
        actor=ctx.member_id,
        action="calibration.request",
        subject=f"calibration:{cal.id}",
        details={k: str(v) for k, v in parsed.fields.items() if v is not None},
    )
    asked = ask_approvers(
        ctx, "calibration", cal, lambda loc: request_card(ctx, cal, loc, buttons=True)
    )
    return notice(ctx.t("approval.requested", count=asked))


ROUTES.form(FORM_ID)(submit)


def _tell_requester(ctx: Ctx, req: Request, outcome: Outcome, reason: str | None) -> None:
    who = req.requested_by
    if not who or who not in ctx.org.members:
        return
    loc = member_locale(ctx.session, ctx.org, who)
    name = subject_name(ctx, req, loc)
    approver = ctx.member.name or ctx.member_id
    if outcome.status == "approved":
        text = (
            t("calibration.all_approved", loc, name=name)
            if isinstance(req, CalibrationRecord)
            else t("bonus.all_approved", loc, name=name, points=req.points)
        )
    elif isinstance(req, CalibrationRecord):
        text = t("calibration.rejected", loc, approver=approver, name=name, reason=reason or "")
    else:
        text = t("bonus.rejected", loc, approver=approver, name=name, reason=reason or "")
    kind = "calibration" if isinstance(req, CalibrationRecord) else "bonus"
    send(ctx, who, Card(blocks=(Text(text),)), f"{kind}:{req.id}:{outcome.status}")


def _answer(ctx: Ctx, ref: str, approve: bool, reason: str | None) -> list[Reply]:
    parsed = parse_ref(ref)
    if parsed is None:
        return notice(ctx.t("error.expired"))
    outcome = decide(ctx, parsed[0], parsed[1], approve=approve, reason=reason)
    if outcome.status == "refused":
        return notice(ctx.t(outcome.message))
    req = outcome.request
    assert req is not None
    if outcome.status in ("approved", "rejected"):
        _tell_requester(ctx, req, outcome, reason)
    role = ctx.t(f"approval.role_{outcome.role}")
    status = ctx.t("approval.you_approved" if approve else "approval.you_rejected", role=role)
    if outcome.on_behalf:
        status += " " + ctx.t(
            "calibration.on_behalf", approver=ctx.member.name or ctx.member_id, role=role
        )
    card = request_card(ctx, req, ctx.locale)
    return [
        UpdateSource(
            Card(blocks=(*card.blocks, Context(status)), title=card.title, card_id=card.card_id)
        )
    ]


@ROUTES.action(APPROVE)
def approve(event: Event, ctx: Ctx) -> list[Reply]:
    return _answer(ctx, event.values.get("value", ""), True, None)


@ROUTES.action(REJECT)
def reject(event: Event, ctx: Ctx) -> list[Reply]:
    ref = event.values.get("value", "")
    if parse_ref(ref) is None:
        return notice(ctx.t("error.expired"))
    return reject_form(ctx, ref)


@ROUTES.form(REJECT_FORM)
def reject_submit(event: Event, ctx: Ctx) -> list[Reply]:
    reason = (event.values.get("reason") or "").strip()
    if not reason:
        return [FormErrors({"reason": ctx.t("validation.required")})]
    return _answer(ctx, event.meta, False, reason)
