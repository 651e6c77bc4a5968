"""The scheduled jobs: name → the function that runs it and how often the runner calls it.

Cadences are checks, not deliveries: each job decides itself what is due at `now` (in
each person's timezone), so checking every 15 minutes is what makes "10:00 local" in
Berlin and Shanghai both land within a quarter of an hour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from handlers.context import Deps
from scheduler.jobs import awards, checkin, close, coaching, halfyear, review, risk
from scheduler.jobs.base import JobResult

Run = Callable[[Deps, datetime], JobResult]


@dataclass(frozen=True)
class Job:
    name: str
    run: Run
    every_minutes: int
    """The runner's check cadence (cron-aligned: minute 0, 15, 30, 45 for 15)."""
    when: str
    """When it acts, for `jobs list` and the README."""


JOBS: dict[str, Job] = {
    j.name: j
    for j in (
        Job(
            "checkin-reminders",
            checkin.run,
            15,
            "check-in day at schedule.checkin.at, nudges, escalation (member's zone)",
        ),
        Job(
            "review-open",
            review.run_open,
            60,
            "review.open_days_before_quarter_end before quarter end, 10:00 org zone",
        ),
        Job(
            "review-reminders",
            review.run_reminders,
            15,
            "every review.remind_every_days while the window is open",
        ),
        Job(
            "review-close",
            review.run_close,
            60,
            "end of the day review.close_days_after_quarter_end after quarter end",
        ),
        Job(
            "cycle-close",
            close.run,
            60,
            "cycle_close.days_after_quarter_end after quarter end, 10:00 org zone",
        ),
        Job(
            "coaching-prompts",
            coaching.run,
            15,
            "coaching.days_after_close after close; plan follow-ups",
        ),
        Job(
            "award-detection", awards.run, 60, "hourly: content hits, new-customer award, team pool"
        ),
        Job(
            "at-risk-warning",
            risk.run_at_risk,
            15,
            "day at_risk.day_of_quarter, 10:00 manager's zone",
        ),
        Job(
            "score-digest",
            risk.run_digest,
            15,
            "weekly on digest.weekday at digest.at, manager's zone",
        ),
        Job(
            "half-year-review",
            halfyear.run,
            60,
            "half_year_review.day of half_year_review.months, 10:00 org zone",
        ),
    )
}


class UnknownJobError(KeyError):
    """`jobs run NAME` with a name that is not in `JOBS`."""


def run_job(deps: Deps, name: str, now: datetime, *, reclose: bool = False) -> JobResult:
    """Run one job as if it were `now` (the CLI, the runner and the tests all come here)."""
    if name not in JOBS:
        raise UnknownJobError(name)
    if name == "cycle-close":
        return close.run(deps, now, reclose=reclose)
    return JOBS[name].run(deps, now)
