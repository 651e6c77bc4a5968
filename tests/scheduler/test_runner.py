"""The APScheduler wrapper: every job is scheduled at its cadence while started (leader),
nothing after stop (leadership lost); a failing job is reported, not raised."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from handlers.context import Deps
from scheduler.jobs import JOBS
from scheduler.runner import Calendar, next_runs, timed_run


def test_start_schedules_every_job_and_stop_clears(engine: Engine) -> None:
    cal = Calendar(Deps(engine=engine))
    cal.start(lambda *_: None)
    try:
        assert cal.running
        assert set(cal.next_runs()) == set(JOBS)
    finally:
        cal.stop()
    assert not cal.running


def test_cadences_are_aligned_checks() -> None:
    at = datetime(2026, 9, 25, 1, 50, tzinfo=UTC)
    runs = next_runs(at)
    assert runs["checkin-reminders"] == datetime(2026, 9, 25, 2, 0, tzinfo=UTC)
    assert runs["cycle-close"] == datetime(2026, 9, 25, 2, 0, tzinfo=UTC)


def test_a_failing_job_is_recorded_not_raised(engine: Engine) -> None:
    recorded: list[tuple[str, bool]] = []
    # an empty database has no org: the job fails, the scheduler thread survives
    out = timed_run(
        Deps(engine=engine), "checkin-reminders", lambda n, _s, ok: recorded.append((n, ok))
    )
    assert out is None
    assert recorded == [("checkin-reminders", False)]
