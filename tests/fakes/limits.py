"""Rate limits of the fake platforms: token buckets (Slack, Feishu) and fixed windows (WeCom).

Every limiter reads time from an injectable clock so that tests can jump forward instead of
sleeping: a whole minute of WeCom traffic costs microseconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


class FakeClock:
    """A manual clock: `advance()` moves time; thread-safe because handlers read it."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@dataclass(frozen=True)
class Limit:
    """A token bucket: `burst` calls at once, refilled at `per_minute` calls per minute."""

    per_minute: float
    burst: int

    @classmethod
    def per_second(cls, rate: float, burst: int) -> Limit:
        return cls(per_minute=rate * 60.0, burst=burst)


class _Bucket:
    def __init__(self, limit: Limit, now: float) -> None:
        self.limit = limit
        self.tokens = float(limit.burst)
        self.stamp = now

    def take(self, now: float) -> float:
        """Take one token; return 0.0 on success, else seconds until a token is available."""
        rate = self.limit.per_minute / 60.0
        self.tokens = min(float(self.limit.burst), self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / rate if rate > 0 else math.inf


class BucketLimiter:
    """Token buckets keyed by a string (channel, user, app); one lock for all of them."""

    def __init__(self, limit: Limit | None, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """0.0 when allowed; otherwise the wait in seconds (what Retry-After should say)."""
        if self.limit is None:
            return 0.0
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.limit, now)
            return bucket.take(now)


def retry_after_header(wait: float) -> str:
    """Whole seconds, never 0: clients that sleep `Retry-After` must not spin."""
    return str(max(1, math.ceil(wait)))


@dataclass(frozen=True)
class Window:
    """At most `count` events in any `seconds`-long sliding window."""

    count: int
    seconds: float


class WindowLimiter:
    """Sliding-window counters keyed by a string; WeCom's per-member quotas are of this kind."""

    def __init__(self, windows: tuple[Window, ...], clock: Clock = time.monotonic) -> None:
        self.windows = windows
        self._clock = clock
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count the event and say whether every window still had room for it.

        A refused event is not counted, as on the platform: dropped messages do not use quota.
        """
        if not self.windows:
            return True
        longest = max(w.seconds for w in self.windows)
        with self._lock:
            now = self._clock()
            events = self._events[key]
            while events and events[0] <= now - longest:
                events.popleft()
            for window in self.windows:
                recent = sum(1 for t in events if t > now - window.seconds)
                if recent >= window.count:
                    return False
            events.append(now)
            return True
