"""Team OKR rate, coefficient table and the c = 1.0 cases (§3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.model import CoefficientStep, KeyResult, Team
from scoring.okr import coefficient_for
from tests.scoring.builders import WORKED_TEAM, ind, row, score_one, simple_org

D = Decimal
Q = ind("q", target="100")


def test_rate_and_coefficient() -> None:
    org = simple_org([Q], team=WORKED_TEAM)
    rows = [
        row("team:growth", "young_new_customers", "2026-Q3", "1500"),
        row("team:growth", "private_gmv_team", "2026-Q3", "700"),
    ]
    m = score_one(org, rows + [row("mei", "q", "2026-Q3", "100")], "2026-Q3")
    assert m.okr_rate == D("0.95")  # (1.2 capped + 0.7) / 2
    assert m.coefficient == D("1.0")
    assert m.total == D(100)


def test_kr_without_value_in_closed_period_is_zero() -> None:
    org = simple_org([Q], team=WORKED_TEAM)
    m = score_one(org, [row("team:growth", "young_new_customers", "2026-Q3", "1000")], "2026-Q3")
    assert m.okr_rate == D("0.5")
    assert m.coefficient == D("0.9")


def test_team_with_no_okr_data_has_coefficient_one() -> None:
    org = simple_org([Q], team=WORKED_TEAM)
    m = score_one(org, [row("mei", "q", "2026-Q3", "100")], "2026-Q3")
    assert (m.okr_rate, m.coefficient, m.total) == (None, D(1), D(100))


def test_monthly_report_has_no_coefficient() -> None:
    org = simple_org([ind("m", period="month", target="100")], team=WORKED_TEAM)
    rows = [
        row("team:growth", "young_new_customers", "2026-07", "5000"),
        row("mei", "m", "2026-07", "100"),
    ]
    m = score_one(org, rows, "2026-07")
    assert (m.okr_rate, m.coefficient, m.total) == (None, D(1), D(100))


def test_team_without_table_or_key_results() -> None:
    no_table = Team("growth", manager="lead", key_results=WORKED_TEAM.key_results)
    rows = [
        row("team:growth", "young_new_customers", "2026-Q3", "500"),
        row("mei", "q", "2026-Q3", "100"),
    ]
    m = score_one(simple_org([Q], team=no_table), rows, "2026-Q3")
    assert m.coefficient == D(1)
    m2 = score_one(simple_org([Q]), rows, "2026-Q3")
    assert (m2.okr_rate, m2.coefficient) == (None, D(1))


def test_yearly_report_means_quarters_open_ones_only_with_value() -> None:
    team = Team(
        "growth",
        manager="lead",
        key_results=(KeyResult("kr", D(100), D(1)),),
        coefficients=WORKED_TEAM.coefficients,
    )
    org = simple_org([ind("y", period="year", target="1")], team=team)
    rows = [row("team:growth", "kr", "2026-Q1", "100"), row("team:growth", "kr", "2026-Q3", "80")]
    m = score_one(org, rows, "2026", as_of=date(2026, 11, 27))
    assert m.okr_rate == D(60) / D(100)  # Q1 1.0, Q2 0 (closed, empty), Q3 0.8, Q4 open and empty
    rows.append(row("team:growth", "kr", "2026-Q4", "100"))
    m = score_one(org, rows, "2026", as_of=date(2026, 11, 27))
    assert m.okr_rate == D("0.7")


@pytest.mark.parametrize(
    ("rate", "c"),
    [
        ("0", "0.9"),
        ("0.79", "0.9"),
        ("0.8", "1.0"),
        ("0.99", "1.0"),
        ("1.0", "1.1"),
        ("1.2", "1.1"),
    ],
)
def test_coefficient_table(rate: str, c: str) -> None:
    table = tuple(
        CoefficientStep(D(a), D(b)) for a, b in (("0", "0.9"), ("0.8", "1.0"), ("1.0", "1.1"))
    )
    assert coefficient_for(D(rate), table) == D(c)
