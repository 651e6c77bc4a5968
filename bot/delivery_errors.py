"""What a failed send means for the outbox: slow down, try again now, or try again later.

The dispatcher must not import platform SDKs, so errors are read by shape, the way the
clients expose them: `exc.response.status_code` and `.headers` (slack_sdk's
`SlackApiError`, httpx's `HTTPStatusError`), a `retry_after` attribute (the Feishu
sender's errors), and connection / timeout errors by their class (asyncio, OSError, and
the httpx / aiohttp exception families, recognised by name).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

DEFAULT_RETRY_AFTER = 1.0
MAX_RETRY_AFTER = 300.0
_TRANSIENT_NAMES = frozenset(
    {
        "TransportError",  # httpx: connect, read, write, pool errors and timeouts
        "TimeoutException",
        "ClientConnectionError",  # aiohttp: refused, reset, server disconnected
        "ClientPayloadError",
        "ServerTimeoutError",
        "RemoteProtocolError",
    }
)


class RateLimited(Exception):
    """The platform said "slow down" (HTTP 429 or its own code): wait `retry_after` s."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after:g} s")
        self.retry_after = retry_after


def status_of(exc: BaseException) -> int | None:
    """The HTTP status a client exception carries, if any."""
    response = getattr(exc, "response", None)
    for holder in (response, exc):
        code = getattr(holder, "status_code", None)
        if isinstance(code, int):
            return code
    return None


def _header(headers: Any, name: str) -> str | None:
    if isinstance(headers, Mapping):
        for key, value in headers.items():
            if str(key).lower() == name:
                return str(value[0] if isinstance(value, list | tuple) else value)
    return None


def retry_after_of(exc: BaseException) -> float | None:
    """Seconds to hold off when `exc` is a rate-limit answer, else None."""
    explicit = getattr(exc, "retry_after", None)
    if isinstance(explicit, int | float) and not isinstance(explicit, bool):
        return min(max(float(explicit), 0.0), MAX_RETRY_AFTER)
    if status_of(exc) != 429:
        return None
    raw = _header(getattr(getattr(exc, "response", None), "headers", None), "retry-after")
    try:
        seconds = float(raw) if raw is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        seconds = DEFAULT_RETRY_AFTER
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def is_transient(exc: BaseException) -> bool:
    """5xx, timeouts and connection errors: worth an immediate retry with back-off."""
    if isinstance(exc, RateLimited) or retry_after_of(exc) is not None:
        return False  # pacing handles these, not a blind retry
    status = status_of(exc)
    if status is not None:
        return status >= 500 or status == 408
    if isinstance(exc, TimeoutError | asyncio.TimeoutError | ConnectionError):
        return True
    if getattr(exc, "errcode", None) == -1:  # WeCom "system busy"
        return True
    return any(cls.__name__ in _TRANSIENT_NAMES for cls in type(exc).__mro__)


def describe(exc: BaseException) -> str:
    """A short, body-free description for `last_error` and logs: class, status, code."""
    parts = [type(exc).__name__]
    status = status_of(exc)
    if status is not None:
        parts.append(f"HTTP {status}")
    for attr in ("errcode", "code", "error"):
        value = getattr(exc, attr, None)
        if isinstance(value, int | str) and value != "":
            parts.append(f"{attr}={value}")
    response = getattr(exc, "response", None)
    data = getattr(response, "data", None)
    if isinstance(data, Mapping) and isinstance(data.get("error"), str):
        parts.append(f"error={data['error']}")
    if response is None and str(exc):
        parts.append(str(exc)[:300])  # our own errors name targets, never bodies
    return " ".join(parts)
