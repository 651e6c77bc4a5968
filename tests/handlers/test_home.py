"""App Home: the current summary and open tasks (check-in, reviews, plan, approvals)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlmodel import col, select

from handlers.cards import OpenForm
from handlers.i18n import format_number
from scoring.periods import Period
from scoring.report import report_to_json, score_report
from storage.repo import load_scoring_inputs
from storage.tables import (
    CalibrationApproval,
    CalibrationRecord,
    ImprovementPlan,
    OutboxMessage,
    RatingRecord,
    ReviewAssignment,
    ReviewCycle,
)
from tests.handlers.conftest import World
from tests.handlers.convtext import buttons, fields, text

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def _actions(world: World, member: str) -> dict[str, str]:
    return {b.action_id: b.value for b in buttons(world.act(member, "command", "home"))}


def test_summary_matches_score_report_and_nothing_waits(world: World) -> None:
    replies = world.act("li.na", "command", "home")
    with world.session() as s:
        org, rows, ratings = load_scoring_inputs(s, period=Period.parse("2026-Q4"))
    want = report_to_json(score_report(org, rows, ratings, "2026-Q4", world.clock.now))
    mine = next(m for m in want["members"] if m["member"] == "li.na")
    assert fields(replies)["总分"] == format_number(mine["total"], "zh_CN")
    shown = text(replies)
    assert "你好，李娜" in shown
    assert "目前没有待办事项。" in shown  # li.na's November check-in is in the demo already


def test_checkin_due_until_submitted_in_english(world: World) -> None:
    shown = text(world.act("olivia.chen", "command", "home"))
    assert "Your check-in for November 2026 is due by Dec 2, 2026." in shown
    assert _actions(world, "olivia.chen")["checkin.open"] == "2026-11"
    world.act("olivia.chen", "form", "checkin.submit",
              {"designs_delivered": "20", "campaign_reach": "500000"}, meta="2026-11")  # fmt: skip
    assert "checkin.open" not in _actions(world, "olivia.chen")
    assert "Nothing is waiting for you right now." in text(
        world.act("olivia.chen", "command", "home")
    )


def test_reviews_to_give_and_plan_to_confirm(world: World) -> None:
    with world.session() as s:
        s.add(
            ReviewCycle(
                quarter="2026-Q4", opens_at=T0, closes_at=T0 + timedelta(days=30), state="open"
            )
        )
        s.flush()
        for ratee in ("he.xin", "zhou.min"):
            s.add(ReviewAssignment(cycle="2026-Q4", rater_id="li.na", ratee_id=ratee))
        s.add(RatingRecord(cycle="2026-Q4", rater_id="li.na", ratee_id="zhou.min",
                           criterion="collaboration", value=4))  # fmt: skip
        s.add(ImprovementPlan(member_id="li.na", skill="直播话术", due=date(2027, 1, 15)))
        s.add(ImprovementPlan(member_id="li.na", skill="done one", status="confirmed"))
        s.commit()
        plan_id = s.exec(
            select(ImprovementPlan.id).where(ImprovementPlan.skill == "直播话术")
        ).one()
    shown = text(world.act("li.na", "command", "home"))
    assert "你还有 1 份 360 评价待完成。" in shown
    assert "评价 何欣" in shown
    assert "周敏" not in shown
    assert "请确认你的改进计划：直播话术（截止 2027年1月15日）。" in shown
    assert "done one" not in shown
    acts = _actions(world, "li.na")
    with world.session() as s:
        he_xin = s.exec(
            select(ReviewAssignment.id).where(ReviewAssignment.ratee_id == "he.xin")
        ).one()
    assert acts["review.open"] == str(he_xin)
    assert acts["coaching.confirm"] == str(plan_id)
    opened = world.act("li.na", "button", "review.open", {"value": acts["review.open"]})
    assert any(isinstance(r, OpenForm) for r in opened), opened


def test_approvals_wait_for_approvers_of_undecided_roles_only(world: World) -> None:
    with world.session() as s:
        cal = CalibrationRecord(member_id="li.na", period="2026-Q4", type="retarget",
                                indicator="private_gmv", coefficient=Decimal("0.9"),
                                requested_by="wang.fang")  # fmt: skip
        s.add(cal)
        s.commit()
        cal_id = cal.id
    hr = text(world.act("chen.jing", "command", "home"))
    assert "李娜 的校准申请等待你审批（人力资源）。" in hr
    assert _actions(world, "chen.jing")["approval.approve"] == f"calibration:{cal_id}"
    assert "李娜 的校准申请" not in text(world.act("wang.fang", "command", "home"))  # own
    assert "李娜 的校准申请" in text(world.act("liu.yang", "command", "home"))  # marketing
    with world.session() as s:
        assert cal_id is not None
        s.add(CalibrationApproval(calibration_id=cal_id, role="hr", approver="chen.jing",
                                  decision="approve"))  # fmt: skip
        s.commit()
    assert "李娜 的校准申请" not in text(world.act("chen.jing", "command", "home"))


def test_unscored_member_has_no_score_button(world: World) -> None:
    replies = world.act("chen.jing", "command", "home")
    assert "你目前没有绑定绩效考核模板。" in text(replies)
    assert "home.myscore" not in {b.action_id for b in buttons(replies)}


def test_show_my_score_button_sends_the_card_as_a_dm(world: World) -> None:
    assert _actions(world, "zhang.wei")["home.myscore"] == "2026-Q4"
    assert world.act("zhang.wei", "button", "home.myscore", {"value": "2026-Q4"}) == []
    with world.session() as s:
        sent = s.exec(
            select(OutboxMessage).where(col(OutboxMessage.idempotency_key).startswith("home."))
        ).all()
    assert len(sent) == 1
    assert "Your performance score" in str(sent[0].card)
    forged = world.act("zhang.wei", "button", "home.myscore", {"value": "2026-Q4 @li.na"})
    assert forged == []
    with world.session() as s:
        msgs = s.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.idempotency_key).startswith("home."))
            .order_by(col(OutboxMessage.id))
        ).all()
    assert len(msgs) == 2
    assert "You can only see scores" in str(msgs[-1].card)
    assert "李娜" not in str(msgs[-1].card)
