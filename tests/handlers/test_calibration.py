"""Calibration and bonus points: request, three-role approval, effect on the score."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

from handlers.cards import FormErrors, OpenForm
from scoring import score_report
from scoring.jsonout import report_to_json
from scoring.periods import Period
from storage.repo import load_scoring_inputs
from storage.tables import (
    AuditLog,
    BonusApproval,
    BonusPointsRecord,
    CalibrationApproval,
    CalibrationRecord,
)
from tests.handlers.conftest import DEMO_TODAY, World
from tests.handlers.convc_helpers import card_text, dm_targets, outbox, reimport, set_locale, texts

Q4 = Period.parse("2026-Q4")
RETARGET = {
    "scope": "member",
    "member": "li.na",
    "indicator": "new_customer_sales",
    "period": "2026-Q4",
    "type": "target",
    "new_target": "250000",
    "reason": "Channel closed for renovation",
}


def _score(world: World, member: str) -> dict[str, Any]:
    with world.session() as s:
        org, rows, ratings = load_scoring_inputs(s, period=Q4)
    report = score_report(org, rows, ratings, Q4, DEMO_TODAY, members=[member])
    return dict(report_to_json(report)["members"][0])


def _indicator(score: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for d in score["dimensions"] for i in d["indicators"] if i["key"] == key)


def _request(world: World, values: dict[str, str] = RETARGET) -> CalibrationRecord:
    form = world.act("wang.fang", "command", "calibrate")
    assert isinstance(form[0], OpenForm)
    replies = world.act("wang.fang", "form", form[0].form.form_id, values)
    assert not any(isinstance(r, FormErrors) for r in replies), replies
    with world.session() as s:
        return s.exec(select(CalibrationRecord).where(CalibrationRecord.source == "chat")).one()


def _click(world: World, who: str, ref: str) -> str:
    return texts(world.act(who, "button", "approval.approve", {"value": ref}))


def _approvals(world: World, cal_id: int) -> list[CalibrationApproval]:
    with world.session() as s:
        stmt = select(CalibrationApproval).where(CalibrationApproval.calibration_id == cal_id)
        return list(s.exec(stmt))


def test_calibration_applies_only_after_all_three_roles(world: World) -> None:
    before = _indicator(_score(world, "li.na"), "new_customer_sales")
    cal = _request(world)
    assert (cal.state, cal.source, cal.requested_by) == ("pending", "chat", "wang.fang")
    ref = f"calibration:{cal.id}"
    asked = {r.target for r in outbox(world, f"{ref}:ask")}
    assert dm_targets(world, "liu.yang") & asked
    assert dm_targets(world, "zhao.lei") & asked
    assert not dm_targets(world, "wang.fang") & asked  # the requester is not asked

    _click(world, "zhao.lei", ref)
    _click(world, "liu.yang", ref)
    with world.session() as s:
        assert (s.get(CalibrationRecord, cal.id) or cal).state == "pending"
    assert _indicator(_score(world, "li.na"), "new_customer_sales")["target"] == before["target"]
    _click(world, "chen.jing", ref)
    with world.session() as s:
        done = s.get(CalibrationRecord, cal.id)
        assert done is not None
        assert done.state == "approved"
        assert done.approved_at is not None
        actions = [a.action for a in s.exec(select(AuditLog)) if a.subject == ref]
    assert actions.count("calibration.approve") == 3
    assert "calibration.approved" in actions
    assert {a.role for a in _approvals(world, cal.id or 0)} == {"strategy", "marketing", "hr"}

    after = _indicator(_score(world, "li.na"), "new_customer_sales")
    assert after["target"] == 250000
    assert after["original_target"] == before["target"]
    told = outbox(world, f"{ref}:approved")
    assert len(told) == 1
    assert "李娜" in card_text(told[0])


def test_requester_cannot_approve_and_a_double_click_counts_once(world: World) -> None:
    cal = _request(world)
    ref = f"calibration:{cal.id}"
    assert "不能审批自己提交的申请" in _click(world, "wang.fang", ref)
    set_locale(world, "wang.fang", "en")
    assert "You cannot approve your own request" in _click(world, "wang.fang", ref)
    _click(world, "zhao.lei", ref)
    assert "已审批过" in _click(world, "zhao.lei", ref)
    assert "不是该申请的审批人" in _click(world, "zhou.min", ref)
    assert [(a.role, a.approver) for a in _approvals(world, cal.id or 0)] == [
        ("strategy", "zhao.lei")
    ]


def test_any_rejection_ends_it_with_the_reason(world: World) -> None:
    cal = _request(world)
    ref = f"calibration:{cal.id}"
    _click(world, "zhao.lei", ref)
    form = world.act("chen.jing", "button", "approval.reject", {"value": ref})
    assert isinstance(form[0], OpenForm)
    meta = form[0].form.private_metadata
    world.act("chen.jing", "form", "approval.reject_form", {"reason": "Not justified"}, meta=meta)
    with world.session() as s:
        assert (s.get(CalibrationRecord, cal.id) or cal).state == "rejected"
    assert "已处理" in _click(world, "liu.yang", ref)
    told = outbox(world, f"{ref}:rejected")
    assert len(told) == 1
    assert "Not justified" in card_text(told[0])
    assert told[0].target in dm_targets(world, "wang.fang")


def test_admin_signs_on_behalf_of_a_role_whose_approvers_are_away(world: World) -> None:
    reimport(
        world,
        [
            (
                "    name: 赵磊\n",
                "    name: 赵磊\n    leave: [{from: 2026-11-01, to: 2026-12-31}]\n",
            ),
            ("    name: 周敏\n", "    name: 周敏\n    roles: [admin]\n"),
        ],
    )
    cal = _request(world)
    ref = f"calibration:{cal.id}"
    asked = {r.target for r in outbox(world, f"{ref}:ask")}
    assert dm_targets(world, "zhou.min") & asked
    assert not dm_targets(world, "zhao.lei") & asked
    _click(world, "chen.jing", ref)  # fills hr, her own role
    _click(world, "liu.yang", ref)
    text = _click(world, "zhou.min", ref)
    assert "代表" in text
    rows = {a.role: a for a in _approvals(world, cal.id or 0)}
    assert rows["strategy"].approver == "zhou.min"
    assert rows["strategy"].on_behalf
    assert not rows["hr"].on_behalf
    with world.session() as s:
        assert (s.get(CalibrationRecord, cal.id) or cal).state == "approved"


def test_an_approver_of_two_roles_fills_only_one(world: World) -> None:
    reimport(world, [("    hr: [chen.jing]", "    hr: [chen.jing, zhao.lei]")])
    cal = _request(world)
    ref = f"calibration:{cal.id}"
    _click(world, "zhao.lei", ref)
    assert "已审批过" in _click(world, "zhao.lei", ref)
    _click(world, "liu.yang", ref)
    assert {a.role for a in _approvals(world, cal.id or 0)} == {"strategy", "marketing"}
    with world.session() as s:
        assert (s.get(CalibrationRecord, cal.id) or cal).state == "pending"
    _click(world, "chen.jing", ref)
    with world.session() as s:
        assert (s.get(CalibrationRecord, cal.id) or cal).state == "approved"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh_CN", "短于该指标的考核周期"), ("en", "shorter than the indicator's own period")],
)
def test_period_shorter_than_the_indicator_is_refused(
    world: World, locale: str, expected: str
) -> None:
    set_locale(world, "wang.fang", locale)
    replies = world.act(
        "wang.fang", "form", "calibration.request", {**RETARGET, "period": "2026-11"}
    )
    assert isinstance(replies[0], FormErrors)
    assert expected in replies[0].errors["period"]
    bad = world.act(
        "wang.fang",
        "form",
        "calibration.request",
        {
            **RETARGET,
            "member": "zhou.min",
            "type": "coefficient",
            "coefficient": "-1",
            "reason": "",
        },
    )
    assert isinstance(bad[0], FormErrors)
    assert {"member", "reason"} <= set(bad[0].errors)
    with world.session() as s:
        assert not s.exec(select(CalibrationRecord).where(CalibrationRecord.source == "chat")).all()


def test_members_who_manage_nobody_cannot_calibrate(world: World) -> None:
    assert "只有管理者" in texts(world.act("li.na", "command", "calibrate"))
    assert "Only managers" in texts(world.act("zhang.wei", "command", "calibrate"))


def test_swap_calibration_is_stored_the_way_scoring_reads_it(world: World) -> None:
    swap = {
        **RETARGET,
        "indicator": "content_exposure",
        "type": "swap",
        "swap_key": "live_stream_views",
        "swap_target": "50000",
        "swap_aggregate": "sum",
        "period": "2026-11",
    }
    cal = _request(world, swap)
    assert cal.type == "swap"
    assert cal.swap_from == "content_exposure"
    assert cal.swap_to == {
        "key": "live_stream_views",
        "period": "month",
        "aggregate": "sum",
        "rule": "linear",
        "target": "50000",
        "direction": "higher",
    }


def _bonus_rows(world: World) -> list[BonusPointsRecord]:
    with world.session() as s:
        return list(s.exec(select(BonusPointsRecord).where(BonusPointsRecord.source == "chat")))


def _approve_bonus(world: World, row: BonusPointsRecord) -> None:
    for who in ("zhao.lei", "liu.yang", "chen.jing"):
        _click(world, who, f"bonus:{row.id}")


def test_approved_bonus_points_add_to_the_total_capped(world: World) -> None:
    before = _score(world, "li.na")
    world.act("wang.fang", "command", "bonus", args="@li.na 6 Ran the autumn pop-up")
    first = _bonus_rows(world)[0]
    assert (first.state, first.points, first.period) == ("pending", Decimal(6), "2026-Q4")
    assert _score(world, "li.na")["total"] == before["total"]
    _approve_bonus(world, first)
    mid = _score(world, "li.na")
    assert mid["bonus"] == min(before["bonus_points"] + 6, 10)
    assert mid["total"] == pytest.approx(before["total"] - before["bonus"] + mid["bonus"], abs=0.01)

    world.act(
        "wang.fang", "form", "bonus.request", {"member": "li.na", "points": "7", "reason": "x"}
    )
    second = next(r for r in _bonus_rows(world) if r.id != first.id)
    _approve_bonus(world, second)
    after = _score(world, "li.na")
    assert after["bonus_points"] == before["bonus_points"] + 13
    assert after["bonus"] == 10
    with world.session() as s:
        assert len(list(s.exec(select(BonusApproval)))) == 6


@pytest.mark.parametrize(
    ("who", "args", "expected"),
    [
        ("wang.fang", "@li.na 0 nothing", "加分须大于 0 且不超过 10"),
        ("wang.fang", "@li.na 11 too much", "加分须大于 0 且不超过 10"),
        ("wang.fang", "@li.na 2", "贡献说明: 此项为必填项"),
        ("li.na", "@he.xin 2 helped", "只能为你管理的成员申请加分"),
        (
            "zhang.wei",
            "@li.na 2 helped",
            "You can only request bonus points for someone you manage",
        ),
    ],
)
def test_bad_bonus_requests_are_refused(world: World, who: str, args: str, expected: str) -> None:
    assert expected in texts(world.act(who, "command", "bonus", args=args))
    assert not _bonus_rows(world)
