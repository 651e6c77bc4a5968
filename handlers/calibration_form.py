"""The `/calibrate` form and its validation, kept apart from the conversation's routing.

The form is static (platform modals cannot re-shape themselves per choice), so it offers
every report and indicator the manager may calibrate and checks the combination when it is
submitted: an indicator outside the member's template, or a period shorter than the
indicator's own period kind, comes back as a per-field error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from handlers.access import is_admin, manages, reports_of
from handlers.cards import Form, NumberInput, Option, SelectInput, TextInput
from handlers.context import Ctx
from scoring.model import Indicator
from scoring.periods import KIND_ORDER, Period

FORM_ID = "calibration.request"
TYPES = ("coefficient", "target", "swap")
_KEY = re.compile(r"[a-z][a-z0-9_]{1,63}")


def lang_key(locale: str) -> str:
    """Catalog locale (`zh_CN`) → the config's text key (`zh-CN`)."""
    return locale.replace("_", "-")


def text_in(text: Mapping[str, str], locale: str, fallback: str = "") -> str:
    return text.get(lang_key(locale)) or next(iter(text.values()), fallback) or fallback


def calibratable_members(ctx: Ctx) -> list[str]:
    """Scored members the actor may calibrate: their reports, or everyone for an admin."""
    pool = (
        list(ctx.org.members)
        if is_admin(ctx.org, ctx.member_id)
        else reports_of(ctx.org, ctx.member_id)
    )
    return [m for m in pool if ctx.org.members[m].template and m != ctx.member_id]


def calibratable_teams(ctx: Ctx) -> list[str]:
    org, me = ctx.org, ctx.member_id
    return [
        k
        for k, team in org.teams.items()
        if is_admin(org, me)
        or team.manager == me
        or (team.manager and manages(org, me, team.manager))
    ]


def indicators_of(ctx: Ctx, members: list[str]) -> dict[str, Indicator]:
    """Indicators with a target to move (ratings have none), by key, in template order."""
    out: dict[str, Indicator] = {}
    for m in members:
        template = ctx.org.templates.get(ctx.org.members[m].template or "")
        for ind in template.indicators if template else ():
            if ind.rule != "rating":
                out.setdefault(ind.key, ind)
    return out


def period_options(ctx: Ctx) -> list[Option]:
    today = ctx.org_today()
    quarter = Period.containing(today, "quarter")
    month = Period.containing(today, "month")
    periods = [
        quarter,
        Period.containing(quarter.days_after_end(1), "quarter"),
        month,
        Period.containing(month.days_after_end(1), "month"),
    ]
    return [(str(p), str(p)) for p in periods]


def build_form(ctx: Ctx) -> Form:
    org = ctx.org
    members = calibratable_members(ctx)
    inds = indicators_of(
        ctx,
        members
        + [
            m
            for t in calibratable_teams(ctx)
            for m in org.members
            if org.members[m].team == t and org.members[m].template
        ],
    )
    t = ctx.t
    return Form(
        form_id=FORM_ID,
        title=t("calibration.title"),
        submit_label=t("common.submit"),
        inputs=(
            SelectInput(
                "scope",
                t("calibration.scope"),
                ((t("calibration.scope_member"), "member"), (t("calibration.scope_team"), "team")),
                initial="member",
            ),
            SelectInput(
                "member",
                t("calibration.member"),
                [(org.members[m].name or m, m) for m in members],
                required=False,
            ),
            SelectInput(
                "team",
                t("calibration.team"),
                [(text_in(org.teams[k].name, ctx.locale, k), k) for k in calibratable_teams(ctx)],
                required=False,
            ),
            SelectInput(
                "indicator",
                t("calibration.indicator"),
                [(text_in(i.name, ctx.locale, k), k) for k, i in inds.items()],
            ),
            SelectInput("period", t("calibration.period"), period_options(ctx)),
            SelectInput(
                "type",
                t("calibration.kind"),
                (
                    (t("calibration.kind_target"), "coefficient"),
                    (t("calibration.kind_new_target"), "target"),
                    (t("calibration.kind_swap"), "swap"),
                ),
            ),
            NumberInput("coefficient", t("calibration.difficulty"), min=0.1, max=5, required=False),
            NumberInput("new_target", t("calibration.new_target"), min=0, required=False),
            TextInput("swap_key", t("calibration.swap_to"), required=False, max_length=64),
            NumberInput("swap_target", t("calibration.swap_target"), min=0, required=False),
            SelectInput(
                "swap_aggregate",
                t("calibration.swap_aggregate"),
                (("sum", "sum"), ("avg", "avg"), ("last", "last")),
                required=False,
            ),
            SelectInput(
                "swap_rule",
                t("calibration.swap_rule"),
                (("linear", "linear"), ("binary", "binary")),
                required=False,
            ),
            TextInput("reason", t("calibration.reason"), multiline=True, max_length=500),
        ),
    )


def positive(raw: str | None) -> Decimal | None:
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


@dataclass
class Parsed:
    fields: dict[str, Any]
    errors: dict[str, str]


def _subject(
    ctx: Ctx, v: Mapping[str, str], errors: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """{member_id|team_key} of the request and the members whose templates apply."""
    if v.get("scope") == "team":
        team = v.get("team", "")
        if team not in calibratable_teams(ctx):
            errors["team"] = ctx.t("validation.required")
            return {}, []
        members = [m for m, x in ctx.org.members.items() if x.team == team and x.template]
        return {"team_key": team}, members
    member = v.get("member", "")
    if member not in calibratable_members(ctx):
        errors["member"] = ctx.t("validation.required")
        return {}, []
    return {"member_id": member}, [member]


def _change(
    ctx: Ctx, v: Mapping[str, str], ind: Indicator, errors: dict[str, str]
) -> dict[str, Any]:
    kind = v.get("type", "")
    if kind == "coefficient":
        k = positive(v.get("coefficient"))
        if k is None:
            errors["coefficient"] = ctx.t("validation.positive")
        return {"type": "retarget", "coefficient": k}
    if kind == "target":
        target = positive(v.get("new_target"))
        if target is None:
            errors["new_target"] = ctx.t("validation.positive")
        return {"type": "retarget", "new_target": target}
    if kind != "swap":
        errors["type"] = ctx.t("validation.required")
        return {}
    key = (v.get("swap_key") or "").strip()
    if not _KEY.fullmatch(key) or key == ind.key:
        errors["swap_key"] = ctx.t("calibration.bad_key")
    rule = v.get("swap_rule") or "linear"
    target = positive(v.get("swap_target"))
    if target is None and rule == "linear":
        errors["swap_target"] = ctx.t("validation.positive")
    to = {
        "key": key,
        "period": ind.period,
        "aggregate": v.get("swap_aggregate") or "sum",
        "rule": "binary" if rule == "binary" else "linear",
        "target": str(target) if target is not None else None,
        "direction": ind.direction,
    }
    return {"type": "swap", "swap_from": ind.key, "swap_to": to}


def parse_submission(ctx: Ctx, v: Mapping[str, str]) -> Parsed:
    """The record's fields, or per-input errors; nothing is written here."""
    errors: dict[str, str] = {}
    subject, members = _subject(ctx, v, errors)
    ind = indicators_of(ctx, members).get(v.get("indicator", "")) if members else None
    if members and ind is None:
        errors["indicator"] = ctx.t("calibration.not_in_template")
    period = None
    if v.get("period") not in {value for _, value in period_options(ctx)}:
        errors["period"] = ctx.t("validation.required")
    else:
        period = Period.parse(v["period"])
        if ind is not None and KIND_ORDER[period.kind] < KIND_ORDER[ind.period]:
            errors["period"] = ctx.t(
                "calibration.period_too_short", kind=ctx.t(f"calibration.period_{ind.period}")
            )
    reason = (v.get("reason") or "").strip()
    if not reason:
        errors["reason"] = ctx.t("validation.required")
    change = _change(ctx, v, ind, errors) if ind is not None else {}
    fields: dict[str, Any] = {
        **subject,
        **change,
        "period": str(period) if period else "",
        "indicator": ind.key if ind and change.get("type") != "swap" else None,
        "reason": {lang_key(ctx.locale): reason},
    }
    return Parsed(fields, errors)
