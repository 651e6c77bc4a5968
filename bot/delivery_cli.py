"""`perfbot outbox list [--state S]` and `perfbot outbox retry ID…`: see and revive messages."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli_locale import open_store, voice
from bot.console import out

outbox_app = typer.Typer(
    help="The outbox: messages waiting, sent or given up.", no_args_is_help=True
)
STATES = ("pending", "sending", "sent", "dead")


@outbox_app.command("list")
def outbox_list(
    state: Annotated[str | None, typer.Option(help="pending, sending, sent or dead.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, newest first.")] = 100,
) -> None:
    """Show outbox rows: id, state, platform, target, attempts, next try, last error, key."""
    from bot.delivery_store import rows

    if state is not None and state not in STATES:
        voice().err("cli.outbox.unknown_state", state=state, states=", ".join(STATES))
        raise typer.Exit(1)
    found = rows(open_store(), state, limit)
    for r in found:
        error = (r.last_error or "").replace("\n", " ")[:80]
        line = (
            f"{r.id}\t{r.state}\t{r.platform}\t{r.target}\tattempts={r.attempts}\t"
            f"next={r.not_before.isoformat(timespec='seconds')}\t{r.idempotency_key}\t{error}"
        )
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    voice().err("cli.outbox.rows", count=len(found))


@outbox_app.command("retry")
def outbox_retry(ids: Annotated[list[int], typer.Argument(help="Outbox row ids.")]) -> None:
    """Send these rows again from a clean slate (attempts 0, due now); unknown ids change
    nothing and exit 1."""
    from bot.delivery_store import revive
    from handlers.context import utc_now

    missing = revive(open_store(), ids, utc_now())
    if missing:
        voice().err("cli.outbox.unknown_ids", ids=", ".join(map(str, missing)))
        raise typer.Exit(1)
    voice().out("cli.outbox.queued", count=len(ids))
