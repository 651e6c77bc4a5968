"""Who may see whose individual scores: themselves, anyone above them in the management
chain, and admins. Everyone else sees aggregates only, and nobody ever sees a rater."""

from __future__ import annotations

from scoring.model import Org

ADMIN = "admin"


def is_admin(org: Org, member_id: str) -> bool:
    m = org.members.get(member_id)
    return m is not None and ADMIN in m.roles


def _boss(org: Org, member_id: str) -> str | None:
    """The direct manager. A team-manager default is ignored when that manager reports
    (through explicit `manager` lines) to this member: the explicit line wins, so the head
    of a team whose lead reports to them does not end up below their own report."""
    boss = org.manager_of(member_id)
    if boss is None or org.members[member_id].manager:
        return boss
    seen: set[str] = set()
    current: str | None = boss
    while current is not None and current in org.members and current not in seen:
        seen.add(current)
        current = org.members[current].manager
        if current == member_id:
            return None
    return boss


def managers_of(org: Org, member_id: str) -> list[str]:
    """The chain above a member, nearest first (cycles in a bad config are cut)."""
    chain: list[str] = []
    current = member_id
    while True:
        if current not in org.members:
            return chain
        boss = _boss(org, current)
        if boss is None or boss == current or boss in chain or boss == member_id:
            return chain
        chain.append(boss)
        current = boss


def manages(org: Org, viewer: str, subject: str) -> bool:
    return viewer != subject and viewer in managers_of(org, subject)


def reports_of(org: Org, manager_id: str) -> list[str]:
    """Everyone whose chain contains `manager_id`, in config order."""
    return [m for m in org.members if manages(org, manager_id, m)]


def is_manager(org: Org, member_id: str) -> bool:
    return any(org.manager_of(m) == member_id for m in org.members if m != member_id)


def can_view_scores(org: Org, viewer: str, subject: str) -> bool:
    return viewer == subject or is_admin(org, viewer) or manages(org, viewer, subject)


def visible_members(org: Org, viewer: str) -> list[str]:
    """The members whose individual scores `viewer` may see, in config order."""
    if is_admin(org, viewer):
        return list(org.members)
    return [m for m in org.members if can_view_scores(org, viewer, m)]
