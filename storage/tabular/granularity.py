"""The mixed-granularity warning: a month row and a quarter row of the same thing.

Both count (scoring.md §2), which is right for a day row inside a month total that lacks
it, but is usually a double count; so the importer warns instead of refusing.
"""

from __future__ import annotations

from collections import defaultdict

from scoring.model import MetricRow
from scoring.periods import KIND_ORDER, Period, PeriodKind
from storage.msg import Msg


def mixed_granularity(filename: str, rows: list[MetricRow]) -> list[str]:
    """One warning per (subject, indicator) whose rows of different kinds overlap."""
    groups: dict[tuple[str, str], list[MetricRow]] = defaultdict(list)
    for row in rows:
        groups[(row.subject, row.indicator)].append(row)
    warnings: list[str] = []
    for (subject, indicator), group in groups.items():
        by_kind: dict[PeriodKind, dict[Period, MetricRow]] = defaultdict(dict)
        for row in group:
            by_kind[row.period.kind].setdefault(row.period, row)
        pair = _first_overlap(group, by_kind)
        if pair is not None:
            fine, coarse = pair
            english = (
                "{file}:{row} period: {subject} {indicator} has rows for both "
                "{fine} and {coarse} (row {coarse_row}); both count"
            )
            warnings.append(
                Msg(
                    "table.mixed_granularity",
                    english,
                    file=filename,
                    row=fine.seq,
                    subject=subject,
                    indicator=indicator,
                    fine=fine.period,
                    coarse=coarse.period,
                    coarse_row=coarse.seq,
                )
            )
    return warnings


def _first_overlap(
    group: list[MetricRow], by_kind: dict[PeriodKind, dict[Period, MetricRow]]
) -> tuple[MetricRow, MetricRow] | None:
    if len(by_kind) < 2:
        return None
    for row in group:
        for kind, periods in by_kind.items():
            if KIND_ORDER[kind] <= KIND_ORDER[row.period.kind]:
                continue
            coarse = periods.get(row.period.enclosing(kind))
            if coarse is not None:
                return row, coarse
    return None
