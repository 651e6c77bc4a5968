"""Each shipped profile on its realistic sample file, and broken variants of each."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from handlers.admin import import_metrics_file
from scoring.model import Org
from storage.db import session_scope
from storage.tables import MetricValue
from storage.tabular import TableError, parse_metrics_file
from storage.tabular.profile_spec import load_profile, shipped_profiles
from tests.ingest.conftest import DATA, NOW
from tests.storage.helpers import snapshot

ENCODING = {
    "crm_opportunity": "gb18030",
    "douyin_content": "utf-8",
    "wecom_group_stats": "utf-8-sig",
}


def sample(name: str) -> str:
    return (DATA / f"{name}.csv").read_bytes().decode(ENCODING[name])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode(ENCODING[name]))
    return path


def test_three_profiles_are_shipped() -> None:
    assert shipped_profiles() == ["crm_opportunity", "douyin_content", "wecom_group_stats"]


def test_crm_keeps_won_new_customers_in_yuan(example_org: Org) -> None:
    rows = parse_metrics_file(
        DATA / "crm_opportunity.csv", example_org, profile="crm_opportunity"
    ).rows
    got = {(r.subject, r.indicator, str(r.period), r.item, r.value, r.origin) for r in rows}
    assert got == {
        ("li.na", "new_customer_sales", "2026-08-03", "OPP-2026-0801", Decimal("128000"), "crm"),
        (
            "team:growth",
            "new_customer_sales_team",
            "2026-08-03",
            "OPP-2026-0801",
            Decimal("128000"),
            "crm",
        ),
        ("li.na", "new_customer_sales", "2026-08-14", "OPP-2026-0802", Decimal("56500.5"), "crm"),
        (
            "team:growth",
            "new_customer_sales_team",
            "2026-08-14",
            "OPP-2026-0802",
            Decimal("56500.5"),
            "crm",
        ),
        ("wang.fang", "new_customer_sales", "2026-09-02", "OPP-2026-0805", Decimal("30000"), "crm"),
        (
            "team:growth",
            "new_customer_sales_team",
            "2026-09-02",
            "OPP-2026-0805",
            Decimal("30000"),
            "crm",
        ),
    }


def test_douyin_reads_wan_suffixes(example_org: Org) -> None:
    rows = parse_metrics_file(
        DATA / "douyin_content.csv", example_org, profile="douyin_content"
    ).rows
    assert [(str(r.period), r.item, r.value) for r in rows] == [
        ("2026-08-03", "7391001", Decimal("1205000")),
        ("2026-08-10", "7391002", Decimal("15600")),
        ("2026-08-21", "7391003", Decimal("68000")),
        ("2026-09-01", "7391004", Decimal("20200")),
    ]
    assert {(r.subject, r.indicator, r.origin) for r in rows} == {
        ("li.na", "content_exposure", "douyin")
    }


def test_wecom_percentages_and_dissolved_groups(example_org: Org) -> None:
    rows = parse_metrics_file(
        DATA / "wecom_group_stats.csv", example_org, profile="wecom_group_stats"
    ).rows
    assert [r.value for r in rows] == [Decimal("0.3146"), Decimal("0.2863"), Decimal("0.3774")]
    assert {r.indicator for r in rows} == {"community_weekly_active"}


BROKEN = {
    # profile: (column to drop, date column, a bad date, value column, member column)
    "crm_opportunity": ("负责人", "赢单日期", "2026/13/45", "成交金额(分)", "负责人"),
    "douyin_content": ("曝光量", "发布时间", "昨天", "曝光量", "作者"),
    "wecom_group_stats": ("统计日期", "统计日期", "2026-02-30", "活跃成员占比", "群主"),
}


def _edit(text: str, column: str, row: int, value: str) -> str:
    lines = text.splitlines()
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _drop(text: str, column: str) -> str:
    lines = [line.split(",") for line in text.splitlines()]
    i = lines[0].index(column)
    return "\n".join(",".join(c[:i] + c[i + 1 :]) for c in lines) + "\n"


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_give_row_numbered_errors_and_write_nothing(
    name: str, store: Engine, tmp_path: Path
) -> None:
    drop, date_col, bad_date, value_col, member_col = BROKEN[name]
    before = snapshot(store)
    missing = import_metrics_file(
        store, write(tmp_path, name, _drop(sample(name), drop)), profile=name
    )
    assert missing.errors == [f"{name}.csv:1 {drop}: missing column"]
    text = _edit(sample(name), date_col, 2, bad_date)
    text = _edit(text, value_col, 3, "-5")
    text = _edit(text, member_col, 4 if name != "crm_opportunity" else 6, "无名氏")
    outcome = import_metrics_file(store, write(tmp_path, name, text), profile=name, now=NOW)
    joined = "\n".join(outcome.errors)
    assert f"{name}.csv:2 {date_col}: " in joined
    assert f"{name}.csv:3 value: negative value" in joined
    assert "unknown member '无名氏'" in joined
    assert snapshot(store) == before


def test_import_with_profile_writes_rows(store: Engine) -> None:
    outcome = import_metrics_file(
        store, DATA / "douyin_content.csv", profile="douyin_content", now=NOW
    )
    assert not outcome.errors, outcome.errors
    with session_scope(store) as s:
        assert len(s.exec(select(MetricValue)).all()) == 4


def test_profile_yaml_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text(
        "name: mine\nmember: {column: 作者, colour: red}\nperiod: {column: 日期}\nvalues: []\n",
        encoding="utf-8",
    )
    with pytest.raises(TableError) as exc:
        load_profile(str(bad))
    text = "\n".join(exc.value.errors)
    assert "mine.yaml: member.colour: Extra inputs are not permitted" in text
    assert "mine.yaml: values:" in text
    with pytest.raises(TableError, match="unknown import profile 'nope'"):
        load_profile("nope")
