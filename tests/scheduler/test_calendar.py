"""The calendar arithmetic: local times, quiet hours, windows (examples/org.yaml schedule)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.calendar import (
    checkin_moments,
    checkin_month_at,
    coaching_prompt_at,
    cycle_close_at,
    digest_moments,
    outside_quiet_hours,
    review_window,
)
from scoring.periods import Period
from storage.orgconfig.records import QuietHours, ScheduleConfig

SH, BER = "Asia/Shanghai", "Europe/Berlin"
S = ScheduleConfig()
Q3 = Period.parse("2026-Q3")


def at(tz: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(tz))  # type: ignore[misc]


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2026, 8, 25, 21, 0), (2026, 8, 26, 9, 0)),
        ((2026, 8, 25, 8, 59), (2026, 8, 25, 9, 0)),
        ((2026, 8, 25, 9, 0), (2026, 8, 25, 9, 0)),
        ((2026, 8, 25, 19, 59), (2026, 8, 25, 19, 59)),
        ((2026, 8, 25, 20, 0), (2026, 8, 26, 9, 0)),
    ],
)
def test_quiet_hours_defer_to_their_end(local: tuple[int, ...], expected: tuple[int, ...]) -> None:
    assert outside_quiet_hours(at(SH, *local), SH, QuietHours()) == at(SH, *expected)


def test_daytime_quiet_window() -> None:
    quiet = QuietHours(start="12:00", end="14:00")
    assert outside_quiet_hours(at(SH, 2026, 8, 1, 13, 0), SH, quiet) == at(SH, 2026, 8, 1, 14, 0)


def test_checkin_month_in_each_members_zone() -> None:
    m = checkin_moments(Period.parse("2026-08"), SH, S)
    assert m.opens == at(SH, 2026, 8, 25, 10, 0)
    assert m.nudges == ((2, at(SH, 2026, 8, 27, 10, 0)), (4, at(SH, 2026, 8, 29, 10, 0)))
    assert m.escalate == at(SH, 2026, 8, 30, 10, 0)
    assert m.closes == at(SH, 2026, 9, 2, 0, 0)
    berlin = checkin_moments(Period.parse("2026-08"), BER, S)
    assert berlin.opens.astimezone(UTC) == datetime(2026, 8, 25, 8, 0, tzinfo=UTC)


def test_checkin_time_inside_quiet_hours_moves_to_morning() -> None:
    late = ScheduleConfig.model_validate({"checkin": {"day": 25, "at": "21:30"}})
    assert checkin_moments(Period.parse("2026-08"), SH, late).opens == at(SH, 2026, 8, 26, 9, 0)


def test_escalation_uses_the_managers_zone() -> None:
    m = checkin_moments(Period.parse("2026-08"), SH, S, manager_tz=BER)
    assert m.escalate == at(BER, 2026, 8, 30, 10, 0)


def test_open_checkin_month() -> None:
    assert checkin_month_at(at(SH, 2026, 8, 24, 12, 0), SH, S) is None
    assert checkin_month_at(at(SH, 2026, 8, 25, 10, 0), SH, S) == Period.parse("2026-08")
    assert checkin_month_at(at(SH, 2026, 9, 1, 23, 59), SH, S) == Period.parse("2026-08")
    assert checkin_month_at(at(SH, 2026, 9, 2, 0, 0), SH, S) is None


def test_review_window_and_close() -> None:
    w = review_window(Q3, SH, S)
    assert w.opens == at(SH, 2026, 9, 23, 10, 0)
    assert w.closes == at(SH, 2026, 10, 8, 0, 0)  # the end of 7 days after 2026-Q3 (10-07)
    assert w.reminders(2)[0] == at(SH, 2026, 9, 25, 10, 0)
    assert all(r < w.closes for r in w.reminders(2))
    assert cycle_close_at(Q3, SH, S) == at(SH, 2026, 10, 8, 10, 0)
    assert coaching_prompt_at(Q3, BER, S, SH) == at(BER, 2026, 10, 11, 10, 0)


def test_weekly_digest_on_the_configured_weekday() -> None:
    moments = digest_moments(date(2026, 11, 1), date(2026, 11, 30), SH, S)
    assert [m.day for m in moments] == [2, 9, 16, 23, 30]
    assert all(m.weekday() == 0 and (m.hour, m.minute) == (9, 30) for m in moments)
