"""A small routing table that exercises every reply kind the Slack adapter must render,
independent of the conversation modules (tested on their own in tests/handlers)."""

from __future__ import annotations

from handlers import cards as c
from handlers.context import Ctx
from handlers.routes import Routes

ROUTES = Routes()
CALLS: list[tuple[str, str]] = []
"""(handler, member) per handler run: a retried delivery must not add an entry."""

FORM = c.Form(
    form_id="t.form",
    title="Check-in",
    submit_label="Save",
    inputs=(c.TextInput("n", "Leads"),),
    private_metadata="period=2026-11",
)


@ROUTES.command("myscore")
def myscore(event: c.Event, ctx: Ctx) -> list[c.Reply]:
    CALLS.append(("myscore", ctx.member_id))
    text = f"score of {ctx.member_id} args={event.args}"
    return [c.Ephemeral(c.Card(blocks=(c.Text(text),), title="My score"))]


@ROUTES.command("checkin")
def checkin(_event: c.Event, ctx: Ctx) -> list[c.Reply]:
    CALLS.append(("checkin", ctx.member_id))
    return [c.OpenForm(FORM)]


@ROUTES.command("help")
def help_(_event: c.Event, ctx: Ctx) -> list[c.Reply]:
    return [c.Ephemeral(c.Card(blocks=(c.Text(f"help for {ctx.member_id}"),)))]


@ROUTES.command("home")
def home(_event: c.Event, ctx: Ctx) -> list[c.Reply]:
    CALLS.append(("home", ctx.member_id))
    return [c.Respond(c.Card(blocks=(c.Header("Home"), c.Text(f"tasks of {ctx.member_id}"))))]


@ROUTES.action("t.done")
def done(event: c.Event, ctx: Ctx) -> list[c.Reply]:
    """Marks the card done and tells the manager (an outbox row keyed by the value)."""
    CALLS.append(("done", ctx.member_id))
    manager = ctx.org.manager_of(ctx.member_id) or ctx.member_id
    note = c.Card(blocks=(c.Text(f"{ctx.member_id} finished {event.values['value']}"),))
    return [
        c.UpdateSource(c.Card(blocks=(c.Text("Done ✓"),))),
        c.Send(manager, note, f"t.done:{event.values['value']}"),
    ]


@ROUTES.form("t.form")
def submit(event: c.Event, ctx: Ctx) -> list[c.Reply]:
    CALLS.append(("form", f"{ctx.member_id}:{event.meta}"))
    if not event.values.get("n", "").isdigit():
        return [c.FormErrors({"n": "Enter a whole number."})]
    return [c.Ephemeral(c.Card(blocks=(c.Text(f"Saved {event.values['n']}"),), title="Saved"))]
