"""Who reviews whom in a 360 cycle: deterministic, balanced, strategy-driven.

Each ratee gets up to `peers_per_member` peers. With `cross_function` the peers come from
other functions of the ratee's team first, then from the same function; with `team` from
the whole team; with `explicit` exactly the configured raters. The manager is never a peer
(their rating counts only for `manager` indicators) and gets a `manager` assignment instead.

Balance: a first greedy pass picks the least-loaded candidates, then augmenting paths move
requests from the busiest raters to the idlest ones while every ratee keeps the same number
of peers of each tier, so nobody gets far more requests than others. Ties break on a hash
of (quarter, ratee, rater): the same inputs always give the same assignment, and the hash
changes with the quarter so the same people are not always paired.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from scoring.model import Member, Org
from scoring.periods import Period
from storage.repo.reviews import Pair


@dataclass(frozen=True)
class Strategy:
    kind: str = "cross_function"
    peers_per_member: int = 4
    explicit: Mapping[str, Sequence[str]] = field(default_factory=dict)


def away(member: Member, day: date) -> bool:
    """Not working on `day`: not joined yet, already left, or on leave."""
    if member.joined and member.joined > day:
        return True
    if member.left and member.left < day:
        return True
    return any(r.start <= day <= r.end for r in member.leave)


def _absent_all_quarter(member: Member, quarter: Period) -> bool:
    return any(r.start <= quarter.start and quarter.end <= r.end for r in member.leave)


def ratees(org: Org, quarter: Period, day: date) -> list[str]:
    """Scored members who are at work when the cycle opens (config order)."""
    return [
        m.id
        for m in org.members.values()
        if m.template is not None and not away(m, day) and not _absent_all_quarter(m, quarter)
    ]


def _has_source(org: Org, member_id: str, source: str) -> bool:
    tpl = org.templates.get(org.members[member_id].template or "")
    return tpl is not None and any(i.source == source and i.criteria for i in tpl.indicators)


def _tiebreak(quarter: str, ratee: str, rater: str) -> str:
    return hashlib.sha256(f"{quarter}|{ratee}|{rater}".encode()).hexdigest()


def _tiers(org: Org, strategy: Strategy, ratee: str, raters: list[str]) -> list[list[str]]:
    """Candidate raters for `ratee`, best tier first."""
    me = org.members[ratee]
    boss = org.manager_of(ratee)
    if strategy.kind == "explicit":
        wanted = [r for r in strategy.explicit.get(ratee, ()) if r in raters and r != ratee]
        return [wanted]
    mates = [r for r in raters if r not in (ratee, boss) and org.members[r].team == me.team]
    if strategy.kind == "team":
        return [mates]
    other = [r for r in mates if org.members[r].function != me.function]
    same = [r for r in mates if org.members[r].function == me.function]
    return [other, same]


def assign(org: Org, quarter: Period, day: date, strategy: Strategy) -> list[Pair]:
    """Every assignment of the cycle: peer pairs (balanced) then manager pairs."""
    q = str(quarter)
    raters = [m.id for m in org.members.values() if not away(m, day)]
    people = [r for r in ratees(org, quarter, day) if _has_source(org, r, "peer")]
    k = strategy.peers_per_member
    load = dict.fromkeys(raters, 0)
    # chosen[ratee][tier] = raters; slots of each tier are fixed by the greedy pass.
    chosen: dict[str, list[list[str]]] = {}
    tiers_of: dict[str, list[list[str]]] = {}
    order = sorted(people, key=lambda r: (_pool_size(org, strategy, r, raters), r))
    for ratee in order:
        tiers = _tiers(org, strategy, ratee, raters)
        tiers_of[ratee] = tiers
        left = k if strategy.kind != "explicit" else len(tiers[0])
        picks: list[list[str]] = []
        for tier in tiers:
            ranked = sorted(tier, key=lambda r: (load[r], _tiebreak(q, ratee, r)))
            take = ranked[: max(0, left)]
            for r in take:
                load[r] += 1
            picks.append(take)
            left -= len(take)
        chosen[ratee] = picks
    _rebalance(chosen, tiers_of, load, q)
    pairs = [
        Pair(rater, ratee, "peer")
        for ratee in people
        for tier in chosen[ratee]
        for rater in sorted(tier)
    ]
    return pairs + _manager_pairs(org, quarter, day, set(raters))


def _pool_size(org: Org, strategy: Strategy, ratee: str, raters: list[str]) -> int:
    return sum(len(t) for t in _tiers(org, strategy, ratee, raters))


def _manager_pairs(org: Org, quarter: Period, day: date, active: set[str]) -> list[Pair]:
    out = []
    for ratee in ratees(org, quarter, day):
        boss = org.manager_of(ratee)
        if boss and boss != ratee and boss in active and _has_source(org, ratee, "manager"):
            out.append(Pair(boss, ratee, "manager"))
    return out


def _rebalance(
    chosen: dict[str, list[list[str]]],
    tiers_of: dict[str, list[list[str]]],
    load: dict[str, int],
    q: str,
) -> None:
    """Move requests along augmenting paths until no rater has 2+ more than a reachable one.

    An edge a → b means: some ratee rated by `a` could take `b` instead (same tier, `b` not
    already rating them). Shifting along a path a → … → b lowers a's load by one and raises
    b's by one, everyone in between unchanged; the sum of squared loads strictly falls, so
    this ends.
    """
    while True:
        path = _augmenting_path(chosen, tiers_of, load, q)
        if path is None:
            return
        for ratee, tier, old, new in path:
            picks = chosen[ratee][tier]
            picks[picks.index(old)] = new
        load[path[0][2]] -= 1
        load[path[-1][3]] += 1


Move = tuple[str, int, str, str]


def _augmenting_path(
    chosen: dict[str, list[list[str]]],
    tiers_of: dict[str, list[list[str]]],
    load: dict[str, int],
    q: str,
) -> list[Move] | None:
    by_rater: dict[str, list[tuple[str, int]]] = {r: [] for r in load}
    for ratee, picks in chosen.items():
        for t, tier in enumerate(picks):
            for r in tier:
                by_rater[r].append((ratee, t))
    lowest = min(load.values(), default=0)
    for start in sorted(load, key=lambda r: (-load[r], r)):
        if load[start] - lowest < 2:
            return None
        prev: dict[str, tuple[str, Move] | None] = {start: None}
        queue = deque([start])
        while queue:
            a = queue.popleft()
            for ratee, t in sorted(by_rater[a]):
                for b in sorted(tiers_of[ratee][t], key=lambda r: _tiebreak(q, ratee, r)):
                    if b in prev or b in chosen[ratee][t]:
                        continue
                    prev[b] = (a, (ratee, t, a, b))
                    if load[b] <= load[start] - 2:
                        return _walk(prev, b)
                    queue.append(b)
    return None


def _walk(prev: Mapping[str, tuple[str, Move] | None], end: str) -> list[Move]:
    path: list[Move] = []
    node = end
    while (step := prev[node]) is not None:
        node, move = step
        path.append(move)
    path.reverse()
    return path
