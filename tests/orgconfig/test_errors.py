"""Each broken config is refused with `file:line path: message`, all problems at once."""

from __future__ import annotations

import pytest

from storage.orgconfig import ConfigError, OrgConfig, load_org_text
from tests.paths import SHARED

EXAMPLE = (SHARED / "examples" / "org.yaml").read_text(encoding="utf-8")
WORKED = (SHARED / "examples" / "worked" / "org.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence; the tests name lines by their content."""
    assert text.count(needle) >= 1, needle
    return text[: text.index(needle)].count("\n") + 1


def errors_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_org_text(text, "org.yaml")
    return info.value.errors


def broken(base: str, old: str, new: str) -> str:
    assert base.count(old) == 1, old
    return base.replace(old, new)


def test_dimension_weights_sum_to_90() -> None:
    text = broken(
        EXAMPLE,
        "{key: content_exposure, dimension: process, weight: 50,",
        "{key: content_exposure, dimension: process, weight: 40,",
    )
    line = line_of(text, "{key: content_exposure")
    assert errors_of(text) == [
        f"org.yaml:{line} templates[0].indicators[2].weight: "
        "dimension 'process' weights sum to 90, expected 100"
    ]


def test_dimensions_themselves_sum_to_100() -> None:
    text = broken(
        WORKED, "dimensions: {result: 40, process: 40,", "dimensions: {result: 50, process: 40,"
    )
    line = line_of(text, "dimensions:")
    assert errors_of(text) == [
        f"org.yaml:{line} templates[0].dimensions: dimension weights sum to 110, expected 100"
    ]


def test_unknown_manager() -> None:
    text = broken(WORKED, "template: creator, manager: lead}", "template: creator, manager: boss}")
    line = line_of(text, "{id: mei")
    assert errors_of(text) == [f"org.yaml:{line} members[1].manager: unknown member 'boss'"]


def test_negative_target() -> None:
    text = broken(WORKED, "aggregate: sum, target: 200000}", "aggregate: sum, target: -200000}")
    line = line_of(text, "{key: private_gmv,")
    assert errors_of(text) == [
        f"org.yaml:{line} templates[0].indicators[1].target: "
        "target must be > 0 for rule 'linear', got -200000"
    ]


def test_negative_member_target_override() -> None:
    text = broken(
        EXAMPLE, "targets: {new_customer_sales: 250000}", "targets: {new_customer_sales: 0}"
    )
    line = line_of(text, "targets: {new_customer_sales")
    assert errors_of(text) == [
        f"org.yaml:{line} members[1].targets.new_customer_sales: "
        "target must be > 0 for rule 'linear', got 0"
    ]


def test_duplicate_member_id() -> None:
    text = broken(WORKED, "{id: r2, name: R2", "{id: r1, name: R2")
    line = line_of(text, "{id: r1, name: R2")
    assert errors_of(text) == [f"org.yaml:{line} members[3].id: duplicate member id 'r1'"]


def test_unknown_key() -> None:
    text = broken(EXAMPLE, "    locale: en\n", "    locale: en\n    colour: red\n")
    line = line_of(text, "colour: red")
    assert errors_of(text) == [f"org.yaml:{line} members[2].colour: unknown key"]


def test_steps_not_increasing() -> None:
    text = broken(EXAMPLE, "[[0.5, 50], [0.8, 80], [1.0, 100]", "[[0.5, 50], [0.8, 80], [0.8, 100]")
    line = line_of(text, "steps: [[0.5, 50]")
    assert errors_of(text) == [
        f"org.yaml:{line} templates[0].indicators[4].steps[2]: "
        "step ratios must be strictly increasing: 0.8 after 0.8"
    ]


def test_swap_to_a_different_period_kind() -> None:
    text = broken(
        EXAMPLE,
        "to: {key: live_stream_leads, period: month",
        "to: {key: live_stream_leads, period: quarter",
    )
    line = line_of(text, "to: {key: live_stream_leads")
    assert errors_of(text) == [
        f"org.yaml:{line} calibrations[1].to.period: a swap keeps the period kind: "
        "'lead_handoff_on_time' is month, 'to' is quarter"
    ]


def test_calibration_shorter_than_its_indicator() -> None:
    text = broken(
        EXAMPLE,
        "{team: growth, indicator: community_weekly_active, period: 2026-Q3",
        "{team: growth, indicator: new_customer_sales, period: 2026-08",
    )
    line = line_of(text, "{team: growth, indicator: new_customer_sales")
    assert errors_of(text) == [
        f"org.yaml:{line} calibrations[0].period: "
        "period 2026-08 is shorter than the quarter period of indicator 'new_customer_sales'"
    ]


def test_coefficient_table_without_zero() -> None:
    text = broken(WORKED, "      - {min_rate: 0.0, coefficient: 0.9}\n", "")
    line = line_of(text, "coefficients:")
    assert errors_of(text) == [
        f"org.yaml:{line} teams[0].coefficients: needs an entry with min_rate: 0"
    ]


def test_broken_yaml_syntax() -> None:
    text = broken(WORKED, "  timezone: Asia/Shanghai\n", "  timezone: [Asia/Shanghai\n")
    # The unclosed flow sequence is noticed where `teams:` follows it, on line 4.
    assert errors_of(text) == ["org.yaml:4 (syntax): expected ',' or ']', but got ':'"]


def test_bad_timezone_period_and_locale_are_field_errors() -> None:
    text = broken(WORKED, "timezone: Asia/Shanghai", "timezone: Mars/Base")
    text = broken(text, "{member: mei, period: 2026-Q3", "{member: mei, period: 2026-Q5")
    text = broken(text, "template: creator, manager: lead}", "template: creator, locale: fr}")
    assert errors_of(text) == [
        "org.yaml:3 org.timezone: unknown timezone 'Mars/Base'",
        f"org.yaml:{line_of(text, '{id: mei')} members[1].locale: Input should be 'zh-CN' or 'en'",
        f"org.yaml:{line_of(text, '{member: mei')} bonus_points[0].period: "
        "bad period '2026-Q5': expected YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY",
    ]


def test_several_errors_reported_together() -> None:
    text = broken(WORKED, "manager: lead\n", "manager: nobody\n")
    text = broken(text, "{id: r2, name: R2, team: growth", "{id: r2, name: R2, team: sales")
    text = broken(
        text,
        "rule: binary}",
        "rule: binary}\n      - {key: x, dimension: capability, weight: 0, rule: rating, source: peer}",
    )
    text = broken(
        text, "criteria: [collaboration, responsiveness]}", "criteria: [collaboration, honesty]}"
    )
    assert errors_of(text) == [
        f"org.yaml:{line_of(text, 'manager: nobody')} teams[0].manager: unknown member 'nobody'",
        f"org.yaml:{line_of(text, '{id: r2')} members[3].team: unknown team 'sales'",
        f"org.yaml:{line_of(text, '{key: x,')} templates[0].indicators[5].criteria: "
        "a peer-rated indicator needs criteria",
        f"org.yaml:{line_of(text, '{key: collaboration')} templates[0].indicators[6].criteria[1]: "
        "unknown criterion 'honesty'",
    ]


def test_structural_errors_are_all_reported() -> None:
    text = broken(
        WORKED, "{id: r3, name: R3, team: growth,", "{id: r3, name: R3, team: growth, age: 30,"
    )
    text = broken(
        text, "{key: private_gmv_team, target: 1000,", "{key: private_gmv_team, target: lots,"
    )
    text = broken(text, "  name: {en: Worked example}\n", "")
    assert errors_of(text) == [
        "org.yaml:1 org.name: required",
        f"org.yaml:{line_of(text, 'target: lots')} teams[0].okr.key_results[1].target: "
        "not a number: 'lots'",
        f"org.yaml:{line_of(text, 'age: 30')} members[4].age: unknown key",
    ]


def test_direct_construction_runs_the_same_checks() -> None:
    with pytest.raises(ConfigError) as info:
        OrgConfig.model_validate(
            {
                "org": {"name": {"en": "x"}},
                "teams": [{"key": "t", "name": {"en": "T"}, "manager": "ghost"}],
                "members": [{"id": "a", "team": "t"}],
            }
        )
    assert info.value.errors == ["teams[0].manager: unknown member 'ghost'"]


def test_explicit_review_map_names_members() -> None:
    text = broken(
        EXAMPLE,
        "  # explicit: {li.na: [zhang.wei, zhou.min], zhang.wei: [li.na]}",
        "  explicit: {li.na: [li.na, ghost], bob: [li.na]}",
    )
    line = line_of(text, "  explicit:")
    assert errors_of(text) == [
        f"org.yaml:{line} review.explicit['li.na'][0]: a member cannot review themselves",
        f"org.yaml:{line} review.explicit['li.na'][1]: unknown member 'ghost'",
        f"org.yaml:{line} review.explicit.bob: unknown member 'bob'",
    ]
