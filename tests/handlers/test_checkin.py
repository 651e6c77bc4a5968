"""Monthly check-in: the form, per-field validation that writes nothing, a resubmission
that replaces both the check-in and the metric rows scoring reads, and the deadline."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import col, func, select

from handlers.cards import Ephemeral, FormErrors, NumberInput
from scoring.periods import Period
from storage.repo import load_scoring_inputs
from storage.tables import CheckIn, MetricValue
from tests.handlers.conftest import World
from tests.handlers.convtext import form, text

NOV = "2026-11"


def _counts(world: World) -> tuple[int, int, int]:
    with world.session() as s:
        checkins = s.exec(select(func.count()).select_from(CheckIn)).one()
        metrics = s.exec(select(func.count()).select_from(MetricValue)).one()
        total = s.exec(select(func.sum(col(MetricValue.value)))).one()
    return checkins, metrics, int(total or 0)


def _stored(world: World, member: str) -> tuple[CheckIn | None, dict[str, Decimal]]:
    with world.session() as s:
        row = s.exec(
            select(CheckIn).where(CheckIn.member_id == member, CheckIn.month == NOV)
        ).first()
        values = s.exec(
            select(MetricValue).where(
                MetricValue.subject == member,
                MetricValue.period == NOV,
                MetricValue.origin == "checkin",
            )
        ).all()
    return row, {v.indicator: v.value for v in values}


def test_form_lists_checkin_indicators_with_targets_in_english(world: World) -> None:
    f = form(world.act("olivia.chen", "command", "checkin"))
    numbers = [i for i in f.inputs if isinstance(i, NumberInput)]
    assert [i.input_id for i in numbers] == ["designs_delivered", "campaign_reach"]
    assert numbers[0].hint == "Target this month: 20"
    assert numbers[1].hint == "Target this month: 500,000"
    assert f.private_metadata == NOV
    assert f.form_id == "checkin.submit"
    assert "November 2026" in f.title


def test_reminder_button_opens_the_same_form_in_chinese_prefilled(world: World) -> None:
    f = form(world.act("li.na", "button", "checkin.open", {"value": NOV}))
    (copies,) = [i for i in f.inputs if isinstance(i, NumberInput)]
    assert copies.label == "原创文案数"
    assert copies.hint == "本月目标：12"
    assert copies.initial is not None  # the demo has li.na's November check-in already
    assert "2026年11月" in f.title


def test_submission_saves_checkin_and_metric_rows_and_resubmission_replaces(
    world: World,
) -> None:
    values = {"designs_delivered": "18", "campaign_reach": "420,000", "reflection": "Good month"}
    replies = world.act("olivia.chen", "form", "checkin.submit", values, meta=NOV)
    shown = text(replies)
    assert "your check-in for November 2026 is saved" in shown
    assert "420,000" in shown
    assert "Good month" in shown
    row, metrics = _stored(world, "olivia.chen")
    assert row is not None
    assert row.values == {"designs_delivered": "18", "campaign_reach": "420000"}
    assert metrics == {"designs_delivered": Decimal(18), "campaign_reach": Decimal(420000)}
    before = _counts(world)[:2]

    world.act(
        "olivia.chen", "form", "checkin.submit", {"designs_delivered": "21", "campaign_reach": "0"},
        meta=NOV,
    )  # fmt: skip
    row, metrics = _stored(world, "olivia.chen")
    assert row is not None
    assert row.values == {"designs_delivered": "21", "campaign_reach": "0"}
    assert row.reflection is None
    assert metrics == {"designs_delivered": Decimal(21), "campaign_reach": Decimal(0)}
    assert _counts(world)[:2] == before  # replaced, not added
    with world.session() as s:
        _, rows, _ = load_scoring_inputs(s, period=Period.parse(NOV))
    mine = [
        r.value
        for r in rows
        if r.subject == "olivia.chen" and str(r.period) == NOV and r.origin == "checkin"
    ]
    assert sorted(mine) == [Decimal(0), Decimal(21)]


def test_validation_is_per_field_localized_and_writes_nothing(world: World) -> None:
    before = _counts(world)
    bad = {"designs_delivered": "", "campaign_reach": "-5"}
    (errors,) = world.act("olivia.chen", "form", "checkin.submit", bad, meta=NOV)
    assert isinstance(errors, FormErrors)
    assert errors.errors == {
        "designs_delivered": "This field is required.",
        "campaign_reach": "Must be 0 or more.",
    }
    huge = {"designs_delivered": "twelve", "campaign_reach": "500000000"}
    (errors,) = world.act("olivia.chen", "form", "checkin.submit", huge, meta=NOV)
    assert isinstance(errors, FormErrors)
    assert errors.errors["designs_delivered"].startswith("Please enter a number")
    assert errors.errors["campaign_reach"] == "That is too large: at most 50,000,000."
    (errors,) = world.act("li.na", "form", "checkin.submit", {"original_copies": "NaN"}, meta=NOV)
    assert isinstance(errors, FormErrors)
    assert errors.errors == {"original_copies": "请输入数字，例如 12 或 3.5。"}
    assert _counts(world) == before


def test_after_the_deadline_the_form_is_closed_and_late_submissions_refused(
    world: World,
) -> None:
    world.clock.now = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # deadline 2026-12-02 passed
    before = _counts(world)
    shown = text(world.act("li.na", "command", "checkin"))
    assert "2026年11月 的填报已截止" in shown
    late = world.act("olivia.chen", "form", "checkin.submit", {"designs_delivered": "1",
                     "campaign_reach": "1"}, meta=NOV)  # fmt: skip
    assert isinstance(late[0], Ephemeral)
    assert "The check-in for November 2026 is closed." in text(late)
    assert _counts(world) == before


def test_stale_reminders_and_members_without_checkin_indicators(world: World) -> None:
    shown = text(world.act("olivia.chen", "button", "checkin.open", {"value": "2026-10"}))
    assert "The check-in for October 2026 is closed." in shown
    assert "all of your indicators come from data feeds" in text(
        world.act("zhang.wei", "command", "checkin")
    )
    assert "不需要手动填报" in text(world.act("wang.fang", "command", "checkin"))
