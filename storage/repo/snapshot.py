"""The read side of every event, held per process: org, identities, preferences, open reviews.

Why: rebuilding the org, resolving the user and reading their settings and assignment took
most of an event's time (several queries and ORM objects per click). A `Snapshot` holds them
in plain frozen objects, tagged with the `snapshot_generation` value it was built at. Every
write to a table it holds bumps that counter in the writing transaction (database triggers,
migration 0006), so a snapshot is exactly current while the counter still has its value:
`SnapshotCache.get` checks that with one primary-key read per event and rebuilds after any
change, made by this replica or any other. `peek` returns the cached one without a query,
for callers that re-check the generation inside their own write transaction (the batched
fast path) — there is no staleness window, only a re-run on the general path.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from scoring.model import Org
from storage.repo.scoring_inputs import current_org
from storage.tables import (
    MemberIdentity,
    MemberPreference,
    MemberRecord,
    ReviewAssignment,
    ReviewCycle,
)

_GENERATION = "SELECT value FROM snapshot_generation WHERE id = 1"
T = TypeVar("T")


def read_generation(conn: Connection) -> int:
    """The counter's committed value as this transaction sees it (-1 if its row is missing:
    then nothing is cached)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:  # on the driver: one read per event, where SQLAlchemy's round cost more
        cursor.execute(_GENERATION)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return -1 if row is None or row[0] is None else int(row[0])


@dataclass(frozen=True)
class Prefs:
    """A member's `/perf settings` choices (None = fall back to the config)."""

    locale: str | None
    timezone: str | None
    nudges: bool


@dataclass(frozen=True)
class CycleWindow:
    quarter: str
    opens_at: datetime
    closes_at: datetime
    state: str


@dataclass(frozen=True)
class AssignmentRef:
    id: int
    cycle: str
    rater_id: str
    ratee_id: str
    kind: str


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What events read and rarely change, as of `generation`."""

    generation: int
    org: Org
    identities: Mapping[tuple[str, str], str]
    """(platform, platform user id) → id of an active member."""
    preferences: Mapping[str, Prefs]
    cycles: Mapping[str, CycleWindow]
    """Every review cycle, by quarter."""
    assignments: Mapping[int, AssignmentRef]
    """Assignments of the cycles in state `open` (others are read from the store)."""
    derived: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    """Values computed from this snapshot alone (`memo`)."""

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, once per snapshot: a member's settings or a ratee's criteria are
        asked for on every click and cannot change while the snapshot is current."""
        try:
            return cast(T, self.derived[key])
        except KeyError:
            value = self.derived[key] = compute()
            return value

    def member_for(self, platform: str, user_id: str) -> str | None:
        member = self.identities.get((platform, user_id))
        return member if member is not None and member in self.org.members else None


def load_snapshot(session: Session) -> Snapshot:
    """Build a snapshot; the generation is read first, so the data is at least that new."""
    generation = read_generation(session.connection())
    org = current_org(session)
    ids = select(MemberIdentity.platform, MemberIdentity.platform_user_id, MemberIdentity.member_id)
    identities = {
        (p, u): m
        for p, u, m in session.exec(
            ids.join(MemberRecord, col(MemberRecord.id) == col(MemberIdentity.member_id)).where(
                col(MemberRecord.active).is_(True)
            )
        )
    }
    prefs = {
        p.member_id: Prefs(p.locale, p.timezone, p.nudges)
        for p in session.exec(select(MemberPreference))
    }
    cycles = {
        c.quarter: CycleWindow(c.quarter, c.opens_at, c.closes_at, c.state)
        for c in session.exec(select(ReviewCycle))
    }
    open_cycles = [q for q, c in cycles.items() if c.state == "open"]
    assignments: dict[int, AssignmentRef] = {}
    if open_cycles:
        stmt = select(ReviewAssignment).where(col(ReviewAssignment.cycle).in_(open_cycles))
        for a in session.exec(stmt):
            if a.id is not None:
                assignments[a.id] = AssignmentRef(a.id, a.cycle, a.rater_id, a.ratee_id, a.kind)
    return Snapshot(generation, org, identities, prefs, cycles, assignments)


class SnapshotCache:
    """The process's snapshot of one engine's store."""

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def peek(self) -> Snapshot | None:
        """The cached snapshot, unchecked (the caller validates its generation later)."""
        return self._snapshot

    def get(self, session: Session) -> Snapshot:
        """A snapshot current for `session`'s transaction (raises NoOrgError without an org)."""
        generation = read_generation(session.connection())
        cached = self._snapshot
        if cached is not None and cached.generation == generation >= 0:
            return cached
        return self.refresh(session)

    def refresh(self, session: Session) -> Snapshot:
        fresh = load_snapshot(session)
        with self._lock:
            current = self._snapshot
            if current is None or fresh.generation >= current.generation:
                self._snapshot = fresh
        return fresh

    def clear(self) -> None:
        self._snapshot = None


_caches: weakref.WeakKeyDictionary[Engine, SnapshotCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def snapshot_cache(engine: Engine) -> SnapshotCache:
    """One cache per engine (like its pool): every thread of the process shares it."""
    cache = _caches.get(engine)  # every event asks: no lock once the cache exists
    if cache is not None:
        return cache
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = SnapshotCache()
        return cache
