"""Awards: nomination by allowed people, one-approver grant, announcement, rejection."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from handlers.awards import announce_award
from handlers.cards import OpenForm
from storage.db import session_scope
from storage.repo import current_org
from storage.repo.awards import grant_award
from storage.tables import Award, KeyActionPointsRecord, StarCase
from tests.handlers.conftest import World
from tests.handlers.convc_helpers import card_text, dm_targets, outbox, set_locale, texts

REASON = "Built a cloud showroom in three days"


def _nominate(world: World) -> Award:
    replies = world.act("wang.fang", "command", "award", args=f"innovation @li.na {REASON}")
    assert "1" in texts(replies)
    with world.session() as s:
        award = s.exec(select(Award).where(Award.state == "pending")).one()
    assert award.state == "pending"
    assert award.member_id == "li.na"
    return award


def _counts(world: World, award_id: int) -> tuple[int, int]:
    with world.session() as s:
        stars = s.exec(select(StarCase).where(StarCase.award_id == award_id)).all()
        points = s.exec(
            select(KeyActionPointsRecord).where(KeyActionPointsRecord.award_id == award_id)
        ).all()
    return len(stars), len(points)


def test_approved_nomination_is_granted_announced_and_counted_once(world: World) -> None:
    award = _nominate(world)
    # marketing approvers are wang.fang and liu.yang; the nominator never gets the card
    asks = outbox(world, f"award:{award.id}:ask")
    assert {r.target for r in asks} <= dm_targets(world, "liu.yang")
    assert len(asks) == 1
    assert REASON in card_text(asks[0])

    replies = world.act("liu.yang", "button", "award.approve", {"value": str(award.id)})
    assert "已获批准" in texts(replies)
    with world.session() as s:
        granted = s.get(Award, award.id)
        assert granted is not None
        assert granted.state == "granted"
        assert granted.approved_by == "liu.yang"
    assert _counts(world, award.id or 0) == (1, 1)
    with world.session() as s:
        kap = s.exec(select(KeyActionPointsRecord)).all()
        assert [k.points for k in kap if k.award_id == award.id] == [10]
        assert any(k.member == "li.na" and k.points == 10 for k in current_org(s).key_action_points)

    announcements = outbox(world, f"award:{granted.key}:announce")
    # one post per channel of the growth team (slack, feishu, wecom), in the org's language
    assert sorted(r.target for r in announcements) == [
        "channel:C0GROWTH01",
        "channel:oc_5ad11d72b830411d72b836c2growth",
        "channel:wrGrowthChat01",
    ]
    assert all("恭喜" in card_text(r) and "李娜" in card_text(r) for r in announcements)

    again = world.act("liu.yang", "button", "award.approve", {"value": str(award.id)})
    assert "已处理" in texts(again)
    assert _counts(world, award.id or 0) == (1, 1)
    with session_scope(world.engine) as s:
        assert announce_award(s, world.org, granted, datetime.now(UTC)) == 0
    assert len(outbox(world, f"award:{granted.key}:announce")) == 3
    told = outbox(world, f"award:{award.id}:awards.approved")
    assert len(told) == 1
    assert told[0].target in dm_targets(world, "wang.fang")


def test_nominator_and_nominee_cannot_approve(world: World) -> None:
    award = _nominate(world)
    for who in ("wang.fang", "li.na"):
        replies = world.act(who, "button", "award.approve", {"value": str(award.id)})
        assert "不能审批" in texts(replies)
    set_locale(world, "wang.fang", "en")
    replies = world.act("wang.fang", "button", "award.approve", {"value": str(award.id)})
    assert "You cannot decide a nomination you made" in texts(replies)
    replies = world.act("zhou.min", "button", "award.approve", {"value": str(award.id)})
    assert "不是该申请的审批人" in texts(replies)
    with world.session() as s:
        assert (s.get(Award, award.id) or award).state == "pending"
    assert _counts(world, award.id or 0) == (0, 0)


def test_members_who_manage_nobody_cannot_nominate(world: World) -> None:
    replies = world.act("li.na", "command", "award", args=f"innovation @he.xin {REASON}")
    assert "没有提名该奖项的权限" in texts(replies)
    replies = world.act("zhang.wei", "command", "award", args=f"innovation @li.na {REASON}")
    assert "You are not allowed to nominate" in texts(replies)
    with world.session() as s:
        assert not s.exec(select(Award).where(Award.state == "pending")).all()


def test_missing_arguments_open_the_form_and_self_nomination_is_refused(world: World) -> None:
    replies = world.act("wang.fang", "command", "award", args="innovation")
    assert isinstance(replies[0], OpenForm)
    assert replies[0].form.form_id == "award.nominate"
    replies = world.act(
        "wang.fang", "form", "award.nominate", {"member": "wang.fang", "reason": "x"}
    )
    assert "不能提名自己" in str(replies)
    replies = world.act(
        "wang.fang", "form", "award.nominate", {"member": "li.na", "reason": REASON}
    )
    assert "1" in texts(replies)


def test_rejection_ends_the_nomination_and_tells_the_nominator_why(world: World) -> None:
    award = _nominate(world)
    form = world.act("liu.yang", "button", "award.reject", {"value": str(award.id)})
    assert isinstance(form[0], OpenForm)
    meta = form[0].form.private_metadata
    empty = world.act("liu.yang", "form", "award.reject_form", {"reason": " "}, meta=meta)
    assert "reason" in str(empty)
    world.act("liu.yang", "form", "award.reject_form", {"reason": "Not new enough"}, meta=meta)
    with world.session() as s:
        assert (s.get(Award, award.id) or award).state == "rejected"
    told = outbox(world, f"award:{award.id}:awards.rejected")
    assert len(told) == 1
    assert "Not new enough" in card_text(told[0])
    late = world.act("liu.yang", "button", "award.approve", {"value": str(award.id)})
    assert "已处理" in texts(late)
    assert _counts(world, award.id or 0) == (0, 0)


def test_detected_awards_use_the_same_announcement_once(world: World) -> None:
    with session_scope(world.engine) as s:
        award, _ = grant_award(
            s,
            key="content_hit:li.na:video-42",
            kind="content_hit",
            member_id="li.na",
            period="2026-11",
            reason={"zh-CN": "短视频曝光破百万", "en": "A video passed a million views"},
        )
        now = datetime(2026, 11, 27, tzinfo=UTC)
        assert announce_award(s, world.org, award, now) == 3
        assert announce_award(s, world.org, award, now) == 0
    rows = outbox(world, "award:content_hit:li.na:video-42:announce")
    assert len(rows) == 3
    assert all("内容爆款奖" in card_text(r) for r in rows)
