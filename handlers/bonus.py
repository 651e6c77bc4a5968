"""Conversation: `/bonus @member points reason`, special-contribution points.

A manager of the member (or an admin) asks; the points count only after the three-role
approval (`handlers.approvals`), for the current quarter, and scoring caps a period's sum
at `bonus_cap`. A request above the cap on its own is refused up front.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from handlers.access import is_admin, manages
from handlers.cards import (
    Card,
    Ephemeral,
    Event,
    Form,
    FormErrors,
    NumberInput,
    OpenForm,
    Reply,
    SelectInput,
    Text,
    TextInput,
)
from handlers.commands import mentioned_member, rest_after_mention
from handlers.context import Ctx
from scoring.periods import Period
from storage.repo.approvals import create_bonus
from storage.repo.audit import audit

FORM_ID = "bonus.request"


def _notice(text: str) -> list[Reply]:
    return [Ephemeral(Card(blocks=(Text(text),)))]


def may_request(ctx: Ctx, member_id: str) -> bool:
    return member_id != ctx.member_id and (
        is_admin(ctx.org, ctx.member_id) or manages(ctx.org, ctx.member_id, member_id)
    )


def _form(ctx: Ctx) -> Form:
    me = ctx.member_id
    options = [
        (m.name or mid, mid)
        for mid, m in ctx.org.members.items()
        if m.template and may_request(ctx, mid)
    ]
    return Form(
        form_id=FORM_ID,
        title=ctx.t("bonus.title"),
        submit_label=ctx.t("common.submit"),
        inputs=(
            SelectInput("member", ctx.t("calibration.member"), options),
            NumberInput("points", ctx.t("bonus.points"), min=0, max=float(ctx.org.bonus_cap)),
            TextInput("reason", ctx.t("bonus.reason"), multiline=True, max_length=500),
        ),
        private_metadata=me,
    )


def validate(ctx: Ctx, member: str | None, points_text: str, reason: str) -> dict[str, str]:
    """Per-field errors (`member`, `points`, `reason`); empty when the request is fine."""
    errors: dict[str, str] = {}
    if member is None or member not in ctx.org.members:
        errors["member"] = ctx.t("validation.required")
    elif not may_request(ctx, member):
        errors["member"] = ctx.t("bonus.not_your_report")
    try:
        points = Decimal(points_text.strip())
        ok = points.is_finite() and Decimal(0) < points <= ctx.org.bonus_cap
    except ArithmeticError:
        ok = False
    if not ok:
        errors["points"] = ctx.t("bonus.bad_points", cap=ctx.org.bonus_cap)
    if not reason.strip():
        errors["reason"] = ctx.t("validation.required")
    return errors


def _create(ctx: Ctx, member: str, points: Decimal, reason: str) -> list[Reply]:
    from handlers.approvals import ask_approvers
    from handlers.calibration import request_card
    from handlers.calibration_form import lang_key

    period = str(Period.containing(ctx.org_today(), "quarter"))
    row = create_bonus(
        ctx.session,
        member_id=member,
        period=period,
        points=points,
        reason={lang_key(ctx.locale): reason.strip()},
        requested_by=ctx.member_id,
        requested_at=ctx.now,
    )
    audit(
        ctx.session,
        actor=ctx.member_id,
        action="bonus.request",
        subject=f"bonus:{row.id}",
        details={"member": member, "period": period, "points": str(points)},
    )
    asked = ask_approvers(ctx, "bonus", row, lambda loc: request_card(ctx, row, loc, buttons=True))
    return _notice(ctx.t("approval.requested", count=asked))


def _split(args: str) -> tuple[str, str]:
    """(points, reason) from the words after the mention."""
    words = rest_after_mention(args).split(maxsplit=1)
    return (words[0] if words else ""), (words[1] if len(words) > 1 else "")


def start(event: Event, ctx: Ctx) -> list[Reply]:
    if not event.args.strip():
        return [OpenForm(_form(ctx))]
    member = mentioned_member(ctx.session, ctx.org, event.args)
    points, reason = _split(event.args)
    errors = validate(ctx, member, points, reason)
    if errors:
        labels = {
            "member": "calibration.member",
            "points": "bonus.points",
            "reason": "bonus.reason",
        }
        return _notice("\n".join(f"{ctx.t(labels[k])}: {v}" for k, v in errors.items()))
    assert member is not None
    return _create(ctx, member, Decimal(points), reason)


def submit(event: Event, ctx: Ctx) -> list[Reply]:
    values: Mapping[str, str] = event.values
    member = values.get("member") or None
    errors = validate(ctx, member, values.get("points", ""), values.get("reason", ""))
    if errors:
        return [FormErrors(errors)]
    assert member is not None
    return _create(ctx, member, Decimal(values["points"].strip()), values["reason"])
