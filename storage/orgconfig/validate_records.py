"""Cross-field checks of incentives, calibrations and bonus points."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.periods import KIND_ORDER, Period
from storage.msg import Msg
from storage.orgconfig._checks import (
    check_steps,
    check_target,
    num,
    unknown_indicator,
    unknown_member,
    unknown_team,
)
from storage.orgconfig.errors import Issue, Path

if TYPE_CHECKING:
    from storage.orgconfig.models import CalibrationConfig, OrgConfig
    from storage.orgconfig.templates import IndicatorConfig


def check_records(cfg: OrgConfig) -> list[Issue]:
    out = _check_incentives(cfg)
    for i, cal in enumerate(cfg.calibrations):
        out += _check_calibration(cfg, cal, ("calibrations", i))
    ids = {m.id for m in cfg.members}
    for i, bp in enumerate(cfg.bonus_points):
        if bp.member not in ids:
            out.append((("bonus_points", i, "member"), unknown_member(bp.member)))
    return out


def _indicator_keys(cfg: OrgConfig) -> set[str]:
    keys = {ind.key for tpl in cfg.templates for ind in tpl.indicators}
    keys |= {c.swap_to.key for c in cfg.calibrations if c.swap_to is not None}
    return keys


def _check_incentives(cfg: OrgConfig) -> list[Issue]:
    known = _indicator_keys(cfg)
    inc = cfg.incentives
    out: list[Issue] = []
    if inc.commission is not None:
        base: Path = ("incentives", "commission")
        if inc.commission.indicator not in known:
            out.append(((*base, "indicator"), unknown_indicator(inc.commission.indicator)))
        brackets = inc.commission.brackets
        for k, br in enumerate(brackets):
            last = k == len(brackets) - 1
            if (br.upto is None) != last:
                if last:
                    msg = Msg("config.last_bracket_open", "needs upto: null")
                else:
                    msg = Msg("config.bracket_open_early", "only the last bracket has upto: null")
                out.append(((*base, "brackets", k, "upto"), msg))
            prev = brackets[k - 1].upto if k else None
            if br.upto is not None and prev is not None and br.upto <= prev:
                english = "upto must increase: {upto} after {previous}"
                msg = Msg(
                    "config.upto_not_increasing", english, upto=num(br.upto), previous=num(prev)
                )
                out.append(((*base, "brackets", k, "upto"), msg))
    otb = inc.over_target_bonus
    if otb is not None and otb.indicator not in known:
        path: Path = ("incentives", "over_target_bonus", "indicator")
        out.append((path, unknown_indicator(otb.indicator)))
    hit = inc.awards.content_hit
    if hit is not None and hit.metric not in known:
        out.append(
            (("incentives", "awards", "content_hit", "metric"), unknown_indicator(hit.metric))
        )
    return out


def _find_indicator(cfg: OrgConfig, cal: CalibrationConfig, key: str) -> IndicatorConfig | None:
    """A member's calibration names an indicator of their template; a team's, of any template."""
    templates = cfg.templates
    if cal.member is not None:
        member = next((m for m in cfg.members if m.id == cal.member), None)
        name = member.template if member else None
        templates = [t for t in cfg.templates if t.key == name]
    for tpl in templates:
        for ind in tpl.indicators:
            if ind.key == key:
                return ind
    return None


def _check_calibration(cfg: OrgConfig, cal: CalibrationConfig, base: Path) -> list[Issue]:
    out: list[Issue] = []
    if (cal.member is None) == (cal.team is None):
        out.append((base, Msg("config.member_or_team", "give exactly one of member or team")))
    if cal.member is not None and cal.member not in {m.id for m in cfg.members}:
        out.append(((*base, "member"), unknown_member(cal.member)))
    if cal.team is not None and cal.team not in {t.key for t in cfg.teams}:
        out.append(((*base, "team"), unknown_team(cal.team)))
    if cal.type == "retarget":
        field, key = "indicator", cal.indicator
        if (cal.coefficient is None) == (cal.new_target is None):
            english = "a retarget needs exactly one of coefficient or new_target"
            out.append((base, Msg("config.retarget_needs_one", english)))
        if cal.swap_from is not None or cal.swap_to is not None:
            out.append((base, Msg("config.from_to_need_swap", "from/to belong to type: swap")))
    else:
        field, key = "from", cal.swap_from
        if cal.swap_to is None:
            out.append((base, Msg("config.swap_needs_to", "a swap needs to: {{key, period, …}}")))
        if cal.indicator is not None or cal.coefficient is not None or cal.new_target is not None:
            english = "indicator/coefficient/new_target belong to type: retarget"
            out.append((base, Msg("config.retarget_fields", english)))
    if key is None:
        english = "a {kind} needs {field}"
        out.append((base, Msg("config.needs_field", english, kind=cal.type, field=field)))
        return out
    ind = _find_indicator(cfg, cal, key)
    if ind is None:
        out.append(((*base, field), unknown_indicator(key)))
        return out
    kind = Period.parse(cal.period).kind
    if KIND_ORDER[kind] < KIND_ORDER[ind.period]:
        english = "period {period} is shorter than the {kind} period of indicator {key!r}"
        msg = Msg("config.period_too_short", english, period=cal.period, kind=ind.period, key=key)
        out.append(((*base, "period"), msg))
    to = cal.swap_to
    if to is not None and cal.type == "swap":
        if to.period != ind.period:
            english = "a swap keeps the period kind: {key!r} is {kind}, 'to' is {to}"
            msg = Msg("config.swap_period_kind", english, key=key, kind=ind.period, to=to.period)
            out.append(((*base, "to", "period"), msg))
        out += check_target(to.target, to.rule, (*base, "to", "target"))
        out += check_steps(to.steps, to.rule, (*base, "to", "steps"))
    return out
