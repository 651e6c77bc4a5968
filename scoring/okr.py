"""Team OKR achievement rate and the performance coefficient (scoring.md §3).

Monthly reports carry no coefficient: a quarter's key result is not judged in July, so
when P is shorter than any key result's period c is 1.0 and no rate is reported.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from scoring.breakdown import KeyResultScore, OkrScore
from scoring.model import CoefficientStep, KeyResult, Team
from scoring.numbers import ONE, ZERO, mean
from scoring.periods import KIND_ORDER, Period
from scoring.values import RowIndex, aggregate


def coefficient_for(rate: Decimal, table: tuple[CoefficientStep, ...]) -> Decimal:
    """The coefficient of the entry with the highest min_rate ≤ rate (1.0 if none)."""
    best: CoefficientStep | None = None
    for step in table:
        if step.min_rate <= rate and (best is None or step.min_rate > best.min_rate):
            best = step
    return best.coefficient if best else ONE


def _key_result(
    team: Team, kr: KeyResult, rows: RowIndex, report: Period, today: date, tz: ZoneInfo
) -> tuple[KeyResultScore, bool, bool]:
    """(score, has_value, any_open) of one key result over the report period."""
    progresses: list[Decimal] = []
    values: list[Decimal] = []
    any_open = False
    for p in report.subperiods(kr.period):
        is_open = not p.is_closed(today)
        any_open = any_open or is_open
        v = aggregate(rows.rows_in(f"team:{team.key}", kr.key, p), kr.aggregate, tz)
        if v is None:
            if not is_open:
                progresses.append(ZERO)
            continue
        values.append(v)
        progresses.append(min(v / kr.target, team.kr_cap))
    progress = mean(progresses)
    score = KeyResultScore(
        kr.key, kr.weight, kr.target, mean(values), progress, progress is not None
    )
    return score, bool(values), any_open


def team_okr(
    team: Team | None, rows: RowIndex, report: Period, today: date, tz: ZoneInfo
) -> OkrScore:
    """r = Σ w·progress / Σ w over the key results left in; c from the team's table."""
    if team is None or not team.key_results:
        return OkrScore(None, ONE, (), False)
    if any(KIND_ORDER[report.kind] < KIND_ORDER[kr.period] for kr in team.key_results):
        return OkrScore(None, ONE, (), False)
    results = [_key_result(team, kr, rows, report, today, tz) for kr in team.key_results]
    scores = tuple(r[0] for r in results)
    provisional = any(r[2] for r in results)
    kept = [s for s in scores if s.counted and s.progress is not None]
    weight = sum((s.weight for s in kept), ZERO)
    if not any(r[1] for r in results) or weight == 0:
        return OkrScore(None, ONE, scores, provisional)
    rate = sum((s.weight * s.progress for s in kept if s.progress is not None), ZERO) / weight
    coefficient = coefficient_for(rate, team.coefficients) if team.coefficients else ONE
    return OkrScore(rate, coefficient, scores, provisional)
