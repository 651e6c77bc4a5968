"""The inbound door: identity, unknown users, retried deliveries."""

from __future__ import annotations

from sqlmodel import func, select

from handlers.cards import Ephemeral, Text
from handlers.dispatch import Inbound, dispatch
from storage.tables import ProcessedDelivery
from tests.handlers.conftest import World


def _text(replies: list[object]) -> str:
    out = []
    for r in replies:
        assert isinstance(r, Ephemeral)
        out += [b.text for b in r.card.blocks if isinstance(b, Text)]
    return "\n".join(out)


def test_unknown_user_is_told_whom_to_ask_and_nothing_is_stored(world: World) -> None:
    with world.session() as s:
        before = s.exec(select(func.count()).select_from(ProcessedDelivery)).one()
    replies = dispatch(
        world.deps,
        Inbound(
            platform="slack", user_id="U_STRANGER", kind="command", name="myscore", delivery_id="x1"
        ),
        world.routes,
    )
    assert "陈静" in _text(replies) or "chen.jing" in _text(replies)
    with world.session() as s:
        assert s.exec(select(func.count()).select_from(ProcessedDelivery)).one() == before


def test_unknown_command_falls_back_to_help(world: World) -> None:
    replies = world.act("li.na", "command", "no-such-command")
    assert replies
