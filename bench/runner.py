"""`perfbot bench` / `python -m bench`: run every figure of issue 8 and collect the results.

Each figure lives in its own module exposing `run(**kwargs) -> dict`. A module that is not
there yet (figures are written by different people) is reported as "not available" instead
of failing the run, and one figure that crashes does not lose the others. `--smoke` runs
every figure at a tiny size: CI uses it to prove the benchmarks still work, never to judge
speed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

FIGURES: dict[str, tuple[str, str]] = {
    "webhook": ("bench.bench_webhook", "Webhook path: review submission vs bare FastAPI and bolt"),
    "fanout": ("bench.bench_fanout", "Fan-out: 600 DMs through the outbox vs the rate limits"),
    "scoring": ("bench.bench_scoring", "Scoring at scale: 10,000 members vs a plain SELECT"),
    "dashboard": ("bench.bench_dashboard", "Dashboard: 300-member team view and a member page"),
    "import": ("bench.bench_import", "Import: 100,000 metric rows vs csv alone"),
}

SMOKE: dict[str, Json] = {
    "webhook": {"requests": 20, "connections": 4, "repeats": 1, "warmup": 2},
    "fanout": {"smoke": True},
    "scoring": {"members": 60, "repeats": 1, "backends": ("sqlite",), "one_member_runs": 2},
    "dashboard": {"members": 30, "repeats": 1},
    "import": {"rows": 200, "repeats": 1},
}


def run_figure(name: str, kwargs: Json | None = None) -> Json:
    """One figure's entry: status ok / not available / error, with its result and time."""
    module_name, title = FIGURES[name]
    entry: Json = {"figure": name, "title": title}
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return entry | {"status": "not available", "reason": f"{module_name} is not written yet"}
    run: Callable[..., Json] | None = getattr(module, "run", None)
    if run is None:
        return entry | {"status": "not available", "reason": f"{module_name} has no run()"}
    start = time.perf_counter()
    try:
        result = run(**(kwargs or {}))
    except Exception as exc:  # noqa: BLE001 - one broken figure must not lose the others
        return entry | {
            "status": "error",
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=5),
            "seconds": time.perf_counter() - start,
        }
    return entry | {"status": "ok", "seconds": time.perf_counter() - start, "result": result}


def run_all(only: list[str] | None = None, *, smoke: bool = False) -> Json:
    names = only or list(FIGURES)
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        raise ValueError(f"unknown figure(s) {', '.join(unknown)}; known: {', '.join(FIGURES)}")
    return {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "smoke": smoke,
        "figures": {n: run_figure(n, SMOKE[n] if smoke else None) for n in names},
    }


def _headline(name: str, result: Json) -> str:
    """A one-line digest of a figure's result for the table (the JSON has everything)."""
    if name == "webhook":
        ratios = result.get("ratios", {})
        parts = [f"{k} {v['median']:.2f}" for k, v in ratios.items()]
        cpu = result.get("cpu_ratios", {}).get("b_over_d")
        tail = f"; b_over_d by server CPU {cpu['median']:.2f}" if cpu else ""
        return "; ".join(parts) + " (median of paired rps ratios)" + tail
    keys = [k for k, v in result.items() if isinstance(v, int | float) and not isinstance(v, bool)]
    return ", ".join(f"{k}={result[k]:.4g}" for k in keys[:4])


def print_table(report: Json) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="perfbot bench" + (" (smoke)" if report["smoke"] else ""))
    for column in ("figure", "status", "seconds", "headline"):
        table.add_column(column)
    for name, entry in report["figures"].items():
        status = entry["status"]
        if status == "ok":
            detail = _headline(name, entry["result"])
        else:
            detail = entry.get("reason") or entry.get("error", "")
        seconds = f"{entry['seconds']:.1f}" if "seconds" in entry else "-"
        table.add_row(name, status, seconds, detail)
    Console().print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="perfbot bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=list(FIGURES), help="repeatable")
    parser.add_argument("--smoke", action="store_true", help="every figure at a tiny size")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    report = run_all(args.only, smoke=args.smoke)
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, default=str) + "\n")
    else:
        print_table(report)
    return 1 if any(e["status"] == "error" for e in report["figures"].values()) else 0
