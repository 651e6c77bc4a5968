"""Properties of scoring.md: monotone rules, bounded totals, order independence."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import score_report
from scoring.model import BonusPoints, MetricRow
from scoring.periods import Period
from scoring.rules import max_score, score_value
from tests.scoring.builders import WORKED_TEAM, ind, row, simple_org

D = Decimal
values = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
targets = st.decimals(
    min_value=D("0.01"), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)
rule_kw = st.sampled_from(
    [
        {},
        {"cap": "1.5", "floor": "0.5"},
        {"rule": "binary"},
        {"rule": "steps", "steps": [[0.5, 50], [1, 100], [1.5, 130]]},
    ]
)


@given(rule_kw, values, values, targets)
def test_higher_value_never_lowers_a_higher_indicator(
    kw: dict[str, object], v1: D, v2: D, t: D
) -> None:
    indicator = ind("x", **kw)  # type: ignore[arg-type]
    lo, hi = sorted((v1, v2))
    assert score_value(indicator, lo, t, 5)[1] <= score_value(indicator, hi, t, 5)[1]


@given(rule_kw, values, values, targets)
def test_lower_value_never_lowers_a_lower_indicator(
    kw: dict[str, object], v1: D, v2: D, t: D
) -> None:
    indicator = ind("x", direction="lower", **kw)  # type: ignore[arg-type]
    lo, hi = sorted((v1, v2))
    assert score_value(indicator, hi, t, 5)[1] <= score_value(indicator, lo, t, 5)[1]


INDICATORS = [
    ind("a", "result", "60", target="100", cap="1.5"),
    ind(
        "b", "result", "40", period="month", target="10", rule="steps", steps=[[0.5, 50], [1, 130]]
    ),
    ind("c", "process", "100", period="month", aggregate="avg", target="5", direction="lower"),
    ind("d", "capability", "100", period="year", aggregate="last", target="1", rule="binary"),
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcd"),
            st.sampled_from(["2026-07", "2026-08-09", "2026-Q3", "2026"]),
            values,
        ),
        max_size=12,
    ),
    st.lists(
        st.tuples(st.sampled_from(["young_new_customers", "private_gmv_team"]), values), max_size=3
    ),
    st.decimals(min_value=0, max_value=40, places=1),
)
def test_totals_stay_within_bounds(
    data: list[tuple[str, str, D]], krs: list[tuple[str, D]], bonus: D
) -> None:
    org = simple_org(
        INDICATORS,
        dimensions={"result": "40", "process": "40", "capability": "20"},
        team=WORKED_TEAM,
        bonus_points=(BonusPoints("mei", Period.parse("2026-Q3"), bonus),),
    )
    rows = [row("mei", k, p, str(v), seq=n) for n, (k, p, v) in enumerate(data)]
    rows += [row("team:growth", k, "2026-Q3", str(v), seq=99 + n) for n, (k, v) in enumerate(krs)]
    m = score_report(
        org, rows, [], "2026-Q3", datetime(2026, 12, 1, tzinfo=ZoneInfo("UTC"))
    ).members[0]
    top = max(max_score(i) for i in INDICATORS) * max(
        s.coefficient for s in WORKED_TEAM.coefficients
    )
    assert m.total is not None
    assert D(0) <= m.total <= top + org.bonus_cap


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcd"),
            st.sampled_from(["2026-07", "2026-08-09", "2026-Q3", "2026"]),
            values,
        ),
        min_size=1,
        max_size=10,
    ),
    st.randoms(use_true_random=False),
)
def test_permuting_rows_with_distinct_times_changes_nothing(
    data: list[tuple[str, str, D]], rnd: random.Random
) -> None:
    org = simple_org(INDICATORS, dimensions={"result": "40", "process": "40", "capability": "20"})
    t0 = datetime(2026, 7, 1, tzinfo=ZoneInfo("UTC"))
    rows: list[MetricRow] = [
        row("mei", k, p, str(v), item=str(n), recorded_at=t0 + timedelta(hours=n))
        for n, (k, p, v) in enumerate(data)
    ]
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    as_of = datetime(2026, 9, 15, tzinfo=ZoneInfo("UTC"))
    assert score_report(org, rows, [], "2026-Q3", as_of) == score_report(
        org, shuffled, [], "2026-Q3", as_of
    )
