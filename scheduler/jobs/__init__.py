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
    """The runner's check cadence (cron-aligned: minute 0, 15, 30, 45 for 15). When it acts,
    in words, is `cli.jobs.when.<name>` in the catalogs (`perfbot jobs list`)."""


JOBS: dict[str, Job] = {
    j.name: j
    for j in (
        Job("checkin-reminders", checkin.run, 15),
        Job("review-open", review.run_open, 60),
        Job("review-reminders", review.run_reminders, 15),
        Job("review-close", review.run_close, 60),
        Job("cycle-close", close.run, 60),
        Job("coaching-prompts", coaching.run, 15),
        Job("award-detection", awards.run, 60),
        Job("at-risk-warning", risk.run_at_risk, 15),
        Job("score-digest", risk.run_digest, 15),
        Job("half-year-review", halfyear.run, 60),
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
