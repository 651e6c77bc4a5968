"""App Home: the member's current summary and everything waiting for them, each with a
button to act. The Slack adapter publishes this card on `app_home_opened`; typed `home`
shows the same card privately."""

from __future__ import annotations

from handlers.approvals import approval_buttons
from handlers.cards import (
    Actions,
    Block,
    Button,
    Card,
    Context,
    Ephemeral,
    Event,
    Fields,
    Header,
    Reply,
    Send,
    Text,
)
from handlers.checkin import stored_checkin, window_for
from handlers.context import Ctx
from handlers.convkit import checkin_indicators, fmt_score, member_name, period_label
from handlers.i18n import format_date
from handlers.links import make_dashboard_link
from handlers.myscore import current_quarter, member_now, score_replies
from handlers.routes import Routes
from storage.repo.config import current_config
from storage.repo.tasks import approvals_waiting, plans_to_confirm, reviews_to_give

ROUTES = Routes()
MAX_ITEMS = 10
"""Per task kind; the rest is counted, so the home view stays within platform limits."""


def _summary(ctx: Ctx) -> list[Block]:
    if ctx.member.template is None:
        return [Text(ctx.t("home.unscored"))]
    period = current_quarter(ctx)
    mj = member_now(ctx, ctx.member_id, period)
    blocks: list[Block] = [
        Text(f"**{ctx.t('myscore.title', period=period_label(period, ctx.locale))}**"),
        Fields(
            [
                (ctx.t("myscore.total"), fmt_score(mj["total"], ctx.locale)),
                (ctx.t("myscore.grade"), mj["grade"] or "—"),
            ]
        ),
    ]
    if mj["provisional"]:
        blocks.append(Context(ctx.t("myscore.provisional")))
    return blocks


def _checkin_task(ctx: Ctx) -> list[Block]:
    if not checkin_indicators(ctx.org, ctx.member_id):
        return []
    win = window_for(ctx)
    if not win.is_open(ctx.local_today()) or stored_checkin(ctx, win.month) is not None:
        return []
    text = ctx.t(
        "home.checkin_due",
        period=period_label(win.month, ctx.locale),
        deadline=format_date(win.deadline, ctx.locale),
    )
    button = Button(ctx.t("checkin.open_button"), "checkin.open", str(win.month), "primary")
    return [Text(text), Actions((button,))]


def _review_tasks(ctx: Ctx) -> list[Block]:
    todo = reviews_to_give(ctx.session, rater_id=ctx.member_id)
    if not todo:
        return []
    blocks: list[Block] = [Text(ctx.t("home.reviews_due", count=len(todo)))]
    buttons = [
        Button(
            ctx.t("home.review_button", name=member_name(ctx.org, ratee)),
            "review.open",
            str(assignment_id),
        )
        for assignment_id, _cycle, ratee in todo[:MAX_ITEMS]
    ]
    blocks += [Actions(buttons[i : i + 5]) for i in range(0, len(buttons), 5)]
    return blocks + _more(ctx, len(todo))


def _plan_tasks(ctx: Ctx) -> list[Block]:
    plans = plans_to_confirm(ctx.session, member_id=ctx.member_id)
    blocks: list[Block] = []
    for plan in plans[:MAX_ITEMS]:
        due = format_date(plan.due, ctx.locale) if plan.due else "—"
        blocks.append(Text(ctx.t("home.plan_to_confirm", skill=plan.skill, due=due)))
        blocks.append(
            Actions((Button(ctx.t("coaching.confirm"), "coaching.confirm", str(plan.id)),))
        )
    return blocks + _more(ctx, len(plans))


def _approval_tasks(ctx: Ctx) -> list[Block]:
    approvers = current_config(ctx.session).org.approvers.model_dump()
    waiting = approvals_waiting(ctx.session, member_id=ctx.member_id, approvers=approvers)
    blocks: list[Block] = []
    for item in waiting[:MAX_ITEMS]:
        who = member_name(ctx.org, item.member_id) if item.member_id else (item.team_key or "")
        roles = ", ".join(ctx.t(f"perf.role.{r}") for r in item.roles)
        blocks.append(Text(ctx.t(f"home.approval_{item.kind}", name=who, roles=roles)))
        blocks.append(approval_buttons(item.kind, item.record_id, ctx.locale))
    return blocks + _more(ctx, len(waiting))


def _more(ctx: Ctx, count: int) -> list[Block]:
    return [Context(ctx.t("home.more", count=count - MAX_ITEMS))] if count > MAX_ITEMS else []


def home_card(ctx: Ctx) -> Card:
    blocks: list[Block] = [Header(ctx.t("home.title", name=member_name(ctx.org, ctx.member_id)))]
    blocks += _summary(ctx)
    url = make_dashboard_link(ctx.deps.secret_key, ctx.deps.public_url, ctx.member_id, ctx.now)
    buttons = [Button(ctx.t("common.dashboard_button"), "perf.dashboard_open", url=url)]
    if ctx.member.template is not None:
        period = str(current_quarter(ctx))
        buttons.insert(0, Button(ctx.t("home.myscore_button"), "home.myscore", period))
    blocks.append(Actions(buttons))
    blocks.append(Header(ctx.t("home.tasks")))
    tasks = _checkin_task(ctx) + _review_tasks(ctx) + _plan_tasks(ctx) + _approval_tasks(ctx)
    blocks += tasks or [Text(ctx.t("home.no_tasks"))]
    return Card(blocks=blocks, card_id=f"home:{ctx.member_id}")


@ROUTES.command("home")
def home(_event: Event, ctx: Ctx) -> list[Reply]:
    return [Ephemeral(home_card(ctx))]


@ROUTES.action("home.myscore")
def home_myscore(event: Event, ctx: Ctx) -> list[Reply]:
    """The home tab has no conversation to answer in: the score card arrives as a DM."""
    out: list[Reply] = []
    for n, reply in enumerate(score_replies(event, ctx, event.values.get("value", ""))):
        card = getattr(reply, "card", None)
        if isinstance(card, Card):
            key = f"home.myscore:{ctx.member_id}:{event.delivery_id or ctx.now.isoformat()}:{n}"
            out.append(Send(target=ctx.member_id, card=card, idempotency_key=key))
    return out
