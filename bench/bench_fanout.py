"""Fan-out (issue 8, item 2): N DMs through the outbox against a fake Slack's rate limits.

The workload is the start of a review cycle: `N / per_member` reviewers each get
`per_member` review requests, queued reviewer by reviewer (so consecutive rows share a
channel and the per-channel limit matters, not only the app budget). The fake Slack
(`tests/fakes/slack_api.py`, real clock) allows 1 msg/s per channel with a burst of 3 and
an app-wide token bucket of `per_minute` with a burst of 10, answering 429 + Retry-After
beyond them; it counts duplicates by the idempotency key carried in message metadata.

- subject: rows queued with `storage.repo.outbox.enqueue`, drained by the real
  `bot.delivery.Dispatcher` (pacing from `PERFBOT_SLACK_MAX_PER_MINUTE`, set to match),
  store in a temp SQLite file, the app's default concurrency and poll interval;
- baseline: what a user writes by hand — `slack_sdk`'s `AsyncWebClient` with the built-in
  `AsyncRateLimitErrorRetryHandler`, `asyncio.gather` under a semaphore of 10.

Both run again with 5 % of calls failing with 500 (the fake's seeded failure injection; a
failed call takes no token). Wall time runs from the start to the fake's last accepted
message and is divided by `bound_seconds`, the shortest time the two token buckets allow
for this N (`min_seconds`). Baseline and subject alternate (`bench.stats.alternate`).
Run: `python -m bench.bench_fanout [N]` (prints JSON).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from bench.stats import alternate, paired_ratios, summary

Json = dict[str, Any]
APP_BURST = 10
CHANNEL_RATE, CHANNEL_BURST = 1.0, 3  # per second
BASELINE_CONCURRENCY = 10
BASELINE_RETRIES = 5  # slack_sdk's default is 1, which loses most of a burst to 429s
SEED = 8


def min_seconds(per_channel: list[int], app_rate: float, app_burst: int) -> float:
    """The shortest time from the first to the last send that the buckets allow.

    Exact greedy schedule of both token buckets (GCRA: a send at t needs t ≥ tat − (burst −
    1)·interval, then tat = max(tat, t) + interval): always the earliest possible send,
    ties to the channel with most left. It reaches max((N − app burst)/app rate,
    max over channels (k − channel burst)/channel rate) whenever channels can interleave.
    """
    app_iv, ch_iv = 1.0 / app_rate, 1.0 / CHANNEL_RATE
    app_tol, ch_tol = (app_burst - 1) * app_iv, (CHANNEL_BURST - 1) * ch_iv
    left = list(per_channel)
    ch_tat = [0.0] * len(left)
    app_tat, t = 0.0, 0.0
    for _ in range(sum(left)):
        best = min(
            (i for i in range(len(left)) if left[i]),
            key=lambda i: (max(t, app_tat - app_tol, ch_tat[i] - ch_tol), -left[i]),
        )
        t = max(t, app_tat - app_tol, ch_tat[best] - ch_tol)
        app_tat = max(app_tat, t) + app_iv
        ch_tat[best] = max(ch_tat[best], t) + ch_iv
        left[best] -= 1
    return t


def workload(n: int, per_member: int) -> list[tuple[str, str]]:
    """(user id, idempotency key) in queue order: each reviewer's requests back to back."""
    members = [f"U{i:06d}" for i in range(-(-n // per_member))]
    return [(members[k // per_member], f"bench:review:{k}") for k in range(n)]


def _card() -> dict[str, Any]:
    from handlers.cardjson import to_json
    from handlers.cards import Card, Text

    card = Card(
        blocks=(Text("Peer review for 2026-Q3 is open: rate your teammate by Friday."),),
        title="Peer review",
    )
    out: dict[str, Any] = to_json(card)
    return out


def _fake(per_minute: float, failure_rate: float) -> Any:
    from tests.fakes.limits import Limit
    from tests.fakes.slack_api import FakeSlackAPI

    return FakeSlackAPI(
        channel_limit=Limit.per_second(CHANNEL_RATE, burst=CHANNEL_BURST),
        app_limit=Limit(per_minute=per_minute, burst=APP_BURST),
        failure_rate=failure_rate,
        seed=SEED,
    )


def _outcome(fake: Any, jobs: list[tuple[str, str]], start: float, bound: float) -> Json:
    """Counts from the fake's records: what it accepted, refused, delivered twice or never."""
    statuses = Counter(c.status for c in fake.calls_to("chat.postMessage"))
    delivered = fake.delivered
    keys = {d.key for d in delivered}
    last = max((d.at for d in delivered), default=start)
    calls = sum(statuses.values())
    wall = last - start
    return {
        "wall_seconds": wall,
        "over_bound": wall / bound if bound > 0 else 0.0,
        "calls": calls,
        "status_429": statuses.get(429, 0),
        "share_429": statuses.get(429, 0) / calls if calls else 0.0,
        "status_500": statuses.get(500, 0),
        "duplicates": fake.duplicates,
        "lost": sum(1 for _, key in jobs if key not in keys),
    }


# --- baseline: slack_sdk by hand -------------------------------------------------------


async def _baseline_send(jobs: list[tuple[str, str]], url: str, card: dict[str, Any]) -> int:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.platforms.slack_render import render_messages
    from handlers.cardjson import card_from_json
    from tests.fakes.slack_api import DEFAULT_TOKEN

    client = AsyncWebClient(token=DEFAULT_TOKEN, base_url=url + "/api/")
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=BASELINE_RETRIES))
    page = render_messages(card_from_json(card))[0]
    sem = asyncio.Semaphore(BASELINE_CONCURRENCY)
    failed = 0

    async def one(user: str, key: str) -> None:
        nonlocal failed
        meta = {"event_type": "perfbot_outbox", "event_payload": {"idempotency_key": key}}
        async with sem:
            try:
                await client.chat_postMessage(channel=user, metadata=meta, **page)
            except SlackApiError:
                failed += 1

    await asyncio.gather(*(one(u, k) for u, k in jobs))
    return failed


def _baseline(jobs: list[tuple[str, str]], per_minute: float, rate: float, bound: float) -> Json:
    with _fake(per_minute, rate) as fake:
        start = time.monotonic()
        failed = asyncio.run(_baseline_send(jobs, fake.url, _card()))
        out = _outcome(fake, jobs, start, bound)
    return out | {"gave_up": failed, "drain_seconds": time.monotonic() - start}


# --- subject: the outbox -------------------------------------------------------------


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _queue(url: str, jobs: list[tuple[str, str]]) -> Any:
    from storage.db import make_engine, session_scope
    from storage.migrate import upgrade
    from storage.repo.outbox import enqueue

    engine = make_engine(url)
    upgrade(engine)
    card, due = _card(), datetime.now(UTC) - timedelta(seconds=1)
    with session_scope(engine) as session:
        for user, key in jobs:
            enqueue(
                session, platform="slack", target=f"user:{user}", card=card,
                idempotency_key=key, not_before=due,
            )  # fmt: skip
    return engine


async def _drain(engine: Any, url: str, n: int, within: float) -> Json:
    from bot.delivery import Dispatcher
    from bot.delivery_pacing import Limits
    from bot.delivery_store import depth
    from bot.platforms.slack import SlackSender, make_client
    from bot.settings import Settings
    from tests.fakes.slack_api import DEFAULT_TOKEN

    settings = Settings()
    outbox = Dispatcher(
        engine,
        [SlackSender(make_client(DEFAULT_TOKEN, url + "/api/"))],
        limits=Limits.from_settings(settings),
        concurrency=settings.outbox_concurrency,
        lease_seconds=settings.outbox_lease_seconds,
        poll_interval=settings.outbox_poll_seconds,
    )
    loop = asyncio.create_task(outbox.run_forever())
    deadline = time.monotonic() + within
    states: dict[str, int] = {}
    try:
        while time.monotonic() < deadline:
            states = await asyncio.to_thread(depth, engine)
            if states.get("sent", 0) + states.get("dead", 0) >= n:
                break
            await asyncio.sleep(0.05)
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
    return {"states": states}


def _subject(jobs: list[tuple[str, str]], per_minute: float, rate: float, bound: float) -> Json:
    from storage.db import dispose_engine

    with tempfile.TemporaryDirectory() as tmp, _fake(per_minute, rate) as fake:
        url = f"sqlite:///{tmp}/fanout.db"
        engine = _queue(url, jobs)
        try:
            with _env("PERFBOT_SLACK_MAX_PER_MINUTE", str(int(per_minute))):
                start = time.monotonic()
                got = asyncio.run(_drain(engine, fake.url, len(jobs), 5 * bound + 30))
                drained = time.monotonic() - start
        finally:
            dispose_engine(url)
        return _outcome(fake, jobs, start, bound) | got | {"drain_seconds": drained}


# --- the run ---------------------------------------------------------------------------


def _figures(runs: list[Json]) -> Json:
    keys = ("wall_seconds", "over_bound", "share_429")
    out: Json = {k: summary([r[k] for r in runs]) for k in keys}
    for k in ("status_429", "status_500", "duplicates", "lost"):
        out[k] = max(r[k] for r in runs)  # worst run
    out["runs"] = runs
    return out


def run(
    n: int = 600,
    per_minute: float = 600.0,
    repeats: int = 3,
    per_member: int = 5,
    failure_rates: tuple[float, ...] = (0.0, 0.05),
    smoke: bool = False,
) -> Json:
    """Per failure rate: subject and baseline figures, paired wall-time ratios, the bound.

    Targets: subject ≤ 1.1 × bound, ≤ 2 % 429s, 0 duplicates, 0 lost."""
    if smoke:
        n, per_minute, repeats, per_member = 30, 6000.0, 1, 1
    jobs = workload(n, per_member)
    counts = list(Counter(user for user, _ in jobs).values())
    bound = min_seconds(counts, per_minute / 60.0, APP_BURST)
    out: Json = {
        "n": n,
        "per_minute": per_minute,
        "per_member": per_member,
        "bound_seconds": bound,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "variants": {},
    }
    for rate in failure_rates:
        base, subj = alternate(
            partial(_baseline, jobs, per_minute, rate, bound),
            partial(_subject, jobs, per_minute, rate, bound),
            repeats,
        )
        ratios = paired_ratios([s["wall_seconds"] for s in subj], [b["wall_seconds"] for b in base])
        out["variants"][f"fail_{round(rate * 100)}pct"] = {
            "failure_rate": rate,
            "subject": _figures(subj),
            "baseline": _figures(base),
            "subject_over_baseline": summary(ratios),
        }
    return out


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    sys.stdout.write(json.dumps(run(size), indent=2, default=str) + "\n")
