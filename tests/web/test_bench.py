"""The dashboard benchmark runs end to end at a small size (timings are not asserted)."""

from __future__ import annotations

from bench.bench_dashboard import run


def test_bench_smoke() -> None:
    result = run(members=20, repeats=1)
    assert result["team_rows"] == 20
    assert result["team_view"]["median_s"] > 0
    assert result["member_page"]["bytes"] > 1000
