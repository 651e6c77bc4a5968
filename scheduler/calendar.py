"""The cycle calendar as arithmetic: when each thing is due, for whom, in whose local time.

Pure functions of the schedule config, a period and a timezone — no clock, no database —
so jobs ask "is it due at `now`?" and tests step `now` freely. Every moment a person
receives something is in *their* timezone and never inside quiet hours (moved to the end
of them); org-wide moments (a quarter's review window, cycle close) use the org's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scoring.periods import Period
from storage.orgconfig.records import QuietHours, ScheduleConfig

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_AT = "10:00"


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def local_at(day: date, hhmm: str, tz: str) -> datetime:
    """`hhmm` on `day` in `tz`, as an aware datetime."""
    return datetime.combine(day, _hhmm(hhmm), tzinfo=ZoneInfo(tz))


def start_of(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz))


def in_quiet_hours(moment: datetime, tz: str, quiet: QuietHours) -> bool:
    local = moment.astimezone(ZoneInfo(tz)).time()
    start, end = _hhmm(quiet.start), _hhmm(quiet.end)
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def outside_quiet_hours(moment: datetime, tz: str, quiet: QuietHours) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (in `tz`)."""
    if not in_quiet_hours(moment, tz, quiet):
        return moment
    local = moment.astimezone(ZoneInfo(tz))
    end = _hhmm(quiet.end)
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=ZoneInfo(tz))


@dataclass(frozen=True)
class CheckinMoments:
    """One member's check-in month: card, nudges, escalation (manager's), form closing."""

    month: Period
    opens: datetime
    nudges: tuple[tuple[int, datetime], ...]
    escalate: datetime
    closes: datetime


def checkin_day(month: Period, schedule: ScheduleConfig) -> date:
    return month.start.replace(day=schedule.checkin.day)


def checkin_moments(
    month: Period, tz: str, schedule: ScheduleConfig, *, manager_tz: str | None = None
) -> CheckinMoments:
    c, quiet = schedule.checkin, schedule.quiet_hours
    day = checkin_day(month, schedule)

    def at(offset: int, zone: str) -> datetime:
        return outside_quiet_hours(local_at(day + timedelta(days=offset), c.at, zone), zone, quiet)

    return CheckinMoments(
        month=month,
        opens=at(0, tz),
        nudges=tuple((d, at(d, tz)) for d in sorted(set(c.nudge_after_days))),
        escalate=at(c.escalate_after_days, manager_tz or tz),
        closes=start_of(day + timedelta(days=c.deadline_days + 1), tz),
    )


def checkin_month_at(now: datetime, tz: str, schedule: ScheduleConfig) -> Period | None:
    """The check-in month whose form is open at `now` for someone in `tz`, if any."""
    local = now.astimezone(ZoneInfo(tz)).date()
    for month in (
        Period.containing(local, "month"),
        Period.containing(local.replace(day=1) - timedelta(days=1), "month"),
    ):
        m = checkin_moments(month, tz, schedule)
        if m.opens <= now < m.closes:
            return month
    return None


@dataclass(frozen=True)
class ReviewWindow:
    quarter: Period
    opens: datetime
    closes: datetime

    def reminders(self, every_days: int) -> list[datetime]:
        out, moment = [], self.opens + timedelta(days=every_days)
        while moment < self.closes:
            out.append(moment)
            moment += timedelta(days=every_days)
        return out


def review_window(quarter: Period, org_tz: str, schedule: ScheduleConfig) -> ReviewWindow:
    """Opens N days before the quarter's last day; closes at the end of the day M days after."""
    r = schedule.review
    opens_day = quarter.end - timedelta(days=r.open_days_before_quarter_end)
    closes_day = quarter.days_after_end(r.close_days_after_quarter_end) + timedelta(days=1)
    return ReviewWindow(
        quarter, local_at(opens_day, DEFAULT_AT, org_tz), start_of(closes_day, org_tz)
    )


def cycle_close_at(quarter: Period, org_tz: str, schedule: ScheduleConfig) -> datetime:
    day = quarter.days_after_end(schedule.cycle_close.days_after_quarter_end)
    return local_at(day, DEFAULT_AT, org_tz)


def coaching_prompt_at(quarter: Period, tz: str, schedule: ScheduleConfig, org_tz: str) -> datetime:
    close_day = cycle_close_at(quarter, org_tz, schedule).date()
    day = close_day + timedelta(days=schedule.coaching.days_after_close)
    return outside_quiet_hours(local_at(day, DEFAULT_AT, tz), tz, schedule.quiet_hours)


def at_risk_at(quarter: Period, tz: str, schedule: ScheduleConfig) -> datetime:
    day = quarter.start + timedelta(days=schedule.at_risk.day_of_quarter - 1)
    return local_at(day, DEFAULT_AT, tz)


def digest_moments(start: date, end: date, tz: str, schedule: ScheduleConfig) -> list[datetime]:
    """The weekly digest moments from `start` to `end` inclusive, in `tz`."""
    weekday = WEEKDAYS.index(schedule.digest.weekday)
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    out, day = [], first
    while day <= end:
        out.append(local_at(day, schedule.digest.at, tz))
        day += timedelta(days=7)
    return out


def half_year_review_at(year: int, month: int, org_tz: str, schedule: ScheduleConfig) -> datetime:
    return local_at(date(year, month, schedule.half_year_review.day), DEFAULT_AT, org_tz)


def previous_quarter(today: date) -> Period:
    return Period.containing(
        Period.containing(today, "quarter").start - timedelta(days=1), "quarter"
    )
