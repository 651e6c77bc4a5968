"""Commission, over-target bonus, pool and award splits, content hits (§5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.incentives import commission, content_hits, split_cents
from scoring.model import (
    BonusPoints,
    Bracket,
    Commission,
    ContentHitAward,
    Incentives,
    KeyActionPoints,
    Member,
    OverTargetBonus,
    Team,
    TeamAward,
)
from scoring.periods import Period
from scoring.values import RowIndex
from tests.scoring.builders import ind, row, score_one, simple_org

D = Decimal
BRACKETS = (Bracket(D(100000), D("0.02")), Bracket(D(200000), D("0.03")), Bracket(None, D("0.05")))


@pytest.mark.parametrize(
    ("total", "progressive", "flat"),
    [
        ("0", "0", "0"),
        ("50000", "1000", "1000"),
        ("100000", "2000", "2000"),  # exactly at a bracket's upto: that bracket
        ("150000", "3500", "4500"),
        ("330000", "11500", "16500"),
    ],
)
def test_commission_modes(total: str, progressive: str, flat: str) -> None:
    assert commission(D(total), BRACKETS, "progressive") == D(progressive)
    assert commission(D(total), BRACKETS, "flat") == D(flat)


def test_split_cents_adds_up_with_ties_by_member_id() -> None:
    shares = split_cents(D(100), {"c": D(1), "a": D(1), "b": D(1)})
    assert shares == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    assert sum(shares.values()) == D(100)
    equal = split_cents(D("0.05"), {"z": D(0), "y": D(0)})
    assert equal == {"y": D("0.03"), "z": D("0.02")}


def test_split_by_points_largest_remainder() -> None:
    shares = split_cents(D("10.00"), {"a": D(1), "b": D(2), "c": D(4)})
    # exact 1.428…, 2.857…, 5.714…: floors 1.42, 2.85, 5.71 (sum 9.98); remainders .857, .714, .429
    assert shares == {"a": D("1.43"), "b": D("2.86"), "c": D("5.71")}


def test_content_hit_once_per_item_ever_in_first_period() -> None:
    rows = [
        row("mei", "exp", "2026-07-03", "600000", item="v1"),
        row("mei", "exp", "2026-07-20", "500000", item="v1"),  # July sum 1.1M → hit
        row("mei", "exp", "2026-08", "2000000", item="v1"),  # again: no second award
        row("mei", "exp", "2026-08", "999999", item="v2"),
        row("bo", "exp", "2026-09", "1000000", item="v1"),  # another member: own award
        row("mei", "exp", "2026-Q3", "5000000", item="v3"),  # a quarter row is in no month
    ]
    hits = content_hits(RowIndex(rows), ContentHitAward("exp", D(1000000)))
    assert [(h.member, h.item, str(h.period), h.value) for h in hits] == [
        ("mei", "v1", "2026-07", D(1100000)),
        ("bo", "v1", "2026-09", D(1000000)),
    ]


def _incentive_org(**kw: object) -> object:
    team = Team(
        "growth",
        manager="lead",
        bonus_pool=TeamAward("pool_metric", D(1000), D(100)),
        new_customer_award=TeamAward("pool_metric", D(2000), D(10)),
    )
    members = [
        Member("mei", "growth", "t", manager="lead"),
        Member("bo", "growth", "t"),
        Member("cy", "growth", "t"),
    ]
    incentives = Incentives(
        commission=Commission("sales", BRACKETS),
        over_target_bonus=OverTargetBonus("sales", "year", D(100000), D("0.05")),
        key_action_points={"content_hit": D(5)},
        content_hit=ContentHitAward("exp", D(100)),
    )
    return simple_org(
        [ind("sales", target="300000"), ind("exp", period="month", target="10")],
        members=members,
        team=team,
        incentives=incentives,
        **kw,
    )


def test_member_incentives_in_plan_period_only() -> None:
    kap = (KeyActionPoints("bo", Period.parse("2026-08"), D(5)),)
    org = _incentive_org(key_action_points=kap)
    rows = [
        row("mei", "sales", "2026-07", "330000"),
        row("team:growth", "pool_metric", "2026-Q3", "2500"),
        row("mei", "exp", "2026-08-02", "100", item="v9"),
    ]
    m = score_one(org, rows, "2026-Q3")  # type: ignore[arg-type]
    assert m.incentives.commission == D(11500)
    assert m.incentives.over_target_bonus is None  # a yearly plan
    assert m.incentives.pool_share == D(50)  # 5 points (content hit) of 10
    kinds = [(a.type, str(a.period), a.item, a.amount) for a in m.incentives.awards]
    assert ("content_hit", "2026-08", "v9", None) in kinds
    assert ("new_customer", "2026-Q3", None, D(5)) in kinds
    cy = score_one(org, rows, "2026-Q3", member="cy")  # type: ignore[arg-type]
    assert cy.incentives.pool_share == D(0)
    year = score_one(org, rows, "2026")  # type: ignore[arg-type]
    assert year.incentives.over_target_bonus == D(11500)  # 0.05 × 230000
    assert year.incentives.commission is None
    assert year.incentives.pool_share is None


def test_pool_not_reached_pays_nothing() -> None:
    org = _incentive_org()
    rows = [row("team:growth", "pool_metric", "2026-Q3", "999")]
    assert score_one(org, rows, "2026-Q3").incentives.pool_share == D(0)  # type: ignore[arg-type]


@pytest.mark.parametrize(("points", "counted"), [("3", "3"), ("10", "10"), ("14", "10")])
def test_bonus_cap(points: str, counted: str) -> None:
    bp = (
        BonusPoints("mei", Period.parse("2026-08"), D(points)),
        BonusPoints("mei", Period.parse("2026-Q4"), D(50)),
    )
    org = simple_org([ind("q", target="100")], bonus_points=bp)
    m = score_one(org, [row("mei", "q", "2026-Q3", "100")], "2026-Q3")
    assert (m.bonus, m.bonus_points, m.total) == (D(counted), D(points), D(100) + D(counted))
