"""Smoke run of the scoring benchmark: small, SQLite only, figures present (no timing)."""

from __future__ import annotations

from bench.bench_scoring import run


def test_bench_scoring_returns_the_figures() -> None:
    out = run(members=200, repeats=1, backends=("sqlite",), one_member_runs=3)
    got = out["sqlite"]
    assert got["members_scored"] == 200
    assert got["rows_read"] == got["metric_rows"] + got["ratings"]
    assert got["floor_seconds"]["median"] > 0
    assert got["whole_org_over_floor"]["median"] > 0
    assert got["whole_org_peak_rss_mb"]["median"] > 0
    assert got["one_member_ms"] > 0
    assert got["one_member_same_as_full"] is True
    assert "postgres" not in out
