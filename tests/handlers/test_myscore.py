"""/myscore: the asker's card equals `score_report`; managers may look at reports, peers
are refused without a single figure of the other person leaking."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.cards import Actions, Ephemeral, Select, UpdateSource
from handlers.i18n import format_number
from handlers.links import check_link
from handlers.scorecard import movements
from scoring.periods import Period
from scoring.report import report_to_json, score_report
from storage.repo import load_scoring_inputs
from tests.handlers.conftest import World
from tests.handlers.convtext import buttons, cards, fields, text


def expected(
    world: World, member: str, period: str, as_of: date | None = None
) -> dict[str, object]:
    """The member's `report_to_json` entry now, or with the data known at the end of `as_of`."""
    p = Period.parse(period)
    with world.session() as s:
        org, rows, ratings = load_scoring_inputs(s, period=p)
    at: datetime | date = world.clock.now
    if as_of is not None:
        end = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=ZoneInfo(org.timezone))
        rows = [
            r
            for r in rows
            if r.period.start <= as_of and (r.recorded_at is None or r.recorded_at < end)
        ]
        at = as_of
    report = score_report(org, rows, ratings, p, at)
    out = report_to_json(report)["members"]
    return next(m for m in out if m["member"] == member)


def fmt(value: object, locale: str) -> str:
    assert isinstance(value, float | int)
    return format_number(value, locale)


@pytest.mark.parametrize(
    ("member", "locale", "total_label", "grade_label"),
    [("li.na", "zh_CN", "总分", "等级"), ("zhang.wei", "en", "Total score", "Grade")],
)
def test_own_score_matches_score_report(
    world: World, member: str, locale: str, total_label: str, grade_label: str
) -> None:
    replies = world.act(member, "command", "myscore")
    assert replies
    assert all(isinstance(r, Ephemeral) for r in replies)
    want = expected(world, member, "2026-Q4")
    got = fields(replies)
    assert got[total_label] == fmt(want["total"], locale)
    assert got[grade_label] == want["grade"]
    shown = text(replies)
    assert "2026-Q4" in shown
    for dim in want["dimensions"]:  # type: ignore[attr-defined]
        assert fmt(dim["score"], locale) in shown
    assert want["provisional"] is True
    assert ("暂定" if locale == "zh_CN" else "Provisional") in shown


def test_named_period_and_movement_since_last_month(world: World) -> None:
    replies = world.act("li.na", "command", "myscore", args="2026-Q3")
    assert "2026-Q3" in text(replies)
    assert fields(replies)["总分"] == fmt(expected(world, "li.na", "2026-Q3")["total"], "zh_CN")
    now = expected(world, "li.na", "2026-Q4")
    before = expected(world, "li.na", "2026-Q4", date(2026, 10, 31))
    ups, downs = movements(now, before)
    assert ups or downs, "the demo's November data must move something"
    shown = text(world.act("li.na", "command", "myscore"))
    assert "与上月末相比的变化" in shown
    for d in ups + downs:
        assert f"{fmt(d['before'], 'zh_CN')} → {fmt(d['after'], 'zh_CN')}" in shown


def test_dashboard_button_is_a_signed_link_for_the_asker(world: World) -> None:
    (card,) = cards(world.act("zhang.wei", "command", "myscore"))
    link = next(b.url for b in buttons([Ephemeral(card)]) if b.url)
    assert link is not None
    assert link.startswith("http://perfbot.test/dashboard/l/")
    check = check_link("test-secret", link.rsplit("/", 1)[1], world.clock.now)
    assert (check.state, check.member) == ("ok", "zhang.wei")


def test_manager_sees_a_report_by_mention(world: World) -> None:
    plat, uid = "slack", world.org.members["li.na"].identities["slack"]
    for args in ("@li.na", f"@{plat}:{uid}", "2026-Q4 @李娜"):
        replies = world.act("wang.fang", "command", "myscore", args=args)
        assert "李娜 的绩效得分" in text(replies)
        assert fields(replies)["总分"] == fmt(expected(world, "li.na", "2026-Q4")["total"], "zh_CN")


def test_peer_is_refused_without_any_number(world: World) -> None:
    for asker, subject, refusal in (
        ("zhang.wei", "li.na", "You can only see scores"),
        ("li.na", "he.xin", "你只能查看你所管理成员的得分"),
    ):
        shown = text(world.act(asker, "command", "myscore", args=f"@{subject}"))
        assert refusal in shown
        assert not any(ch.isdigit() for ch in shown)
        assert world.org.members[subject].name not in shown


def test_forged_period_select_is_checked_again(world: World) -> None:
    replies = world.act("zhang.wei", "button", "myscore.period", {"value": "2026-Q4 @li.na"})
    assert "You can only see scores" in text(replies)
    ok = world.act("zhang.wei", "button", "myscore.period", {"value": "2026-Q3"})
    assert isinstance(ok[0], UpdateSource)
    assert "2026-Q3" in text(ok)
    select = next(
        e
        for b in ok[0].card.blocks
        if isinstance(b, Actions)
        for e in b.elements
        if isinstance(e, Select)
    )
    assert select.initial == "2026-Q3"


BAD_ARGS = [
    ("li.na", "next-tuesday", "无法识别“next-tuesday”"),
    ("zhang.wei", "2026-08-14", 'could not read "2026-08-14"'),
    ("zhang.wei", "@nobody", 'could not read "@nobody"'),
    ("chen.jing", "", "没有绑定绩效考核模板"),
    ("chen.jing", "@zhao.lei", "赵磊 没有绑定绩效考核模板"),
]


def test_bad_arguments_and_unscored_members(world: World) -> None:
    for member, args, needle in BAD_ARGS:
        assert needle in text(world.act(member, "command", "myscore", args=args))


def test_review_values_behind_too_few_raters_show_only_the_score(world: World) -> None:
    """A member with < threshold raters: the 360 line is 'score only', never a rater."""
    want = expected(world, "emma.schulz", "2026-Q4")
    hidden = [
        i
        for d in want["dimensions"]  # type: ignore[attr-defined]
        for i in d["indicators"]
        if i["source"] in ("peer", "manager") and i["value"] is None and i["score"] is not None
    ]
    shown = text(world.act("emma.schulz", "command", "myscore"))
    raters = [m for m in world.org.members if m != "emma.schulz"]
    assert not any(world.org.members[r].name in shown for r in raters)
    for i in hidden:
        assert f"score {fmt(i['score'], 'en')}" in shown or i["key"] not in shown
