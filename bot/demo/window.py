"""The calendar of the demo: which months and quarters the data covers, seen from `today`.

Everything date-dependent in the demo (data range, review cycles, the newcomer's joining
date, the leave month, the periods of calibrations) derives from here, so one `today`
gives one consistent story — also across a year boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.demo.roster import Person
from scoring.periods import Period


def previous_quarter(q: Period) -> Period:
    return Period.containing(q.start - timedelta(days=1), "quarter")


@dataclass(frozen=True)
class Window:
    """Two closed quarters plus the open current quarter up to `today`."""

    today: date
    this_quarter: Period
    last_quarter: Period
    quarter_before: Period
    months: tuple[Period, ...]
    joined: date
    """When the newcomer joined: the first day of the previous month."""
    leave: Period
    """The month the member on leave is away: the middle month of the last closed quarter."""

    @staticmethod
    def for_today(today: date) -> Window:
        this_q = Period.containing(today, "quarter")
        last_q = previous_quarter(this_q)
        before_q = previous_quarter(last_q)
        months = tuple(
            m for q in (before_q, last_q, this_q) for m in q.subperiods("month") if m.start <= today
        )
        this_month = Period.containing(today, "month")
        joined = Period.containing(this_month.start - timedelta(days=1), "month").start
        leave = last_q.subperiods("month")[1]
        return Window(today, this_q, last_q, before_q, months, joined, leave)

    @property
    def cycles(self) -> tuple[Period, Period]:
        """The review cycles: the last two closed quarters, oldest first."""
        return (self.quarter_before, self.last_quarter)

    @property
    def quarters(self) -> tuple[Period, Period, Period]:
        return (self.quarter_before, self.last_quarter, self.this_quarter)

    @property
    def years(self) -> tuple[Period, ...]:
        return tuple(sorted({Period.containing(m.start, "year") for m in self.months}))

    def fraction(self, period: Period) -> float:
        """How much of `period` has passed by `today` (1 for a closed period)."""
        if period.is_closed(self.today):
            return 1.0
        elapsed = (self.today - period.start).days + 1
        return elapsed / ((period.end - period.start).days + 1)

    def is_member(self, person: Person, period: Period) -> bool:
        """Whether the person works during (part of) the period: joined and not on leave."""
        if person.profile == "newcomer" and period.end < self.joined:
            return False
        return not (person.profile == "leave" and self.leave.contains(period))

    def is_current(self, period: Period) -> bool:
        return period.start <= self.today <= period.end
