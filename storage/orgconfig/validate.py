"""Cross-field checks of the org config: sums, references, duplicates, targets.

Every check appends to one list so the user sees all problems in one run; each problem
carries the field path it is about, which the loader turns into a line of the file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from storage.msg import Msg
from storage.orgconfig._checks import (
    HUNDRED,
    check_steps,
    check_target,
    duplicates,
    num,
    unknown_member,
    unknown_team,
)
from storage.orgconfig.errors import Issue, Path
from storage.orgconfig.validate_records import check_records

if TYPE_CHECKING:
    from storage.orgconfig.models import OrgConfig
    from storage.orgconfig.templates import IndicatorConfig, TemplateConfig


def check_org(cfg: OrgConfig) -> list[Issue]:
    issues: list[Issue] = []
    team_key = Msg("config.noun.team_key", "team key")
    issues += duplicates((t.key for t in cfg.teams), ("teams",), "key", team_key)
    member_id = Msg("config.noun.member_id", "member id")
    issues += duplicates((m.id for m in cfg.members), ("members",), "id", member_id)
    template_key = Msg("config.noun.template_key", "template key")
    issues += duplicates((t.key for t in cfg.templates), ("templates",), "key", template_key)
    strategy_key = Msg("config.noun.strategy_key", "strategy key")
    issues += duplicates((s.key for s in cfg.strategy), ("strategy",), "key", strategy_key)
    issues += _check_org_section(cfg)
    issues += _check_teams(cfg)
    issues += _check_members(cfg)
    issues += _check_review(cfg)
    for ti, tpl in enumerate(cfg.templates):
        issues += _check_template(cfg, tpl, ("templates", ti))
    issues += check_records(cfg)
    return issues


def _check_org_section(cfg: OrgConfig) -> list[Issue]:
    ids = {m.id for m in cfg.members}
    out: list[Issue] = []
    for role in ("strategy", "marketing", "hr"):
        for i, who in enumerate(getattr(cfg.org.approvers, role)):
            if who not in ids:
                out.append((("org", "approvers", role, i), unknown_member(who)))
    return out


def _check_teams(cfg: OrgConfig) -> list[Issue]:
    ids = {m.id for m in cfg.members}
    campaigns = {c for s in cfg.strategy for c in s.campaigns}
    out: list[Issue] = []
    for i, team in enumerate(cfg.teams):
        base: Path = ("teams", i)
        if team.manager is not None and team.manager not in ids:
            out.append(((*base, "manager"), unknown_member(team.manager)))
        if team.okr is not None:
            if team.okr.campaign is not None and team.okr.campaign not in campaigns:
                english = "unknown campaign {key!r}"
                unknown = Msg("config.unknown_campaign", english, key=team.okr.campaign)
                out.append(((*base, "okr", "campaign"), unknown))
            krs = (kr.key for kr in team.okr.key_results)
            key_result = Msg("config.noun.key_result", "key result")
            out += duplicates(krs, (*base, "okr", "key_results"), "key", key_result)
        if team.coefficients and not any(c.min_rate == 0 for c in team.coefficients):
            english = "needs an entry with min_rate: 0"
            out.append(((*base, "coefficients"), Msg("config.needs_min_rate_0", english)))
    return out


def _check_members(cfg: OrgConfig) -> list[Issue]:
    ids = {m.id for m in cfg.members}
    teams = {t.key for t in cfg.teams}
    templates = {t.key: t for t in cfg.templates}
    out: list[Issue] = []
    for i, m in enumerate(cfg.members):
        base: Path = ("members", i)
        if m.team not in teams:
            out.append(((*base, "team"), unknown_team(m.team)))
        if m.manager is not None and m.manager not in ids:
            out.append(((*base, "manager"), unknown_member(m.manager)))
        elif m.manager == m.id:
            english = "a member cannot be their own manager"
            out.append(((*base, "manager"), Msg("config.own_manager", english)))
        if m.joined and m.left and m.left < m.joined:
            out.append(((*base, "left"), Msg("config.left_before_joined", "left before joined")))
        tpl = templates.get(m.template) if m.template is not None else None
        if m.template is not None and tpl is None:
            english = "unknown template {key!r}"
            out.append(
                ((*base, "template"), Msg("config.unknown_template", english, key=m.template))
            )
        for key, target in m.targets.items():
            path: Path = (*base, "targets", key)
            if m.template is None:
                english = "member has no template to override"
                out.append((path, Msg("config.no_template", english)))
                continue
            if tpl is None:
                continue
            ind = next((x for x in tpl.indicators if x.key == key), None)
            if ind is None:
                english = "unknown indicator {key!r} in template {template!r}"
                unknown = Msg(
                    "config.unknown_template_indicator", english, key=key, template=tpl.key
                )
                out.append((path, unknown))
            else:
                out += check_target(target, ind.rule, path)
    return out


def _check_review(cfg: OrgConfig) -> list[Issue]:
    ids = {m.id for m in cfg.members}
    review = cfg.review
    out: list[Issue] = []
    if review.strategy == "explicit" and not review.explicit:
        english = "strategy 'explicit' needs an explicit map"
        out.append((("review", "explicit"), Msg("config.explicit_needs_map", english)))
    for ratee, raters in review.explicit.items():
        path: Path = ("review", "explicit", ratee)
        if ratee not in ids:
            out.append((path, unknown_member(ratee)))
        for j, rater in enumerate(raters):
            if rater not in ids:
                out.append(((*path, j), unknown_member(rater)))
            elif rater == ratee:
                english = "a member cannot review themselves"
                out.append(((*path, j), Msg("config.self_review", english)))
    return out


def _check_template(cfg: OrgConfig, tpl: TemplateConfig, base: Path) -> list[Issue]:
    out: list[Issue] = []
    total = sum(tpl.dimensions.values(), Decimal(0))
    if total != HUNDRED:
        english = "dimension weights sum to {total}, expected 100"
        message = Msg("config.dimensions_sum", english, total=num(total))
        out.append(((*base, "dimensions"), message))
    indicator_key = Msg("config.noun.indicator_key", "indicator key")
    out += duplicates((x.key for x in tpl.indicators), (*base, "indicators"), "key", indicator_key)
    sums: dict[str, Decimal] = {}
    first: dict[str, int] = {}
    for j, ind in enumerate(tpl.indicators):
        path: Path = (*base, "indicators", j)
        if ind.dimension not in tpl.dimensions:
            english = "unknown dimension {key!r}"
            unknown = Msg("config.unknown_dimension", english, key=ind.dimension)
            out.append(((*path, "dimension"), unknown))
            continue
        sums[ind.dimension] = sums.get(ind.dimension, Decimal(0)) + ind.weight
        first.setdefault(ind.dimension, j)
        out += _check_indicator(cfg, ind, path)
    for dim, weight in sums.items():
        if weight != HUNDRED:
            path = (*base, "indicators", first[dim], "weight")
            english = "dimension {key!r} weights sum to {total}, expected 100"
            out.append((path, Msg("config.weights_sum", english, key=dim, total=num(weight))))
    for dim, weight in tpl.dimensions.items():
        if dim not in sums and weight != 0:
            english = "dimension {key!r} has no indicators"
            out.append(
                ((*base, "dimensions", dim), Msg("config.empty_dimension", english, key=dim))
            )
    return out


def _check_indicator(cfg: OrgConfig, ind: IndicatorConfig, path: Path) -> list[Issue]:
    out = check_target(ind.target, ind.rule, (*path, "target"))
    out += check_steps(ind.steps, ind.rule, (*path, "steps"))
    if ind.rule == "rating" and ind.source in ("peer", "manager") and not ind.criteria:
        english = "a {source}-rated indicator needs criteria"
        out.append(((*path, "criteria"), Msg("config.needs_criteria", english, source=ind.source)))
    for k, crit in enumerate(ind.criteria):
        if crit not in cfg.review.criteria:
            english = "unknown criterion {key!r}"
            out.append(((*path, "criteria", k), Msg("config.unknown_criterion", english, key=crit)))
    return out
