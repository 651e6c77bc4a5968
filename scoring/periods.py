"""Calendar periods (day, month, quarter, year) as values, so containment is arithmetic.

Periods are calendar periods in the org's timezone; everything here is naive dates and the
caller supplies the timezone when it turns an instant into a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["day", "month", "quarter", "year"]
KIND_ORDER: dict[str, int] = {"day": 0, "month": 1, "quarter": 2, "year": 3}

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period string that is not `2026-08-14`, `2026-08`, `2026-Q3` or `2026`.

    Besides the English message it keeps what was given (`text`) and what is wrong with it
    (`problem`: `shape` — none of the four forms, `month` — not 01..12, `day` — no such
    date, `detail` saying why), so a front end can word it in its reader's language."""

    def __init__(
        self, message: str, *, text: str = "", problem: str = "", detail: str = ""
    ) -> None:
        super().__init__(message)
        self.text = text
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True, order=True)
class Period:
    """A closed calendar range [start, end] with its kind; ordered by start then length."""

    start: date
    end: date
    kind: PeriodKind

    @staticmethod
    def parse(text: str) -> Period:
        s = str(text).strip()
        if m := _DAY.match(s):
            try:
                d = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError as exc:
                raise PeriodError(
                    f"bad period {s!r}: {exc}", text=s, problem="day", detail=str(exc)
                ) from None
            return Period(d, d, "day")
        if m := _MONTH.match(s):
            month = int(m[2])
            if not 1 <= month <= 12:
                raise PeriodError(
                    f"bad period {s!r}: month must be 01..12", text=s, problem="month"
                )
            return Period.month(int(m[1]), month)
        if m := _QUARTER.match(s):
            return Period.quarter(int(m[1]), int(m[2]))
        if m := _YEAR.match(s):
            return Period.year(int(m[1]))
        raise PeriodError(
            f"bad period {s!r}: expected YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY",
            text=s,
            problem="shape",
        )

    @staticmethod
    def day(d: date) -> Period:
        return Period(d, d, "day")

    @staticmethod
    def month(year: int, month: int) -> Period:
        start = date(year, month, 1)
        nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return Period(start, nxt - timedelta(days=1), "month")

    @staticmethod
    def quarter(year: int, q: int) -> Period:
        start = date(year, 3 * (q - 1) + 1, 1)
        end = Period.month(year, 3 * q).end
        return Period(start, end, "quarter")

    @staticmethod
    def year(year: int) -> Period:
        return Period(date(year, 1, 1), date(year, 12, 31), "year")

    @staticmethod
    def containing(d: date, kind: PeriodKind) -> Period:
        if kind == "day":
            return Period.day(d)
        if kind == "month":
            return Period.month(d.year, d.month)
        if kind == "quarter":
            return Period.quarter(d.year, (d.month - 1) // 3 + 1)
        return Period.year(d.year)

    def __str__(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year:04d}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year:04d}"

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def subperiods(self, kind: PeriodKind) -> list[Period]:
        """The periods of `kind` that lie inside this one, in order (empty if kind is longer)."""
        if KIND_ORDER[kind] > KIND_ORDER[self.kind]:
            return []
        out: list[Period] = []
        cur = self.start
        while cur <= self.end:
            p = Period.containing(cur, kind)
            out.append(p)
            cur = p.end + timedelta(days=1)
        return out

    def enclosing(self, kind: PeriodKind) -> Period:
        """The period of `kind` that contains this one's start."""
        return Period.containing(self.start, kind)

    def is_closed(self, today: date) -> bool:
        """Closed once it has ended: `today` is the as-of date in the org's timezone."""
        return today > self.end

    def days_after_end(self, n: int) -> date:
        """'N days after the end of a period' counts from its last day."""
        return self.end + timedelta(days=n)
