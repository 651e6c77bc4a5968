"""Shared helpers of the award, calibration and bonus tests (conversations-C)."""

from __future__ import annotations

from sqlmodel import select

from handlers.cards import Context, Ephemeral, Reply, Respond, Text, UpdateSource
from storage.db import session_scope
from storage.orgconfig import load_org_text
from storage.repo import import_org
from storage.tables import MemberPreference, OrgRecord, OutboxMessage
from tests.handlers.conftest import World


def texts(replies: list[Reply]) -> str:
    """Every text and small print of the cards a handler answered with."""
    out: list[str] = []
    for r in replies:
        if isinstance(r, Ephemeral | Respond | UpdateSource):
            out += [b.text for b in r.card.blocks if isinstance(b, Text | Context)]
    return "\n".join(out)


def outbox(world: World, prefix: str = "") -> list[OutboxMessage]:
    with world.session() as s:
        rows = s.exec(select(OutboxMessage)).all()
    return [r for r in rows if r.idempotency_key.startswith(prefix)]


def dm_targets(world: World, member_id: str) -> set[str]:
    return {f"user:{uid}" for uid in world.org.members[member_id].identities.values()}


def card_text(row: OutboxMessage) -> str:
    """All strings inside a stored card (its JSON), for 'does it mention X' checks."""
    return str(row.card)


def set_locale(world: World, member_id: str, locale: str) -> None:
    with session_scope(world.engine) as s:
        s.merge(MemberPreference(member_id=member_id, locale=locale))


def reimport(world: World, edits: list[tuple[str, str]]) -> None:
    """Re-import the stored demo config with text replacements (a leave, an extra role)."""
    with session_scope(world.engine) as s:
        text = s.exec(select(OrgRecord.source_text)).one()
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new, 1)
        import_org(s, cfg=load_org_text(text, "org.yaml"), source_text=text, actor="test")
