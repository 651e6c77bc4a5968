"""Which metric rows count toward a period, their aggregate, and membership (scoring.md §2).

Rows are indexed once per report: for every (subject, indicator) a bucket per calendar
period that contains the row (its own period and every longer month/quarter/year), so
looking up the rows of an evaluation period is a dict access, not a scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from scoring.model import Aggregate, Member, MetricRow
from scoring.numbers import ZERO
from scoring.periods import KIND_ORDER, Period, PeriodKind

RowKey = tuple[str, str]
_SCAN = 24
"""Groups up to this many rows are filtered on each look-up instead of bucketed."""


@lru_cache(maxsize=4096)
def containing(d: date, kind: PeriodKind) -> Period:
    """Cached `Period.containing`: a large import has few distinct periods."""
    return Period.containing(d, kind)


def _bucket_ids(d: date) -> tuple[int, int, int, int]:
    """Numbers naming the day, month, quarter and year containing d (cheap to hash)."""
    y, m = d.year, d.month
    return (d.toordinal(), y * 12 + m, y * 4 + (m - 1) // 3, y)


def _bucket_keys(p: Period) -> tuple[int, ...]:
    """One int per calendar period containing p (its own kind and every longer one)."""
    ids = _bucket_ids(p.start)
    return tuple(ids[k] * 4 + k for k in range(KIND_ORDER[p.kind], 4))


def _lookup_key(p: Period) -> int:
    k = KIND_ORDER[p.kind]
    return _bucket_ids(p.start)[k] * 4 + k


def dedupe(rows: Iterable[MetricRow]) -> list[MetricRow]:
    """One row per (period, item, origin) of one subject and indicator: the later import
    wins (higher seq, then later position); survivors keep their order."""
    items = rows if isinstance(rows, list) else list(rows)
    if len(items) == 1:
        return items
    latest: dict[tuple[date, str, str, str], int] = {}
    for pos, row in enumerate(items):
        p = row.period
        key = (p.start, p.kind, row.item, row.origin)
        cur = latest.get(key)
        if cur is None or row.seq >= items[cur].seq:
            latest[key] = pos
    if len(latest) == len(items):
        return items
    return [items[pos] for pos in sorted(latest.values())]


class RowIndex:
    """Rows by (subject, indicator) and by every calendar period that contains them.

    Built once and reused by every report of a `Scorer`: the constructor only groups rows
    by (subject, indicator) and drops replaced ones; the per-period buckets of a group are
    made the first time that group is asked for, so a one-member report over a whole
    org's rows pays for that member's rows only.
    """

    def __init__(self, rows: Iterable[MetricRow]) -> None:
        groups: dict[RowKey, list[MetricRow]] = {}
        for row in rows:
            key = (row.subject, row.indicator)
            group = groups.get(key)
            if group is None:
                groups[key] = [row]
            else:
                group.append(row)
        self._by_key = {key: dedupe(group) for key, group in groups.items()}
        self._buckets: dict[RowKey, dict[int, list[MetricRow]]] = {}
        self._period_keys: dict[Period, tuple[int, ...]] = {}
        self._lookup: dict[Period, int] = {}

    @property
    def rows(self) -> list[MetricRow]:
        """Every kept row, grouped by (subject, indicator)."""
        return [r for group in self._by_key.values() for r in group]

    def _bucketed(self, group: list[MetricRow], key: RowKey) -> dict[int, list[MetricRow]]:
        out: dict[int, list[MetricRow]] = {}
        keys_of = self._period_keys
        for row in group:
            p = row.period
            keys = keys_of.get(p)
            if keys is None:
                keys = keys_of[p] = _bucket_keys(p)
            for k in keys:
                bucket = out.get(k)
                if bucket is None:
                    out[k] = [row]
                else:
                    bucket.append(row)
        self._buckets[key] = out
        return out

    def rows_in(
        self, subject: str, indicator: str, period: Period, cutoff: date | None = None
    ) -> list[MetricRow]:
        """Rows inside `period`; with a cutoff only those whose own period starts by then.

        A small group (a year of monthly values) is filtered directly, which is cheaper
        than bucketing it; a large one (daily values) is bucketed on first use."""
        key = (subject, indicator)
        group = self._by_key.get(key)
        if group is None:
            return []
        last = period.end if cutoff is None or cutoff >= period.end else cutoff
        if len(group) <= _SCAN:
            first, end = period.start, period.end
            return [
                r
                for r in group
                if first <= (rp := r.period).start and rp.end <= end and rp.start <= last
            ]
        buckets = self._buckets.get(key)
        if buckets is None:
            buckets = self._bucketed(group, key)
        k = self._lookup.get(period)
        if k is None:
            k = self._lookup[period] = _lookup_key(period)
        found = buckets.get(k)
        if not found:
            return []
        if last < period.end:
            return [r for r in found if r.period.start <= last]
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
    if member.joined is None and member.left is None and not member.leave:
        return True
    if member.joined is not None and end < member.joined:
        return False
    if member.left is not None and start > member.left:
        return False
    return not any(lv.start <= start and end <= lv.end for lv in member.leave)
