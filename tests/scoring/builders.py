"""Small builders for scoring inputs, and the worked example of scoring.md §6 by hand."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from scoring.model import (
    BonusPoints,
    CoefficientStep,
    Indicator,
    KeyResult,
    Member,
    MetricRow,
    Org,
    Rating,
    Team,
    Template,
)
from scoring.periods import Period

D = Decimal
AS_OF = date(2026, 11, 27)


def ind(key: str, dimension: str = "result", weight: str = "100", **kw: Any) -> Indicator:
    """An indicator with string numbers turned into Decimals."""
    for name in ("target", "floor", "cap"):
        if isinstance(kw.get(name), str | int):
            kw[name] = D(str(kw[name]))
    if "steps" in kw:
        kw["steps"] = tuple((D(str(r)), D(str(p))) for r, p in kw["steps"])
    return Indicator(key=key, dimension=dimension, weight=D(weight), **kw)


def row(subject: str, indicator: str, period: str, value: str, **kw: Any) -> MetricRow:
    return MetricRow(subject, indicator, Period.parse(period), D(value), **kw)


def rating(
    cycle: str, rater: str, ratee: str, criterion: str, value: int, comment: str | None = None
) -> Rating:
    return Rating(Period.parse(cycle), rater, ratee, criterion, value, comment)


def simple_org(
    indicators: Sequence[Indicator],
    members: Iterable[Member] | None = None,
    dimensions: dict[str, str] | None = None,
    team: Team | None = None,
    **kw: Any,
) -> Org:
    """One template `t`, one team `growth`, member `mei` unless members are given."""
    dims = {k: D(v) for k, v in (dimensions or {"result": "100"}).items()}
    tpl = Template("t", dims, tuple(indicators))
    mems = list(members) if members is not None else [Member("mei", "growth", "t", manager="lead")]
    mems += [Member(x, "growth", None, manager="lead") for x in ("lead", "r1", "r2", "r3", "r4")]
    return Org(
        timezone="Asia/Shanghai",
        templates={"t": tpl},
        teams={"growth": team or Team("growth", manager="lead")},
        members={m.id: m for m in mems},
        **kw,
    )


WORKED_INDICATORS = (
    ind("new_customer_sales", "result", "60", period="quarter", aggregate="sum", target="300000"),
    ind("private_gmv", "result", "40", period="quarter", aggregate="sum", target="200000"),
    ind("content_exposure", "process", "50", period="month", aggregate="sum", target="100000"),
    ind("community_weekly_active", "process", "50", period="month", aggregate="avg", target="0.30"),
    ind(
        "digital_tools",
        "capability",
        "50",
        period="year",
        aggregate="last",
        target="1",
        rule="binary",
    ),
    ind(
        "collaboration",
        "capability",
        "50",
        period="year",
        source="peer",
        rule="rating",
        criteria=("collaboration", "responsiveness"),
    ),
)

WORKED_TEAM = Team(
    "growth",
    manager="lead",
    key_results=(
        KeyResult("young_new_customers", D(1000), D(50)),
        KeyResult("private_gmv_team", D(1000), D(50)),
    ),
    coefficients=(
        CoefficientStep(D("0.0"), D("0.9")),
        CoefficientStep(D("0.8"), D("1.0")),
        CoefficientStep(D("1.0"), D("1.1")),
    ),
)


def worked_org() -> Org:
    return simple_org(
        WORKED_INDICATORS,
        dimensions={"result": "40", "process": "40", "capability": "20"},
        team=WORKED_TEAM,
        bonus_points=(BonusPoints("mei", Period.parse("2026-Q3"), D(3)),),
    )


WORKED_ROWS_TEXT = """\
mei,new_customer_sales,2026-07,100000
mei,new_customer_sales,2026-08,130000
mei,new_customer_sales,2026-09-15,100000
mei,private_gmv,2026-Q3,150000
mei,content_exposure,2026-07,120000
mei,content_exposure,2026-08,90000
mei,content_exposure,2026-09,100000
mei,community_weekly_active,2026-07,0.27
mei,community_weekly_active,2026-08,0.33
mei,community_weekly_active,2026-09,0.30
mei,digital_tools,2026,1
team:growth,young_new_customers,2026-Q3,1100
team:growth,private_gmv_team,2026-Q3,1000"""


def worked_rows() -> list[MetricRow]:
    out = []
    for seq, line in enumerate(WORKED_ROWS_TEXT.splitlines()):
        subject, indicator, period, value = line.split(",")
        out.append(row(subject, indicator, period, value, seq=seq))
    return out


def worked_ratings() -> list[Rating]:
    vals = {"r1": (4, 4), "r2": (5, 4), "r3": (3, 4)}
    return [
        rating("2026-Q3", r, "mei", c, v)
        for r, (a, b) in vals.items()
        for c, v in (("collaboration", a), ("responsiveness", b))
    ]


def score_one(
    org: Org,
    rows: Sequence[MetricRow],
    period: str,
    as_of: date = AS_OF,
    ratings: Sequence[Rating] = (),
    member: str = "mei",
) -> Any:
    """The MemberScore of one member."""
    from scoring import score_report

    report = score_report(org, rows, ratings, period, as_of, members=[member])
    return report.members[0]


def indicator_of(member_score: Any, key: str) -> Any:
    return next(i for i in member_score.indicators() if i.key == key)
