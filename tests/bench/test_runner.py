"""`perfbot bench --smoke --json`: every figure runs at a tiny size and the report has the
documented shape (CI proves the benchmarks work; it never judges their speed)."""

from __future__ import annotations

import json
import os
import sys
import time

import pytest
from typer.testing import CliRunner

from bench import runner, stats
from bot.cli import app


def test_runner_reports_a_missing_figure_as_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(runner.FIGURES, "ghost", ("bench.bench_ghost_never_written", "ghost"))
    entry = runner.run_figure("ghost")
    assert entry["status"] == "not available"
    assert "bench.bench_ghost_never_written" in entry["reason"]


def test_runner_keeps_going_when_a_figure_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(runner.FIGURES, "broken", ("bench.stats", "stats has no run"))
    assert runner.run_figure("broken")["status"] == "not available"
    monkeypatch.setattr(stats, "run", lambda: 1 / 0, raising=False)
    entry = runner.run_figure("broken")
    assert entry["status"] == "error"
    assert "ZeroDivisionError" in entry["error"]


def test_unknown_figure_is_a_usage_error() -> None:
    with pytest.raises(ValueError, match="unknown figure"):
        runner.run_all(["nope"])


@pytest.mark.timeout(300)
def test_perfbot_bench_smoke_json_has_every_figure() -> None:
    result = CliRunner().invoke(app, ["bench", "--smoke", "--json"])
    report = json.loads(result.stdout)
    assert report["smoke"] is True
    assert set(report["figures"]) == set(runner.FIGURES)
    for name, entry in report["figures"].items():
        assert entry["status"] in ("ok", "not available"), (name, entry.get("error"))
    assert result.exit_code == 0
    web = report["figures"]["webhook"]["result"]
    assert set(web["subjects"]) == {"a", "b", "c_feishu", "c_wecom", "d"}
    for figure in web["subjects"].values():
        assert figure["errors"] == 0, figure["statuses"]
        assert {"rps", "p50_ms", "p99_ms", "server_cpu_us_per_request"} <= set(figure)
        assert {"median", "min", "max", "iqr"} <= set(figure["rps"])
    assert set(web["ratios"]) == {"b_over_a", "b_over_d", "c_feishu_over_a", "c_wecom_over_a"}
    assert set(web["cpu_ratios"]) == set(web["ratios"])
    assert web["durable_claims"] == {"slack": True, "feishu": True, "wecom": True}


def test_stats_summary_and_pairs() -> None:
    got = stats.summary([4.0, 1.0, 3.0, 2.0])
    assert (got["median"], got["min"], got["max"]) == (2.5, 1.0, 4.0)
    assert got["iqr"] == pytest.approx(got["q3"] - got["q1"])
    assert got["iqr"] == pytest.approx(1.5)
    assert stats.paired_ratios([2.0, 9.0], [1.0, 3.0]) == [2.0, 3.0]
    order: list[str] = []
    stats.alternate(lambda: order.append("a"), lambda: order.append("s"), 3)
    assert order == ["a", "s", "s", "a", "a", "s"]
    assert stats.pinned(["x"], None) == ["x"]
    assert sys.executable  # the servers run under this interpreter


def test_process_cpu_seconds_counts_this_processes_work() -> None:
    from bench.bench_webhook import process_cpu_seconds

    before = process_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    assert process_cpu_seconds(os.getpid()) - before >= 0.15


def test_cpu_ratios_skip_rounds_below_the_clock_tick() -> None:
    from bench import bench_webhook

    cpu = {"bare": [100.0, 0.0, 120.0], "bolt": [0.0, 0.0, 0.0], "slack": [400.0, 0.0, 480.0]}
    got = bench_webhook._cpu_ratios(cpu, ("a", "d", "b"))
    assert got["b_over_a"]["median"] == 0.25  # the round that read 0 is left out
    assert got["b_over_a"]["n"] == 2
    assert got["b_over_d"] is None  # no round of (d) was measurable
