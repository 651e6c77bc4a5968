"""Which metric rows count toward a period, their aggregate, and membership (scoring.md §2).

Rows are indexed once per report: for every (subject, indicator) a bucket per calendar
period that contains the row (its own period and every longer month/quarter/year), so
looking up the rows of an evaluation period is a dict access, not a scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from scoring.model import Aggregate, Member, MetricRow
from scoring.numbers import ZERO
from scoring.periods import KIND_ORDER, Period, PeriodKind

RowKey = tuple[str, str]


@lru_cache(maxsize=4096)
def containing(d: date, kind: PeriodKind) -> Period:
    """Cached `Period.containing`: a large import has few distinct periods."""
    return Period.containing(d, kind)


def _bucket_ids(d: date) -> tuple[int, int, int, int]:
    """Numbers naming the day, month, quarter and year containing d (cheap to hash)."""
    y, m = d.year, d.month
    return (d.toordinal(), y * 12 + m, y * 4 + (m - 1) // 3, y)


def dedupe(rows: Iterable[MetricRow]) -> list[MetricRow]:
    """One row per (subject, indicator, period, item, origin): the later import wins."""
    items = list(rows)
    latest: dict[tuple[str, str, date, str, str, str], int] = {}
    for pos, row in enumerate(items):
        p = row.period
        key = (row.subject, row.indicator, p.start, p.kind, row.item, row.origin)
        cur = latest.get(key)
        if cur is None or row.seq >= items[cur].seq:
            latest[key] = pos
    if len(latest) == len(items):
        return items
    return [items[pos] for pos in sorted(latest.values())]


class RowIndex:
    """Rows by (subject, indicator) and by every calendar period that contains them."""

    def __init__(self, rows: Iterable[MetricRow]) -> None:
        self.rows = dedupe(rows)
        self._by_key: dict[RowKey, list[MetricRow]] = defaultdict(list)
        self._buckets: dict[tuple[str, str, int, int], list[MetricRow]] = defaultdict(list)
        buckets = self._buckets
        for row in self.rows:
            subject, indicator = row.subject, row.indicator
            self._by_key[(subject, indicator)].append(row)
            ids = _bucket_ids(row.period.start)
            for k in range(KIND_ORDER[row.period.kind], 4):
                buckets[(subject, indicator, k, ids[k])].append(row)

    def rows_in(
        self, subject: str, indicator: str, period: Period, cutoff: date | None = None
    ) -> list[MetricRow]:
        """Rows inside `period`; with a cutoff only those whose own period starts by then."""
        k = KIND_ORDER[period.kind]
        key = (subject, indicator, k, _bucket_ids(period.start)[k])
        found = self._buckets.get(key)
        if not found:
            return []
        if cutoff is not None and cutoff < period.end:
            return [r for r in found if r.period.start <= cutoff]
        return list(found)

    def rows_of(self, subject: str, indicator: str) -> list[MetricRow]:
        """Every row of one subject and indicator, in import order."""
        return list(self._by_key.get((subject, indicator), ()))

    def subjects_of(self, indicator: str) -> list[str]:
        """Every subject with rows of one indicator (award detection)."""
        return [k[0] for k in self._by_key if k[1] == indicator]


def row_time(row: MetricRow, tz: ZoneInfo) -> datetime:
    """recorded_at (naive = org time), else the end of the row's own period."""
    if row.recorded_at is not None:
        at = row.recorded_at
        return at if at.tzinfo is not None else at.replace(tzinfo=tz)
    return datetime.combine(row.period.end + timedelta(days=1), time(), tzinfo=tz)


def aggregate(rows: Sequence[MetricRow], how: Aggregate, tz: ZoneInfo) -> Decimal | None:
    """sum, avg or last of the rows; None when there is none (a missing value)."""
    if not rows:
        return None
    if how == "sum":
        return sum((r.value for r in rows), ZERO)
    if how == "avg":
        return sum((r.value for r in rows), ZERO) / len(rows)
    best = max(enumerate(rows), key=lambda e: (row_time(e[1], tz), e[1].seq, e[0]))
    return best[1].value


def counted_for(member: Member, start: date, end: date) -> bool:
    """False when [start, end] lies entirely outside membership or inside one leave range."""
    if member.joined is not None and end < member.joined:
        return False
    if member.left is not None and start > member.left:
        return False
    return not any(lv.start <= start and end <= lv.end for lv in member.leave)
