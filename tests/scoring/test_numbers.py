"""`DecimalPool`: equal figures of a report shared as one object, without changing any."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scoring import score_report
from scoring.model import Member, MetricRow
from scoring.numbers import DecimalPool
from tests.scoring.builders import (
    AS_OF,
    WORKED_INDICATORS,
    WORKED_TEAM,
    simple_org,
    worked_ratings,
    worked_rows,
)

D = Decimal


def test_the_pool_shares_only_figures_written_alike() -> None:
    pool = DecimalPool()
    first = D("1.50")
    assert pool(first) is first
    assert pool(D("1.50")) is first
    for other in (D("1.5"), D("1E+2"), D("100"), D("0"), D("-0"), D("Infinity"), D("-Infinity")):
        assert pool(other) is other  # equal to a kept one or not, written differently
        assert pool(D(str(other))) is other
    assert pool(None) is None
    assert len(pool) == 8


@given(st.decimals(allow_nan=True, allow_infinity=True), st.decimals(allow_infinity=True))
def test_a_pooled_figure_is_indistinguishable_from_its_input(a: D, b: D) -> None:
    pool = DecimalPool()
    pool(a)
    got = pool(b)
    assert str(got) == str(b)
    assert got.as_tuple() == b.as_tuple()
    if not b.is_nan():
        assert got == b


def _decimals(obj: object, out: dict[str, set[int]]) -> None:
    if isinstance(obj, Decimal):
        out[str(obj)].add(id(obj))
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _decimals(getattr(obj, f.name), out)
    elif isinstance(obj, list | tuple):
        for x in obj:
            _decimals(x, out)


def test_a_report_keeps_one_object_per_distinct_figure() -> None:
    """Three members with the same rows: their breakdowns share every figure (memory of a
    whole-org report, bench/README.md §3), and score exactly as each one alone."""
    ids = ("mei", "ana", "bo")
    members = [Member(m, "growth", "t", manager="lead") for m in ids]
    org = simple_org(
        WORKED_INDICATORS,
        members=members,
        dimensions={"result": "40", "process": "40", "capability": "20"},
        team=WORKED_TEAM,
    )
    rows = [
        MetricRow(m, r.indicator, r.period, r.value, seq=r.seq)
        for r in worked_rows()
        for m in (ids if r.subject == "mei" else (r.subject,))
    ]
    ratings = [dataclasses.replace(r, ratee=m) for r in worked_ratings() for m in ids]
    report = score_report(org, rows, ratings, "2026-Q3", AS_OF)
    everyone: dict[str, set[int]] = defaultdict(set)
    _decimals(report.members, everyone)
    for n, m in enumerate(ids):
        alone = score_report(org, rows, ratings, "2026-Q3", AS_OF, members=[m])
        assert alone.members == [report.members[n]]
        one: dict[str, set[int]] = defaultdict(set)
        _decimals(alone.members, one)
        assert one.keys() == everyone.keys()
        # no more objects for three members than for one: all computed figures shared
        # (the config's own Decimals, e.g. targets, are shared anyway)
        assert sum(map(len, everyone.values())) == sum(map(len, one.values()))
