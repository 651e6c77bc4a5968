"""The playground's clock: "jump to the 25th 10:00" and run the scheduler's jobs there.

The playground does not freeze time. It keeps an *offset* from the real clock, so after a
jump the simulated time keeps flowing from the chosen moment, and every later action —
handlers through `Deps.clock`, the dashboard through `app.state.web_clock`, the next jump's
jobs — sees the same simulated "now". Resetting puts the offset back to zero.

The presets are the calendar's own moments (`scheduler.calendar`), the next one after the
simulated now, so a newcomer can step through a cycle without knowing its dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.context import Deps
from scheduler.calendar import (
    checkin_day,
    coaching_prompt_at,
    cycle_close_at,
    digest_moments,
    local_at,
    review_window,
)
from scheduler.jobs import JOBS, run_job
from scheduler.jobs.base import JobResult
from scoring.periods import Period
from storage.orgconfig.records import ScheduleConfig

PRESETS = ("checkin", "review_open", "digest", "cycle_close", "coaching")


def _real_now() -> datetime:
    return datetime.now(UTC)


class PlaygroundClock:
    """A callable clock: the real time plus the offset of the last jump (aware UTC)."""

    def __init__(self, real: Callable[[], datetime] = _real_now) -> None:
        self._real = real
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return (self._real() + self.offset).astimezone(UTC)

    def jump(self, at: datetime) -> None:
        """From now on the clock reads `at` (then keeps ticking)."""
        if at.tzinfo is None:
            raise ValueError("jump needs an aware datetime")
        self.offset = at - self._real()

    def reset(self) -> None:
        self.offset = timedelta(0)

    @property
    def shifted(self) -> bool:
        return abs(self.offset) > timedelta(seconds=1)


def run_all_jobs(deps: Deps, now: datetime) -> list[JobResult]:
    """Every scheduled job once, as if it were `now`, in the registry's order.

    Jobs are idempotent (deterministic outbox keys), so running all of them is what the
    real calendar would have done by `now`, minus anything it would have caught up later.
    """
    return [run_job(deps, name, now) for name in JOBS]


def parse_local(day: str, hhmm: str, tz: str) -> datetime:
    """`YYYY-MM-DD` + `HH:MM` in `tz` → aware datetime; ValueError names the bad part."""
    try:
        d = date.fromisoformat(day.strip())
    except ValueError:
        raise ValueError(f"not a date: {day!r}") from None
    try:
        t = time.fromisoformat(hhmm.strip() or "10:00")
    except ValueError:
        raise ValueError(f"not a time: {hhmm!r}") from None
    return datetime.combine(d, t, tzinfo=ZoneInfo(tz))


@dataclass(frozen=True)
class Preset:
    key: str
    at: datetime


def _quarters(now: datetime, tz: str) -> list[Period]:
    q = Period.containing(now.astimezone(ZoneInfo(tz)).date(), "quarter")
    prev = Period.containing(q.start - timedelta(days=1), "quarter")
    nxt = Period.containing(q.end + timedelta(days=1), "quarter")
    return [prev, q, nxt]


def _months(now: datetime, tz: str) -> list[Period]:
    m = Period.containing(now.astimezone(ZoneInfo(tz)).date(), "month")
    return [m, Period.containing(m.end + timedelta(days=1), "month")]


def _candidates(key: str, now: datetime, tz: str, sched: ScheduleConfig) -> list[datetime]:
    if key == "checkin":
        return [local_at(checkin_day(m, sched), sched.checkin.at, tz) for m in _months(now, tz)]
    if key == "review_open":
        return [review_window(q, tz, sched).opens for q in _quarters(now, tz)]
    if key == "cycle_close":
        return [cycle_close_at(q, tz, sched) for q in _quarters(now, tz)]
    if key == "coaching":
        return [coaching_prompt_at(q, tz, sched, tz) for q in _quarters(now, tz)]
    today = now.astimezone(ZoneInfo(tz)).date()
    return digest_moments(today, today + timedelta(days=14), tz, sched)


def presets(now: datetime, tz: str, sched: ScheduleConfig) -> list[Preset]:
    """The next moment of each calendar event strictly after `now`, in the org's zone."""
    out = []
    for key in PRESETS:
        later = [c for c in _candidates(key, now, tz, sched) if c > now]
        if later:
            out.append(Preset(key, min(later)))
    return out
