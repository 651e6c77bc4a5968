"""Privacy: individual scores go to the member, their management chain and admins only."""

from __future__ import annotations

from handlers.access import can_view_scores, is_manager, managers_of, reports_of, visible_members
from storage.orgconfig import load_org_text, to_scoring_org
from tests.paths import SHARED

ORG = to_scoring_org(
    load_org_text((SHARED / "examples" / "org.yaml").read_text(encoding="utf-8"), "org.yaml")
)


def test_chain_uses_direct_manager_then_team_manager() -> None:
    assert managers_of(ORG, "li.na") == ["wang.fang", "zhao.lei"]
    assert managers_of(ORG, "zhou.min") == ["wang.fang", "zhao.lei"]


def test_member_sees_only_themselves() -> None:
    assert can_view_scores(ORG, "li.na", "li.na")
    assert not can_view_scores(ORG, "li.na", "zhang.wei")
    assert visible_members(ORG, "zhang.wei") == ["zhang.wei"]


def test_manager_sees_reports_but_reports_not_the_manager() -> None:
    assert can_view_scores(ORG, "wang.fang", "li.na")
    assert can_view_scores(ORG, "zhao.lei", "wang.fang")  # wang.fang's direct manager
    assert not can_view_scores(ORG, "li.na", "wang.fang")
    assert not can_view_scores(ORG, "zhang.wei", "li.na")
    assert is_manager(ORG, "wang.fang")
    assert not is_manager(ORG, "li.na")
    assert "li.na" in reports_of(ORG, "wang.fang")


def test_admin_sees_everyone() -> None:
    assert visible_members(ORG, "chen.jing") == list(ORG.members)
