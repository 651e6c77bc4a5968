"""Conversation: award nominations, their approval and the announcement.

`/award innovation @member <reason>` by someone `incentives.awards.innovation.nominated_by`
allows → a pending award and approval cards to the `approved_by` approvers. One approval
grants it once (a conditional update: a double click or two approvers cannot grant twice),
adds the star case and key-action points, and announces it in the team channel through
`announce_award`, which automatic awards (content hits, new customers) use too.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from handlers.access import is_admin, is_manager
from handlers.approvals import approvers as role_table
from handlers.approvals import send
from handlers.award_card import announce_award, award_name, nominee_name
from handlers.calibration_form import lang_key, text_in
from handlers.cards import (
    Actions,
    Block,
    Button,
    Card,
    Context,
    Ephemeral,
    Event,
    Form,
    FormErrors,
    Header,
    OpenForm,
    Reply,
    SelectInput,
    Text,
    TextInput,
    UpdateSource,
)
from handlers.commands import mentioned_member, rest_after_mention
from handlers.context import Ctx, member_locale
from handlers.i18n import t
from handlers.routes import Routes
from scoring.periods import Period
from storage.repo.approvals import grant_pending_award, nominate_award, reject_pending_award
from storage.repo.audit import audit
from storage.repo.config import current_config
from storage.tables import Award

ROUTES = Routes()
__all__ = ["ROUTES", "announce_award", "award_approvers"]
FORM_ID = "award.nominate"
REJECT_FORM = "award.reject_form"
KINDS = {"innovation": "innovation", "创新": "innovation", "创新奖": "innovation"}


def _notice(text: str) -> list[Reply]:
    return [Ephemeral(Card(blocks=(Text(text),)))]


def _members_of(ctx: Ctx, roles: list[str]) -> set[str]:
    """People the configured roles name (`manager` = anyone who manages someone)."""
    table = role_table(ctx)
    out: set[str] = set()
    for role in roles:
        if role == "manager":
            out |= {m for m in ctx.org.members if is_manager(ctx.org, m)}
        elif role == "admin":
            out |= {m for m in ctx.org.members if is_admin(ctx.org, m)}
        else:
            out |= set(table.get(role, []))
    return out


def _rules(ctx: Ctx) -> tuple[list[str], list[str]]:
    cfg = current_config(ctx.session).incentives.awards.innovation
    if cfg is None:
        return ["manager"], ["marketing"]
    return list(cfg.nominated_by), list(cfg.approved_by)


def award_approvers(ctx: Ctx, award: Award) -> list[str]:
    """Who may approve: the configured roles minus nominator and nominee; else admins."""
    excluded = {award.nominated_by, award.member_id}
    people = _members_of(ctx, _rules(ctx)[1]) - excluded
    if not people:
        people = {m for m in ctx.org.members if is_admin(ctx.org, m)} - excluded
    return sorted(people)


def _form(ctx: Ctx) -> Form:
    options = [(m.name or mid, mid) for mid, m in ctx.org.members.items() if mid != ctx.member_id]
    return Form(
        form_id=FORM_ID,
        title=ctx.t("awards.nominate_title"),
        submit_label=ctx.t("common.submit"),
        inputs=(
            SelectInput("member", ctx.t("awards.nominee"), options),
            TextInput("reason", ctx.t("awards.reason"), multiline=True, max_length=500),
        ),
    )


@ROUTES.command("award")
def start(event: Event, ctx: Ctx) -> list[Reply]:
    if ctx.member_id not in _members_of(ctx, _rules(ctx)[0]):
        return _notice(ctx.t("awards.not_allowed"))
    rest = event.args.strip()
    head, _, tail = rest.partition(" ")
    if head.lower() in KINDS:
        rest = tail.strip()
    member = mentioned_member(ctx.session, ctx.org, rest)
    reason = rest_after_mention(rest).strip()
    if member is None or not reason:
        return [OpenForm(_form(ctx))]
    return _nominate(ctx, member, reason) or _notice(ctx.t("awards.no_self"))


@ROUTES.form(FORM_ID)
def submit(event: Event, ctx: Ctx) -> list[Reply]:
    if ctx.member_id not in _members_of(ctx, _rules(ctx)[0]):
        return _notice(ctx.t("awards.not_allowed"))
    member = event.values.get("member", "")
    reason = (event.values.get("reason") or "").strip()
    errors = {}
    if member not in ctx.org.members or member == ctx.member_id:
        errors["member"] = ctx.t(
            "awards.no_self" if member == ctx.member_id else "validation.required"
        )
    if not reason:
        errors["reason"] = ctx.t("validation.required")
    if errors:
        return [FormErrors(errors)]
    return _nominate(ctx, member, reason)


def _nominate(ctx: Ctx, member: str, reason: str) -> list[Reply]:
    if member == ctx.member_id:
        return []
    period = str(Period.containing(ctx.org_today(), "month"))
    award = nominate_award(
        ctx.session,
        key=f"innovation:{member}:{uuid.uuid4().hex[:12]}",
        kind="innovation",
        member_id=member,
        period=period,
        reason={lang_key(ctx.locale): reason},
        nominated_by=ctx.member_id,
    )
    audit(
        ctx.session,
        actor=ctx.member_id,
        action="award.nominate",
        subject=member,
        details={"award": award.id, "kind": "innovation", "period": period},
    )
    asked = award_approvers(ctx, award)
    for who in asked:
        card = _approval_card(ctx, award, member_locale(ctx.session, ctx.org, who), buttons=True)
        send(ctx, who, card, f"award:{award.id}:ask")
    return _notice(ctx.t("approval.requested", count=len(asked)))


def _approval_card(ctx: Ctx, award: Award, locale: str, *, buttons: bool = False) -> Card:
    org = ctx.org
    by = org.members.get(award.nominated_by or "")
    nominator = (by.name or by.id) if by else ""
    body = t(
        "awards.approval_request",
        locale,
        nominator=nominator,
        nominee=org.members[award.member_id].name or award.member_id,
        award=award_name(award.kind, locale),
        reason=text_in(award.reason, locale),
    )
    blocks: list[Block] = [Header(award_name(award.kind, locale)), Text(body)]
    if buttons:
        blocks.append(
            Actions(
                (
                    Button(t("awards.approve", locale), "award.approve", str(award.id), "primary"),
                    Button(t("awards.reject", locale), "award.reject", str(award.id), "danger"),
                )
            )
        )
    return Card(
        blocks=tuple(blocks), title=award_name(award.kind, locale), card_id=f"award:{award.id}"
    )


def _load(ctx: Ctx, ref: str) -> Award | str:
    """The award a click is about, or the message id of why the actor cannot decide it."""
    award = ctx.session.get(Award, int(ref)) if ref.isdigit() else None
    if award is None:
        return "error.expired"
    if ctx.member_id in (award.nominated_by, award.member_id):
        return "awards.own_nomination"
    if award.state != "pending":
        return "approval.closed"
    if ctx.member_id not in award_approvers(ctx, award):
        return "approval.not_approver"
    return award


@ROUTES.action("award.approve")
def approve(event: Event, ctx: Ctx) -> list[Reply]:
    award = _load(ctx, event.values.get("value", ""))
    if isinstance(award, str):
        return _notice(ctx.t(award))
    assert award.id is not None
    points = current_config(ctx.session).incentives.key_action_points.innovation
    if not grant_pending_award(
        ctx.session,
        award_id=award.id,
        approver=ctx.member_id,
        points=Decimal(points),
        title=dict(award.reason),
    ):
        return _notice(ctx.t("approval.closed"))
    audit(
        ctx.session,
        actor=ctx.member_id,
        action="award.grant",
        subject=award.member_id,
        details={"award": award.id, "key": award.key, "points": str(points)},
    )
    announce_award(ctx.session, ctx.org, award, ctx.now)
    _tell_nominator(ctx, award, "awards.approved", "")
    return _done(
        ctx,
        award,
        ctx.t(
            "awards.approved",
            nominee=nominee_name(ctx.org, award),
            award=award_name(award.kind, ctx.locale),
        ),
    )


@ROUTES.action("award.reject")
def reject(event: Event, ctx: Ctx) -> list[Reply]:
    award = _load(ctx, event.values.get("value", ""))
    if isinstance(award, str):
        return _notice(ctx.t(award))
    form = Form(
        form_id=REJECT_FORM,
        title=ctx.t("awards.reject"),
        submit_label=ctx.t("common.submit"),
        inputs=(TextInput("reason", ctx.t("approval.reject_reason"), multiline=True),),
        private_metadata=str(award.id),
    )
    return [OpenForm(form)]


@ROUTES.form(REJECT_FORM)
def reject_submit(event: Event, ctx: Ctx) -> list[Reply]:
    reason = (event.values.get("reason") or "").strip()
    if not reason:
        return [FormErrors({"reason": ctx.t("validation.required")})]
    award = _load(ctx, event.meta)
    if isinstance(award, str):
        return _notice(ctx.t(award))
    assert award.id is not None
    if not reject_pending_award(ctx.session, award_id=award.id, approver=ctx.member_id):
        return _notice(ctx.t("approval.closed"))
    audit(
        ctx.session,
        actor=ctx.member_id,
        action="award.reject",
        subject=award.member_id,
        details={"award": award.id, "reason": reason},
    )
    _tell_nominator(ctx, award, "awards.rejected", reason)
    return _done(ctx, award, ctx.t("awards.you_rejected"))


def _tell_nominator(ctx: Ctx, award: Award, msgid: str, reason: str) -> None:
    who = award.nominated_by
    if who and who in ctx.org.members:
        loc = member_locale(ctx.session, ctx.org, who)
        text = t(
            msgid,
            loc,
            nominee=nominee_name(ctx.org, award),
            award=award_name(award.kind, loc),
            reason=reason,
        )
        send(ctx, who, Card(blocks=(Text(text),)), f"award:{award.id}:{msgid}")


def _done(ctx: Ctx, award: Award, status: str) -> list[Reply]:
    card = _approval_card(ctx, award, ctx.locale)
    return [
        UpdateSource(
            Card(blocks=(*card.blocks, Context(status)), title=card.title, card_id=card.card_id)
        )
    ]
