"""Per-member incentives of a report, with team splits computed once per team.

Each figure is shown only when the report period has the plan's own period kind; otherwise
it stays None (absent), as scoring.md §5 says.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from scoring.breakdown import Award, IncentiveScore
from scoring.cadence import Context
from scoring.incentives import (
    ContentHit,
    commission,
    content_hits,
    key_action_points,
    over_target_bonus,
    split_cents,
)
from scoring.model import Member, TeamAward, Template
from scoring.numbers import ZERO
from scoring.values import aggregate


class Payouts:
    """Caches the org-wide parts (content hits, team splits) for one report."""

    def __init__(self, ctx: Context, hits: list[ContentHit] | None = None) -> None:
        """`hits`: the content hits of these rows when already known (they do not depend
        on the report period)."""
        self.ctx = ctx
        award = ctx.org.incentives.content_hit
        if hits is None:
            hits = content_hits(ctx.rows, award) if award else []
        self.hits: list[ContentHit] = hits
        self._hits_by_member: dict[str, list[ContentHit]] = defaultdict(list)
        for hit in self.hits:
            self._hits_by_member[hit.member].append(hit)
        self._team_members: dict[str, list[str]] = defaultdict(list)
        for m in ctx.org.members.values():
            if m.template:
                self._team_members[m.team].append(m.id)
        self._splits: dict[tuple[str, str], dict[str, Decimal]] = {}
        self._points: dict[str, Decimal] | None = None

    def _member_total(self, member: Member, template: Template, key: str) -> Decimal:
        ind = next((i for i in template.indicators if i.key == key), None)
        how = ind.aggregate if ind else "sum"
        rows = self.ctx.rows.rows_in(member.id, key, self.ctx.period)
        return aggregate(rows, how, self.ctx.tz) or ZERO

    def _plan_kind(self, template: Template, key: str, kind: str | None) -> str | None:
        if kind is not None:
            return kind
        ind = next((i for i in template.indicators if i.key == key), None)
        return ind.period if ind else None

    def _split(self, team: str, which: str, award: TeamAward | None) -> dict[str, Decimal] | None:
        """The team's split of a pool or award for P, {} when its target is not reached."""
        ctx = self.ctx
        if award is None or ctx.period.kind != award.period:
            return None
        if (team, which) not in self._splits:
            rows = ctx.rows.rows_in(f"team:{team}", award.metric, ctx.period)
            total = aggregate(rows, "sum", ctx.tz)
            split: dict[str, Decimal] = {}
            if total is not None and total >= award.target:
                if self._points is None:
                    self._points = key_action_points(ctx.org, self.hits, ctx.period)
                pts = {m: self._points.get(m, ZERO) for m in self._team_members[team]}
                split = split_cents(award.amount, pts)
            self._splits[(team, which)] = split
        return self._splits[(team, which)]

    def for_member(self, member: Member, template: Template) -> IncentiveScore:
        ctx, inc = self.ctx, self.ctx.org.incentives
        com = otb = pool = None
        if inc.commission is not None:
            plan = inc.commission
            if self._plan_kind(template, plan.indicator, plan.period) == ctx.period.kind:
                total = self._member_total(member, template, plan.indicator)
                com = commission(total, plan.brackets, plan.mode)
        if inc.over_target_bonus is not None and inc.over_target_bonus.period == ctx.period.kind:
            ob = inc.over_target_bonus
            total = self._member_total(member, template, ob.indicator)
            otb = over_target_bonus(total, ob.target, ob.rate)
        team = ctx.org.teams.get(member.team)
        awards: list[Award] = []
        if team is not None:
            pool_split = self._split(team.key, "pool", team.bonus_pool)
            pool = None if pool_split is None else pool_split.get(member.id, ZERO)
            nc_split = self._split(team.key, "new_customer", team.new_customer_award)
            if nc_split and member.id in nc_split:
                awards.append(Award("new_customer", ctx.period, amount=nc_split[member.id]))
        per_hit = inc.key_action_points.get("content_hit", ZERO)
        for hit in self._hits_by_member.get(member.id, ()):
            if ctx.period.contains(hit.period):
                awards.append(Award("content_hit", hit.period, hit.item, hit.value, per_hit))
        return IncentiveScore(com, otb, pool, tuple(awards))
