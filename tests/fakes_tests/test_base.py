"""The fake server base: lifecycle, recording, redaction, failures, limits, ledger."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.fakes.base import REDACTED, FakeServer
from tests.fakes.limits import BucketLimiter, FakeClock, Limit, Window, WindowLimiter
from tests.fakes.transport import Request, Response


class EchoFake(FakeServer):
    """Delivers every POST body to its `to` field and echoes it back."""

    def handle(self, request: Request) -> Response:
        body: Any = request.body
        if request.method == "POST" and isinstance(body, dict):
            self.deliver("echo", str(body.get("to")), body.get("text"), body.get("key"))
        return Response(200, {"path": request.path, "query": request.query, "body": body})


def test_context_manager_serves_and_stops() -> None:
    with EchoFake() as fake:
        url = fake.url
        assert url.startswith("http://127.0.0.1:")
        answer = httpx.get(url + "/x?a=1").json()
        assert answer == {"path": "/x", "query": {"a": "1"}, "body": None}
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/x", timeout=1)


def test_records_calls_without_secrets() -> None:
    with EchoFake() as fake, httpx.Client(base_url=fake.url) as client:
        client.post(
            "/send?access_token=abc&x=1",
            json={"to": "u1", "text": "hi", "app_secret": "s3", "nested": [{"key": "k"}]},
            headers={"Authorization": "Bearer xoxb-1", "X-Trace": "t"},
        )
        client.post("/form", data={"corpsecret": "s", "text": "hé"})
    first, second = fake.calls
    assert first.method == "POST"
    assert first.path == "/send"
    assert first.status == 200
    assert first.query == {"access_token": REDACTED, "x": "1"}
    assert first.headers["authorization"] == REDACTED
    assert first.headers["x-trace"] == "t"
    assert first.body["app_secret"] == REDACTED
    assert first.body["text"] == "hi"
    assert first.body["nested"] == [{"key": REDACTED}]
    assert second.body == {"corpsecret": REDACTED, "text": "hé"}
    assert "xoxb-1" not in repr(fake.calls)
    assert "s3" not in repr(fake.calls)
    assert fake.calls_to("/form") == [second]


def test_fail_every_nth_call_and_next() -> None:
    with EchoFake(fail_every=3) as fake, httpx.Client(base_url=fake.url) as client:
        statuses = [client.get("/x").status_code for _ in range(6)]
        assert statuses == [200, 200, 500, 200, 200, 500]
        fake.fail_every = 0
        fake.fail_next(2, status=503)
        assert [client.get("/x").status_code for _ in range(3)] == [503, 503, 200]


def test_failure_rate_is_reproducible_by_seed() -> None:
    def run(seed: int) -> list[int]:
        with EchoFake(failure_rate=0.5, seed=seed) as fake, httpx.Client(base_url=fake.url) as c:
            return [c.get("/x").status_code for _ in range(20)]

    first = run(7)
    assert first == run(7)
    assert 0 < first.count(500) < 20
    assert first != run(8)


def test_failed_calls_do_not_deliver_unless_asked() -> None:
    with EchoFake() as fake, httpx.Client(base_url=fake.url) as client:
        fake.fail_next(1)
        assert client.post("/m", json={"to": "a", "text": "t", "key": "k1"}).status_code == 500
        assert fake.delivered == []
        assert client.post("/m", json={"to": "a", "text": "t", "key": "k1"}).status_code == 200
        assert [d.key for d in fake.delivered] == ["k1"]
        assert fake.duplicates == 0


def test_ambiguous_failure_then_retry_is_a_duplicate() -> None:
    with EchoFake(deliver_on_failure=True) as fake, httpx.Client(base_url=fake.url) as client:
        fake.fail_next(1)
        assert client.post("/m", json={"to": "a", "text": "t"}).status_code == 500
        assert client.post("/m", json={"to": "a", "text": "t"}).status_code == 200
        assert client.post("/m", json={"to": "b", "text": "t"}).status_code == 200
    assert len(fake.delivered) == 3
    assert fake.duplicates == 1  # same content to the same target, no key: content id
    fake.reset_records()
    assert fake.calls == []
    assert fake.delivered == []
    assert fake.duplicates == 0


def test_concurrent_calls_are_all_recorded() -> None:
    with EchoFake() as fake:

        def worker(n: int) -> None:
            with httpx.Client(base_url=fake.url) as client:
                for i in range(10):
                    client.post("/m", json={"to": f"u{n}", "text": str(i), "key": f"{n}-{i}"})

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(fake.calls) == 80
    assert len({d.key for d in fake.delivered}) == 80
    assert fake.duplicates == 0
    assert Counter(d.target for d in fake.delivered) == {f"u{n}": 10 for n in range(8)}


def test_token_bucket_burst_refill_and_retry_after() -> None:
    clock = FakeClock()
    limiter = BucketLimiter(Limit.per_second(1.0, burst=3), clock)
    assert [limiter.acquire("c1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("c1") == pytest.approx(1.0)
    assert limiter.acquire("c2") == 0.0  # keys are independent
    clock.advance(0.5)
    assert limiter.acquire("c1") == pytest.approx(0.5)
    clock.advance(0.5)
    assert limiter.acquire("c1") == 0.0
    assert BucketLimiter(None, clock).acquire("any") == 0.0


def test_window_limiter_counts_accepted_events_only() -> None:
    clock = FakeClock()
    limiter = WindowLimiter((Window(2, 60.0), Window(3, 3600.0)), clock)
    assert [limiter.allow("u") for _ in range(3)] == [True, True, False]
    clock.advance(60)
    assert [limiter.allow("u") for _ in range(2)] == [True, False]  # hour window: 3 max
    clock.advance(3600)
    assert limiter.allow("u") is True
