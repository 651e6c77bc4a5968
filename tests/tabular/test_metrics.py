"""Metrics files: encodings, XLSX, every bad row named, the mixed-granularity warning."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from scoring.model import Org
from scoring.periods import Period
from storage.tabular import TableError, parse_metrics_file
from tests.paths import SHARED

HEADER = "member,indicator,period,value,recorded_at,item,origin\n"


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "metrics.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def errors_of(path: Path, org: Org) -> list[str]:
    with pytest.raises(TableError) as info:
        parse_metrics_file(path, org)
    return info.value.errors


def test_worked_metrics_parse_exactly(worked_org: Org) -> None:
    parsed = parse_metrics_file(SHARED / "examples" / "worked" / "metrics.csv", worked_org)
    assert parsed.warnings == []
    assert len(parsed.rows) == 13
    day = parsed.rows[2]
    assert (day.subject, day.indicator, day.period, day.value, day.seq) == (
        "mei",
        "new_customer_sales",
        Period.parse("2026-09-15"),
        Decimal(100000),
        4,
    )
    assert str(parsed.rows[7].value) == "0.27"
    assert parsed.rows[-1].subject == "team:growth"
    assert parsed.rows[-1].origin == "import"


def test_optional_columns_in_any_order(tmp_path: Path, example_org: Org) -> None:
    text = (
        "origin,value,member,indicator,period,item,recorded_at\n"
        "douyin,1200000,li.na,content_exposure,2026-08,v123,2026-08-20T10:00:00+08:00\n"
        "crm,5000,team:growth,new_customer_sales_team,2026-Q3,,\n"
        "import,120,zhang.wei,live_stream_leads,2026-08,,2026-08-31\n"
    )
    rows = parse_metrics_file(write(tmp_path, text), example_org).rows
    assert (rows[0].item, rows[0].origin, rows[0].value) == ("v123", "douyin", Decimal(1200000))
    assert rows[0].recorded_at == datetime.fromisoformat("2026-08-20T10:00:00+08:00")
    assert rows[1].subject == "team:growth"
    assert rows[2].indicator == "live_stream_leads"  # a swap's `to` is a known indicator
    assert rows[2].recorded_at == datetime(2026, 8, 31)  # noqa: DTZ001 - naive = org timezone
    assert [r.seq for r in rows] == [2, 3, 4]


def test_bom_csv(tmp_path: Path, example_org: Org) -> None:
    path = write(tmp_path, HEADER + "li.na,private_gmv,2026-Q3,150000,,,\n", "utf-8-sig")
    (row,) = parse_metrics_file(path, example_org).rows
    assert (row.subject, row.value) == ("li.na", Decimal(150000))


def test_gb18030_csv_with_chinese_names(tmp_path: Path, example_org: Org) -> None:
    text = HEADER + "李娜,private_gmv,2026-Q3,150000,,,\n张伟,leads,2026-Q3,3000,,,\n"
    path = write(tmp_path, text, "gb18030")
    assert path.read_bytes() != text.encode("utf-8")
    rows = parse_metrics_file(path, example_org).rows
    assert [(r.subject, r.indicator) for r in rows] == [
        ("li.na", "private_gmv"),
        ("zhang.wei", "leads"),
    ]


def test_xlsx(tmp_path: Path, example_org: Org) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["member", "indicator", "period", "value", "recorded_at"])
    ws.append(["李娜", "community_weekly_active", "2026-08", 0.33, None])
    ws.append(["team:growth", "young_new_customers", "2026-Q3", 1100, None])
    ws.append(["li.na", "digital_tools", 2026, 1, datetime(2026, 11, 2, 9, 30)])  # noqa: DTZ001
    ws.append([None, None, None, None, None])  # a blank row Excel leaves behind is skipped
    path = tmp_path / "metrics.xlsx"
    wb.save(path)
    rows = parse_metrics_file(path, example_org).rows
    assert [(r.subject, r.indicator, str(r.period), r.value, r.seq) for r in rows] == [
        ("li.na", "community_weekly_active", "2026-08", Decimal("0.33"), 2),
        ("team:growth", "young_new_customers", "2026-Q3", Decimal(1100), 3),
        ("li.na", "digital_tools", "2026", Decimal(1), 4),
    ]
    assert rows[2].recorded_at == datetime(2026, 11, 2, 9, 30)  # noqa: DTZ001


def test_every_bad_row_is_reported(tmp_path: Path, example_org: Org) -> None:
    text = (
        "member,indicator,period,value\n"
        "li.na,private_gmv,2026-07,abc\n"  # 2
        "li.na,private_gmv,2026-13,10\n"  # 3
        "nobody,private_gmv,2026-07,10\n"  # 4
        "li.na,mystery,2026-07,10\n"  # 5
        "li.na,private_gmv,2026-08,-5\n"  # 6
        "li.na,private_gmv,2026-09,7\n"  # 7
        "李娜,private_gmv,2026-09,8\n"  # 8: same key as row 7 (by display name)
        "li.na,young_new_customers,2026-Q3,1\n"  # 9
        "team:growth,private_gmv,2026-Q3,1\n"  # 10
        "team:sales,young_new_customers,2026-Q3,1\n"  # 11
        "li.na,collaboration,2026,4\n"  # 12
    )
    assert errors_of(write(tmp_path, text), example_org) == [
        "metrics.csv:2 value: not a number: 'abc'",
        "metrics.csv:3 period: bad period '2026-13': month must be 01..12",
        "metrics.csv:4 member: unknown member 'nobody'",
        "metrics.csv:5 indicator: unknown indicator 'mystery'",
        "metrics.csv:6 value: negative value -5 (the indicator allows none)",
        "metrics.csv:8 member: same member, indicator, period, item and origin as row 7",
        "metrics.csv:9 indicator: 'young_new_customers' is a team metric: use member = team:KEY",
        "metrics.csv:10 indicator: 'private_gmv' is a member metric: name a member, not a team",
        "metrics.csv:11 member: unknown team 'sales'",
        "metrics.csv:12 indicator: 'collaboration' comes from 360 reviews: import it as reviews",
    ]


def test_bad_recorded_at_and_empty_cells(tmp_path: Path, example_org: Org) -> None:
    text = HEADER + "li.na,private_gmv,2026-07,10,yesterday,,\n,private_gmv,2026-08,,,,\n"
    assert errors_of(write(tmp_path, text), example_org) == [
        "metrics.csv:2 recorded_at: not an ISO date or time: 'yesterday'",
        "metrics.csv:3 member: empty",
        "metrics.csv:3 value: empty",
    ]


def test_negative_allowed_when_the_indicator_says_so(tmp_path: Path, refund_org: Org) -> None:
    path = write(tmp_path, "member,indicator,period,value\nmei,refunds,2026-07,-120.50\n")
    (row,) = parse_metrics_file(path, refund_org).rows
    assert row.value == Decimal("-120.50")


def test_same_key_with_another_origin_or_item_is_fine(tmp_path: Path, example_org: Org) -> None:
    text = HEADER + (
        "li.na,content_exposure,2026-08,1,,v1,douyin\n"
        "li.na,content_exposure,2026-08,2,,v1,wecom\n"
        "li.na,content_exposure,2026-08,3,,v2,douyin\n"
    )
    assert len(parse_metrics_file(write(tmp_path, text), example_org).rows) == 3


def test_header_problems(tmp_path: Path, example_org: Org) -> None:
    path = write(tmp_path, "member,indicator,periode,value,value\n")
    assert errors_of(path, example_org) == [
        "metrics.csv:1 periode: unknown column "
        "(expected member, indicator, period, value, recorded_at, item, origin)",
        "metrics.csv:1 value: column given twice",
        "metrics.csv:1 period: missing column",
    ]


def test_unknown_profile_is_refused(tmp_path: Path, example_org: Org) -> None:
    path = write(tmp_path, HEADER)
    with pytest.raises(TableError) as info:
        parse_metrics_file(path, example_org, profile="crm")
    assert info.value.errors == [
        "crm.yaml: unknown import profile 'crm' "
        "(shipped: crm_opportunity, douyin_content, wecom_group_stats)"
    ]


def test_mixed_granularity_warns(tmp_path: Path, example_org: Org) -> None:
    text = (
        "member,indicator,period,value\n"
        "li.na,private_gmv,2026-07,10\n"
        "li.na,private_gmv,2026-08,10\n"
        "li.na,private_gmv,2026-Q3,30\n"
        "zhang.wei,leads,2026-07,1\n"
        "zhang.wei,leads,2026-Q4,1\n"  # different kinds, but not overlapping: no warning
    )
    parsed = parse_metrics_file(write(tmp_path, text), example_org)
    assert len(parsed.rows) == 5
    assert parsed.warnings == [
        "metrics.csv:2 period: li.na private_gmv has rows for both 2026-07 and 2026-Q3 "
        "(row 4); both count"
    ]
