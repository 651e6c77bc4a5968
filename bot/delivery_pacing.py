"""Pacing: every send takes a slot from each rate scope it belongs to, shared through the database.

Each scope (a platform's app budget, one Slack channel, one WeCom member…) is a GCRA
schedule — a token bucket written as one number, the *theoretical arrival time* `tat` of
the next send. A send may go at `tat - tolerance` (the burst), and moves `tat` on by one
interval. Slots are reserved when rows are claimed, under a row lock on the scopes
(`rate_bucket`, `SELECT … FOR UPDATE` on PostgreSQL), so N replicas together stay within
one budget: a claim hands out a whole batch of slots in one transaction, which amortizes
the round trip. SQLite has one process, so the same table is uncontended there.

The limits are the platforms' published ones, with a margin (one token less burst, a few
percent longer intervals) so that network jitter between our clock and theirs never turns
a planned send into a 429. WeCom silently drops messages beyond its per-member quotas, so
its member scopes are strict sliding-window bounds: `burst + window / interval ≤ quota`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.tables import RateBucket

T = TypeVar("T")


@dataclass(frozen=True)
class Rate:
    """`burst` sends at once, then one per `interval` seconds."""

    interval: float
    burst: int = 1

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval

    @classmethod
    def per_minute(cls, count: float, burst: int) -> Rate:
        return cls(60.0 / max(count, 1e-9), burst)


# Slack chat.postMessage: ~1/s per channel with short bursts (the fake and Slack allow 3).
SLACK_CHANNEL = Rate(1.0, burst=2)
SLACK_APP_BURST = 8
# Feishu: 5/s per user or group; 50/s and PERFBOT_FEISHU_MAX_PER_MINUTE per app.
FEISHU_TARGET = Rate(0.2, burst=4)
FEISHU_APP_BURST = 20
# WeCom: 30 per member per minute and 1000 per hour, silently dropped beyond:
# 4 + 60/2.4 = 29 per minute, 20 + 3600/3.7 = 993 per hour, in any window.
WECOM_MEMBER_MINUTE = Rate(2.4, burst=4)
WECOM_MEMBER_HOUR = Rate(3.7, burst=20)
# Group robots take 20 per minute (4 + 60/4 = 19); app group chats far more.
WECOM_ROBOT = Rate(4.0, burst=4)
WECOM_APPCHAT = Rate(0.35, burst=5)
WECOM_APP_BURST = 20


@dataclass(frozen=True)
class Limits:
    """App-wide budgets per platform (messages per minute), from `PERFBOT_*_MAX_PER_MINUTE`."""

    per_minute: Mapping[str, float] = field(
        default_factory=lambda: {"slack": 300.0, "feishu": 1000.0, "wecom": 1000.0}
    )

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        return cls(
            {
                "slack": float(settings.slack_max_per_minute),
                "feishu": float(settings.feishu_max_per_minute),
                "wecom": float(settings.wecom_max_per_minute),
            }
        )

    def app_rate(self, platform: str) -> Rate:
        count = self.per_minute.get(platform, 60.0)
        if platform == "slack":
            return Rate.per_minute(count, SLACK_APP_BURST)
        if platform == "feishu":
            return Rate(max(60.0 / count, 1 / 50), FEISHU_APP_BURST)
        if platform == "wecom":
            return Rate.per_minute(count, WECOM_APP_BURST)
        return Rate.per_minute(count, 1)

    def scopes(self, platform: str, target: str) -> list[tuple[str, Rate]]:
        """Every scope a send of `platform` to `target` takes a slot from."""
        out = [(f"{platform}:app", self.app_rate(platform))]
        kind = target.partition(":")[0]
        if platform == "slack":
            out.append((f"slack:to:{target}", SLACK_CHANNEL))
        elif platform == "feishu":
            out.append((f"feishu:to:{target}", FEISHU_TARGET))
        elif platform == "wecom" and kind == "user":
            out.append((f"wecom:min:{target}", WECOM_MEMBER_MINUTE))
            out.append((f"wecom:hour:{target}", WECOM_MEMBER_HOUR))
        elif platform == "wecom" and kind == "webhook":
            out.append((f"wecom:to:{target}", WECOM_ROBOT))
        elif platform == "wecom":
            out.append((f"wecom:to:{target}", WECOM_APPCHAT))
        return out


def earliest(tats: Mapping[str, float], scopes: Iterable[tuple[str, Rate]], now: float) -> float:
    """The first moment every scope allows one more send."""
    at = now
    for key, rate in scopes:
        at = max(at, tats.get(key, now) - rate.tolerance)
    return at


def take(tats: dict[str, float], scopes: Iterable[tuple[str, Rate]], at: float) -> None:
    """Book a send at `at` in each scope (GCRA: tat = max(tat, at) + interval)."""
    for key, rate in scopes:
        tats[key] = max(tats.get(key, at), at) + rate.interval


def plan(
    tats: dict[str, float],
    rows: Sequence[tuple[T, list[tuple[str, Rate]]]],
    now: float,
    horizon: float,
    limit: int,
) -> list[tuple[T, float]]:
    """Book slots for up to `limit` rows, the earliest-possible first, within `horizon` s.

    Booking in queue order let a row held back by its channel (a reviewer's third request
    within a second) move the app budget's schedule past the slots it skipped, and those
    slots were lost for everyone: a fan-out queued person by person ran at about 0.8 of
    the app budget. So the row that can go soonest is booked first, and among rows that
    can go at the same moment the one whose target has most rows waiting (its channel is
    the long pole of the batch), as in the optimal schedule of two token buckets. Rows of
    one target (its most specific scope, the last) keep their queue order."""
    groups: dict[str, deque[tuple[T, list[tuple[str, Rate]]]]] = {}
    for row in rows:
        groups.setdefault(row[1][-1][0] if row[1] else "", deque()).append(row)
    out: list[tuple[T, float]] = []
    while groups and len(out) < limit:

        def rank(k: str) -> tuple[float, int]:
            return earliest(tats, groups[k][0][1], now), -len(groups[k])

        key = min(groups, key=rank)  # the first of equals: queue order
        at = rank(key)[0]
        if at > now + horizon:
            break
        item, scopes = groups[key].popleft()
        if not groups[key]:
            del groups[key]
        take(tats, scopes, at)
        out.append((item, at))
    return out


def pause(tats: dict[str, float], scopes: Iterable[tuple[str, Rate]], until: float) -> None:
    """No send in these scopes before `until` (a 429's Retry-After)."""
    for key, rate in scopes:
        tats[key] = max(tats.get(key, until), until + rate.tolerance)


def db_now(session: Session) -> float:
    """Seconds since the epoch by the database's clock, shared by every replica."""
    if session.get_bind().dialect.name == "postgresql":
        stmt = sa.text("SELECT extract(epoch FROM clock_timestamp())")
        return float(session.execute(stmt).scalar_one())
    import time

    return time.time()


def lock_buckets(session: Session, keys: Iterable[str]) -> dict[str, float]:
    """The scopes' `tat`s, row-locked until the transaction ends (created when missing).

    Keys are locked in sorted order, so two claimers never wait on each other in a cycle.
    """
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(RateBucket)
        .values([{"scope": k, "tat": 0.0} for k in wanted])
        .on_conflict_do_nothing()
    )
    col = RateBucket.__table__.c  # type: ignore[attr-defined]
    stmt = sa.select(col.scope, col.tat).where(col.scope.in_(wanted)).order_by(col.scope)
    rows = session.execute(stmt.with_for_update()).all()
    return {r.scope: float(r.tat) for r in rows}


def save_buckets(session: Session, before: Mapping[str, float], after: Mapping[str, float]) -> None:
    """Write back the scopes whose schedule moved."""
    table = RateBucket.__table__  # type: ignore[attr-defined]
    changed = [{"k": k, "t": v} for k, v in after.items() if before.get(k) != v]
    if changed:
        stmt = (
            table.update().where(table.c.scope == sa.bindparam("k")).values(tat=sa.bindparam("t"))
        )
        session.execute(stmt, changed)


def pause_scopes(session: Session, scopes: list[tuple[str, Rate]], seconds: float) -> None:
    """Hold every replica's sends in these scopes for `seconds` (honouring a Retry-After)."""
    tats = lock_buckets(session, (k for k, _ in scopes))
    before = dict(tats)
    pause(tats, scopes, db_now(session) + seconds)
    save_buckets(session, before, tats)
