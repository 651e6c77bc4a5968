"""Coaching: the prep card's order, who may record a plan, and the member's answer."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

from handlers.cardjson import to_json
from handlers.cards import Card, Ephemeral, FormErrors, Header, OpenForm, Text, UpdateSource
from handlers.coaching_prep import coaching_prep_card, followup_card, queue_coaching_prep
from storage.db import session_scope
from storage.repo import table_counts
from storage.repo.coaching import plan_followups_due
from storage.tables import ImprovementPlan, OutboxMessage
from tests.handlers.conftest import World

PLAN = {
    "skill": "Live-stream scripting",
    "metric": "content_exposure",
    "target": "900000",
    "due": "2027-01-31",
    "notes": "Pair with design on two streams",
}


def _text(card: Card) -> str:
    return json.dumps(to_json(card), ensure_ascii=False)


def _headers(card: Card) -> list[str]:
    return [b.text for b in card.blocks if isinstance(b, Header)]


def _outbox(world: World, prefix: str) -> list[OutboxMessage]:
    with world.session() as s:
        rows = s.exec(select(OutboxMessage)).all()
    return [m for m in rows if m.idempotency_key.startswith(prefix)]


def _plan(world: World, member: str = "li.na", values: dict[str, str] | None = None) -> int:
    out = world.act(
        "wang.fang", "form", "coaching.plan_submit", values or PLAN, meta=f"{member}|2026-Q3"
    )
    assert isinstance(out[-1], Ephemeral), out
    with world.session() as s:
        plan = s.exec(select(ImprovementPlan).where(ImprovementPlan.member_id == member)).one()
    assert plan.status == "proposed"
    assert plan.id is not None
    return plan.id


def test_prep_card_puts_highlights_before_areas_and_questions(world: World) -> None:
    out = world.act("wang.fang", "command", "coach", args="@li.na")
    card = out[0].card  # type: ignore[union-attr]
    heads = _headers(card)
    assert heads.index("亮点") < heads.index("待探讨的方面") < heads.index("开放式问题")
    assert "你觉得哪项工作最能体现你的优势" in _text(card)  # configured question
    assert "coaching.plan" in _text(card)
    with world.session() as s:
        en = coaching_prep_card(
            s, world.org, "wang.fang", "li.na", "2026-Q3", world.clock.now, "en"
        )
    heads = _headers(en)
    assert (
        heads.index("Highlights") < heads.index("Areas to discuss") < heads.index("Open questions")
    )
    assert "Which piece of work shows your strengths best?" in _text(en)
    body = [b.text for b in en.blocks if isinstance(b, Text)]
    assert body[0] != "Nothing to show yet."  # the star has highlights


def test_coach_is_for_managers_only(world: World) -> None:
    refused = world.act("zhang.wei", "command", "coach", args="@li.na")
    assert "only for people you manage" in _text(refused[0].card)  # type: ignore[union-attr]
    refused_zh = world.act("li.na", "command", "coach", args="@he.xin")
    assert "只能为你管理的成员准备面谈" in _text(refused_zh[0].card)  # type: ignore[union-attr]
    assert world.act("chen.jing", "command", "coach", args="@li.na")[0].card.blocks  # type: ignore[union-attr]


def test_queue_prep_is_idempotent(world: World) -> None:
    with session_scope(world.engine) as s:
        assert queue_coaching_prep(s, world.org, "wang.fang", "li.na", "2026-Q3", world.clock.now)
        assert not queue_coaching_prep(
            s, world.org, "wang.fang", "li.na", "2026-Q3", world.clock.now
        )
    assert len(_outbox(world, "coaching:prep:")) == 1


def test_plan_permissions_and_validation(world: World) -> None:
    opened = world.act("wang.fang", "button", "coaching.plan", {"value": "li.na|2026-Q3"})
    assert isinstance(opened[0], OpenForm)
    with world.session() as s:
        before = table_counts(s)
    for who, target in (("zhang.wei", "li.na"), ("li.na", "li.na"), ("li.na", "zhang.wei")):
        out = world.act(who, "form", "coaching.plan_submit", PLAN, meta=f"{target}|2026-Q3")
        assert isinstance(out[0], Ephemeral)
    bad = PLAN | {"target": "abc", "due": "2026-01-01", "metric": "forged"}
    errors = world.act("wang.fang", "form", "coaching.plan_submit", bad, meta="li.na|2026-Q3")
    assert isinstance(errors[0], FormErrors)
    assert set(errors[0].errors) == {"target", "due", "metric"}
    with world.session() as s:
        after = table_counts(s)
    assert after["improvement_plan"] == before["improvement_plan"] == 0
    assert after["coaching_session"] == before["coaching_session"]


def test_member_confirms_and_manager_is_told(world: World) -> None:
    plan_id = _plan(world)
    [dm] = _outbox(world, f"coaching:plan:{plan_id}")
    assert "coaching.confirm" in json.dumps(dm.card)
    assert "Live-stream scripting" in json.dumps(dm.card, ensure_ascii=False)
    other = world.act("zhang.wei", "button", "coaching.confirm", {"value": str(plan_id)})
    assert "Only the member" in _text(other[0].card)  # type: ignore[union-attr]
    done = world.act("li.na", "button", "coaching.confirm", {"value": str(plan_id)})
    assert isinstance(done[0], UpdateSource)
    assert "计划已确认" in _text(done[0].card)
    with world.session() as s:
        assert s.get(ImprovementPlan, plan_id).status == "confirmed"  # type: ignore[union-attr]
    told = _outbox(world, f"coaching:confirmed:{plan_id}")
    assert len(told) == 1
    assert "已确认" in json.dumps(told[0].card, ensure_ascii=False)


def test_member_asks_for_a_change_in_english(world: World) -> None:
    plan_id = _plan(world, "zhang.wei", PLAN | {"metric": "leads", "target": "3500"})
    form = world.act("zhang.wei", "button", "coaching.change", {"value": str(plan_id)})
    assert isinstance(form[0], OpenForm)
    assert form[0].form.title == "Ask for a change"
    empty = world.act(
        "zhang.wei", "form", "coaching.change_submit", {"reason": " "}, meta=str(plan_id)
    )
    assert isinstance(empty[0], FormErrors)
    forged = world.act(
        "li.na", "form", "coaching.change_submit", {"reason": "x"}, meta=str(plan_id)
    )
    assert isinstance(forged[0], Ephemeral)
    ok = world.act(
        "zhang.wei",
        "form",
        "coaching.change_submit",
        {"reason": "Target too high for December"},
        meta=str(plan_id),
    )
    assert "sent to your manager" in _text(ok[0].card)  # type: ignore[union-attr]
    with world.session() as s:
        assert s.get(ImprovementPlan, plan_id).status == "change_requested"  # type: ignore[union-attr]
    [told] = _outbox(world, f"coaching:change_requested:{plan_id}")
    assert "Target too high for December" in json.dumps(told.card, ensure_ascii=False)


def test_followups_due_window(world: World) -> None:
    plan_id = _plan(world)
    with world.session() as s:
        assert [p.id for p in plan_followups_due(s, date(2027, 1, 24), 7)] == [plan_id]
        assert plan_followups_due(s, date(2027, 1, 23), 7) == []
        assert plan_followups_due(s, date(2027, 2, 1), 7) == []
        plan = s.get(ImprovementPlan, plan_id)
        assert plan is not None
        card = followup_card(world.org, plan, "en")
    assert "Live-stream scripting" in _text(card)
    assert "Jan 31, 2027" in _text(card)
