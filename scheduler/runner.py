"""The calendar's clockwork: APScheduler 3 runs each job at its cadence, on the leader only.

`bot.delivery_leader.LeaderLoop` starts this (`start`) on the replica holding the leader
lock (`PERFBOT_SCHEDULER=on`) and stops it (`stop`) when leadership is lost; the rest of
the code never sees APScheduler — only the domain verbs `start`, `stop`, `tick`,
`next_runs` and `run_job`. Each run is timed and reported through `record_job` (the
`/metrics` job counters); a failing job is logged and retried at its next cadence.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from handlers.context import Deps
from scheduler.jobs import JOBS, Job, run_job
from scheduler.jobs.base import JobResult

log = logging.getLogger(__name__)
JobRecorder = Callable[[str, float, bool], None]


def trigger(job: Job) -> CronTrigger:
    """Every N minutes aligned to the hour (UTC): 15 → :00, :15, :30, :45; 60 → :00."""
    minute = "0" if job.every_minutes >= 60 else f"*/{job.every_minutes}"
    return CronTrigger(minute=minute, timezone=UTC)


def next_runs(now: datetime) -> dict[str, datetime]:
    """Each job's next check after `now` (for `perfbot jobs list`)."""
    out: dict[str, datetime] = {}
    for name, job in JOBS.items():
        nxt = trigger(job).get_next_fire_time(None, now)
        if nxt is not None:
            out[name] = nxt
    return out


def timed_run(deps: Deps, name: str, record_job: JobRecorder | None = None) -> JobResult | None:
    """Run a job at the clock's now; never raises (a scheduler thread must survive)."""
    started = time.perf_counter()
    ok, result = True, None
    try:
        result = run_job(deps, name, deps.clock())
        if result.total():
            log.info("job %s: %s", name, result.counts)
    except Exception:
        ok = False
        log.exception("job %s failed", name)
    if record_job is not None:
        record_job(name, time.perf_counter() - started, ok)
    return result


class Calendar:
    """`SchedulerHooks` for the leader loop: the jobs on an APScheduler background thread."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._scheduler: BackgroundScheduler | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def start(self, record_job: JobRecorder | None = None) -> None:
        with self._lock:
            if self._scheduler is not None:
                return
            scheduler = BackgroundScheduler(
                timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1}
            )
            for name, job in JOBS.items():
                scheduler.add_job(
                    timed_run,
                    trigger(job),
                    args=(self.deps, name, record_job),
                    id=name,
                    name=name,
                    misfire_grace_time=job.every_minutes * 60,
                )
            scheduler.start()
            self._scheduler = scheduler
            log.info("scheduler started with %d jobs", len(JOBS))

    def stop(self) -> None:
        with self._lock:
            if self._scheduler is None:
                return
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
            log.info("scheduler stopped")

    def tick(self) -> None:
        """Called on each leader poll; APScheduler keeps its own time, nothing to do."""

    def next_runs(self) -> dict[str, datetime]:
        if self._scheduler is None:
            return next_runs(self.deps.clock())
        return {j.id: j.next_run_time for j in self._scheduler.get_jobs() if j.next_run_time}
