"""Periods, cadence, row counting, `last` ordering and membership (scoring.md §2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scoring.model import LeaveRange, Member
from tests.scoring.builders import ind, indicator_of, row, score_one, simple_org

D = Decimal
MONTHLY = ind("m", period="month", aggregate="sum", target="100")
QUARTERLY = ind("q", period="quarter", aggregate="sum", target="100")
YEARLY = ind("y", period="year", aggregate="sum", target="100")


def test_missing_closed_month_inside_quarter_counts_zero() -> None:
    org = simple_org([MONTHLY])
    rows = [row("mei", "m", "2026-07", "100"), row("mei", "m", "2026-09", "80")]
    i = indicator_of(score_one(org, rows, "2026-Q3"), "m")
    assert [s.score for s in i.subperiods] == [D(100), D(0), D(80)]
    assert [s.missing for s in i.subperiods] == [False, True, False]
    assert i.score == D(60)
    assert i.missing is True
    assert i.value == D(90)  # mean of the months that have a value


def test_open_month_counts_only_with_a_value() -> None:
    org = simple_org([MONTHLY])
    rows = [row("mei", "m", "2026-10", "100")]
    m = score_one(org, rows, "2026-Q4", as_of=date(2026, 11, 27))
    i = indicator_of(m, "m")
    assert [s.counted for s in i.subperiods] == [True, False, False]
    assert i.score == D(100)
    assert i.missing is False
    assert m.provisional is True
    rows.append(row("mei", "m", "2026-11", "50"))
    assert indicator_of(score_one(org, rows, "2026-Q4", as_of=date(2026, 11, 27)), "m").score == D(
        75
    )


def test_no_value_for_equal_period_is_missing_zero() -> None:
    org = simple_org([QUARTERLY])
    m = score_one(org, [], "2026-Q3")
    i = indicator_of(m, "q")
    assert (i.score, i.missing, i.counted) == (D(0), True, True)
    assert m.total == D(0)
    assert m.provisional is False


@pytest.mark.parametrize(
    ("period", "report", "expected"),
    [
        ("2026-08-14", "2026-08", "5"),
        ("2026-08-14", "2026-Q3", "5"),
        ("2026-08-14", "2026", "5"),
        ("2026-08", "2026-Q3", "5"),
        ("2026-Q3", "2026", "5"),
        ("2026-Q3", "2026-08", None),  # a quarter row is not in its months
        ("2026", "2026-Q3", None),  # nor a year row in its quarters
    ],
)
def test_row_counts_in_every_period_that_contains_it(
    period: str, report: str, expected: str | None
) -> None:
    kind = {"2026-08": "month", "2026-Q3": "quarter", "2026": "year"}[report]
    org = simple_org([ind("x", period=kind, target="10")])
    i = indicator_of(score_one(org, [row("mei", "x", period, "5")], report), "x")
    assert i.value == (None if expected is None else D(expected))


def test_longer_indicator_counts_to_date_rows() -> None:
    org = simple_org([YEARLY])
    rows = [
        row("mei", "y", "2026", "30"),
        row("mei", "y", "2026-05", "20"),
        row("mei", "y", "2026-10", "40"),
    ]
    i = indicator_of(score_one(org, rows, "2026-Q3"), "y")
    assert i.value == D(50)  # the 2026 row and 2026-05 count, 2026-10 does not
    assert i.target == D(100)  # against the full target
    assert i.score == D(50)
    assert i.provisional is True  # the year is open on 2026-11-27
    assert indicator_of(score_one(org, rows, "2026"), "y").value == D(90)


def test_mixed_granularity_rows_all_count() -> None:
    org = simple_org([QUARTERLY])
    rows = [
        row("mei", "q", "2026-Q3", "50"),
        row("mei", "q", "2026-07", "20"),
        row("mei", "q", "2026-07-03", "5"),
    ]
    assert indicator_of(score_one(org, rows, "2026-Q3"), "q").value == D(75)


def test_team_subject_reads_team_rows() -> None:
    org = simple_org([ind("s", subject="team", target="100")])
    rows = [row("team:growth", "s", "2026-Q3", "80"), row("mei", "s", "2026-Q3", "999")]
    assert indicator_of(score_one(org, rows, "2026-Q3"), "s").value == D(80)


def test_same_key_again_replaces_different_origins_add() -> None:
    org = simple_org([QUARTERLY])
    rows = [
        row("mei", "q", "2026-Q3", "10", seq=1),
        row("mei", "q", "2026-Q3", "30", seq=2),
        row("mei", "q", "2026-Q3", "5", origin="crm", seq=1),
    ]
    assert indicator_of(score_one(org, rows, "2026-Q3"), "q").value == D(35)


def test_avg_is_mean_of_rows() -> None:
    org = simple_org([ind("a", aggregate="avg", target="1")])
    rows = [row("mei", "a", "2026-07", "0.2"), row("mei", "a", "2026-08", "0.4")]
    assert indicator_of(score_one(org, rows, "2026-Q3"), "a").value == D("0.3")


TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # recorded_at beats the end of a row's own period
        ([("2026-Q3", "1", None, 0), ("2026-07", "2", datetime(2026, 10, 2, tzinfo=TZ), 0)], "2"),
        # without recorded_at: the end of its own period (the quarter row ends last)
        ([("2026-Q3", "1", None, 0), ("2026-07", "2", None, 9)], "1"),
        # equal times: the later import wins
        ([("2026-08", "1", None, 5), ("2026-08-31", "2", None, 4)], "1"),
        ([("2026-08", "1", None, 4), ("2026-08-31", "2", None, 5)], "2"),
        # naive recorded_at is org time: 08:00 Shanghai is before 01:00 UTC (09:00 Shanghai)
        (
            [
                ("2026-08", "1", datetime(2026, 9, 1, 8, 0), 9),  # noqa: DTZ001
                ("2026-08-30", "2", datetime(2026, 9, 1, 1, 0, tzinfo=ZoneInfo("UTC")), 0),
            ],
            "2",
        ),
    ],
)
def test_last_tie_breaks(rows: list[tuple[str, str, datetime | None, int]], expected: str) -> None:
    org = simple_org([ind("l", aggregate="last", target="1")])
    data = [row("mei", "l", p, v, recorded_at=at, seq=seq) for p, v, at, seq in rows]
    assert indicator_of(score_one(org, data, "2026-Q3"), "l").value == D(expected)


def test_same_seq_later_line_wins_for_last() -> None:
    org = simple_org([ind("l", aggregate="last", target="1")])
    data = [row("mei", "l", "2026-08", "1"), row("mei", "l", "2026-08-31", "2")]
    assert indicator_of(score_one(org, data, "2026-Q3"), "l").value == D(2)


def _member(**kw: object) -> Member:
    return Member("mei", "growth", "t", manager="lead", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("member", "counted_months"),
    [
        (_member(joined=date(2026, 8, 15)), [False, True, True]),
        (_member(left=date(2026, 8, 1)), [True, True, False]),
        (_member(leave=(LeaveRange(date(2026, 8, 1), date(2026, 8, 31)),)), [True, False, True]),
        (_member(leave=(LeaveRange(date(2026, 8, 2), date(2026, 8, 31)),)), [True, True, True]),
    ],
)
def test_membership_drops_periods(member: Member, counted_months: list[bool]) -> None:
    org = simple_org([MONTHLY, QUARTERLY], members=[member])
    i = indicator_of(score_one(org, [], "2026-Q3"), "m")
    assert [s.counted for s in i.subperiods] == counted_months
    assert i.score == D(0)


def test_indicator_and_dimension_drop_out_and_rescale() -> None:
    member = _member(leave=(LeaveRange(date(2026, 7, 1), date(2026, 9, 30)),))
    org = simple_org(
        [ind("q", "result", target="100"), ind("y", "capability", period="year", target="100")],
        members=[member],
        dimensions={"result": "60", "capability": "40"},
    )
    rows = [row("mei", "y", "2026", "90")]
    m = score_one(org, rows, "2026-Q4")
    assert indicator_of(m, "q").missing is True  # Q4 is outside the leave, no value
    m3 = score_one(org, rows, "2026-Q3")
    assert indicator_of(m3, "q").counted is False
    assert m3.dimensions[0].score is None
    assert m3.base == D(90)  # only capability left, rescaled to 100 %
    assert m3.total == D(90)


def test_year_to_date_window_decides_membership() -> None:
    org = simple_org([YEARLY], members=[_member(joined=date(2026, 10, 1))])
    m = score_one(org, [row("mei", "y", "2026", "90")], "2026-Q3")
    assert indicator_of(m, "y").counted is False


def test_member_entirely_outside_has_no_total() -> None:
    org = simple_org([QUARTERLY], members=[_member(left=date(2026, 3, 31))])
    m = score_one(org, [], "2026-Q3")
    assert (m.base, m.total, m.grade) == (None, None, None)


def test_member_target_override() -> None:
    org = simple_org([QUARTERLY], members=[_member(targets={"q": D(50)})])
    i = indicator_of(score_one(org, [row("mei", "q", "2026-Q3", "50")], "2026-Q3"), "q")
    assert (i.target, i.original_target, i.score) == (D(50), D(50), D(100))
