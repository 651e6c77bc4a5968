"""Parse a 360 reviews file (past or offline cycles) into `Rating`s, all-or-nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from scoring.model import Org, Rating
from scoring.periods import Period
from storage.msg import Msg, msg_of
from storage.tabular.errors import TableError
from storage.tabular.reader import check_header, read_table, records
from storage.tabular.subjects import CellError, member_lookup, resolve_member

REQUIRED = ("cycle", "rater", "ratee", "criterion", "value")
OPTIONAL = ("comment",)

Problems = list[tuple[str, str]]


def known_criteria(org: Org) -> set[str]:
    """review.criteria; an Org built without them falls back to the indicators' criteria."""
    if org.criteria:
        return set(org.criteria)
    return {c for t in org.templates.values() for i in t.indicators for c in i.criteria}


def parse_score(text: str, scale: int) -> int:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value != value.to_integral_value() or not 1 <= value <= scale:
        english = "must be a whole number from 1 to {scale}, got {text!r}"
        raise CellError(Msg("review.bad_value", english, scale=scale, text=text))
    return int(value)


def parse_reviews_file(path: str | Path, org: Org) -> list[Rating]:
    table = read_table(path)
    check_header(table, REQUIRED, OPTIONAL)
    names = member_lookup(org)
    criteria = known_criteria(org)
    errors: list[str] = []
    out: list[Rating] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for number, rec in records(table):
        rating, problems = _parse_row(rec, names, criteria, org.review_scale)
        errors += [table.error(number, col, reason) for col, reason in problems]
        if rating is None:
            continue
        key = (str(rating.cycle), rating.rater, rating.ratee, rating.criterion)
        if key in seen:
            english = "same cycle, rater, ratee and criterion as row {first}"
            reason = Msg("review.duplicate_row", english, first=seen[key])
            errors.append(table.error(number, "rater", reason))
            continue
        seen[key] = number
        out.append(rating)
    if errors:
        raise TableError(errors)
    return out


def _parse_row(
    rec: dict[str, str], names: dict[str, str | None], criteria: set[str], scale: int
) -> tuple[Rating | None, Problems]:
    problems: Problems = []
    cycle: Period | None = None
    people: dict[str, str] = {}
    value = 0
    try:
        cycle = Period.parse(rec["cycle"])
        if cycle.kind != "quarter":
            english = "a review cycle is a quarter like 2026-Q3, got {text!r}"
            raise CellError(Msg("review.cycle_not_quarter", english, text=rec["cycle"]))
    except ValueError as exc:
        problems.append(("cycle", msg_of(exc)))
    for column in ("rater", "ratee"):
        try:
            people[column] = resolve_member(names, rec[column])
        except ValueError as exc:
            problems.append((column, msg_of(exc)))
    if people.get("rater") and people.get("rater") == people.get("ratee"):
        problems.append(("ratee", Msg("review.self_rating", "a self-rating is not allowed")))
    if rec["criterion"] not in criteria:
        name = rec["criterion"]
        problems.append(
            ("criterion", Msg("review.unknown_criterion", "unknown criterion {name!r}", name=name))
        )
    try:
        value = parse_score(rec["value"], scale)
    except ValueError as exc:
        problems.append(("value", msg_of(exc)))
    if problems or cycle is None:
        return None, problems
    comment = rec.get("comment") or None
    rating = Rating(cycle, people["rater"], people["ratee"], rec["criterion"], value, comment)
    return rating, []
