"""Messages that are not direct responses: DMs and team-channel posts, via the outbox.

Targets are platform-neutral strings the adapters understand: `user:<platform user id>`
for a DM, `channel:<id>` for a channel or group chat, `webhook:<key>` for a WeCom group
robot. A member with identities on several platforms gets DMs on one of them: the platform
they are using right now when known, else the first identity in their config.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.cardjson import to_json
from handlers.cards import Card
from scoring.model import Org
from storage.repo.outbox import enqueue

PLATFORMS = ("slack", "feishu", "wecom")


def member_platform(org: Org, member_id: str, prefer: str | None = None) -> tuple[str, str] | None:
    """(platform, user id) to DM a member on, or None if they have no chat identity."""
    identities = org.members[member_id].identities
    if prefer and prefer in identities:
        return prefer, identities[prefer]
    for platform, user_id in identities.items():
        if platform in PLATFORMS:
            return platform, user_id
    return None


def send_to_member(
    session: Session,
    org: Org,
    member_id: str,
    card: Card,
    key: str,
    *,
    not_before: datetime | None = None,
    prefer: str | None = None,
) -> bool:
    """Queue a DM; False when already queued under `key` or the member has no identity."""
    where = member_platform(org, member_id, prefer)
    if where is None:
        return False
    platform, user_id = where
    return enqueue(
        session,
        platform=platform,
        target=f"user:{user_id}",
        card=to_json(card),
        idempotency_key=key,
        not_before=not_before,
    )


def team_targets(org: Org, team_key: str) -> list[tuple[str, str]]:
    """Every channel a team's config names, as (platform, target)."""
    out: list[tuple[str, str]] = []
    for platform, ref in org.teams[team_key].channels.items():
        if isinstance(ref, str):
            out.append((platform, f"channel:{ref}"))
        elif isinstance(ref, dict) and ref.get("chat_id"):
            out.append((platform, f"channel:{ref['chat_id']}"))
        elif isinstance(ref, dict) and ref.get("webhook_key"):
            out.append((platform, f"webhook:{ref['webhook_key']}"))
    return out


def send_to_team(
    session: Session,
    org: Org,
    team_key: str,
    card: Card,
    key: str,
    *,
    not_before: datetime | None = None,
) -> int:
    """Post to each of the team's channels (one per platform); returns how many were new."""
    return sum(
        enqueue(
            session,
            platform=platform,
            target=target,
            card=to_json(card),
            idempotency_key=f"{key}:{platform}",
            not_before=not_before,
        )
        for platform, target in team_targets(org, team_key)
    )
