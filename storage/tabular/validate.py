"""One validator for a metric value, whatever carried it: a CSV/XLSX row or a JSON item.

Both front ends turn their input into a canonical record (`{column: text}`) first, so the
rules (who may be named, which indicators exist, negative values, periods) live only here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from scoring.model import MetricRow, Org
from scoring.periods import Period, PeriodError
from storage.tabular.subjects import TEAM_PREFIX, CellError, catalog, member_lookup, resolve_subject

DEFAULT_ORIGIN = "import"
MAX_ABS = Decimal(10) ** 15
MAX_PLACES = 12

Problems = list[tuple[str, str]]
"""(column, reason) of one record."""

Key = tuple[str, str, str, str, str]


def parse_decimal(text: str) -> Decimal:
    """A finite number from its text, never through a float."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {text!r}")
    if abs(value) >= MAX_ABS:
        raise ValueError(f"too large: {text!r}")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise ValueError(f"more than {MAX_PLACES} decimal places: {text!r}")
    return value


def parse_time(text: str) -> datetime:
    """ISO date or date-time; without an offset scoring reads it in the org's timezone."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO date or time: {text!r}") from None


def row_key(row: MetricRow) -> Key:
    return (row.subject, row.indicator, str(row.period), row.item, row.origin)


class MetricValidator:
    """Validates canonical records against one org (look-up tables are built once)."""

    def __init__(self, org: Org, *, default_origin: str = DEFAULT_ORIGIN) -> None:
        self.org = org
        self.names = member_lookup(org)
        self.cat = catalog(org)
        self.default_origin = default_origin

    def record(self, rec: dict[str, str], seq: int) -> tuple[MetricRow | None, Problems]:
        """The row, or None and every problem found (all fields are checked, not the first)."""
        problems: Problems = []
        subject = indicator = ""
        period: Period | None = None
        value: Decimal | None = None
        recorded_at: datetime | None = None
        try:
            subject = resolve_subject(self.org, self.names, _required(rec, "member"))
        except ValueError as exc:
            problems.append(("member", str(exc)))
        try:
            indicator = _required(rec, "indicator")
            if subject:
                self.cat.check(indicator, subject.startswith(TEAM_PREFIX))
        except ValueError as exc:
            problems.append(("indicator", str(exc)))
        try:
            period = Period.parse(_required(rec, "period"))
        except (ValueError, PeriodError) as exc:
            problems.append(("period", str(exc)))
        try:
            value = parse_decimal(_required(rec, "value"))
            if value < 0 and indicator not in self.cat.negative_ok:
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
            origin=rec.get("origin") or self.default_origin,
            recorded_at=recorded_at,
            seq=seq,
        )
        return row, []


def duplicate_reason(first: int, what: str = "row") -> str:
    return f"same member, indicator, period, item and origin as {what} {first}"


def _required(rec: dict[str, str], column: str) -> str:
    text = rec.get(column, "")
    if not text:
        raise CellError("empty")
    return text
