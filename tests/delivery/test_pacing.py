"""The pacing arithmetic: bursts are used, sustained rates held, WeCom's windows never
exceeded (it drops silently beyond them), a Retry-After pauses the scope."""

from __future__ import annotations

from bisect import bisect_left

from bot.delivery_pacing import Limits, Rate, earliest, pause, take


def _plan(scopes: list[tuple[str, Rate]], count: int, start: float = 0.0) -> list[float]:
    tats: dict[str, float] = {}
    times = []
    for _ in range(count):
        at = earliest(tats, scopes, start)
        take(tats, scopes, at)
        times.append(at)
    return times


def _max_in_window(times: list[float], window: float) -> int:
    return max(bisect_left(times, t + window) - i for i, t in enumerate(times))


def test_burst_then_sustained_rate() -> None:
    times = _plan([("a", Rate(1.0, burst=3))], 6)
    assert times == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]


def test_slack_app_budget_and_channel() -> None:
    limits = Limits({"slack": 300})
    scopes = limits.scopes("slack", "channel:C1")
    assert [k for k, _ in scopes] == ["slack:app", "slack:to:channel:C1"]
    times = _plan(scopes, 10)
    assert times[:2] == [0.0, 0.0]
    assert times[-1] == 8.0  # one per second per channel after a burst of 2


def test_wecom_member_windows_are_never_exceeded() -> None:
    scopes = Limits({"wecom": 100_000}).scopes("wecom", "user:lina")
    times = _plan(scopes, 1200)
    assert _max_in_window(times, 60.0) <= 30
    assert _max_in_window(times, 3600.0) <= 1000
    assert times[3] == 0.0  # a small burst still goes at once


def test_pause_holds_the_scope_until_retry_after() -> None:
    scopes = [("a", Rate(0.5, burst=4))]
    tats: dict[str, float] = {}
    pause(tats, scopes, 10.0)
    assert earliest(tats, scopes, 1.0) == 10.0
    take(tats, scopes, 10.0)
    assert earliest(tats, scopes, 1.0) == 10.5  # then the sustained rate, no burst
