"""Monthly check-in: the figures no data feed supplies, typed by the member once a month.

The form lists the member's `source: checkin` indicators with unit and target. A valid
submission is saved twice on purpose — the check-in record (what the member wrote, with
the reflection) and metric rows of origin `checkin` (what scoring reads) — in the one
event transaction, so both change together. Resubmitting before the deadline replaces
both; after the deadline nothing is accepted.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlmodel import select

from handlers.cards import (
    Card,
    Context,
    Ephemeral,
    Event,
    Fields,
    Form,
    FormErrors,
    Header,
    NumberInput,
    OpenForm,
    Reply,
    Text,
    TextInput,
)
from handlers.context import Ctx
from handlers.convkit import (
    CheckinWindow,
    checkin_indicators,
    checkin_window,
    fmt_value,
    member_target,
    notice,
    period_label,
    text_of,
)
from handlers.i18n import format_date, format_number
from handlers.routes import Routes
from scoring.model import Indicator, MetricRow
from scoring.periods import Period, PeriodError
from storage.repo import import_metrics
from storage.repo.checkins import save_checkin
from storage.repo.config import current_config
from storage.tables import CheckIn

ROUTES = Routes()

FORM_ID = "checkin.submit"
REFLECTION = "reflection"
REFLECTION_MAX = 1000
BOUND_FACTOR = Decimal(100)
"""A figure above 100× its target is a typo (an extra zero or two), not a great month."""
NO_TARGET_BOUND = Decimal(10) ** 12


def window_for(ctx: Ctx) -> CheckinWindow:
    """The check-in of the member's local today (schedule times are each member's)."""
    return checkin_window(current_config(ctx.session).schedule.checkin, ctx.local_today())


def stored_checkin(ctx: Ctx, month: Period) -> CheckIn | None:
    stmt = select(CheckIn).where(CheckIn.member_id == ctx.member_id, CheckIn.month == str(month))
    return ctx.session.exec(stmt).first()


def _closed(ctx: Ctx, month: Period) -> list[Reply]:
    return [Ephemeral(notice(ctx.t("checkin.closed", period=period_label(month, ctx.locale))))]


@ROUTES.command("checkin")
@ROUTES.action("checkin.open")
def open_checkin(event: Event, ctx: Ctx) -> list[Reply]:
    """The form for the open month, or a notice why there is none."""
    indicators = checkin_indicators(ctx.org, ctx.member_id)
    if not indicators:
        return [Ephemeral(notice(ctx.t("checkin.nothing_to_fill")))]
    win = window_for(ctx)
    asked = _asked_month(event)
    if asked is not None and asked != win.month:
        return _closed(ctx, asked)
    if not win.is_open(ctx.local_today()):
        return _closed(ctx, win.month)
    return [OpenForm(_form(ctx, win, indicators, stored_checkin(ctx, win.month)))]


def _asked_month(event: Event) -> Period | None:
    """A reminder card's button names its month; a stale card must not open a new month."""
    raw = event.values.get("value", "") if event.kind == "button" else ""
    try:
        p = Period.parse(raw) if raw else None
    except PeriodError:
        return None
    return p if p is not None and p.kind == "month" else None


def _bound(ctx: Ctx, ind: Indicator) -> Decimal:
    target = member_target(ctx.org, ctx.member_id, ind)
    return target * BOUND_FACTOR if target else NO_TARGET_BOUND


def _label(ctx: Ctx, ind: Indicator) -> str:
    name = text_of(ind.name, ctx.locale, ind.key)
    return f"{name} ({ind.unit})" if ind.unit else name


def _form(
    ctx: Ctx, win: CheckinWindow, indicators: list[Indicator], existing: CheckIn | None
) -> Form:
    label = period_label(win.month, ctx.locale)
    before = existing.values if existing else {}
    inputs: list[NumberInput | TextInput] = []
    for ind in indicators:
        target = member_target(ctx.org, ctx.member_id, ind)
        hint = ctx.t("checkin.target_hint", target=fmt_value(target, ind.unit, ctx.locale))
        prior = before.get(ind.key)
        inputs.append(
            NumberInput(
                input_id=ind.key,
                label=_label(ctx, ind),
                unit=ind.unit,
                min=0,
                max=float(_bound(ctx, ind)),
                initial=float(prior) if prior is not None else None,
                hint=hint if target is not None else None,
            )
        )
    inputs.append(
        TextInput(
            input_id=REFLECTION,
            label=ctx.t("checkin.reflection"),
            multiline=True,
            required=False,
            initial=(existing.reflection or None) if existing else None,
            max_length=REFLECTION_MAX,
        )
    )
    deadline = format_date(win.deadline, ctx.locale)
    return Form(
        form_id=FORM_ID,
        title=ctx.t("checkin.title", period=label),
        submit_label=ctx.t("checkin.submit"),
        inputs=inputs,
        private_metadata=str(win.month),
        blocks_before=(
            Text(ctx.t("checkin.intro", period=label)),
            Context(ctx.t("checkin.deadline_note", deadline=deadline)),
        ),
    )


def parse_figure(raw: str, bound: Decimal, ctx: Ctx) -> tuple[Decimal | None, str | None]:
    """(value, None) for a good figure, else (None, localized message)."""
    text = raw.strip().replace(",", "").replace("，", "")
    if not text:
        return None, ctx.t("validation.required")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, ctx.t("validation.not_a_number")
    if not value.is_finite():
        return None, ctx.t("validation.not_a_number")
    if value < 0:
        return None, ctx.t("validation.non_negative")
    if value > bound:
        return None, ctx.t("validation.too_large", max=format_number(bound, ctx.locale))
    return value, None


@ROUTES.form(FORM_ID)
def submit_checkin(event: Event, ctx: Ctx) -> list[Reply]:
    """Validate every field (nothing is written unless all are good), then save."""
    indicators = checkin_indicators(ctx.org, ctx.member_id)
    if not indicators:
        return [Ephemeral(notice(ctx.t("checkin.nothing_to_fill")))]
    win = window_for(ctx)
    try:
        month = Period.parse(event.meta)
    except PeriodError:
        return [Ephemeral(notice(ctx.t("error.expired")))]
    if month != win.month or not win.is_open(ctx.local_today()):
        return _closed(ctx, month)
    values: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for ind in indicators:
        value, error = parse_figure(event.values.get(ind.key, ""), _bound(ctx, ind), ctx)
        if error is not None:
            errors[ind.key] = error
        elif value is not None:
            values[ind.key] = value
    reflection = event.values.get(REFLECTION, "").strip()
    if len(reflection) > REFLECTION_MAX:
        errors[REFLECTION] = ctx.t("validation.too_long", max=REFLECTION_MAX)
    if errors:
        return [FormErrors(errors)]
    _save(ctx, month, values, reflection or None)
    return [Ephemeral(_confirmation(ctx, win, indicators, values, reflection))]


def _save(ctx: Ctx, month: Period, values: dict[str, Decimal], reflection: str | None) -> None:
    save_checkin(
        ctx.session,
        member_id=ctx.member_id,
        month=str(month),
        values={k: str(v) for k, v in values.items()},
        reflection=reflection,
        submitted_at=ctx.now,
    )
    rows = [
        MetricRow(ctx.member_id, key, month, value, origin="checkin", recorded_at=ctx.now)
        for key, value in values.items()
    ]
    import_metrics(
        ctx.session, rows=rows, source=f"checkin:{ctx.member_id}:{month}", actor=ctx.member_id
    )


def _confirmation(
    ctx: Ctx,
    win: CheckinWindow,
    indicators: list[Indicator],
    values: dict[str, Decimal],
    reflection: str,
) -> Card:
    label = period_label(win.month, ctx.locale)
    items = [(_label(ctx, i), fmt_value(values[i.key], i.unit, ctx.locale)) for i in indicators]
    deadline = format_date(win.deadline, ctx.locale)
    blocks: list[Header | Text | Fields | Context] = [
        Header(ctx.t("checkin.title", period=label)),
        Text(ctx.t("checkin.saved", period=label, deadline=deadline)),
        Fields(items),
    ]
    if reflection:
        blocks.append(Context(ctx.t("checkin.saved_reflection", text=reflection)))
    return Card(blocks=blocks, card_id=f"checkin:{ctx.member_id}:{win.month}")
