"""Inbound request counts and latencies, kept as plain numbers and turned into Prometheus
families only when `/metrics` is scraped.

Why not `Counter` + `Histogram`: every request paid for their locks, label look-ups and a
linear bucket search (≈ 380 bytecodes, more than parsing a review submission), while a
scrape comes every 15 s or so. The exposition is the same series with the same names,
labels and bucket bounds (tests/delivery/test_request_stats.py compares it line by line
with the client library's own instruments). Recorded from the app's event loop only.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence

from prometheus_client import Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample
from prometheus_client.utils import floatToGoString

REQUESTS = "perfbot_http_requests"
LATENCY = "perfbot_http_request_seconds"
_le: Callable[[float], str] = floatToGoString  # the `le` label text the client library writes


class _Series:
    """One platform's latency histogram: a count per bucket (not cumulative) and the sum."""

    __slots__ = ("buckets", "created", "total")

    def __init__(self, size: int) -> None:
        self.buckets = [0] * size
        self.total = 0.0
        self.created = time.time()


class RequestStats(Collector):
    """`perfbot_http_requests_total{platform, outcome}` and
    `perfbot_http_request_seconds{platform}`, as `Counter`/`Histogram` would expose them."""

    def __init__(self, bounds: Sequence[float] = Histogram.DEFAULT_BUCKETS) -> None:
        upper = [float(b) for b in bounds]
        if upper[-1] != float("inf"):
            upper.append(float("inf"))
        self.bounds = tuple(upper)
        self._counts: dict[tuple[str, str], list[float]] = {}
        """(platform, outcome) → [count, created]."""
        self._latency: dict[str, _Series] = {}

    def record(self, platform: str, outcome: str, seconds: float) -> None:
        counted = self._counts.get((platform, outcome))
        if counted is None:
            counted = self._counts[(platform, outcome)] = [0, time.time()]
        counted[0] += 1
        series = self._latency.get(platform)
        if series is None:
            series = self._latency[platform] = _Series(len(self.bounds))
        series.buckets[bisect_left(self.bounds, seconds)] += 1
        series.total += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            REQUESTS, "Inbound HTTP requests.", labels=["platform", "outcome"]
        )
        for (platform, outcome), (count, created) in sorted(self._counts.items()):
            requests.add_metric([platform, outcome], count, created=created)
        yield requests
        latency = HistogramMetricFamily(LATENCY, "Inbound request latency.", labels=["platform"])
        for platform, series in sorted(self._latency.items()):
            cumulative, running = [], 0
            for bound, count in zip(self.bounds, series.buckets, strict=True):
                running += count
                cumulative.append((_le(bound), running))
            latency.add_metric([platform], cumulative, series.total)
            latency.samples.append(
                Sample(f"{LATENCY}_created", {"platform": platform}, series.created)
            )
        yield latency
