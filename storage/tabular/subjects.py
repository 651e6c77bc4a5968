"""Who and what a cell names: members (id or unique display name), teams, indicators."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring.model import Org
from storage.msg import Msg

TEAM_PREFIX = "team:"


class CellError(ValueError):
    """A cell that names nothing (or more than one thing) in the org."""


def member_lookup(org: Org) -> dict[str, str | None]:
    """id → id, and display name → id (None when several members share that name)."""
    out: dict[str, str | None] = {}
    for m in org.members.values():
        if m.name and m.name not in org.members:
            out[m.name] = None if m.name in out else m.id
    out.update({mid: mid for mid in org.members})
    return out


def resolve_member(names: dict[str, str | None], cell: str) -> str:
    if cell not in names:
        raise CellError(Msg("value.unknown_member", "unknown member {name!r}", name=cell))
    mid = names[cell]
    if mid is None:
        raise CellError(
            Msg(
                "value.ambiguous_member",
                "several members are named {name!r}; use the member id",
                name=cell,
            )
        )
    return mid


def resolve_subject(org: Org, names: dict[str, str | None], cell: str) -> str:
    """A member id or name → the id; `team:KEY` → itself."""
    if cell.startswith(TEAM_PREFIX):
        key = cell.removeprefix(TEAM_PREFIX)
        if key not in org.teams:
            raise CellError(Msg("value.unknown_team", "unknown team {key!r}", key=key))
        return cell
    return resolve_member(names, cell)


@dataclass
class Catalog:
    """Which indicator keys a metrics file may name, for members and for teams."""

    member: set[str] = field(default_factory=set)
    team: set[str] = field(default_factory=set)
    reviewed: set[str] = field(default_factory=set)
    negative_ok: set[str] = field(default_factory=set)

    def check(self, key: str, is_team: bool) -> None:
        if is_team and key in self.team or not is_team and key in self.member:
            return
        if key in self.team:
            english = "{key!r} is a team metric: use member = team:KEY"
            raise CellError(Msg("value.team_metric", english, key=key))
        if key in self.member:
            english = "{key!r} is a member metric: name a member, not a team"
            raise CellError(Msg("value.member_metric", english, key=key))
        if key in self.reviewed:
            english = "{key!r} comes from 360 reviews: import it as reviews"
            raise CellError(Msg("value.reviewed_metric", english, key=key))
        raise CellError(Msg("value.unknown_indicator", "unknown indicator {key!r}", key=key))


def catalog(org: Org) -> Catalog:
    cat = Catalog()
    for tpl in org.templates.values():
        for ind in tpl.indicators:
            if ind.source in ("peer", "manager"):
                cat.reviewed.add(ind.key)
                continue
            (cat.team if ind.subject == "team" else cat.member).add(ind.key)
            if ind.allow_negative:
                cat.negative_ok.add(ind.key)
    for cal in org.calibrations:
        if cal.swap_to is not None:
            cat.member.add(cal.swap_to.key)
            if cal.swap_to.allow_negative:
                cat.negative_ok.add(cal.swap_to.key)
    for team in org.teams.values():
        cat.team.update(kr.key for kr in team.key_results)
        for award in (team.bonus_pool, team.new_customer_award):
            if award is not None:
                cat.team.add(award.metric)
    if org.incentives.content_hit is not None:
        cat.member.add(org.incentives.content_hit.metric)
    return cat
