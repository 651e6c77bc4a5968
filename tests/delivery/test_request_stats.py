"""The request counters kept as plain numbers expose exactly what prometheus_client's own
`Counter` and `Histogram` expose for the same observations."""

from __future__ import annotations

import re

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from bot.request_stats import LATENCY, REQUESTS, RequestStats

OBSERVED = [
    ("slack", "ok", 0.0004),
    ("slack", "ok", 0.005),  # on a bound: counted in that bucket (le is inclusive)
    ("slack", "client_error", 0.02),
    ("feishu", "ok", 0.3),
    ("wecom", "error", 12.0),  # beyond the last finite bound: +Inf only
    ("web", "ok", 0.0),
]


def _reference() -> bytes:
    registry = CollectorRegistry()
    requests = Counter(REQUESTS, "Inbound HTTP requests.", ["platform", "outcome"],
                       registry=registry)  # fmt: skip
    latency = Histogram(LATENCY, "Inbound request latency.", ["platform"], registry=registry)
    for platform, outcome, seconds in OBSERVED:
        requests.labels(platform=platform, outcome=outcome).inc()
        latency.labels(platform=platform).observe(seconds)
    return generate_latest(registry)


def _ours() -> bytes:
    registry = CollectorRegistry()
    stats = RequestStats()
    registry.register(stats)
    for platform, outcome, seconds in OBSERVED:
        stats.record(platform, outcome, seconds)
    return generate_latest(registry)


def _lines(text: bytes) -> list[str]:
    """Exposition lines, `_created` values (clock readings) blanked, in a stable order."""
    out = [re.sub(r"(_created\{[^}]*\}) .*", r"\1 T", line) for line in text.decode().splitlines()]
    return sorted(out)


def test_exposition_matches_the_client_librarys_instruments() -> None:
    ours, reference = _lines(_ours()), _lines(_reference())
    assert ours == reference
    assert 'perfbot_http_requests_total{outcome="ok",platform="slack"} 2.0' in ours
    assert 'perfbot_http_request_seconds_bucket{le="0.005",platform="slack"} 2.0' in ours
    assert 'perfbot_http_request_seconds_bucket{le="10.0",platform="wecom"} 0.0' in ours
    assert 'perfbot_http_request_seconds_bucket{le="+Inf",platform="wecom"} 1.0' in ours


def test_sums_and_counts_per_platform() -> None:
    stats = RequestStats(bounds=(0.1, 1.0))
    for seconds in (0.05, 0.5, 2.0):
        stats.record("slack", "ok", seconds)
    families = {f.name: f for f in stats.collect()}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for s in families[LATENCY].samples}  # fmt: skip
    assert samples[(f"{LATENCY}_count", (("platform", "slack"),))] == 3
    assert samples[(f"{LATENCY}_sum", (("platform", "slack"),))] == pytest.approx(2.55)
    buckets = [v for (name, labels), v in samples.items() if name.endswith("_bucket")]
    assert buckets == [1, 2, 3]
