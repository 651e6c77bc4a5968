"""Set-based forms of the hot writes: one statement for many events' rows.

The batch writer (`handlers.batchwriter`) applies many events' delivery claims, ratings and
audit lines in one transaction; doing that row by row through the ORM cost more than
everything else an event does. Each function takes a Core connection inside the caller's
transaction and never commits. The single-event paths call the same functions with one row,
so there is one definition of each write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy.engine import Connection, Dialect

from scoring.readonly import readonly
from storage.tables import AuditLog, ProcessedDelivery, RatingRecord, UTCDateTime, utcnow

_DELIVERY = ProcessedDelivery.__table__  # type: ignore[attr-defined]
_RATING = RatingRecord.__table__  # type: ignore[attr-defined]
_AUDIT = AuditLog.__table__  # type: ignore[attr-defined]

# Driver-level SQL on the DBAPI cursor of the caller's connection (same transaction): these
# run for every click, and SQLAlchemy's per-statement work (execution context, result
# proxy; ≈ 15 µs a statement) cost more than SQLite's. Values still go through each column
# type's own bind processor (`_binder`), so rows are stored exactly as the ORM stores them.
# `{p}` is the driver's placeholder.
_CLAIM = (
    "INSERT INTO processed_delivery (platform, delivery_id, received_at) VALUES {rows} "
    "ON CONFLICT (platform, delivery_id) DO NOTHING RETURNING platform, delivery_id"
)
_DELETE_OTHERS = (
    "DELETE FROM rating WHERE cycle = {p} AND rater_id = {p} AND ratee_id = {p}{others}"
)
_UPSERT_HEAD = (
    "INSERT INTO rating (cycle, rater_id, ratee_id, criterion, value, comment, batch_id, "
    "submitted_at) VALUES "
)
_UPSERT_ROW = "({p}, {p}, {p}, {p}, {p}, {p}, NULL, {p})"
_UPSERT_TAIL = (
    " ON CONFLICT (cycle, rater_id, ratee_id, criterion) DO UPDATE SET "
    "value = excluded.value, comment = excluded.comment, batch_id = NULL, "
    "submitted_at = excluded.submitted_at"
)
_AUDIT_HEAD = "INSERT INTO audit_log (actor, action, subject, details, at) VALUES "
_AUDIT_ROW = "({p}, {p}, {p}, {p}, {p})"
ROWS_PER_STATEMENT = 200
"""Rows of one multi-row `VALUES` statement: one driver execution instead of one per row
(an `executemany` re-binds and re-steps the statement for every row)."""


def _placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def driver_cursor(conn: Connection) -> Any:
    """A DBAPI cursor of `conn`'s driver connection: its statements join `conn`'s
    transaction (SQLAlchemy's own `exec_driver_sql` ends up on the same cursor type)."""
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


@lru_cache(maxsize=64)
def _binder(dialect: Dialect, table: str, column: str) -> Callable[[Any], Any]:
    """The column type's bind processor for `dialect` (identity when it has none)."""
    tables = {"processed_delivery": _DELIVERY, "rating": _RATING, "audit_log": _AUDIT}
    kind = tables[table].c[column].type
    processor = kind.dialect_impl(dialect).bind_processor(dialect)
    if isinstance(kind, UTCDateTime) and dialect.name == "sqlite":
        probe = datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
        if processor is not None and processor(probe) == _sqlite_instant(probe):
            return _sqlite_instant
    return processor if processor is not None else _same


def _sqlite_instant(value: datetime | None) -> str | None:
    """`UTCDateTime` bound for SQLite, as SQLAlchemy binds it (`YYYY-MM-DD HH:MM:SS.ffffff`,
    UTC, naive). Its `%`-format of seven fields, and `datetime.replace`'s keyword parsing,
    cost about 19,000 instructions a row; the date and time up to the second are formatted
    once per second here (one entry: instants of a burst share it), about 6,000."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"UTCDateTime needs an aware datetime, got {value!r}")
    utc = value if value.tzinfo is UTC else value.astimezone(UTC)
    second = (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
    last = _last_second[0]
    if last[0] != second:
        last = _last_second[0] = (second, _SECOND.format(*second))
    return f"{last[1]}{utc.microsecond:06d}"


_SECOND = "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}."
_last_second: list[tuple[tuple[int, ...], str]] = [((), "")]
"""The last second `_sqlite_instant` formatted, with its text (swapped as one tuple, so a
thread never sees one second with another's text)."""


def _same(value: Any) -> Any:
    return value


@lru_cache(maxsize=512)
def _values_sql(head: str, row: str, tail: str, placeholder: str, n: int) -> str:
    return head + ", ".join([row.format(p=placeholder)] * n) + tail


def _insert_values(
    cursor: Any, head: str, row: str, tail: str, placeholder: str, rows: Sequence[tuple[Any, ...]]
) -> None:
    """`rows` in multi-row `VALUES` statements of at most `ROWS_PER_STATEMENT` rows."""
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        sql = _values_sql(head, row, tail, placeholder, len(chunk))
        cursor.execute(sql, list(chain.from_iterable(chunk)))


@lru_cache(maxsize=256)
def _claim_sql(placeholder: str, n: int) -> str:
    row = f"({placeholder}, {placeholder}, {placeholder})"
    return _CLAIM.format(rows=", ".join([row] * n))


def claim_deliveries(conn: Connection, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Insert (platform, delivery id) claims; returns those that were new (first seen)."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return set()
    at = _binder(conn.dialect, "processed_delivery", "received_at")(utcnow())
    params: list[Any] = []
    for platform, delivery in unique:
        params += (platform, delivery, at)
    sql = _claim_sql(_placeholder(conn), len(unique))
    cursor = driver_cursor(conn)
    try:
        cursor.execute(sql, params)
        return set(map(tuple, cursor.fetchall()))
    finally:
        cursor.close()


@readonly
class RatingSet:
    """One rater's ratings of one ratee in a cycle, as the form left them."""

    cycle: str
    rater_id: str
    ratee_id: str
    values: Mapping[str, int]
    comment: str | None
    submitted_at: datetime


@lru_cache(maxsize=64)
def _delete_sql(placeholder: str, n: int) -> str:
    """Ratings of one (cycle, rater, ratee) whose criterion is not among `n` given ones."""
    others = f" AND criterion NOT IN ({', '.join([placeholder] * n)})" if n else ""
    return _DELETE_OTHERS.format(p=placeholder, others=others)


def save_rating_sets(conn: Connection, sets: Sequence[RatingSet]) -> None:
    """Upsert every set; criteria a set leaves out are removed (resubmission replaces)."""
    ph = _placeholder(conn)
    at = _binder(conn.dialect, "rating", "submitted_at")
    by_size: dict[int, list[tuple[Any, ...]]] = {}
    rows: dict[tuple[str, str, str, str], tuple[Any, ...]] = {}
    for s in sets:
        cycle, rater, ratee, comment = s.cycle, s.rater_id, s.ratee_id, s.comment
        by_size.setdefault(len(s.values), []).append((cycle, rater, ratee, *s.values))
        when = at(s.submitted_at)
        for k, v in s.values.items():
            # one row per key, the later set's (PostgreSQL refuses to upsert a row twice in
            # one statement; row by row, the later one won too)
            rows[(cycle, rater, ratee, k)] = (cycle, rater, ratee, k, v, comment, when)
    cursor = driver_cursor(conn)
    try:
        for size, params in by_size.items():
            cursor.executemany(_delete_sql(ph, size), params)
        _insert_values(cursor, _UPSERT_HEAD, _UPSERT_ROW, _UPSERT_TAIL, ph, list(rows.values()))
    finally:
        cursor.close()


@readonly
class AuditLine:
    actor: str
    action: str
    subject: str
    details: Mapping[str, Any]


def insert_audit_lines(conn: Connection, lines: Sequence[AuditLine]) -> None:
    """The audit lines of many events (the same columns `storage.repo.audit` writes)."""
    if lines:
        at = _binder(conn.dialect, "audit_log", "at")(utcnow())
        details = _binder(conn.dialect, "audit_log", "details")
        rows = [(a.actor, a.action, a.subject, _details(details, a.details), at) for a in lines]
        cursor = driver_cursor(conn)
        try:
            _insert_values(cursor, _AUDIT_HEAD, _AUDIT_ROW, "", _placeholder(conn), rows)
        finally:
            cursor.close()


_SCALARS = frozenset({str, int, bool, type(None)})


def _details(binder: Callable[[Any], Any], details: Mapping[str, Any]) -> Any:
    """The stored form of `details`; flat ones of plain scalars (the hot path's counts)
    are serialised once per distinct content, keyed with each value's type (1 and True
    are equal keys but different JSON)."""
    types = tuple(map(type, details.values()))
    if _SCALARS.issuperset(types):
        return _flat_details(binder, tuple(details.items()), types)
    return binder(dict(details))


@lru_cache(maxsize=256)
def _flat_details(
    binder: Callable[[Any], Any], items: tuple[tuple[str, Any], ...], _types: tuple[type, ...]
) -> Any:
    return binder(dict(items))
