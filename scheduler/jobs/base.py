"""What every job shares: its result, the people it may message, and "is it due now?".

A job is `run(deps, now) -> JobResult`: it looks at the calendar and the database as of
`now`, writes outbox rows under deterministic idempotency keys, and commits. Due means
"the moment has passed and this person is not inside their quiet hours", so a run that
was missed (a restart, a leader change) catches up on the next one, and a second run —
or a second replica — finds every key already queued and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.context import Deps, member_settings
from handlers.review_assign import away
from scheduler.calendar import in_quiet_hours
from scoring.model import Org
from storage.db import session_scope
from storage.orgconfig import OrgConfig
from storage.repo.config import current_config
from storage.repo.scoring_inputs import current_org


@dataclass
class JobResult:
    """How many things a run did, by kind (`{"reminders": 3, "nudges": 1}`)."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int | bool = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + int(n)

    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Person:
    """A member as a job sees them: where and how to talk to them at `now`."""

    id: str
    locale: str
    tz: str
    nudges: bool

    def today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.tz)).date()


@dataclass
class World:
    """One job run's view: session, org, config and per-person settings (loaded lazily)."""

    session: Session
    org: Org
    config: OrgConfig
    now: datetime
    _people: dict[str, Person] = field(default_factory=dict)

    def person(self, member_id: str) -> Person:
        if member_id not in self._people:
            locale, tz, nudges = member_settings(self.session, self.org, member_id)
            self._people[member_id] = Person(member_id, locale, tz, nudges)
        return self._people[member_id]

    def quiet(self, member_id: str) -> bool:
        """Inside the member's quiet hours now (then nothing is sent; the next run will)."""
        p = self.person(member_id)
        return in_quiet_hours(self.now, p.tz, self.config.schedule.quiet_hours)

    def away(self, member_id: str) -> bool:
        """Not joined yet, already left, or on leave on their local today."""
        return away(self.org.members[member_id], self.person(member_id).today(self.now))

    def org_today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.org.timezone)).date()

    def managers(self) -> list[str]:
        """Members who are someone's direct manager, config order."""
        direct = {self.org.manager_of(m) for m in self.org.members}
        return [m for m in self.org.members if m in direct]

    def direct_reports(self, manager_id: str) -> list[str]:
        return [
            m for m in self.org.members if self.org.manager_of(m) == manager_id and m != manager_id
        ]

    def name(self, member_id: str) -> str:
        m = self.org.members.get(member_id)
        return (m.name or member_id) if m else member_id


@contextmanager
def world(deps: Deps, now: datetime) -> Iterator[World]:
    """One transaction: everything a run writes commits together or not at all."""
    with session_scope(deps.engine) as session:
        yield World(session, current_org(session), current_config(session), now)
