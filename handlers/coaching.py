"""Coaching interview: `/coach @member` prep, the co-created plan, the member's answer.

Only someone above the member in the management chain (or an admin) may prepare or record
a plan for them; only the member may confirm it or ask for a change, and the coach hears
back either way. Every check is repeated on submission: a forged payload changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from handlers.access import is_admin, manages
from handlers.cards import (
    Actions,
    Button,
    Card,
    DateInput,
    Ephemeral,
    Event,
    Form,
    FormErrors,
    Header,
    NumberInput,
    OpenForm,
    Reply,
    SelectInput,
    Send,
    Text,
    TextInput,
    UpdateSource,
)
from handlers.coaching_prep import coaching_prep_card, indicator_name, plan_fields
from handlers.commands import mentioned_member
from handlers.context import Ctx, member_locale
from handlers.i18n import format_date, t
from handlers.routes import Routes
from scoring.periods import Period, PeriodError
from storage.repo.audit import audit
from storage.repo.coaching import create_plan, get_plan, plan_coach, set_plan_status
from storage.tables import ImprovementPlan

ROUTES = Routes()
MAX_SKILL = 200
MAX_NOTES = 3000


def _say(ctx: Ctx, msgid: str, **params: object) -> list[Reply]:
    return [Ephemeral(Card(blocks=(Text(ctx.t(msgid, **params)),)))]


def may_coach(ctx: Ctx, member_id: str) -> bool:
    return member_id != ctx.member_id and (
        manages(ctx.org, ctx.member_id, member_id) or is_admin(ctx.org, ctx.member_id)
    )


def _last_closed_quarter(ctx: Ctx) -> Period:
    today = ctx.org_today()
    return Period.containing(
        Period.containing(today, "quarter").start - timedelta(days=1), "quarter"
    )


@ROUTES.command("coach")
def coach(event: Event, ctx: Ctx) -> list[Reply]:
    """`coach @member [quarter]`: the prep card, privately to the manager."""
    member_id = mentioned_member(ctx.session, ctx.org, event.args)
    if member_id is None:
        return _say(ctx, "coaching.usage")
    if not may_coach(ctx, member_id):
        return _say(ctx, "coaching.not_your_report")
    rest = event.args.split()[1:]
    try:
        quarter = Period.parse(rest[0]) if rest else _last_closed_quarter(ctx)
    except PeriodError:
        return _say(ctx, "coaching.usage")
    if quarter.kind != "quarter":
        return _say(ctx, "coaching.usage")
    card = coaching_prep_card(
        ctx.session, ctx.org, ctx.member_id, member_id, quarter, ctx.now, ctx.locale
    )
    return [Ephemeral(card)]


def _target(raw: str) -> tuple[str, str] | None:
    parts = raw.split("|")
    return (parts[0], parts[1]) if len(parts) == 2 else None


@ROUTES.action("coaching.plan")
def open_plan(event: Event, ctx: Ctx) -> list[Reply]:
    found = _target(event.values.get("value", ""))
    if found is None or found[0] not in ctx.org.members or not may_coach(ctx, found[0]):
        return _say(ctx, "coaching.not_your_report")
    member_id, cycle = found
    template = ctx.org.templates.get(ctx.org.members[member_id].template or "")
    options = [
        (indicator_name(ctx.org, member_id, i.key, ctx.locale), i.key)
        for i in (template.indicators if template else ())
    ]
    form = Form(
        form_id="coaching.plan_submit",
        title=ctx.t("coaching.plan_title"),
        submit_label=ctx.t("common.submit"),
        inputs=(
            TextInput("skill", ctx.t("coaching.plan_skill"), max_length=MAX_SKILL),
            SelectInput("metric", ctx.t("coaching.plan_metric"), options),
            NumberInput("target", ctx.t("coaching.plan_target"), min=0),
            DateInput("due", ctx.t("coaching.plan_due")),
            TextInput(
                "notes",
                ctx.t("coaching.plan_notes"),
                multiline=True,
                required=False,
                max_length=MAX_NOTES,
            ),
        ),
        private_metadata=f"{member_id}|{cycle}",
    )
    return [OpenForm(form)]


def _plan_values(
    ctx: Ctx, member_id: str, values: dict[str, str]
) -> tuple[str, str, Decimal, date, str] | dict[str, str]:
    errors: dict[str, str] = {}
    skill = values.get("skill", "").strip()
    if not skill or len(skill) > MAX_SKILL:
        errors["skill"] = ctx.t("coaching.err_skill", max=MAX_SKILL)
    template = ctx.org.templates.get(ctx.org.members[member_id].template or "")
    keys = {i.key for i in template.indicators} if template else set()
    metric = values.get("metric", "").strip()
    if metric not in keys:
        errors["metric"] = ctx.t("coaching.err_metric")
    target = Decimal(0)
    try:
        target = Decimal(values.get("target", "").strip().replace(",", ""))
        if not target.is_finite() or target < 0:
            raise InvalidOperation
    except InvalidOperation:
        errors["target"] = ctx.t("coaching.err_target")
    due = ctx.local_today()
    try:
        due = date.fromisoformat(values.get("due", "").strip())
        if due <= ctx.local_today():
            errors["due"] = ctx.t("coaching.err_due_past")
    except ValueError:
        errors["due"] = ctx.t("coaching.err_due")
    notes = values.get("notes", "").strip()
    if len(notes) > MAX_NOTES:
        errors["notes"] = ctx.t("coaching.err_notes", max=MAX_NOTES)
    return errors if errors else (skill, metric, target, due, notes)


@ROUTES.form("coaching.plan_submit")
def submit_plan(event: Event, ctx: Ctx) -> list[Reply]:
    """Store session + plan (`proposed`) and DM the member the plan to confirm."""
    found = _target(event.meta)
    if found is None or found[0] not in ctx.org.members or not may_coach(ctx, found[0]):
        return _say(ctx, "coaching.not_your_report")
    member_id, cycle = found
    checked = _plan_values(ctx, member_id, dict(event.values))
    if isinstance(checked, dict):
        return [FormErrors(checked)]
    skill, metric, target, due, notes = checked
    plan = create_plan(
        ctx.session,
        member_id=member_id,
        coach_id=ctx.member_id,
        cycle=cycle,
        skill=skill,
        metric=metric,
        target=target,
        due=due,
        notes=notes,
        now=ctx.now,
    )
    audit(
        ctx.session,
        actor=ctx.member_id,
        action="coaching.plan_create",
        subject=member_id,
        details={"plan": plan.id, "cycle": cycle},
    )
    locale = member_locale(ctx.session, ctx.org, member_id)
    card = plan_card(ctx, plan, locale)
    name = ctx.org.members[member_id].name or member_id
    return [
        Send(member_id, card, f"coaching:plan:{plan.id}"),
        Ephemeral(Card(blocks=(Text(ctx.t("coaching.plan_sent", name=name)),))),
    ]


def plan_card(ctx: Ctx, plan: ImprovementPlan, locale: str) -> Card:
    coach = ctx.org.members[ctx.member_id].name or ctx.member_id
    return Card(
        blocks=(
            Header(t("coaching.confirm_title", locale, manager=coach)),
            plan_fields(ctx.org, plan, locale),
            Actions(
                (
                    Button(
                        t("coaching.confirm", locale),
                        "coaching.confirm",
                        value=str(plan.id),
                        style="primary",
                    ),
                    Button(t("coaching.ask_change", locale), "coaching.change", value=str(plan.id)),
                )
            ),
        ),
        card_id=f"coaching:plan:{plan.id}",
    )


def _own_plan(ctx: Ctx, raw: str) -> ImprovementPlan | None:
    plan = get_plan(ctx.session, plan_id=int(raw)) if raw.isdigit() else None
    return plan if plan is not None and plan.member_id == ctx.member_id else None


def _notify_coach(ctx: Ctx, plan: ImprovementPlan, msgid: str, **params: object) -> list[Reply]:
    coach = plan_coach(ctx.session, plan=plan)
    if coach is None or coach not in ctx.org.members:
        return []
    locale = member_locale(ctx.session, ctx.org, coach)
    name = ctx.org.members[plan.member_id].name or plan.member_id
    text = t(msgid, locale, name=name, skill=plan.skill, **params)
    card = Card(blocks=(Text(text), plan_fields(ctx.org, plan, locale)))
    key = f"coaching:{plan.status}:{plan.id}:{plan.updated_at.isoformat()}"
    return [Send(coach, card, key)]


@ROUTES.action("coaching.confirm")
def confirm(event: Event, ctx: Ctx) -> list[Reply]:
    plan = _own_plan(ctx, event.values.get("value", ""))
    if plan is None:
        return _say(ctx, "coaching.not_your_plan")
    if plan.status != "confirmed":
        set_plan_status(ctx.session, plan=plan, status="confirmed", now=ctx.now)
        audit(
            ctx.session,
            actor=ctx.member_id,
            action="coaching.plan_confirm",
            subject=plan.member_id,
            details={"plan": plan.id},
        )
    due = format_date(plan.due, ctx.locale) if plan.due else "–"
    replies: list[Reply] = [
        UpdateSource(
            Card(
                blocks=(
                    Text(ctx.t("coaching.confirmed", due=due)),
                    plan_fields(ctx.org, plan, ctx.locale),
                )
            )
        )
    ]
    return replies + _notify_coach(ctx, plan, "coaching.member_confirmed")


@ROUTES.action("coaching.change")
def ask_change(event: Event, ctx: Ctx) -> list[Reply]:
    plan = _own_plan(ctx, event.values.get("value", ""))
    if plan is None:
        return _say(ctx, "coaching.not_your_plan")
    form = Form(
        form_id="coaching.change_submit",
        title=ctx.t("coaching.change_title"),
        submit_label=ctx.t("common.submit"),
        inputs=(
            TextInput(
                "reason", ctx.t("coaching.change_reason"), multiline=True, max_length=MAX_NOTES
            ),
        ),
        private_metadata=str(plan.id),
    )
    return [OpenForm(form)]


@ROUTES.form("coaching.change_submit")
def submit_change(event: Event, ctx: Ctx) -> list[Reply]:
    plan = _own_plan(ctx, event.meta)
    if plan is None:
        return _say(ctx, "coaching.not_your_plan")
    reason = event.values.get("reason", "").strip()
    if not reason or len(reason) > MAX_NOTES:
        return [FormErrors({"reason": ctx.t("coaching.err_reason", max=MAX_NOTES)})]
    set_plan_status(ctx.session, plan=plan, status="change_requested", now=ctx.now)
    audit(
        ctx.session,
        actor=ctx.member_id,
        action="coaching.plan_change",
        subject=plan.member_id,
        details={"plan": plan.id},
    )
    replies: list[Reply] = [Ephemeral(Card(blocks=(Text(ctx.t("coaching.change_sent")),)))]
    return replies + _notify_coach(ctx, plan, "coaching.change_requested", reason=reason)
