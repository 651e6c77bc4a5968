"""Parse a metrics file (CSV or XLSX) into `MetricRow`s, refusing it whole on any bad row."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scoring.model import MetricRow, Org
from storage.tabular.errors import TableError
from storage.tabular.granularity import mixed_granularity
from storage.tabular.profiles import to_canonical
from storage.tabular.reader import RawTable, check_header, read_table, records
from storage.tabular.validate import (
    DEFAULT_ORIGIN,
    Key,
    MetricValidator,
    duplicate_reason,
    parse_decimal,
    parse_time,
    row_key,
)

REQUIRED = ("member", "indicator", "period", "value")
OPTIONAL = ("recorded_at", "item", "origin")
__all__ = [
    "DEFAULT_ORIGIN",
    "OPTIONAL",
    "REQUIRED",
    "ParsedMetrics",
    "parse_decimal",
    "parse_metric_records",
    "parse_metrics_file",
    "parse_time",
]


@dataclass
class ParsedMetrics:
    rows: list[MetricRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_metrics_file(path: str | Path, org: Org, *, profile: str | None = None) -> ParsedMetrics:
    """Every bad row is reported (`FILE:ROW column: reason`) and then nothing is returned."""
    table = to_canonical(read_table(path), profile)
    check_header(table, REQUIRED, OPTIONAL)
    return parse_metric_records(table, org)


def parse_metric_records(table: RawTable, org: Org) -> ParsedMetrics:
    check = MetricValidator(org)
    errors: list[str] = list(table.errors)
    rows: list[MetricRow] = []
    seen: dict[Key, int] = {}
    for number, rec in records(table):
        row, problems = check.record(rec, number)
        errors += [table.error(number, col, reason) for col, reason in problems]
        if row is None:
            continue
        key = row_key(row)
        if key in seen:
            errors.append(table.error(number, "member", duplicate_reason(seen[key])))
            continue
        seen[key] = number
        rows.append(row)
    if errors:
        raise TableError(errors)
    return ParsedMetrics(rows, mixed_granularity(table.name, rows))
