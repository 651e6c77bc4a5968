"""How fast a large metrics file goes in: perfbot's whole import (parse, validate, upsert,
automatic rescoring) against the floor of `csv` merely reading the same file.

    python -m bench.bench_import            # 100,000 rows, 3 repeats, SQLite in a temp dir
"""

from __future__ import annotations

import csv
import json
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from handlers.admin import import_metrics_file, import_org_file
from storage.db import dispose_engine, make_engine
from storage.migrate import upgrade

ORG = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "org.yaml"
NOW = datetime(2026, 12, 31, tzinfo=UTC)


def write_file(path: Path, rows: int) -> None:
    """Daily exposure of many videos by li.na and zhang.wei's cost per lead over 2026."""
    start = date(2026, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["member", "indicator", "period", "value", "item", "origin"])
        for i in range(rows):
            day = (start + timedelta(days=i % 365)).isoformat()
            if i % 2:
                out.writerow(["li.na", "content_exposure", day, 100 + i % 900, f"v{i}", "bench"])
            else:
                out.writerow(["zhang.wei", "cost_per_lead", day, 30 + i % 10, f"c{i}", "bench"])


def _csv_only(path: Path) -> float:
    t0 = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        n = sum(1 for _ in csv.reader(fh))
    assert n > 0
    return time.perf_counter() - t0


def _perfbot(path: Path, workdir: Path, n: int) -> float:
    url = f"sqlite:///{workdir / f'bench-{n}.db'}"
    engine = make_engine(url)
    upgrade(engine)
    assert not import_org_file(engine, ORG, dry_run=False).errors
    t0 = time.perf_counter()
    outcome = import_metrics_file(engine, path, now=NOW, actor="bench")
    elapsed = time.perf_counter() - t0
    dispose_engine(url)
    if outcome.errors:
        raise RuntimeError("\n".join(outcome.errors[:5]))
    return elapsed


def _figures(rows: int, times: list[float]) -> dict[str, float]:
    rates = [rows / t for t in times]
    return {
        "median_rows_per_s": round(statistics.median(rates), 1),
        "min_rows_per_s": round(min(rates), 1),
        "max_rows_per_s": round(max(rates), 1),
        "median_seconds": round(statistics.median(times), 4),
    }


def run(rows: int = 100_000, repeats: int = 3) -> dict[str, Any]:
    """Import `rows` rows `repeats` times into fresh SQLite stores; figures per side."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "metrics.csv"
        write_file(path, rows)
        perfbot = [_perfbot(path, work, n) for n in range(repeats)]
        baseline = [_csv_only(path) for _ in range(repeats)]
    ours, floor = _figures(rows, perfbot), _figures(rows, baseline)
    return {
        "rows": rows,
        "repeats": repeats,
        "perfbot": ours,
        "csv_baseline": floor,
        "slowdown_vs_csv": round(floor["median_rows_per_s"] / ours["median_rows_per_s"], 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
