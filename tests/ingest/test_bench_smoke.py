"""The import benchmark runs and reports figures (no timing is asserted)."""

from __future__ import annotations

from bench.bench_import import run


def test_bench_runs_and_reports() -> None:
    result = run(rows=2_000, repeats=1)
    assert result["rows"] == 2_000
    assert result["perfbot"]["median_rows_per_s"] > 0
    assert result["csv_baseline"]["median_rows_per_s"] > 0
    assert result["slowdown_vs_csv"] > 0
