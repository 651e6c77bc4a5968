"""A small routing table for adapter tests: each handler records the event it got."""

from __future__ import annotations

from handlers import cards as c
from handlers.cards import Event, Reply
from handlers.context import Ctx
from handlers.routes import Routes

ROUTES = Routes()
SEEN: list[Event] = []

CHECKIN_FORM = c.Form(
    form_id="t_checkin",
    title="Check-in",
    submit_label="Save",
    inputs=(c.NumberInput("hours", "Hours"), c.DateInput("day", "Day")),
    private_metadata="meta-1",
)


@ROUTES.command("myscore", "coach", "award", "calibrate", "help")
def echo(event: Event, ctx: Ctx) -> list[Reply]:
    SEEN.append(event)
    return [c.Ephemeral(c.Card(blocks=(c.Text(f"{event.name}|{event.args}"),)))]


@ROUTES.command("checkin")
def checkin(event: Event, ctx: Ctx) -> list[Reply]:
    SEEN.append(event)
    return [c.OpenForm(CHECKIN_FORM)]


@ROUTES.command("dashboard")
def post_in_chat(event: Event, ctx: Ctx) -> list[Reply]:
    SEEN.append(event)
    return [c.Respond(c.Card(blocks=(c.Text("in the chat"),)))]


@ROUTES.action("ack")
def ack(event: Event, ctx: Ctx) -> list[Reply]:
    SEEN.append(event)
    return [c.Toast("saved", "success"), c.UpdateSource(c.Card(blocks=(c.Text("done ✓"),)))]


@ROUTES.action("open")
def open_form(event: Event, ctx: Ctx) -> list[Reply]:
    SEEN.append(event)
    return [c.OpenForm(CHECKIN_FORM)]


@ROUTES.action("dm")
def dm(event: Event, ctx: Ctx) -> list[Reply]:
    SEEN.append(event)
    return [c.Ephemeral(c.Card(blocks=(c.Text("just for you"),)))]


@ROUTES.form("t_checkin")
def submit(event: Event, ctx: Ctx) -> list[Reply]:
    SEEN.append(event)
    try:
        float(event.values.get("hours", ""))
    except ValueError:
        return [c.FormErrors({"hours": "Hours must be a number"})]
    return [c.UpdateSource(c.Card(blocks=(c.Text(f"saved {event.values['day']}"),)))]
