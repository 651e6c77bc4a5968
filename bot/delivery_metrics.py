"""`GET /metrics`: Prometheus counters of what the app does, one registry per app.

A registry per `create_app` call (not the global default) keeps test apps from colliding
and lets two apps in one process report separately. Inbound requests are counted by a
tiny ASGI middleware (platform from the path, outcome from the status class); the outbox
depth is read from the database when scraped, so it is right on every replica.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

from bot.request_stats import RequestStats

log = logging.getLogger(__name__)
STATES = ("pending", "sending", "sent", "dead")
PLATFORM_PATHS = (("/slack", "slack"), ("/feishu", "feishu"), ("/wecom", "wecom"))


class Metrics:
    """Every instrument of one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = RequestStats()
        r.register(self.requests)
        self.sends = Counter(
            "perfbot_outbox_sends", "Outbox send attempts by result.", ["platform", "result"],
            registry=r,
        )  # fmt: skip
        self.send_seconds = Histogram(
            "perfbot_outbox_send_seconds", "Platform call latency.", ["platform"], registry=r
        )
        self.rate_limited = Counter(
            "perfbot_outbox_rate_limited", "429 answers from platforms.", ["platform"], registry=r
        )
        self.retries = Counter(
            "perfbot_outbox_retries", "In-call retries after 5xx/timeouts.", ["platform"],
            registry=r,
        )  # fmt: skip
        self.job_runs = Counter(
            "perfbot_job_runs", "Scheduler job runs.", ["job", "result"], registry=r
        )
        self.job_seconds = Histogram(
            "perfbot_job_seconds", "Scheduler job durations.", ["job"], registry=r
        )
        self.leader = Gauge(
            "perfbot_scheduler_leader", "1 when this replica runs the scheduler.", registry=r
        )

    def record_job(self, name: str, seconds: float, ok: bool) -> None:
        """Count one job run (the scheduler calls this after each job)."""
        self.job_runs.labels(job=name, result="ok" if ok else "error").inc()
        self.job_seconds.labels(job=name).observe(seconds)

    def watch_outbox(self, depth: Callable[[], dict[str, int]]) -> None:
        """Report outbox rows per state, computed on each scrape."""
        self.registry.register(_Depth(depth))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _Depth(Collector):
    def __init__(self, depth: Callable[[], dict[str, int]]) -> None:
        self._depth = depth

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "perfbot_outbox_depth", "Outbox rows by state.", labels=["state"]
        )
        try:
            counts = self._depth()
        except Exception:  # a scrape must answer even when the database does not
            log.warning("outbox depth unavailable", exc_info=True)
            return
        for state in sorted(set(STATES) | set(counts)):
            family.add_metric([state], counts.get(state, 0))
        yield family


def platform_of(path: str) -> str:
    for prefix, name in PLATFORM_PATHS:
        if path.startswith(prefix):
            return name
    return "api" if path.startswith("/api/") else "web"


class RequestMetrics:
    """ASGI middleware: count and time every HTTP request."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.record = metrics.requests.record

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") == "/metrics":
            await self.app(scope, receive, send)
            return
        platform = platform_of(str(scope.get("path", "")))
        status = 500
        start = time.perf_counter()

        async def watch(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            outcome = "ok" if status < 400 else "client_error" if status < 500 else "error"
            self.record(platform, outcome, time.perf_counter() - start)


def install_metrics(app: FastAPI, metrics: Metrics, engine: Engine) -> None:
    """Mount `/metrics` and the request middleware; the outbox gauge reads `engine`."""
    from bot.delivery_store import depth

    metrics.watch_outbox(lambda: depth(engine))
    app.add_middleware(RequestMetrics, metrics=metrics)

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    def prometheus_metrics() -> Response:
        """Prometheus text exposition of this replica's counters."""
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)
