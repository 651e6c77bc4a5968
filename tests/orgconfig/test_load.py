"""The example configs load, convert with exact numbers, and produce a JSON schema."""

from __future__ import annotations

from decimal import Decimal

from scoring.periods import Period
from storage.orgconfig import load_org_file, org_json_schema, to_scoring_org
from tests.paths import SHARED

EXAMPLE = SHARED / "examples" / "org.yaml"
WORKED = SHARED / "examples" / "worked" / "org.yaml"


def test_example_loads_with_defaults() -> None:
    cfg = load_org_file(EXAMPLE)
    assert [m.id for m in cfg.members][:3] == ["wang.fang", "li.na", "zhang.wei"]
    assert cfg.org.bonus_cap == Decimal(10)
    assert cfg.schedule.digest.at == "09:30"
    assert cfg.teams[0].channels.wecom is not None
    assert cfg.teams[0].channels.wecom.chat_id == "wrGrowthChat01"
    assert cfg.calibrations[1].swap_to is not None
    assert cfg.calibrations[1].swap_to.key == "live_stream_leads"
    assert cfg.members[1].leave[0].end.isoformat() == "2026-05-31"
    assert cfg.templates[0].indicators[0].allow_negative is False


def test_example_converts() -> None:
    org = to_scoring_org(load_org_file(EXAMPLE))
    creator = org.templates["content_creator"]
    cwa = creator.indicators[3]
    assert (cwa.key, cwa.target, cwa.aggregate) == (
        "community_weekly_active",
        Decimal("0.30"),
        "avg",
    )
    assert creator.indicators[4].steps[0] == (Decimal("0.5"), Decimal(50))
    assert org.members["li.na"].targets == {"new_customer_sales": Decimal(250000)}
    assert org.manager_of("zhang.wei") == "wang.fang"
    assert org.teams["growth"].bonus_pool is not None
    assert org.teams["growth"].bonus_pool.amount == Decimal(60000)
    com = org.incentives.commission
    assert com is not None
    assert [b.upto for b in com.brackets] == [Decimal(100000), Decimal(200000), None]
    assert org.incentives.key_action_points == {
        "content_hit": Decimal(5),
        "innovation": Decimal(10),
    }
    retarget, swap = org.calibrations
    assert (retarget.team, retarget.coefficient, retarget.period) == (
        "growth",
        Decimal("0.8"),
        Period.quarter(2026, 3),
    )
    assert swap.swap_from == "lead_handoff_on_time"
    assert swap.swap_to is not None
    assert swap.swap_to.target == Decimal(300)
    assert org.grades[0] == ("S", Decimal(110))
    assert org.criteria["collaboration"]["en"] == "Collaboration efficiency"


def test_worked_example_numbers() -> None:
    org = to_scoring_org(load_org_file(WORKED))
    tpl = org.templates["creator"]
    assert tpl.dimensions == {"result": 40, "process": 40, "capability": 20}
    weights = {i.key: (i.weight, i.target) for i in tpl.indicators}
    assert weights["new_customer_sales"] == (Decimal(60), Decimal(300000))
    assert weights["community_weekly_active"] == (Decimal(50), Decimal("0.30"))
    assert str(weights["community_weekly_active"][1]) == "0.30"  # from the text, not a float
    assert tpl.indicators[4].rule == "binary"
    assert tpl.indicators[5].criteria == ("collaboration", "responsiveness")
    team = org.teams["growth"]
    assert [(k.key, k.target, k.weight) for k in team.key_results] == [
        ("young_new_customers", Decimal(1000), Decimal(50)),
        ("private_gmv_team", Decimal(1000), Decimal(50)),
    ]
    assert [(c.min_rate, c.coefficient) for c in team.coefficients] == [
        (Decimal("0.0"), Decimal("0.9")),
        (Decimal("0.8"), Decimal("1.0")),
        (Decimal("1.0"), Decimal("1.1")),
    ]
    (bonus,) = org.bonus_points
    assert (bonus.member, bonus.period, bonus.points) == (
        "mei",
        Period.quarter(2026, 3),
        Decimal(3),
    )
    assert org.timezone == "Asia/Shanghai"
    assert org.review_scale == 5
    assert org.bonus_cap == 10
    assert org.manager_of("mei") == "lead"


def test_json_schema_names_every_section() -> None:
    schema = org_json_schema()
    assert set(schema["properties"]) >= {"org", "teams", "members", "templates", "schedule"}
    assert "from" in str(schema)  # aliases, as written in YAML
    assert schema["required"] == ["org", "teams", "members"]
