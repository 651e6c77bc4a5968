"""Reviewer assignment: strategies, balance (max − min requests ≤ 1 where possible) and
determinism for the same inputs."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.review_assign import Strategy, assign
from scoring.model import Indicator, LeaveRange, Member, Org, Team, Template
from scoring.periods import Period

Q = Period.parse("2026-Q4")
DAY = date(2026, 12, 24)
TPL = Template(
    key="t",
    dimensions={"capability": Decimal(100)},
    indicators=(
        Indicator(
            "collab",
            "capability",
            Decimal(60),
            rule="rating",
            source="peer",
            criteria=("collaboration",),
        ),
        Indicator(
            "strat",
            "capability",
            Decimal(40),
            rule="rating",
            source="manager",
            criteria=("strategic_contribution",),
        ),
    ),
)


def make_org(functions: list[str], *, boss: bool = True, extra: list[Member] = ()) -> Org:  # type: ignore[assignment]
    members = {f"m{i}": Member(f"m{i}", "team", "t", function=f) for i, f in enumerate(functions)}
    if boss:
        members["boss"] = Member("boss", "team", None, function="lead")
    for m in extra:
        members[m.id] = m
    return Org(
        timezone="Asia/Shanghai",
        templates={"t": TPL},
        teams={"team": Team("team", manager="boss" if boss else None)},
        members=members,
    )


def peer_loads(org: Org, strategy: Strategy) -> Counter[str]:
    return Counter(p.rater for p in assign(org, Q, DAY, strategy) if p.kind == "peer")


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=2, max_value=14), k=st.integers(min_value=1, max_value=6))
def test_team_strategy_is_balanced(n: int, k: int) -> None:
    org = make_org(["f"] * n, boss=False)
    pairs = assign(org, Q, DAY, Strategy("team", k))
    per_ratee = Counter(p.ratee for p in pairs)
    assert all(per_ratee[f"m{i}"] == min(k, n - 1) for i in range(n))
    loads = peer_loads(org, Strategy("team", k))
    counts = [loads.get(f"m{i}", 0) for i in range(n)]
    assert max(counts) - min(counts) <= 1
    assert all(p.rater != p.ratee for p in pairs)


@settings(max_examples=40, deadline=None)
@given(
    functions=st.lists(
        st.sampled_from(["copy", "media", "sales", "design"]), min_size=3, max_size=12
    ),
    k=st.integers(min_value=1, max_value=5),
)
def test_cross_function_prefers_other_functions_and_is_deterministic(
    functions: list[str], k: int
) -> None:
    org = make_org(functions)
    strategy = Strategy("cross_function", k)
    first = assign(org, Q, DAY, strategy)
    assert first == assign(org, Q, DAY, strategy)
    for ratee in (f"m{i}" for i in range(len(functions))):
        mine = [p.rater for p in first if p.ratee == ratee and p.kind == "peer"]
        fn = org.members[ratee].function
        others = [
            m for m in org.members.values() if m.id not in (ratee, "boss") and m.function != fn
        ]
        n_other = sum(org.members[r].function != fn for r in mine)
        assert n_other == min(k, len(others))
        assert len(mine) == min(k, len(org.members) - 2)
        assert "boss" not in mine


def test_balanced_cross_function_example() -> None:
    org = make_org(["copy", "copy", "media", "media", "sales", "sales", "design", "design"])
    loads = peer_loads(org, Strategy("cross_function", 3))
    counts = [loads.get(f"m{i}", 0) for i in range(8)]
    assert sum(counts) == 24
    assert max(counts) - min(counts) <= 1


def test_manager_gets_a_manager_assignment_and_is_never_a_peer() -> None:
    org = make_org(["a", "b", "c"])
    pairs = assign(org, Q, DAY, Strategy("team", 2))
    assert {(p.rater, p.ratee) for p in pairs if p.kind == "manager"} == {
        ("boss", "m0"),
        ("boss", "m1"),
        ("boss", "m2"),
    }
    assert all(p.rater != "boss" for p in pairs if p.kind == "peer")


def test_members_on_leave_or_unscored_are_not_rated_but_unscored_may_rate() -> None:
    away = Member(
        "away",
        "team",
        "t",
        function="a",
        leave=(LeaveRange(date(2026, 12, 1), date(2026, 12, 31)),),
    )
    helper = Member("hr", "team", None, function="hr")
    org = make_org(["a", "b"], extra=[away, helper])
    pairs = assign(org, Q, DAY, Strategy("team", 4))
    ratees = {p.ratee for p in pairs}
    assert "away" not in ratees
    assert "hr" not in ratees
    assert "boss" not in ratees
    assert "hr" in {p.rater for p in pairs}
    assert "away" not in {p.rater for p in pairs}


def test_explicit_strategy_uses_exactly_the_configured_raters() -> None:
    org = make_org(["a", "b", "c"])
    strategy = Strategy("explicit", 4, {"m0": ["m1"], "m2": ["m0", "m1"]})
    peers = {(p.rater, p.ratee) for p in assign(org, Q, DAY, strategy) if p.kind == "peer"}
    assert peers == {("m1", "m0"), ("m0", "m2"), ("m1", "m2")}


def test_different_quarters_may_pair_differently_but_each_is_stable() -> None:
    org = make_org(["f"] * 9, boss=False)
    a = assign(org, Q, DAY, Strategy("team", 2))
    b = assign(org, Period.parse("2027-Q1"), date(2027, 3, 24), Strategy("team", 2))
    assert a == assign(org, Q, DAY, Strategy("team", 2))
    assert {(p.rater, p.ratee) for p in a} != {(p.rater, p.ratee) for p in b}
