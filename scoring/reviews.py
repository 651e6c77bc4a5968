"""360 review values (scoring.md §4): per-cycle rater means, bias correction, anonymity.

The figures keep rater *counts* only, never rater ids, so nothing built from them can
pair a rater with a rating.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.model import Indicator, Org, Rating
from scoring.numbers import ZERO, DecimalPool, mean
from scoring.periods import Period
from scoring.rules import indicator_scale

_NormKey = tuple[Period, str, tuple[str, ...]]
_RatingKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class CriterionFigure:
    criterion: str
    mean: Decimal
    raters: int
    comments: tuple[str, ...]
    comment_raters: int


@dataclass(frozen=True, slots=True)
class CycleFigure:
    cycle: Period
    value: Decimal
    raters: int
    criteria: tuple[CriterionFigure, ...]


@dataclass(frozen=True, slots=True)
class ReviewValue:
    value: Decimal | None
    cycles: tuple[CycleFigure, ...]


_NOT_A_MEMBER = object()
"""Marks a ratee unknown to the org: none of their ratings counts."""


class _Managers:
    """`Org.manager_of` per ratee, looked up once (every rating asks for it)."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self._of: dict[str, object] = {}

    def counts(self, kind: str, rater: str, ratee: str) -> bool:
        """Whether a rating feeds a `peer` or a `manager` indicator of the ratee."""
        if rater == ratee:
            return False
        if ratee in self._of:
            manager = self._of[ratee]
        else:
            known = ratee in self.org.members
            manager = self.org.manager_of(ratee) if known else _NOT_A_MEMBER
            self._of[ratee] = manager
        if manager is _NOT_A_MEMBER:
            return False
        is_manager = manager == rater
        return is_manager if kind == "manager" else not is_manager


_FigureKey = tuple[str, Period, str, tuple[str, ...], bool, int | None]


class ReviewIndex:
    """Ratings by (cycle, ratee), the last of a repeated (cycle, rater, ratee, criterion)."""

    def __init__(
        self, org: Org, ratings: Iterable[Rating], pool: DecimalPool | None = None
    ) -> None:
        """`pool` shares equal figures with the rest of a report (`DecimalPool`)."""
        self.org = org
        self._keep = DecimalPool() if pool is None else pool
        latest: dict[tuple[Period, str, str, str], Rating] = {}
        for r in ratings:
            latest[(r.cycle, r.rater, r.ratee, r.criterion)] = r
        self._by_ratee: dict[tuple[Period, str], list[Rating]] = defaultdict(list)
        self._by_cycle: dict[Period, list[Rating]] = defaultdict(list)
        for r in latest.values():
            self._by_ratee[(r.cycle, r.ratee)].append(r)
            self._by_cycle[r.cycle].append(r)
        self.cycles = sorted(self._by_cycle)
        self._norm: dict[_NormKey, dict[_RatingKey, Decimal]] = {}
        self._managers = _Managers(org)
        self._figures: dict[_FigureKey, CycleFigure | None] = {}

    def _normalized(self, cycle: Period, kind: str, ind: Indicator) -> dict[_RatingKey, Decimal]:
        """clip(x + g − m_r, 1, scale) over the org-wide ratings of this kind and criteria."""
        key = (cycle, kind, ind.criteria)
        if key in self._norm:
            return self._norm[key]
        crit = set(ind.criteria)
        counts = self._managers.counts
        pop = [
            r
            for r in self._by_cycle.get(cycle, ())
            if r.criterion in crit and counts(kind, r.rater, r.ratee)
        ]
        out: dict[_RatingKey, Decimal] = {}
        if pop:
            g = sum((Decimal(r.value) for r in pop), ZERO) / len(pop)
            per_rater: dict[str, list[Decimal]] = defaultdict(list)
            for r in pop:
                per_rater[r.rater].append(Decimal(r.value))
            m = {rater: sum(vs, ZERO) / len(vs) for rater, vs in per_rater.items()}
            top = Decimal(indicator_scale(ind, self.org.review_scale))
            for r in pop:
                adj = Decimal(r.value) + g - m[r.rater]
                out[(r.rater, r.ratee, r.criterion)] = min(max(adj, Decimal(1)), top)
        self._norm[key] = out
        return out

    def cycle_figure(self, ratee: str, ind: Indicator, cycle: Period) -> CycleFigure | None:
        """Mean over counted raters of each rater's mean over the criteria they rated.

        Cached by everything it reads, so the reports of a `Scorer` (a trend's months and
        quarters) compute each ratee's cycle once."""
        key = (ratee, cycle, ind.source, ind.criteria or (ind.key,), ind.normalize, ind.scale)
        if key not in self._figures:
            self._figures[key] = self._cycle_figure(ratee, ind, cycle)
        return self._figures[key]

    def _cycle_figure(self, ratee: str, ind: Indicator, cycle: Period) -> CycleFigure | None:
        kind = ind.source
        crit = ind.criteria or (ind.key,)
        counts = self._managers.counts
        rated = [
            r
            for r in self._by_ratee.get((cycle, ratee), ())
            if r.criterion in crit and counts(kind, r.rater, ratee)
        ]
        if not rated:
            return None
        norm = self._normalized(cycle, kind, ind) if ind.normalize else {}
        by_rater: dict[str, list[Decimal]] = defaultdict(list)
        by_crit: dict[str, list[tuple[Rating, Decimal]]] = defaultdict(list)
        for r in rated:
            x = norm.get((r.rater, r.ratee, r.criterion), Decimal(r.value))
            by_rater[r.rater].append(x)
            by_crit[r.criterion].append((r, x))
        rater_means = [sum(v, ZERO) / len(v) for v in by_rater.values()]
        value = sum(rater_means, ZERO) / len(rater_means)
        keep = self._keep
        figures = tuple(_criterion_figure(c, by_crit[c], keep) for c in crit if c in by_crit)
        return CycleFigure(cycle, keep(value), len(by_rater), figures)

    def value(self, ratee: str, ind: Indicator, period: Period, cutoff: date) -> ReviewValue:
        """Mean of the cycle values inside `period` whose cycle starts by `cutoff`."""
        figs = []
        for cycle in self.cycles:
            if period.contains(cycle) and cycle.start <= cutoff:
                fig = self.cycle_figure(ratee, ind, cycle)
                if fig is not None:
                    figs.append(fig)
        return ReviewValue(mean(f.value for f in figs), tuple(figs))


def _criterion_figure(
    criterion: str, items: list[tuple[Rating, Decimal]], keep: DecimalPool
) -> CriterionFigure:
    """Comments sorted, so their order says nothing about who wrote which."""
    comments = sorted(r.comment for r, _ in items if r.comment)
    commenters = len({r.rater for r, _ in items if r.comment})
    raters = len({r.rater for r, _ in items})
    avg = sum((x for _, x in items), ZERO) / len(items)
    return CriterionFigure(criterion, keep(avg), raters, tuple(comments), commenters)
