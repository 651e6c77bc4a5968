"""`report_to_json`: the `perfbot score --json` shape of contract.md, plus extra fields.

Numbers are rounded half-up to 2 decimals here, at the very end, and returned as Python
floats of the rounded Decimal (so `json.dumps` works unchanged); absent figures and an
infinite achievement are None (null). Review figures carry rater counts only, and a value
or criterion mean with fewer than `anonymity_threshold` raters behind it is null.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.breakdown import (
    Award,
    DimensionScore,
    IncentiveScore,
    IndicatorScore,
    MemberScore,
    Report,
    SubScore,
)
from scoring.model import Calibration
from scoring.numbers import round2_or_none
from scoring.reviews import CycleFigure

Json = dict[str, Any]


def num(value: Decimal | None) -> float | None:
    """A reported number: rounded half-up to 2 decimals, None when absent."""
    r = round2_or_none(value)
    return None if r is None else float(r)


def calibration_json(cal: Calibration) -> Json:
    return {
        "type": cal.type,
        "scope": "member" if cal.member else "team",
        "period": str(cal.period),
        "indicator": cal.indicator if cal.type == "retarget" else cal.swap_from,
        "coefficient": num(cal.coefficient),
        "new_target": num(cal.new_target),
        "to": cal.swap_to.key if cal.swap_to else None,
        "reason": dict(cal.reason),
        "id": cal.id,
    }


def _cycle_json(fig: CycleFigure, threshold: int) -> Json:
    def shown(n: int) -> bool:
        return n >= threshold

    return {
        "cycle": str(fig.cycle),
        "raters": fig.raters,
        "value": num(fig.value) if shown(fig.raters) else None,
        "criteria": [
            {
                "criterion": c.criterion,
                "raters": c.raters,
                "mean": num(c.mean) if shown(c.raters) else None,
                "comments": list(c.comments) if shown(c.comment_raters) else None,
            }
            for c in fig.criteria
        ],
    }


def _sub_json(s: SubScore, hide: bool) -> Json:
    return {
        "period": str(s.period),
        "indicator": s.indicator,
        "value": None if hide else num(s.value),
        "target": num(s.target),
        "original_target": num(s.original_target),
        "achievement": None if hide else num(s.achievement),
        "score": num(s.score),
        "missing": s.missing,
        "counted": s.counted,
        "open": s.open,
    }


def indicator_json(i: IndicatorScore, threshold: int) -> Json:
    hide = not i.value_visible
    return {
        "key": i.key,
        "weight": num(i.weight),
        "value": None if hide else num(i.value),
        "target": num(i.target),
        "original_target": num(i.original_target),
        "achievement": None if hide else num(i.achievement),
        "score": num(i.score),
        "missing": i.missing,
        "replaces": i.replaces,
        "calibration": calibration_json(i.calibrations[0]) if i.calibrations else None,
        "calibrations": [calibration_json(c) for c in i.calibrations],
        "counted": i.counted,
        "dimension": i.dimension,
        "source": i.source,
        "unit": i.unit,
        "rule": i.rule,
        "direction": i.direction,
        "period_kind": i.period_kind,
        "provisional": i.provisional,
        "value_visible": i.value_visible,
        "subperiods": [_sub_json(s, hide) for s in i.subperiods],
        "reviews": [_cycle_json(f, threshold) for f in i.reviews],
    }


def _dimension_json(d: DimensionScore, threshold: int) -> Json:
    return {
        "key": d.key,
        "weight": num(d.weight),
        "score": num(d.score),
        "indicators": [indicator_json(i, threshold) for i in d.indicators],
    }


def _award_json(a: Award) -> Json:
    return {
        "type": a.type,
        "period": str(a.period),
        "item": a.item,
        "value": num(a.value),
        "points": num(a.points),
        "amount": num(a.amount),
    }


def _incentives_json(inc: IncentiveScore) -> Json:
    return {
        "commission": num(inc.commission),
        "over_target_bonus": num(inc.over_target_bonus),
        "pool_share": num(inc.pool_share),
        "awards": [_award_json(a) for a in inc.awards],
    }


def member_json(m: MemberScore, threshold: int = 3) -> Json:
    return {
        "member": m.member,
        "team": m.team,
        "template": m.template,
        "total": num(m.total),
        "base": num(m.base),
        "okr_rate": num(m.okr_rate),
        "coefficient": num(m.coefficient),
        "bonus": num(m.bonus),
        "bonus_points": num(m.bonus_points),
        "grade": m.grade,
        "provisional": m.provisional,
        "dimensions": [_dimension_json(d, threshold) for d in m.dimensions],
        "incentives": _incentives_json(m.incentives),
        "key_results": [
            {
                "key": k.key,
                "weight": num(k.weight),
                "target": num(k.target),
                "value": num(k.value),
                "progress": num(k.progress),
                "counted": k.counted,
            }
            for k in m.key_results
        ],
    }


def report_to_json(report: Report, anonymity_threshold: int | None = None) -> Json:
    """The contract's shape; pass the org's threshold (default: the one the report used)."""
    threshold = report.anonymity_threshold if anonymity_threshold is None else anonymity_threshold
    return {
        "period": str(report.period),
        "as_of": report.as_of.isoformat(),
        "provisional": report.provisional,
        "members": [member_json(m, threshold) for m in report.members],
    }
