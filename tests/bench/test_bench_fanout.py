"""Smoke run of the fan-out benchmark: tiny and fast, figures present (never a speed check)."""

from __future__ import annotations

import pytest

from bench.bench_fanout import min_seconds, run, workload


def test_the_bound_is_the_tighter_of_the_two_buckets() -> None:
    assert min_seconds([1] * 600, 10.0, 10) == pytest.approx(59.0)  # app: (600 − 10) / 10
    assert min_seconds([10], 100.0, 10) == pytest.approx(7.0)  # one channel: (10 − 3) / 1
    assert min_seconds([5] * 120, 10.0, 10) == pytest.approx(59.0)  # channels interleave
    assert min_seconds([1] * 5, 10.0, 10) == 0.0  # within the burst


def test_workload_queues_each_reviewer_back_to_back() -> None:
    jobs = workload(12, 5)
    assert [u for u, _ in jobs[:6]] == ["U000000"] * 5 + ["U000001"]
    assert len({k for _, k in jobs}) == 12


@pytest.mark.timeout(120)
def test_bench_fanout_smoke_returns_the_figures() -> None:
    out = run(smoke=True)
    assert out["n"] == 30
    assert out["bound_seconds"] == pytest.approx(0.2)  # (30 − 10) at 100/s
    assert set(out["variants"]) == {"fail_0pct", "fail_5pct"}
    for variant in out["variants"].values():
        for side in ("subject", "baseline"):
            figures = variant[side]
            assert figures["wall_seconds"]["median"] > 0
            assert {"median", "min", "max", "iqr"} <= set(figures["over_bound"])
            assert {"status_429", "status_500", "duplicates", "lost"} <= set(figures)
        assert variant["subject"]["lost"] == 0
        assert variant["subject"]["duplicates"] == 0
        assert variant["subject"]["runs"][0]["states"] == {"sent": 30}
        assert variant["subject_over_baseline"]["median"] > 0
