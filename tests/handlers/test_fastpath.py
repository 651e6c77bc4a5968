"""The fast path of `review.submit`: the same answers as `dispatch`, durable before they
return, and never fooled by a snapshot another replica has made stale."""

from __future__ import annotations

import asyncio
import itertools
import os
import sqlite3
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from handlers import batchwriter
from handlers.batchwriter import FastJob, batch_writer
from handlers.cards import Reply
from handlers.context import Write
from handlers.dispatch import Inbound, dispatch
from handlers.fastpath import dispatch_fast, dispatch_fast_sync, plan
from handlers.review import criteria_for
from handlers.review_cycle import open_cycle
from storage.db import session_scope
from storage.repo.reviews import assignments
from storage.repo.snapshot import read_generation, snapshot_cache
from storage.tables import (
    MemberPreference,
    ProcessedDelivery,
    RatingRecord,
    ReviewAssignment,
    ReviewCycle,
)
from tests.handlers.conftest import World

Q = "2026-Q4"
_ids = itertools.count(1)


def _open(world: World) -> list[ReviewAssignment]:
    with session_scope(world.engine) as s:
        open_cycle(s, world.org, Q, world.clock.now)
        rows = assignments(s, cycle=Q)
        s.expunge_all()
    with session_scope(world.engine) as s:
        snapshot_cache(world.engine).get(s)  # what a first (general-path) event leaves behind
    return rows


def _inbound(
    world: World, who: str, values: dict[str, str], meta: str, delivery: str | None = None
) -> Inbound:
    platform, uid = world.identity(who)
    return Inbound(
        platform=platform,
        user_id=uid,
        kind="form",
        name="review.submit",
        values=values,
        meta=meta,
        delivery_id=delivery or f"fast{next(_ids)}",
    )


def _good(world: World, a: ReviewAssignment, value: int = 3) -> dict[str, str]:
    return {c: str(value) for c in criteria_for(world.org, a.ratee_id, a.kind)}


def _stored_values(world: World, a: ReviewAssignment) -> list[int]:
    """The rating values stored for assignment `a`, sorted."""
    with world.session() as s:
        values = s.exec(
            select(RatingRecord.value).where(
                RatingRecord.cycle == Q,
                RatingRecord.rater_id == a.rater_id,
                RatingRecord.ratee_id == a.ratee_id,
            )
        ).all()
    return sorted(values)


def _other_replica(world: World) -> Engine:
    """A second engine on the same store: what another replica (or the CLI) writes with."""
    return sa.create_engine(world.engine.url, poolclass=sa.NullPool)


def _both(world: World, who: str, values: dict[str, str], meta: str) -> tuple[Reply, ...]:
    """The fast path's answer, checked equal to `dispatch`'s for the same submission."""
    fast = dispatch_fast_sync(world.deps, _inbound(world, who, values, meta), world.routes)
    slow = dispatch(world.deps, _inbound(world, who, values, meta), world.routes)
    assert fast == slow
    return tuple(fast)


def test_submission_is_durable_when_the_answer_returns(world: World) -> None:
    a = _open(world)[0]
    inbound = _inbound(world, a.rater_id, _good(world, a, 4), str(a.id))
    assert plan(world.deps, inbound, world.routes) is not None  # decided on the snapshot
    replies = dispatch_fast_sync(world.deps, inbound, world.routes)
    assert [type(r).__name__ for r in replies] == ["UpdateSource"]
    other = _other_replica(world)
    with Session(other) as s:  # a fresh connection: only committed rows are visible
        rows = s.exec(
            select(RatingRecord).where(RatingRecord.cycle == Q, RatingRecord.rater_id == a.rater_id)
        ).all()
        claim = s.exec(
            select(ProcessedDelivery).where(ProcessedDelivery.delivery_id == inbound.delivery_id)
        ).one_or_none()
    other.dispose()
    mine = {r.criterion: str(r.value) for r in rows if r.ratee_id == a.ratee_id}
    assert mine == _good(world, a, 4)
    assert claim is not None


async def test_async_path_answers_after_commit_and_drops_retries(world: World) -> None:
    a = _open(world)[0]
    inbound = _inbound(world, a.rater_id, _good(world, a, 2), str(a.id))
    first = await dispatch_fast(world.deps, inbound, world.routes)
    assert first
    assert (await dispatch_fast(world.deps, inbound, world.routes)) == []
    assert set(_stored_values(world, a)) == {2}


def test_refusals_are_the_same_as_dispatch(world: World) -> None:
    rows = _open(world)
    a = rows[0]
    stranger = next(m for m in world.org.members if m not in (a.rater_id, a.ratee_id))
    good = _good(world, a)
    first = next(iter(good))
    cases = [
        (a.ratee_id, good, str(a.id)),  # the ratee submitting their own review: self-review
        (stranger, good, str(a.id)),  # not the assigned rater
        (a.rater_id, good, "999999"),  # no such assignment (read from the store)
        (a.rater_id, good, "x1"),  # forged metadata
        (a.rater_id, {**good, first: "9"}, str(a.id)),  # out of range
        (a.rater_id, {**good, first: "2.5"}, str(a.id)),  # not an integer
        (a.rater_id, {k: v for k, v in good.items() if k != first}, str(a.id)),  # missing
        (a.rater_id, {**good, "bogus": "3"}, str(a.id)),  # a field the form did not offer
    ]
    for who, values, meta in cases:
        replies = _both(world, who, values, meta)
        assert type(replies[0]).__name__ in ("Ephemeral", "FormErrors")
    with world.session() as s:
        assert s.exec(select(RatingRecord).where(RatingRecord.cycle == Q)).all() == []


def test_closed_window_is_refused_on_both_paths(world: World) -> None:
    a = _open(world)[0]
    world.clock.now = world.clock.now + timedelta(days=400)
    replies = _both(world, a.rater_id, _good(world, a), str(a.id))
    assert type(replies[0]).__name__ == "Ephemeral"


def test_snapshot_sees_another_replicas_change(world: World) -> None:
    _open(world)
    cache = snapshot_cache(world.engine)
    member = next(iter(world.org.members))
    before = cache.peek()
    assert before is not None
    assert member not in before.preferences
    other = _other_replica(world)
    with Session(other) as s:
        s.add(MemberPreference(member_id=member, locale="zh-CN", timezone="Asia/Shanghai"))
        s.commit()
        assert read_generation(s.connection()) > before.generation
    other.dispose()
    with session_scope(world.engine) as s:
        after = cache.get(s)
    assert after.generation > before.generation
    assert after.preferences[member].locale == "zh-CN"


def test_stale_snapshot_is_replayed_on_the_general_path(world: World) -> None:
    a = _open(world)[0]
    inbound = _inbound(world, a.rater_id, _good(world, a), str(a.id))
    job = plan(world.deps, inbound, world.routes)
    assert job is not None
    assert job.writes
    other = _other_replica(world)
    with Session(other) as s:  # another replica closes the cycle after the plan was made
        cycle = s.get(ReviewCycle, Q)
        assert cycle is not None
        cycle.state = "closed"
        s.add(cycle)
        s.commit()
    other.dispose()
    writer = batch_writer(world.engine)
    replayed = writer.replayed
    replies = writer.call(job)
    assert writer.replayed == replayed + 1
    assert type(replies[0]).__name__ == "Ephemeral"  # window closed, decided on the store
    with world.session() as s:
        assert s.exec(select(RatingRecord).where(RatingRecord.cycle == Q)).all() == []


class _Boom:
    order: ClassVar[int] = 50

    @classmethod
    def apply_all(cls, conn: Connection, writes: Sequence[Any]) -> None:
        raise RuntimeError("boom")


def test_a_failing_job_fails_alone(world: World) -> None:
    rows = _open(world)
    first, second = (
        plan(world.deps, _inbound(world, a.rater_id, _good(world, a), str(a.id)), world.routes)
        for a in rows[:2]
    )
    assert first is not None
    assert second is not None
    writes: list[Write] = [*second.writes, _Boom()]
    bad = FastJob(
        second.inbound, world.deps, world.routes, second.generation, second.replies, writes
    )
    writer = batch_writer(world.engine)
    with world.engine.connect() as conn:
        outcomes = writer._write(conn, [first, bad])
    assert outcomes[0] == first.replies
    assert isinstance(outcomes[1], RuntimeError)
    with world.session() as s:
        raters = {r.rater_id for r in s.exec(select(RatingRecord).where(RatingRecord.cycle == Q))}
        claims = {c.delivery_id for c in s.exec(select(ProcessedDelivery))}
    assert raters == {rows[0].rater_id}
    assert first.inbound.delivery_id in claims
    assert bad.inbound.delivery_id not in claims


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # WAL checkpoints are SQLite's
async def test_inline_commits_leave_wal_checkpoints_to_a_worker_thread(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: the loop's commits run no checkpoint (its fsync would stall every request);
    the writer copies the WAL back in a thread, so the WAL stays bounded, and every pooled
    connection keeps SQLite's automatic checkpoint."""
    monkeypatch.setattr(batchwriter, "CHECKPOINT_EVERY", 4)
    rows = _open(world)
    writer = batch_writer(world.engine)

    async def submit(n: int) -> None:
        a = rows[n % len(rows)]
        await dispatch_fast(world.deps, _inbound(world, a.rater_id, _good(world, a), str(a.id)),
                            world.routes)  # fmt: skip

    for n in range(40):
        await submit(n)
    await _checkpoints_settled(writer, more_than=0)
    done = writer.checkpoints
    for n in range(4):  # one of these starts a checkpoint after the first 40 committed
        await submit(n)
    await _checkpoints_settled(writer, more_than=done)
    inline = writer._inline_conn
    assert inline is not None
    assert inline.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
    with world.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 1000
    assert _claims_in_database_file(world.engine) >= 40  # none without the checkpoints


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite's one write lock
async def test_a_locked_store_sends_the_batch_to_the_writer_thread(world: World) -> None:
    """Another connection holds the write lock: the loop does not wait for it (its own
    connection has no busy timeout), the writer thread does, and the answer still comes
    after the commit; the loop keeps running meanwhile."""
    a = _open(world)[0]
    writer = batch_writer(world.engine)
    await dispatch_fast(
        world.deps, _inbound(world, a.rater_id, _good(world, a), str(a.id)), world.routes
    )  # the first event opens the loop's connection
    blocker = sqlite3.connect(str(world.engine.url.database), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    event = _inbound(world, a.rater_id, _good(world, a, 4), str(a.id))
    task = asyncio.ensure_future(dispatch_fast(world.deps, event, world.routes))
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(20):  # 0.2 s with the lock held: the loop turns, the event waits
        await asyncio.sleep(0.01)
    assert loop.time() - started < 2  # a loop waiting out the 5 s busy timeout would not
    assert not task.done()
    blocker.execute("COMMIT")
    blocker.close()
    assert await asyncio.wait_for(task, 10)  # answered once the thread committed
    assert _stored_values(world, a) == [4] * len(_good(world, a))
    inline = writer._inline_conn
    assert inline is not None
    assert inline.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_disposing_the_engine_closes_the_loops_connection(world: World) -> None:
    a = _open(world)[0]
    await dispatch_fast(world.deps, _inbound(world, a.rater_id, _good(world, a), str(a.id)),
                        world.routes)  # fmt: skip
    writer = batch_writer(world.engine)
    inline = writer._inline_conn
    assert inline is not None
    assert not inline.closed
    world.engine.dispose()
    assert inline.closed
    assert writer._inline_conn is None


async def _checkpoints_settled(writer: batchwriter.BatchWriter, *, more_than: int) -> None:
    """Wait (10 s at most) for a checkpoint past `more_than`, and none in flight."""
    for _ in range(1000):
        if writer.checkpoints > more_than and not writer._checkpointing:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{writer.checkpoints} checkpoints, in flight: {writer._checkpointing}")


def _claims_in_database_file(engine: Engine) -> int:
    """Claims in the database file itself, WAL ignored: what checkpoints copied there."""
    path = os.path.abspath(str(engine.url.database))
    main_file = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return int(main_file.execute("SELECT count(*) FROM processed_delivery").fetchone()[0])
    finally:
        main_file.close()


def test_two_submissions_of_one_form_in_one_batch_keep_the_later(world: World) -> None:
    """Both are new deliveries, so both count; the rows end as the later one left them
    (PostgreSQL refuses a statement that upserts one row twice: the writer must not)."""
    a = _open(world)[0]
    jobs = [
        plan(world.deps, _inbound(world, a.rater_id, _good(world, a, v), str(a.id)), world.routes)
        for v in (2, 5)
    ]
    assert all(j is not None for j in jobs)
    writer = batch_writer(world.engine)
    with world.engine.connect() as conn:
        conn.begin()  # the grouped statements alone: no job-by-job replay to hide a failure
        outcomes = writer._attempt(conn, [j for j in jobs if j is not None], grouped=True)
        conn.commit()
    assert all(isinstance(o, list) and o for o in outcomes)
    assert _stored_values(world, a) == [5] * len(_good(world, a))
