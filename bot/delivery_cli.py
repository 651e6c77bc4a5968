"""`perfbot outbox list [--state S]` and `perfbot outbox retry ID…`: see and revive messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bot.console import err, out

outbox_app = typer.Typer(
    help="The outbox: messages waiting, sent or given up.", no_args_is_help=True
)
STATES = ("pending", "sending", "sent", "dead")

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _engine() -> Engine:
    from bot.settings import Settings
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(Settings().database_url)
    upgrade(engine)
    return engine


@outbox_app.command("list")
def outbox_list(
    state: Annotated[str | None, typer.Option(help="pending, sending, sent or dead.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, newest first.")] = 100,
) -> None:
    """Show outbox rows: id, state, platform, target, attempts, next try, last error, key."""
    from bot.delivery_store import rows

    if state is not None and state not in STATES:
        err.print(f"unknown state {state!r}; use one of {', '.join(STATES)}", markup=False)
        raise typer.Exit(1)
    found = rows(_engine(), state, limit)
    for r in found:
        error = (r.last_error or "").replace("\n", " ")[:80]
        line = (
            f"{r.id}\t{r.state}\t{r.platform}\t{r.target}\tattempts={r.attempts}\t"
            f"next={r.not_before.isoformat(timespec='seconds')}\t{r.idempotency_key}\t{error}"
        )
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    err.print(f"{len(found)} row(s)", markup=False, highlight=False)


@outbox_app.command("retry")
def outbox_retry(ids: Annotated[list[int], typer.Argument(help="Outbox row ids.")]) -> None:
    """Send these rows again from a clean slate (attempts 0, due now); unknown ids change
    nothing and exit 1."""
    from bot.delivery_store import revive
    from handlers.context import utc_now

    missing = revive(_engine(), ids, utc_now())
    if missing:
        err.print(f"unknown outbox id(s): {', '.join(map(str, missing))}", markup=False)
        raise typer.Exit(1)
    out.print(f"{len(ids)} row(s) queued again", markup=False)
