"""OrgConfig → `scoring.model.Org`, the frozen inputs scoring reads.

Kept separate from the models so scoring never depends on pydantic, and the database layer
can build the same `Org` from its own tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from scoring import model as sm
from scoring.periods import Period
from storage.orgconfig._base import Lang
from storage.orgconfig.models import (
    CalibrationConfig,
    IncentivesConfig,
    MemberConfig,
    OrgConfig,
    TeamAwardConfig,
    TeamConfig,
    TemplateConfig,
)
from storage.orgconfig.templates import IndicatorConfig


def to_scoring_org(cfg: OrgConfig) -> sm.Org:
    grades = sorted(cfg.org.grades.items(), key=lambda kv: kv[1], reverse=True)
    return sm.Org(
        timezone=cfg.org.timezone,
        locale=cfg.org.locale,
        name=_text(cfg.org.name),
        anonymity_threshold=cfg.org.anonymity_threshold,
        bonus_cap=cfg.org.bonus_cap,
        grades=tuple(grades),
        review_scale=cfg.review.scale,
        criteria={k: _text(v) for k, v in cfg.review.criteria.items()},
        templates={t.key: _template(t) for t in cfg.templates},
        teams={t.key: _team(t) for t in cfg.teams},
        members={m.id: _member(m) for m in cfg.members},
        calibrations=tuple(_calibration(c) for c in cfg.calibrations),
        bonus_points=tuple(
            sm.BonusPoints(
                member=b.member,
                period=Period.parse(b.period),
                points=b.points,
                reason=_text(b.reason),
            )
            for b in cfg.bonus_points
        ),
        incentives=_incentives(cfg.incentives),
    )


def _text(names: Mapping[Lang, str] | None) -> dict[str, str]:
    return {str(lang): text for lang, text in (names or {}).items()}


def _steps(steps: list[tuple[Decimal, Decimal]]) -> tuple[tuple[Decimal, Decimal], ...]:
    return tuple((r, p) for r, p in steps)


def _indicator(ind: IndicatorConfig) -> sm.Indicator:
    return sm.Indicator(
        key=ind.key,
        dimension=ind.dimension,
        weight=ind.weight,
        period=ind.period,
        aggregate=ind.aggregate,
        target=ind.target,
        rule=ind.rule,
        direction=ind.direction,
        floor=ind.floor,
        cap=ind.cap,
        steps=_steps(ind.steps),
        scale=ind.scale,
        source=ind.source,
        subject=ind.subject,
        criteria=tuple(ind.criteria),
        normalize=ind.normalize,
        unit=ind.unit,
        name=_text(ind.name),
        funnel=ind.funnel,
        allow_negative=ind.allow_negative,
    )


def _template(t: TemplateConfig) -> sm.Template:
    return sm.Template(
        key=t.key,
        dimensions=dict(t.dimensions),
        indicators=tuple(_indicator(i) for i in t.indicators),
        name=_text(t.name),
    )


def _award(a: TeamAwardConfig | None) -> sm.TeamAward | None:
    if a is None:
        return None
    return sm.TeamAward(metric=a.metric, target=a.target, amount=a.amount, period=a.period)


def _team(t: TeamConfig) -> sm.Team:
    okr = t.okr
    krs = tuple(
        sm.KeyResult(k.key, k.target, k.weight, k.period, k.aggregate)
        for k in (okr.key_results if okr else [])
    )
    return sm.Team(
        key=t.key,
        manager=t.manager,
        key_results=krs,
        kr_cap=okr.kr_cap if okr else Decimal("1.2"),
        coefficients=tuple(sm.CoefficientStep(c.min_rate, c.coefficient) for c in t.coefficients),
        bonus_pool=_award(t.bonus_pool),
        new_customer_award=_award(t.new_customer_award),
        name=_text(t.name),
        channels=t.channels.model_dump(exclude_none=True),
    )


def _member(m: MemberConfig) -> sm.Member:
    return sm.Member(
        id=m.id,
        team=m.team,
        template=m.template,
        name=m.name,
        function=m.function,
        manager=m.manager,
        targets=dict(m.targets),
        joined=m.joined,
        left=m.left,
        leave=tuple(sm.LeaveRange(r.start, r.end) for r in m.leave),
        roles=tuple(m.roles),
        locale=m.locale,
        timezone=m.timezone,
        identities=m.identities.model_dump(exclude_none=True),
    )


def _calibration(c: CalibrationConfig) -> sm.Calibration:
    to = c.swap_to
    swap_to = None
    if to is not None:
        swap_to = sm.SwapTarget(
            key=to.key,
            period=to.period,
            aggregate=to.aggregate,
            target=to.target,
            rule=to.rule,
            direction=to.direction,
            floor=to.floor,
            cap=to.cap,
            steps=_steps(to.steps),
            scale=to.scale,
            unit=to.unit,
            allow_negative=to.allow_negative,
        )
    return sm.Calibration(
        period=Period.parse(c.period),
        type=c.type,
        member=c.member,
        team=c.team,
        indicator=c.indicator,
        coefficient=c.coefficient,
        new_target=c.new_target,
        swap_from=c.swap_from,
        swap_to=swap_to,
        reason=_text(c.reason),
    )


def _incentives(inc: IncentivesConfig) -> sm.Incentives:
    com = inc.commission
    otb = inc.over_target_bonus
    hit = inc.awards.content_hit
    return sm.Incentives(
        commission=sm.Commission(
            indicator=com.indicator,
            brackets=tuple(sm.Bracket(b.upto, b.rate) for b in com.brackets),
            mode=com.mode,
            period=com.period,
        )
        if com
        else None,
        over_target_bonus=sm.OverTargetBonus(otb.indicator, otb.period, otb.target, otb.rate)
        if otb
        else None,
        key_action_points=inc.key_action_points.model_dump(),
        content_hit=sm.ContentHitAward(hit.metric, hit.threshold, hit.period) if hit else None,
    )
