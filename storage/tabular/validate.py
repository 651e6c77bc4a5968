"""One validator for a metric value, whatever carried it: a CSV/XLSX row or a JSON item.

Both front ends turn their input into a canonical record (`{column: text}`) first, so the
rules (who may be named, which indicators exist, negative values, periods) live only here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from scoring.model import MetricRow, Org
from scoring.periods import Period, PeriodError
from storage.msg import Msg, msg_of
from storage.tabular.subjects import TEAM_PREFIX, CellError, catalog, member_lookup, resolve_subject

DEFAULT_ORIGIN = "import"
MAX_ABS = Decimal(10) ** 15
MAX_PLACES = 12

Problems = list[tuple[str, str]]
"""(column, reason) of one record."""

Key = tuple[str, str, str, str, str]
EMPTY = Msg("value.empty", "empty")


def not_iso_time(text: str) -> Msg:
    return Msg("value.not_iso_time", "not an ISO date or time: {text!r}", text=text)


def parse_decimal(text: str) -> Decimal:
    """A finite number from its text, never through a float."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValueError(Msg("value.not_a_number", "not a number: {text!r}", text=text))
    if abs(value) >= MAX_ABS:
        raise ValueError(Msg("value.too_large", "too large: {text!r}", text=text))
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise ValueError(
            Msg(
                "value.too_many_places",
                "more than {places} decimal places: {text!r}",
                places=MAX_PLACES,
                text=text,
            )
        )
    return value


def parse_time(text: str) -> datetime:
    """ISO date or date-time; without an offset scoring reads it in the org's timezone."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(not_iso_time(text)) from None


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
            problems.append(("member", msg_of(exc)))
        try:
            indicator = _required(rec, "indicator")
            if subject:
                self.cat.check(indicator, subject.startswith(TEAM_PREFIX))
        except ValueError as exc:
            problems.append(("indicator", msg_of(exc)))
        try:
            period = Period.parse(_required(rec, "period"))
        except (ValueError, PeriodError) as exc:
            problems.append(("period", msg_of(exc)))
        try:
            value = parse_decimal(_required(rec, "value"))
            if value < 0 and indicator not in self.cat.negative_ok:
                raise ValueError(
                    Msg(
                        "value.negative",
                        "negative value {value} (the indicator allows none)",
                        value=rec["value"],
                    )
                )
        except ValueError as exc:
            problems.append(("value", msg_of(exc)))
        if rec.get("recorded_at"):
            try:
                recorded_at = parse_time(rec["recorded_at"])
            except ValueError as exc:
                problems.append(("recorded_at", msg_of(exc)))
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
    if what == "item":
        return Msg(
            "value.duplicate_item",
            "same member, indicator, period, item and origin as item {first}",
            first=first,
        )
    return Msg(
        "value.duplicate_row",
        "same member, indicator, period, item and origin as row {first}",
        first=first,
    )


def _required(rec: dict[str, str], column: str) -> str:
    text = rec.get(column, "")
    if not text:
        raise CellError(EMPTY)
    return text
