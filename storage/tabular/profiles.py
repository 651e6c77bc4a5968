"""The seam for import profiles: a foreign export's records → canonical records.

A profile (`--profile NAME`, see `profile_spec`) renames and reshapes the columns of, say, a
CRM export into `member,indicator,period,value,…`; one foreign row may give several metric
rows (one per value column). Unit and date conversion errors are reported here with the
foreign column's name; everything after this step (the shared validator) sees only
canonical records, so adding profiles touches nothing else.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from storage.msg import Msg, msg_of
from storage.tabular.errors import TableError
from storage.tabular.profile_spec import MemberSpec, Profile, Unit, load_profile
from storage.tabular.reader import MISSING_COLUMN, RawTable, records
from storage.tabular.validate import EMPTY, parse_decimal

CANONICAL = ["member", "indicator", "period", "value", "item", "origin", "recorded_at"]
_SUFFIX = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_SPACES = re.compile(r"[\s,，]")


def to_canonical(table: RawTable, profile: str | None) -> RawTable:
    """Identity without a profile; with one, the mapped table (conversion problems ride
    along in `errors`, so the shared validator adds its own for the other rows)."""
    if profile is None:
        return table
    return apply_profile(table, load_profile(profile))


def apply_profile(table: RawTable, spec: Profile) -> RawTable:
    missing = [c for c in spec.columns() if c not in table.header]
    if missing:
        raise TableError([table.error(1, c, MISSING_COLUMN) for c in missing])
    out = RawTable(table.name, list(CANONICAL))
    errors: list[str] = []
    for number, rec in records(table):
        if not all(f.keeps(rec[f.column]) for f in spec.filters):
            continue
        rows, problems = _convert(spec, rec)
        errors += [table.error(number, col, reason) for col, reason in problems]
        out.rows += [(number, cells) for cells in rows]
    out.errors = errors
    return out


def _convert(spec: Profile, rec: dict[str, str]) -> tuple[list[list[str]], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    member = subject(spec.member, rec)
    period = recorded = ""
    try:
        period = convert_period(rec[spec.period.column], spec.period.kind, spec.period.formats)
    except ValueError as exc:
        problems.append((spec.period.column, msg_of(exc)))
    if spec.recorded_at is not None and rec[spec.recorded_at.column]:
        try:
            recorded = parse_when(rec[spec.recorded_at.column], spec.recorded_at.formats)
        except ValueError as exc:
            problems.append((spec.recorded_at.column, msg_of(exc)))
    item = rec[spec.item.column] if spec.item is not None else ""
    rows: list[list[str]] = []
    for v in spec.values:
        cell = rec[v.column]
        if not cell and v.skip_empty:
            continue
        try:
            value = convert_unit(cell, v.unit) if cell else ""
        except ValueError as exc:
            problems.append((v.column, msg_of(exc)))
            continue
        who = member if v.member is None else subject(v.member, rec)
        rows.append([who, v.indicator, period, value, item, spec.origin, recorded])
    return ([] if problems else rows), problems


def subject(spec: MemberSpec, rec: dict[str, str]) -> str:
    if spec.constant is not None:
        return spec.constant
    cell = rec[spec.column or ""]
    return spec.prefix + cell if cell else ""


def convert_unit(text: str, unit: Unit) -> str:
    """The cell's number in perfbot's unit, as exact decimal text."""
    cleaned = _SPACES.sub("", text)
    factor = Decimal(1)
    if unit == "percent":
        cleaned = cleaned.removesuffix("%")
        factor = Decimal("0.01")
    elif unit == "cents":
        factor = Decimal("0.01")
    elif unit == "wan":
        factor = Decimal(10_000)
        for suffix, mult in _SUFFIX.items():
            if cleaned.endswith(suffix):
                cleaned, factor = cleaned.removesuffix(suffix), mult
    elif cleaned[-1:] in _SUFFIX:
        factor = _SUFFIX[cleaned[-1]]
        cleaned = cleaned[:-1]
    value = parse_decimal(cleaned) * factor
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def parse_when(text: str, formats: list[str]) -> str:
    """A date or time in one of `formats` (ISO always accepted) → ISO text."""
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).isoformat()  # noqa: DTZ007 - org zone later
        except ValueError:
            continue
    english = "not a date in a known format ({formats}): {text!r}"
    raise ValueError(
        Msg("value.unknown_date_format", english, formats=", ".join(formats), text=text)
    )


def convert_period(text: str, kind: str, formats: list[str]) -> str:
    if not text:
        raise ValueError(EMPTY)
    if kind == "as_is":
        return text
    day = datetime.fromisoformat(parse_when(text, formats)).date()
    return day.isoformat() if kind == "day" else f"{day.year:04d}-{day.month:02d}"
