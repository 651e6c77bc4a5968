"""Group commit (handlers.groupcommit): one transaction for a batch of events, each event
all-or-nothing in its own savepoint, every caller answered only after the COMMIT."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

import pytest
from sqlmodel import Session, select

from handlers import groupcommit
from handlers.dispatch import Inbound, dispatch_grouped
from handlers.groupcommit import GroupCommit, group_commit
from storage.repo.deliveries import claim_delivery
from storage.tables import ProcessedDelivery
from tests.handlers.conftest import World


def _claim(delivery: str, fail: bool = False) -> Any:
    def work(session: Session) -> str:
        claim_delivery(session, platform="bench", delivery_id=delivery)
        if fail:
            raise ValueError(f"{delivery} failed")
        return delivery

    return work


def _stored(world: World) -> set[str]:
    with Session(world.engine) as s:
        stmt = select(ProcessedDelivery.delivery_id).where(ProcessedDelivery.platform == "bench")
        return set(s.exec(stmt))


def test_a_failed_event_rolls_back_only_its_own_savepoint(world: World) -> None:
    writer = GroupCommit(world.engine)
    batch: list[tuple[Future[Any], Any]] = [
        (Future(), _claim("a")),
        (Future(), _claim("b", fail=True)),
        (Future(), _claim("c")),
        (Future(), _claim("a")),  # the same delivery twice in one batch: claimed once
    ]
    writer._run_batch(batch)
    assert [f.result() for f, _ in batch if f is not batch[1][0]] == ["a", "c", "a"]
    with pytest.raises(ValueError, match="b failed"):
        batch[1][0].result()
    assert _stored(world) == {"a", "c"}


def test_a_failed_commit_fails_every_event_of_the_batch(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FailingCommit(Session):
        def commit(self) -> None:
            raise RuntimeError("disk full")

    monkeypatch.setattr(groupcommit, "Session", FailingCommit)
    writer = GroupCommit(world.engine)
    batch: list[tuple[Future[Any], Any]] = [(Future(), _claim("x")), (Future(), _claim("y"))]
    writer._run_batch(batch)
    for future, _ in batch:
        with pytest.raises(RuntimeError, match="disk full"):
            future.result()
    assert _stored(world) == set()


async def test_grouped_dispatch_answers_after_the_commit(world: World) -> None:
    platform, user_id = world.identity("li.na")
    inbounds = [
        Inbound(
            platform=platform, user_id=user_id, kind="command", name="help", delivery_id=f"g{n}"
        )
        for n in range(6)
    ]
    answers = await asyncio.gather(
        *(dispatch_grouped(world.deps, i, world.routes) for i in inbounds)
    )
    assert all(answers)  # help is answered for every event
    with Session(world.engine) as s:
        stmt = select(ProcessedDelivery.delivery_id).where(ProcessedDelivery.platform == platform)
        assert {f"g{n}" for n in range(6)} <= set(s.exec(stmt))
    retried = await dispatch_grouped(world.deps, inbounds[0], world.routes)
    assert retried == []  # the claim committed: a retry is dropped
    assert group_commit(world.engine).events >= 7
