"""Cross-field checks of the org config: sums, references, duplicates, targets.

Every check appends to one list so the user sees all problems in one run; each problem
carries the field path it is about, which the loader turns into a line of the file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from storage.orgconfig._checks import HUNDRED, check_steps, check_target, duplicates, num
from storage.orgconfig.errors import Issue, Path
from storage.orgconfig.validate_records import check_records

if TYPE_CHECKING:
    from storage.orgconfig.models import OrgConfig
    from storage.orgconfig.templates import IndicatorConfig, TemplateConfig


def check_org(cfg: OrgConfig) -> list[Issue]:
    issues: list[Issue] = []
    issues += duplicates((t.key for t in cfg.teams), ("teams",), "key", "team key")
    issues += duplicates((m.id for m in cfg.members), ("members",), "id", "member id")
    issues += duplicates((t.key for t in cfg.templates), ("templates",), "key", "template key")
    issues += duplicates((s.key for s in cfg.strategy), ("strategy",), "key", "strategy key")
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
                out.append((("org", "approvers", role, i), f"unknown member {who!r}"))
    return out


def _check_teams(cfg: OrgConfig) -> list[Issue]:
    ids = {m.id for m in cfg.members}
    campaigns = {c for s in cfg.strategy for c in s.campaigns}
    out: list[Issue] = []
    for i, team in enumerate(cfg.teams):
        base: Path = ("teams", i)
        if team.manager is not None and team.manager not in ids:
            out.append(((*base, "manager"), f"unknown member {team.manager!r}"))
        if team.okr is not None:
            if team.okr.campaign is not None and team.okr.campaign not in campaigns:
                out.append(((*base, "okr", "campaign"), f"unknown campaign {team.okr.campaign!r}"))
            krs = (kr.key for kr in team.okr.key_results)
            out += duplicates(krs, (*base, "okr", "key_results"), "key", "key result")
        if team.coefficients and not any(c.min_rate == 0 for c in team.coefficients):
            out.append(((*base, "coefficients"), "needs an entry with min_rate: 0"))
    return out


def _check_members(cfg: OrgConfig) -> list[Issue]:
    ids = {m.id for m in cfg.members}
    teams = {t.key for t in cfg.teams}
    templates = {t.key: t for t in cfg.templates}
    out: list[Issue] = []
    for i, m in enumerate(cfg.members):
        base: Path = ("members", i)
        if m.team not in teams:
            out.append(((*base, "team"), f"unknown team {m.team!r}"))
        if m.manager is not None and m.manager not in ids:
            out.append(((*base, "manager"), f"unknown member {m.manager!r}"))
        elif m.manager == m.id:
            out.append(((*base, "manager"), "a member cannot be their own manager"))
        if m.joined and m.left and m.left < m.joined:
            out.append(((*base, "left"), "left before joined"))
        tpl = templates.get(m.template) if m.template is not None else None
        if m.template is not None and tpl is None:
            out.append(((*base, "template"), f"unknown template {m.template!r}"))
        for key, target in m.targets.items():
            path: Path = (*base, "targets", key)
            if m.template is None:
                out.append((path, "member has no template to override"))
                continue
            if tpl is None:
                continue
            ind = next((x for x in tpl.indicators if x.key == key), None)
            if ind is None:
                out.append((path, f"unknown indicator {key!r} in template {tpl.key!r}"))
            else:
                out += check_target(target, ind.rule, path)
    return out


def _check_review(cfg: OrgConfig) -> list[Issue]:
    ids = {m.id for m in cfg.members}
    review = cfg.review
    out: list[Issue] = []
    if review.strategy == "explicit" and not review.explicit:
        out.append((("review", "explicit"), "strategy 'explicit' needs an explicit map"))
    for ratee, raters in review.explicit.items():
        path: Path = ("review", "explicit", ratee)
        if ratee not in ids:
            out.append((path, f"unknown member {ratee!r}"))
        for j, rater in enumerate(raters):
            if rater not in ids:
                out.append(((*path, j), f"unknown member {rater!r}"))
            elif rater == ratee:
                out.append(((*path, j), "a member cannot review themselves"))
    return out


def _check_template(cfg: OrgConfig, tpl: TemplateConfig, base: Path) -> list[Issue]:
    out: list[Issue] = []
    total = sum(tpl.dimensions.values(), Decimal(0))
    if total != HUNDRED:
        out.append(((*base, "dimensions"), f"dimension weights sum to {num(total)}, expected 100"))
    out += duplicates(
        (x.key for x in tpl.indicators), (*base, "indicators"), "key", "indicator key"
    )
    sums: dict[str, Decimal] = {}
    first: dict[str, int] = {}
    for j, ind in enumerate(tpl.indicators):
        path: Path = (*base, "indicators", j)
        if ind.dimension not in tpl.dimensions:
            out.append(((*path, "dimension"), f"unknown dimension {ind.dimension!r}"))
            continue
        sums[ind.dimension] = sums.get(ind.dimension, Decimal(0)) + ind.weight
        first.setdefault(ind.dimension, j)
        out += _check_indicator(cfg, ind, path)
    for dim, weight in sums.items():
        if weight != HUNDRED:
            path = (*base, "indicators", first[dim], "weight")
            out.append((path, f"dimension {dim!r} weights sum to {num(weight)}, expected 100"))
    for dim, weight in tpl.dimensions.items():
        if dim not in sums and weight != 0:
            out.append(((*base, "dimensions", dim), f"dimension {dim!r} has no indicators"))
    return out


def _check_indicator(cfg: OrgConfig, ind: IndicatorConfig, path: Path) -> list[Issue]:
    out = check_target(ind.target, ind.rule, (*path, "target"))
    out += check_steps(ind.steps, ind.rule, (*path, "steps"))
    if ind.rule == "rating" and ind.source in ("peer", "manager") and not ind.criteria:
        out.append(((*path, "criteria"), f"a {ind.source}-rated indicator needs criteria"))
    for k, crit in enumerate(ind.criteria):
        if crit not in cfg.review.criteria:
            out.append(((*path, "criteria", k), f"unknown criterion {crit!r}"))
    return out
