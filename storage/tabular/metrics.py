"""Parse a metrics file (CSV or XLSX) into `MetricRow`s, refusing it whole on any bad row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from scoring.model import MetricRow, Org
from scoring.periods import Period, PeriodError
from storage.tabular.errors import TableError
from storage.tabular.granularity import mixed_granularity
from storage.tabular.profiles import to_canonical
from storage.tabular.reader import RawTable, check_header, read_table, records
from storage.tabular.subjects import (
    TEAM_PREFIX,
    Catalog,
    CellError,
    catalog,
    member_lookup,
    resolve_subject,
)

REQUIRED = ("member", "indicator", "period", "value")
OPTIONAL = ("recorded_at", "item", "origin")
DEFAULT_ORIGIN = "import"

Problems = list[tuple[str, str]]
"""(column, reason) of one row."""


@dataclass
class ParsedMetrics:
    rows: list[MetricRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_decimal(text: str) -> Decimal:
    """A finite number from its text, never through a float."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return value


def parse_time(text: str) -> datetime:
    """ISO date or date-time; without an offset scoring reads it in the org's timezone."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO date or time: {text!r}") from None


def parse_metrics_file(path: str | Path, org: Org, *, profile: str | None = None) -> ParsedMetrics:
    """Every bad row is reported (`FILE:ROW column: reason`) and then nothing is returned."""
    table = to_canonical(read_table(path), profile)
    check_header(table, REQUIRED, OPTIONAL)
    return parse_metric_records(table, org)


def parse_metric_records(table: RawTable, org: Org) -> ParsedMetrics:
    names = member_lookup(org)
    cat = catalog(org)
    errors: list[str] = []
    rows: list[MetricRow] = []
    seen: dict[tuple[str, str, str, str, str], int] = {}
    for number, rec in records(table):
        row, problems = _parse_row(org, names, cat, rec, number)
        errors += [table.error(number, col, reason) for col, reason in problems]
        if row is None:
            continue
        key = (row.subject, row.indicator, str(row.period), row.item, row.origin)
        if key in seen:
            reason = f"same member, indicator, period, item and origin as row {seen[key]}"
            errors.append(table.error(number, "member", reason))
            continue
        seen[key] = number
        rows.append(row)
    if errors:
        raise TableError(errors)
    return ParsedMetrics(rows, mixed_granularity(table.name, rows))


def _parse_row(
    org: Org, names: dict[str, str | None], cat: Catalog, rec: dict[str, str], number: int
) -> tuple[MetricRow | None, Problems]:
    problems: Problems = []
    subject = indicator = ""
    period: Period | None = None
    value: Decimal | None = None
    recorded_at: datetime | None = None
    try:
        subject = resolve_subject(org, names, _required(rec, "member"))
    except ValueError as exc:
        problems.append(("member", str(exc)))
    try:
        indicator = _required(rec, "indicator")
        if subject:
            cat.check(indicator, subject.startswith(TEAM_PREFIX))
    except ValueError as exc:
        problems.append(("indicator", str(exc)))
    try:
        period = Period.parse(_required(rec, "period"))
    except (ValueError, PeriodError) as exc:
        problems.append(("period", str(exc)))
    try:
        value = parse_decimal(_required(rec, "value"))
        if value < 0 and indicator not in cat.negative_ok:
            raise ValueError(f"negative value {rec['value']} (the indicator allows none)")
    except ValueError as exc:
        problems.append(("value", str(exc)))
    if rec.get("recorded_at"):
        try:
            recorded_at = parse_time(rec["recorded_at"])
        except ValueError as exc:
            problems.append(("recorded_at", str(exc)))
    if problems or period is None or value is None:
        return None, problems
    row = MetricRow(
        subject=subject,
        indicator=indicator,
        period=period,
        value=value,
        item=rec.get("item", ""),
        origin=rec.get("origin") or DEFAULT_ORIGIN,
        recorded_at=recorded_at,
        seq=number,
    )
    return row, []


def _required(rec: dict[str, str], column: str) -> str:
    text = rec.get(column, "")
    if not text:
        raise CellError("empty")
    return text
