"""The dispatcher on its own: paced fan-out near the limits' bound, 429s honoured, in-call
retries, leases that expire, SKIP LOCKED claims that never overlap, the outbox CLI."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.delivery import Dispatcher
from bot.delivery_pacing import Limits
from bot.platforms.slack import SlackSender, make_client
from handlers.cardjson import to_json
from handlers.cards import Card, Text
from storage.db import session_scope
from storage.repo.outbox import enqueue
from storage.tables import OutboxMessage
from tests.fakes.limits import Limit
from tests.fakes.slack_api import DEFAULT_TOKEN, FakeSlackAPI


def _queue(engine: Engine, targets: list[str], prefix: str = "k") -> None:
    with session_scope(engine) as session:
        for i, target in enumerate(targets):
            card = to_json(Card(blocks=(Text(f"secret body {i}"),)))
            enqueue(
                session,
                platform="slack",
                target=target,
                card=card,
                idempotency_key=f"{prefix}:{i}",
                not_before=datetime.now(UTC) - timedelta(seconds=1),
            )


def _dispatcher(engine: Engine, fake: FakeSlackAPI, per_minute: float, **kw: object) -> Dispatcher:
    sender = SlackSender(make_client(DEFAULT_TOKEN, fake.url + "/api/"))
    limits = Limits({"slack": per_minute})
    return Dispatcher(engine, [sender], limits=limits, **kw)  # type: ignore[arg-type]


async def _drain(outbox: Dispatcher, expected: int, within: float = 30.0) -> None:
    loop = asyncio.create_task(outbox.run_forever(0.05))
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline:
            states = _states(outbox.engine)
            if states.get("sent", 0) >= expected:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"not drained: {_states(outbox.engine)}")
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)


def _states(engine: Engine) -> dict[str, int]:
    from bot.delivery_store import depth

    return depth(engine)


async def test_fan_out_takes_about_the_time_the_limits_impose(engine: Engine) -> None:
    n, rate = 60, 20.0  # the fake: 20/s app-wide with a burst of 10; we plan 20/s too
    with FakeSlackAPI(app_limit=Limit.per_second(rate, burst=10)) as fake:
        _queue(engine, [f"user:U{i:04d}" for i in range(n)])
        outbox = _dispatcher(engine, fake, per_minute=rate * 60)
        start = time.monotonic()
        await _drain(outbox, n)
        elapsed = time.monotonic() - start
        bound = (n - 10) / rate
        assert elapsed <= 1.1 * bound + 0.5, (elapsed, bound)
        statuses = [c.status for c in fake.calls_to("chat.postMessage")]
        assert statuses.count(429) <= 0.02 * n
        assert fake.duplicates == 0
        assert len(fake.delivered) == n


async def test_one_channel_is_paced_at_one_per_second(engine: Engine) -> None:
    with FakeSlackAPI() as fake:  # 1/s per channel, burst 3, 429 beyond
        _queue(engine, ["channel:C0TEAM"] * 4)
        start = time.monotonic()
        await _drain(_dispatcher(engine, fake, per_minute=600), 4)
        assert 1.8 <= time.monotonic() - start <= 3.5
        assert all(c.status == 200 for c in fake.calls_to("chat.postMessage"))


async def test_429_pauses_the_scope_and_the_row_is_sent_once(engine: Engine) -> None:
    with FakeSlackAPI(channel_limit=Limit.per_second(1, burst=1)) as fake:
        _queue(engine, ["channel:C0TEAM"] * 2)
        outbox = _dispatcher(engine, fake, per_minute=600)
        outbox.limits = Limits({"slack": 600})
        from bot import delivery_pacing

        old = delivery_pacing.SLACK_CHANNEL
        delivery_pacing.SLACK_CHANNEL = delivery_pacing.Rate(0.01, burst=5)  # plan too fast
        try:
            await _drain(outbox, 2)
        finally:
            delivery_pacing.SLACK_CHANNEL = old
        assert outbox.metrics.rate_limited.labels(platform="slack")._value.get() >= 1
        assert fake.duplicates == 0
        assert len(fake.delivered) == 2


async def test_5xx_is_retried_within_the_call(engine: Engine) -> None:
    with FakeSlackAPI() as fake:
        _queue(engine, ["user:U0001"])
        fake.fail_next(2)
        outbox = _dispatcher(engine, fake, per_minute=600)
        assert await outbox.run_once() == 1
        assert outbox.metrics.retries.labels(platform="slack")._value.get() == 2
        assert len(fake.delivered) == 1


async def test_expired_lease_is_claimed_again(engine: Engine) -> None:
    with FakeSlackAPI() as fake:
        _queue(engine, ["user:U0001", "user:U0002"])
        now = datetime.now(UTC)
        first = _dispatcher(engine, fake, 600, lease_seconds=30, clock=lambda: now)
        assert len(await first.claim()) == 2  # a replica claims, then dies
        second = _dispatcher(engine, fake, 600, clock=lambda: now + timedelta(seconds=10))
        assert await second.claim() == []
        later = _dispatcher(engine, fake, 600, clock=lambda: now + timedelta(seconds=40))
        assert await later.run_once() == 2
        assert _states(engine) == {"sent": 2}


def test_concurrent_claims_never_overlap(engine: Engine) -> None:
    with FakeSlackAPI() as fake:
        _queue(engine, [f"user:U{i:04d}" for i in range(40)])
        got: list[list[int]] = []

        def claim() -> None:
            outbox = _dispatcher(engine, fake, 60_000, batch=15)
            got.append([c.id for c in asyncio.run(outbox.claim())])

        threads = [threading.Thread(target=claim) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        claim()  # whatever a concurrent claim skipped (locked by another) is still there
        claim()
        claim()
        ids = [i for chunk in got for i in chunk]
        assert len(ids) == len(set(ids)) == 40  # every row once, none twice


def test_outbox_cli_lists_and_revives(engine: Engine, monkeypatch: object) -> None:
    _queue(engine, ["user:U0001", "user:U0002"])
    with session_scope(engine) as session:
        row = session.get(OutboxMessage, 1)
        assert row is not None
        row.state, row.attempts, row.last_error = "dead", 5, "HTTPError HTTP 500"
    monkeypatch.setenv("PERFBOT_DATABASE_URL", str(engine.url.render_as_string(False)))  # type: ignore[attr-defined]
    runner = CliRunner()
    listed = runner.invoke(cli, ["outbox", "list", "--state", "dead"])
    assert listed.exit_code == 0
    assert listed.stdout.split()[:5] == ["1", "dead", "slack", "user:U0001", "attempts=5"]
    assert "U0002" not in listed.stdout
    assert runner.invoke(cli, ["outbox", "list", "--state", "lost"]).exit_code == 1
    unknown = runner.invoke(cli, ["outbox", "retry", "1", "999"])
    assert unknown.exit_code == 1
    assert "999" in unknown.stderr
    with session_scope(engine) as session:
        assert session.get(OutboxMessage, 1).state == "dead"  # type: ignore[union-attr]
    assert runner.invoke(cli, ["outbox", "retry", "1"]).exit_code == 0
    with session_scope(engine) as session:
        revived = session.get(OutboxMessage, 1)
        assert revived is not None
        assert (revived.state, revived.attempts) == ("pending", 0)
