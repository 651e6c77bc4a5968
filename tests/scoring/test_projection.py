"""The at-risk projection: sums scaled by elapsed time, avg/last as is, monthly means."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from scoring.projection import projected_achievement
from scoring.rules import ScoringError
from tests.scoring.builders import ind, row, simple_org

D = Decimal
ORG = simple_org(
    [
        ind("s", target="100"),
        ind("a", aggregate="avg", target="10"),
        ind("m", period="month", target="10"),
        ind("p", source="peer", rule="rating", criteria=("c",)),
    ]
)


def test_sum_scaled_by_elapsed_share() -> None:
    # 2026-Q4 has 92 days; at the start of 2026-11-16 46 days have passed: half
    rows = [row("mei", "s", "2026-10", "30"), row("mei", "s", "2026-11-02", "10")]
    assert projected_achievement(ORG, rows, "mei", "s", "2026-Q4", date(2026, 11, 16)) == D("0.8")


def test_avg_uses_value_so_far() -> None:
    rows = [row("mei", "a", "2026-10", "6"), row("mei", "a", "2026-11", "8")]
    naive = datetime(2026, 11, 16)  # noqa: DTZ001 - naive means the org's timezone
    assert projected_achievement(ORG, rows, "mei", "a", "2026-Q4", naive) == D("0.7")


def test_monthly_mean_so_far() -> None:
    rows = [row("mei", "m", "2026-10", "12")]
    # October 1.2, November open with no value yet: not counted
    assert projected_achievement(ORG, rows, "mei", "m", "2026-Q4", date(2026, 11, 16)) == D("1.2")
    assert projected_achievement(ORG, rows, "mei", "m", "2026-Q4", date(2026, 12, 2)) == D("0.6")


def test_no_data_and_reviews() -> None:
    assert projected_achievement(ORG, [], "mei", "s", "2026-Q4", date(2026, 11, 16)) is None
    assert projected_achievement(ORG, [], "mei", "p", "2026-Q4", date(2026, 11, 16)) is None
    with pytest.raises(ScoringError, match="no indicator"):
        projected_achievement(ORG, [], "mei", "zzz", "2026-Q4", date(2026, 11, 16))
