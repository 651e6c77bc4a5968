"""Check-ins and award records of the demo: the history the chat flows would have left.

Check-in values feed the metrics CSV too (origin `checkin`), so scoring from the files alone
matches what the bot shows; the records add what a CSV cannot hold — when each card was
sent and answered, and which one is still pending or was missed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.demo.roster import PEOPLE, Person
from bot.demo.window import Window
from scoring.periods import Period

ORG_TZ = "Asia/Shanghai"
CHECKIN_DAY = 25
CHECKIN_AT = time(10, 0)

CHECKIN_TARGETS: dict[str, dict[str, int]] = {
    "content_creator": {"original_copies": 12},
    "designer": {"designs_delivered": 20, "campaign_reach": 500000},
    "sales": {"customer_visits": 40},
}
"""The `source: checkin` indicators of each template, with their targets."""

SWAPPED = ("sun.hao", "customer_visits")
"""The swap calibration of the last closed quarter replaces this check-in indicator."""
MISSED = "he.xin"
"""Misses the check-in of the first month of the last closed quarter."""


@dataclass(frozen=True)
class Checkin:
    """One monthly check-in card: sent at `opened_at`; values only once submitted."""

    member: str
    period: str
    opened_at: datetime
    status: Literal["submitted", "pending", "missed"]
    submitted_at: datetime | None = None
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AwardRecord:
    """An approved non-material award (innovation, star case); content hits come from data."""

    kind: Literal["innovation", "star_case"]
    member: str
    period: str
    title: dict[str, str]
    nominated_by: str
    approved_by: str
    approved_at: datetime
    points: int = 0


def _local(person: Person, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(person.timezone or ORG_TZ))


def _values(person: Person, factor: float, rng: random.Random) -> dict[str, str]:
    assert person.template is not None
    targets = CHECKIN_TARGETS[person.template]
    return {k: str(max(0, round(t * factor * rng.uniform(0.85, 1.15)))) for k, t in targets.items()}


def _one(
    person: Person, month: Period, factor: float, win: Window, rng: random.Random
) -> Checkin | None:
    opened = month.start.replace(day=CHECKIN_DAY)
    if opened > win.today or not win.is_member(person, month):
        return None
    if person.id == SWAPPED[0] and win.last_quarter.contains(month):
        return None
    opened_at = _local(person, opened, CHECKIN_AT)
    lag = rng.randint(3, 6) if person.profile == "struggling" else rng.randint(0, 4)
    if person.id == MISSED and month == win.last_quarter.subperiods("month")[0]:
        return Checkin(person.id, str(month), opened_at, "missed")
    day = opened + timedelta(days=lag)
    if day >= win.today:
        return Checkin(person.id, str(month), opened_at, "pending")
    at = time(rng.randint(10, 18), rng.choice((5, 12, 20, 34, 41, 58)))
    values = _values(person, factor, rng)
    return Checkin(person.id, str(month), opened_at, "submitted", _local(person, day, at), values)


def make_checkins(win: Window, factors: dict[str, float], rng: random.Random) -> list[Checkin]:
    """Every check-in card sent so far, oldest month first."""
    out: list[Checkin] = []
    for month in win.months:
        for person in PEOPLE:
            if person.template in CHECKIN_TARGETS:
                rec = _one(person, month, factors[person.id], win, rng)
                if rec is not None:
                    out.append(rec)
    return out


def make_awards(win: Window) -> list[AwardRecord]:
    """Two approved innovation awards and one star case, in the two closed quarters."""
    last, before = win.last_quarter, win.quarter_before
    return [
        AwardRecord(
            "innovation",
            "olivia.chen",
            str(before),
            {"zh-CN": "AI 辅助海报批量生成流程", "en": "AI-assisted batch poster workflow"},
            nominated_by="liu.yang",
            approved_by="wang.fang",
            approved_at=datetime.combine(before.end, time(15, 0), tzinfo=ZoneInfo(ORG_TZ)),
            points=10,
        ),
        AwardRecord(
            "innovation",
            "li.na",
            str(last),
            {
                "zh-CN": "校园快闪 × 私域直播联动",
                "en": "Campus pop-up × private-domain live stream",
            },
            nominated_by="wang.fang",
            approved_by="liu.yang",
            approved_at=datetime.combine(last.end, time(16, 30), tzinfo=ZoneInfo(ORG_TZ)),
            points=10,
        ),
        AwardRecord(
            "star_case",
            "gao.yu",
            str(last),
            {"zh-CN": "「一口青柠」校园挑战短视频", "en": "'A sip of lime' campus challenge video"},
            nominated_by="liu.yang",
            approved_by="wang.fang",
            approved_at=datetime.combine(last.end, time(17, 0), tzinfo=ZoneInfo(ORG_TZ)),
        ),
    ]
