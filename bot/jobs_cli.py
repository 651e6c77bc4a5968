"""`perfbot jobs list` and `perfbot jobs run NAME [--now ISO] [--reclose]`.

`run` executes the very code the scheduler runs, as if the clock showed `--now` — which
is how tests (and an operator catching up by hand) drive the calendar. A time without an
offset is read in the org's timezone, like every other time perfbot accepts.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from bot.console import err, out

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

jobs_app = typer.Typer(help="The scheduled jobs (the cycle calendar).", no_args_is_help=True)


def _engine() -> Engine:
    from bot.settings import Settings
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(Settings().database_url)
    upgrade(engine)
    return engine


@jobs_app.command("list")
def jobs_list() -> None:
    """Each job, its next check and when it acts."""
    from handlers.context import utc_now
    from scheduler.jobs import JOBS
    from scheduler.runner import next_runs

    upcoming = next_runs(utc_now())
    for name, job in JOBS.items():
        nxt = upcoming[name].isoformat(timespec="minutes") if name in upcoming else "-"
        out.print(f"{name}\tnext={nxt}\t{job.when}", markup=False, highlight=False, soft_wrap=True)


def _parse_now(text: str | None, engine: Engine) -> datetime:
    from handlers.context import utc_now
    from storage.db import session_scope
    from storage.repo.scoring_inputs import current_org

    if text is None:
        return utc_now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not an ISO time: {text!r}", param_hint="--now") from None
    if moment.tzinfo is None:
        with session_scope(engine) as session:
            moment = moment.replace(tzinfo=ZoneInfo(current_org(session).timezone))
    return moment


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="The job, as `jobs list` names it.")],
    now: Annotated[str | None, typer.Option(help="Run as if it were this time (ISO).")] = None,
    reclose: Annotated[
        bool, typer.Option("--reclose", help="cycle-close only: recompute a closed quarter.")
    ] = False,
) -> None:
    """Run one job at once, as if it were `--now`; exit 1 for an unknown job."""
    from handlers.context import Deps
    from scheduler.jobs import JOBS, run_job
    from storage.repo.scoring_inputs import NoOrgError

    if name not in JOBS:
        err.print(f"unknown job {name!r}; jobs: {', '.join(JOBS)}", markup=False)
        raise typer.Exit(1)
    engine = _engine()
    try:
        moment = _parse_now(now, engine)
        result = run_job(Deps(engine=engine), name, moment, reclose=reclose)
    except NoOrgError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    counts = ", ".join(f"{k}={v}" for k, v in sorted(result.counts.items())) or "nothing due"
    out.print(f"{name} at {moment.isoformat()}: {counts}", markup=False, highlight=False)
