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

from bot.cli_locale import open_store, voice
from bot.console import out

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

jobs_app = typer.Typer(help="The scheduled jobs (the cycle calendar).", no_args_is_help=True)


@jobs_app.command("list")
def jobs_list() -> None:
    """Each job, its next check and when it acts."""
    from handlers.context import utc_now
    from scheduler.jobs import JOBS
    from scheduler.runner import next_runs

    upcoming = next_runs(utc_now())
    say = voice().say
    for name in JOBS:
        nxt = upcoming[name].isoformat(timespec="minutes") if name in upcoming else "-"
        when = say(f"cli.jobs.when.{name}")
        out.print(f"{name}\tnext={nxt}\t{when}", markup=False, highlight=False, soft_wrap=True)


def _parse_now(text: str | None, engine: Engine) -> datetime:
    from handlers.context import utc_now
    from storage.db import session_scope
    from storage.repo.scoring_inputs import current_org

    if text is None:
        return utc_now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        message = voice().say("cli.jobs.bad_now", text=text)
        raise typer.BadParameter(message, param_hint="--now") from None
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
    from storage.msg import msg_of
    from storage.repo.scoring_inputs import NoOrgError

    v = voice()
    if name not in JOBS:
        v.err("cli.jobs.unknown", name=name, jobs=", ".join(JOBS))
        raise typer.Exit(1)
    engine = open_store()
    try:
        moment = _parse_now(now, engine)
        result = run_job(Deps(engine=engine), name, moment, reclose=reclose)
    except NoOrgError as exc:
        raise v.fail([msg_of(exc)]) from None
    counts = ", ".join(f"{k}={n}" for k, n in sorted(result.counts.items()))
    v.out("cli.jobs.ran", name=name, at=moment.isoformat(), counts=counts or v.say("cli.jobs.idle"))
