"""Approved calibrations: retarget and swap, their scope precedence and containment (§3).

A swap and a retarget are resolved separately: first which indicator is in force for an
evaluation period (the winning swap of `from`), then the winning retarget of the indicator
in force. Each winner is the member-scoped one if any, else the team-scoped one; among equals
the latest approved (`approved_at`), else the later record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from scoring.model import Calibration, Indicator, Member, SwapTarget
from scoring.periods import Period
from scoring.rules import ScoringError

_Entry = tuple[int, Calibration]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Rank of a calibration without approval time: before every dated one."""


@dataclass(frozen=True)
class InForce:
    """The indicator that counts for one evaluation period, with its targets."""

    indicator: Indicator
    original_target: Decimal | None
    target: Decimal | None
    swap: Calibration | None = None
    retarget: Calibration | None = None

    @property
    def calibrations(self) -> tuple[Calibration, ...]:
        """The swap and the retarget in force, those that exist, in that order."""
        if self.swap is None and self.retarget is None:
            return ()
        return tuple(c for c in (self.swap, self.retarget) if c is not None)


def swapped_indicator(base: Indicator, to: SwapTarget) -> Indicator:
    """The `to` indicator, with `from`'s dimension and weight, read from metric rows."""
    return Indicator(
        key=to.key,
        dimension=base.dimension,
        weight=base.weight,
        period=to.period,
        aggregate=to.aggregate,
        target=to.target,
        rule=to.rule,
        direction=to.direction,
        floor=to.floor,
        cap=to.cap,
        steps=to.steps,
        scale=to.scale,
        unit=to.unit,
    )


class CalibrationIndex:
    """Calibrations grouped by (type, indicator key) so each lookup scans only its own."""

    def __init__(self, calibrations: Sequence[Calibration], tz: ZoneInfo) -> None:
        self._tz = tz
        self._by: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        for pos, cal in enumerate(calibrations):
            key = cal.swap_from if cal.type == "swap" else cal.indicator
            if key:
                self._by[(cal.type, key)].append((pos, cal))
        self._plain: dict[tuple[int, Decimal | None], InForce] = {}

    def _rank(self, entry: _Entry, member: Member) -> tuple[int, datetime, int]:
        pos, cal = entry
        at = cal.approved_at or _EPOCH
        if at.tzinfo is None:
            at = at.replace(tzinfo=self._tz)
        return (1 if cal.member == member.id else 0, at, pos)

    def winner(self, kind: str, key: str, member: Member, period: Period) -> Calibration | None:
        """The calibration in force for `period`, or None."""
        cands = [
            e
            for e in self._by.get((kind, key), ())
            if e[1].period.contains(period)
            and (e[1].member == member.id or (e[1].member is None and e[1].team == member.team))
        ]
        if not cands:
            return None
        return max(cands, key=lambda e: self._rank(e, member))[1]

    def resolve(self, member: Member, base: Indicator, period: Period) -> InForce:
        """Swap first, then retarget the indicator in force; targets before and after."""
        if ("swap", base.key) not in self._by and ("retarget", base.key) not in self._by:
            return self._uncalibrated(base, member.targets.get(base.key, base.target))
        swap = self.winner("swap", base.key, member, period)
        ind = base
        if swap is not None and swap.swap_to is not None:
            ind = swapped_indicator(base, swap.swap_to)
        else:
            swap = None
        original = member.targets.get(ind.key, ind.target)
        retarget = self.winner("retarget", ind.key, member, period)
        target = original
        if retarget is not None:
            target = _retarget(retarget, original, member, ind)
        return InForce(ind, original, target, swap, retarget)

    def _uncalibrated(self, base: Indicator, target: Decimal | None) -> InForce:
        """The shared InForce of an indicator no calibration names (the common case)."""
        key = (id(base), target)
        found = self._plain.get(key)
        if found is None:
            found = self._plain[key] = InForce(base, target, target)
        return found


def _retarget(cal: Calibration, target: Decimal | None, member: Member, ind: Indicator) -> Decimal:
    if cal.new_target is not None:
        return cal.new_target
    if cal.coefficient is None or target is None:
        raise ScoringError(
            f"calibration of {ind.key!r} for {member.id!r}: needs new_target, or coefficient "
            "and a target to scale"
        )
    return cal.coefficient * target
