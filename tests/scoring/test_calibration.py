"""Calibrations: retarget, swap (full and partial), scope precedence, containment (§3)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from scoring import report_to_json, score_report
from scoring.model import Calibration, SwapTarget
from scoring.periods import Period
from tests.scoring.builders import AS_OF, ind, indicator_of, row, score_one, simple_org

D = Decimal
MONTHLY = ind("m", period="month", aggregate="sum", target="100")
Q3 = Period.parse("2026-Q3")


def _retarget(period: str = "2026-Q3", **kw: object) -> Calibration:
    return Calibration(Period.parse(period), "retarget", indicator="m", **kw)  # type: ignore[arg-type]


def _rows() -> list:  # type: ignore[type-arg]
    return [row("mei", "m", f"2026-{mm:02d}", "80") for mm in range(1, 13)]


def test_team_retarget_by_coefficient_applies_to_months_inside() -> None:
    org = simple_org([MONTHLY], calibrations=(_retarget(team="growth", coefficient=D("0.8")),))
    i = indicator_of(score_one(org, _rows(), "2026"), "m")
    scores = [s.score for s in i.subperiods]
    assert scores[6:9] == [D(100)] * 3  # 80 / (0.8 × 100)
    assert scores[:6] == [D(80)] * 6
    assert scores[9:] == [D(80)] * 3
    assert [s.target for s in i.subperiods][6] == D(80)
    assert [s.original_target for s in i.subperiods][6] == D(100)
    q3 = indicator_of(score_one(org, _rows(), "2026-Q3"), "m")
    assert (q3.target, q3.original_target, q3.score) == (D(80), D(100), D(100))
    assert (
        report_to_json(score_report(org, _rows(), [], "2026-Q3", AS_OF))["members"][0][
            "dimensions"
        ][0]["indicators"][0]["calibration"]["coefficient"]
        == 0.8
    )


def test_new_target() -> None:
    org = simple_org([MONTHLY], calibrations=(_retarget(team="growth", new_target=D(160)),))
    assert indicator_of(score_one(org, _rows(), "2026-07"), "m").score == D(50)


def test_member_beats_team_even_if_team_is_later() -> None:
    cals = (_retarget(member="mei", new_target=D(80)), _retarget(team="growth", new_target=D(160)))
    org = simple_org([MONTHLY], calibrations=cals)
    assert indicator_of(score_one(org, _rows(), "2026-Q3"), "m").score == D(100)


def test_among_equals_later_record_wins() -> None:
    cals = (_retarget(team="growth", new_target=D(80)), _retarget(team="growth", new_target=D(160)))
    org = simple_org([MONTHLY], calibrations=cals)
    assert indicator_of(score_one(org, _rows(), "2026-Q3"), "m").score == D(50)


def test_among_equals_latest_approved_wins() -> None:
    cals = (
        _retarget(team="growth", new_target=D(80), approved_at=datetime(2026, 9, 2, tzinfo=UTC)),
        _retarget(team="growth", new_target=D(160), approved_at=datetime(2026, 9, 1, tzinfo=UTC)),
    )
    org = simple_org([MONTHLY], calibrations=cals)
    assert indicator_of(score_one(org, _rows(), "2026-Q3"), "m").score == D(100)


def test_other_team_or_member_does_not_apply() -> None:
    cals = (_retarget(team="other", new_target=D(80)), _retarget(member="zed", new_target=D(80)))
    org = simple_org([MONTHLY], calibrations=cals)
    assert indicator_of(score_one(org, _rows(), "2026-Q3"), "m").score == D(80)


def test_calibration_shorter_than_indicator_period_never_applies() -> None:
    org = simple_org(
        [ind("q", target="100")],
        calibrations=(
            Calibration(
                Period.parse("2026-08"), "retarget", team="growth", indicator="q", new_target=D(1)
            ),
        ),
    )
    assert indicator_of(
        score_one(org, [row("mei", "q", "2026-Q3", "80")], "2026-Q3"), "q"
    ).score == D(80)


SWAP = Calibration(
    Q3,
    "swap",
    member="mei",
    swap_from="m",
    swap_to=SwapTarget("live", "month", aggregate="sum", target=D(300)),
)


def test_full_swap_row_is_the_new_indicator() -> None:
    org = simple_org([MONTHLY], calibrations=(SWAP,))
    rows = [row("mei", "live", f"2026-{mm:02d}", "300") for mm in (7, 8, 9)] + _rows()
    m = score_one(org, rows, "2026-Q3")
    (i,) = m.indicators()
    assert (i.key, i.replaces, i.weight, i.dimension) == ("live", "m", D(100), "result")
    assert (i.value, i.target, i.score) == (D(300), D(300), D(100))
    assert i.calibrations == (SWAP,)


def test_partial_swap_keeps_from_key_and_mixes_scores() -> None:
    org = simple_org([MONTHLY], calibrations=(SWAP,))
    rows = [row("mei", "live", f"2026-{mm:02d}", "300") for mm in (7, 8, 9)] + _rows()
    (i,) = score_one(org, rows, "2026").indicators()
    assert (i.key, i.replaces) == ("m", None)
    assert i.calibrations == (SWAP,)
    assert [s.indicator for s in i.subperiods][5:10] == ["m", "live", "live", "live", "m"]
    assert i.score == (D(80) * 9 + D(100) * 3) / 12
    assert i.value is None  # two indicators' units are not averaged


def test_team_retarget_on_swapped_in_indicator() -> None:
    cals = (
        SWAP,
        Calibration(Q3, "retarget", team="growth", indicator="live", coefficient=D("0.5")),
    )
    org = simple_org([MONTHLY], calibrations=cals)
    rows = [row("mei", "live", "2026-07", "150")]
    i = indicator_of(score_one(org, rows, "2026-07"), "live")
    assert (i.target, i.original_target, i.score) == (D(150), D(300), D(100))
