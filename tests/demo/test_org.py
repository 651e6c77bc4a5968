"""The demo org covers what the playground and docs show: people, platforms, rules, data."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from scoring.model import Indicator, MetricRow
from storage.tabular import parse_metrics_file, parse_reviews_file
from tests.demo.conftest import Loaded

ROLE_TEMPLATES = {"content_creator", "designer", "media_buyer", "sales", "team_lead"}
CADENCE = {"result": "quarter", "process": "month", "capability": "year"}


def _indicators(demo: Loaded) -> list[Indicator]:
    return [i for t in demo.org.templates.values() for i in t.indicators]


def test_people_span_teams_locales_timezones_platforms_and_functions(demo: Loaded) -> None:
    members = demo.org.members.values()
    assert len(members) >= 12
    assert len(demo.org.teams) == 2
    assert {m.locale or demo.org.locale for m in members} == {"zh-CN", "en"}
    assert len({m.timezone or demo.org.timezone for m in members}) >= 2
    platforms = [set(m.identities) for m in members]
    assert set().union(*platforms) == {"slack", "feishu", "wecom"}
    assert any(len(p) == 1 for p in platforms)
    assert any(len(p) == 3 for p in platforms)
    for team in demo.org.teams.values():
        assert set(team.channels) == {"slack", "feishu", "wecom"}
    functions = {m.function for m in members}
    assert functions >= {"copy", "design", "media", "planning", "sales", "hr"}
    assert {m.template for m in members} == ROLE_TEMPLATES | {None}


def test_three_different_approvers_and_anonymity(demo: Loaded) -> None:
    approvers = demo.config.org.approvers
    firsts = {approvers.strategy[0], approvers.marketing[0], approvers.hr[0]}
    assert len(firsts) == 3
    assert demo.org.anonymity_threshold == 3
    assert demo.org.bonus_cap == Decimal(10)


def test_templates_use_every_rule_and_the_seed_cadence(demo: Loaded) -> None:
    for template in demo.org.templates.values():
        expected = {"result": 50, "process": 30, "capability": 20}
        if template.key != "team_lead":
            expected = {"result": 40, "process": 40, "capability": 20}
        assert {k: int(v) for k, v in template.dimensions.items()} == expected
        for ind in template.indicators:
            assert ind.period == CADENCE[ind.dimension], (template.key, ind.key)
    inds = _indicators(demo)
    assert {i.rule for i in inds} == {"linear", "steps", "rating", "binary"}
    assert {i.source for i in inds} == {"metrics", "checkin", "peer", "manager"}
    assert any(i.direction == "lower" for i in inds)
    assert any(i.subject == "team" for i in inds)
    assert {i.funnel for i in inds} >= {"acquisition", "conversion", "retention", "repurchase"}
    peer = [i for i in inds if i.source == "peer"]
    assert all(set(i.criteria) == {"collaboration", "responsiveness"} for i in peer)


def test_incentives_and_records_are_configured(demo: Loaded) -> None:
    cfg = demo.config
    assert cfg.incentives.commission is not None
    assert cfg.incentives.over_target_bonus is not None
    assert all(t.bonus_pool and t.new_customer_award and t.okr for t in cfg.teams)
    assert {c.type for c in demo.org.calibrations} == {"swap", "retarget"}
    assert len(demo.org.bonus_points) == 1
    reasons = [c.reason for c in demo.org.calibrations] + [b.reason for b in demo.org.bonus_points]
    assert all(set(reason) == {"zh-CN", "en"} for reason in reasons)
    questions = cfg.coaching.open_questions
    assert questions
    assert all(set(q) == {"zh-CN", "en"} for q in questions)


def test_a_few_content_items_are_hits(demo: Loaded) -> None:
    award = demo.org.incentives.content_hit
    assert award is not None
    rows = parse_metrics_file(demo.paths.metrics_csv, demo.org).rows
    per_item: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        if r.indicator == award.metric and r.item:
            per_item[r.subject, r.item, str(r.period)] += r.value
    hits = [k for k, v in per_item.items() if v >= award.threshold]
    assert 1 <= len(hits) <= len(per_item) // 10
    assert all(50_000 <= v <= 2_000_000 for v in per_item.values())


def _sum(rows: list[MetricRow], member: str, indicator: str) -> Decimal:
    return sum(
        (r.value for r in rows if r.subject == member and r.indicator == indicator), Decimal()
    )


def test_members_differ_star_struggling_leave_newcomer(demo: Loaded) -> None:
    rows = parse_metrics_file(demo.paths.metrics_csv, demo.org).rows
    assert _sum(rows, "sun.hao", "new_customer_sales") > _sum(rows, "he.xin", "new_customer_sales")
    members = demo.org.members
    (leave,) = [m for m in members.values() if m.leave]
    away = leave.leave[0]
    assert not [
        r for r in rows if r.subject == leave.id and away.start <= r.period.start <= away.end
    ]
    assert any(r.subject == leave.id and r.period.end < away.start for r in rows)
    (newcomer,) = [m for m in members.values() if m.joined]
    mine = [r for r in rows if r.subject == newcomer.id]
    assert mine
    assert newcomer.joined is not None
    assert all(r.period.start >= newcomer.joined for r in mine)
    team_rows = {r.subject for r in rows if r.subject.startswith("team:")}
    assert team_rows == {"team:growth", "team:brand"}


def test_reviews_carry_comments_in_both_languages(demo: Loaded) -> None:
    ratings = parse_reviews_file(demo.paths.reviews_csv, demo.org)
    comments = [r.comment for r in ratings if r.comment]
    assert any(c.isascii() for c in comments)
    assert any(not c.isascii() for c in comments)
    assert {r.value for r in ratings} <= {1, 2, 3, 4, 5}
    assert len({r.value for r in ratings}) >= 3
