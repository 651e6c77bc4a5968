"""Scoring at scale (issue 8, item 3): a generated org scored from the store, against the
plain-SELECT floor of reading the same rows.

The org has `members` scored members in 50 teams, templates of 8-12 indicators, 12 months
of monthly metrics for 2026 and 5 peer ratings per member and quarter. It is written through
the storage write path (`import_org`, `import_metrics` in batches, `import_ratings`) into a
temp SQLite file and, when `PERFBOT_TEST_POSTGRES_URL` is set, a fresh PostgreSQL schema
that is dropped afterwards. Each figure is measured in its own child process pinned to one
core, baseline and subject alternating; the child reports its own peak RSS (`VmHWM` of
/proc/self/status: Linux's `ru_maxrss` survives exec and would show the parent's peak).
The whole-org subject is `handlers.orgscore.score_org`, what the quarter close and
`perfbot score` run: it reads and scores one team at a time (`storage.repo.scoring_chunks`),
so its peak RSS is one team's rows, not the org's; the floor still holds every row at once.
The org config is parsed once before timing (a server keeps it cached); its cold cost is
reported separately. Run: `python -m bench.bench_scoring [members]` (prints JSON).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from scoring.model import MetricRow, Rating
from scoring.periods import Period

YEAR = 2026
QUARTER = "2026-Q3"
AS_OF = date(2027, 1, 15)
TEAMS = 50
BATCH = 100_000
Json = dict[str, Any]
_CHILD_TIMEOUT = 1800


def _indicators(n: int) -> list[Json]:
    """n indicators: monthly sums/avgs (process), quarterly sums (result), capability."""
    result: list[Json] = [
        {"key": f"sales_{k}", "dimension": "result", "period": "quarter", "target": 3000}
        for k in range(3)
    ]
    capability: list[Json] = [
        {"key": "tools", "dimension": "capability", "period": "year", "aggregate": "last",
         "target": 1, "rule": "binary"},
        {"key": "collab", "dimension": "capability", "period": "year", "source": "peer",
         "rule": "rating", "criteria": ["collaboration", "responsiveness"]},
    ]  # fmt: skip
    process: list[Json] = [
        {"key": f"proc_{k}", "dimension": "process", "period": "month",
         "aggregate": "avg" if k % 3 == 2 else "sum", "target": 1000}
        for k in range(n - len(result) - len(capability))
    ]  # fmt: skip
    for group in (result, capability, process):
        for k, ind in enumerate(group):
            ind["weight"] = 100 // len(group) + (100 % len(group) if k == 0 else 0)
    return result + process + capability


def org_config(members: int) -> Json:
    """The generated org as config data (what `org.yaml` would hold)."""
    templates = [
        {"key": f"t{n}", "name": {"en": f"T{n}"}, "indicators": _indicators(n),
         "dimensions": {"result": 40, "process": 40, "capability": 20}}
        for n in (8, 10, 12)
    ]  # fmt: skip
    people = [
        {"id": f"u{i:05d}", "name": f"U{i}", "team": f"team{i % TEAMS:02d}",
         "template": f"t{(8, 10, 12)[i % 3]}"}
        for i in range(members)
    ]  # fmt: skip
    teams = [
        {"key": f"team{t:02d}", "name": {"en": f"Team {t}"}, "manager": f"u{t:05d}",
         "okr": {"objective": {"en": "Grow"}, "key_results": [
             {"key": "team_sales", "target": 50000, "weight": 60},
             {"key": "team_leads", "target": 2000, "weight": 40}]},
         "coefficients": [{"min_rate": 0, "coefficient": 0.9},
                          {"min_rate": 0.8, "coefficient": 1.0},
                          {"min_rate": 1.0, "coefficient": 1.1}]}
        for t in range(min(TEAMS, members))
    ]  # fmt: skip
    return {
        "org": {"name": {"en": "Bench"}, "timezone": "Asia/Shanghai"},
        "teams": teams,
        "members": people,
        "review": {"scale": 5, "criteria": {"collaboration": {"en": "C"},
                                            "responsiveness": {"en": "R"}}},
        "templates": templates,
    }  # fmt: skip


def metric_rows(cfg: Json) -> list[MetricRow]:
    """12 months of every metric indicator per member, plus the teams' key results."""
    rnd = random.Random(7)
    months = [Period.month(YEAR, m) for m in range(1, 13)]
    tpl = {t["key"]: t["indicators"] for t in cfg["templates"]}
    out: list[MetricRow] = []
    for m in cfg["members"]:
        for ind in tpl[m["template"]]:
            if ind.get("source") == "peer":
                continue
            if ind.get("rule") == "binary":
                out.append(MetricRow(m["id"], ind["key"], Period.year(YEAR), Decimal(1)))
                continue
            for p in months:
                value = Decimal(rnd.randrange(50, 150) * ind["target"] // 300) / 10
                out.append(MetricRow(m["id"], ind["key"], p, value))
    for t in cfg["teams"]:
        for kr in ("team_sales", "team_leads"):
            for p in months:
                out.append(MetricRow(f"team:{t['key']}", kr, p, Decimal(rnd.randrange(1, 30000))))
    return out


def ratings(cfg: Json) -> list[Rating]:
    """5 peer raters (teammates, never the manager) per member and quarter, 2 criteria."""
    rnd = random.Random(11)
    by_team: dict[str, list[str]] = {}
    for m in cfg["members"]:
        by_team.setdefault(m["team"], []).append(m["id"])
    managers = {t["key"]: t["manager"] for t in cfg["teams"]}
    out: list[Rating] = []
    for q in Period.year(YEAR).subperiods("quarter"):
        for m in cfg["members"]:
            pool = [x for x in by_team[m["team"]] if x not in (m["id"], managers[m["team"]])]
            for rater in rnd.sample(pool, min(5, len(pool))):
                for crit in ("collaboration", "responsiveness"):
                    out.append(Rating(q, rater, m["id"], crit, rnd.randint(2, 5)))
    return out


def populate(url: str, members: int) -> Json:
    """Write the generated org, metrics and ratings through the storage write path."""
    from storage.db import make_engine, session_scope
    from storage.migrate import upgrade
    from storage.orgconfig import OrgConfig
    from storage.repo import import_metrics, import_org, import_ratings

    cfg_data = org_config(members)
    engine = make_engine(url)
    upgrade(engine)
    cfg = OrgConfig.model_validate(cfg_data)
    rows = metric_rows(cfg_data)
    with session_scope(engine) as s:
        import_org(s, cfg=cfg, source_text=json.dumps(cfg_data), actor="bench")
    for k in range(0, len(rows), BATCH):
        with session_scope(engine) as s:
            import_metrics(s, rows=rows[k : k + BATCH], source="bench", actor="bench")
    rts = ratings(cfg_data)
    with session_scope(engine) as s:
        import_ratings(s, ratings=rts, source="bench", actor="bench")
    return {"metric_rows": len(rows), "ratings": len(rts)}


# --- children: each measurement runs in a fresh process --------------------------------


def _pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})


def _floor(url: str) -> Json:
    """Plain SELECT of the same rows (the year's metric rows and ratings) into tuples."""
    from storage.db import make_engine

    year = Period.year(YEAR)
    metrics = sa.text(
        "SELECT subject, indicator, period_start, period_end, period_kind, value, item, origin,"
        " recorded_at, seq FROM metric_value WHERE period_start >= :s AND period_end <= :e"
        " ORDER BY seq"
    )
    rates = sa.text(
        "SELECT cycle, rater_id, ratee_id, criterion, value, comment FROM rating"
        " WHERE cycle IN :cycles ORDER BY id"
    ).bindparams(sa.bindparam("cycles", expanding=True))
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
        t = time.perf_counter()
        rows = [tuple(r) for r in conn.execute(metrics, {"s": year.start, "e": year.end})]
        quarters = [str(q) for q in year.subperiods("quarter")]
        rts = [tuple(r) for r in conn.execute(rates, {"cycles": quarters})]
        seconds = time.perf_counter() - t
    return {"seconds": seconds, "rows": len(rows) + len(rts)}


def _whole_org(url: str) -> Json:
    """Everyone's closed quarter through `handlers.orgscore.score_org`, the function the
    quarter close and `perfbot score` call: team by team (`team_inputs` + `score_report`
    per team, `merge_reports`), only one team's rows in memory at a time. The reads are
    timed apart (`load_seconds`) by wrapping `team_inputs`."""
    from handlers.orgscore import score_org
    from storage.db import make_engine, session_scope
    from storage.repo import current_org
    from storage.repo.scoring_chunks import TeamInputs, team_inputs

    engine = make_engine(url)
    t = time.perf_counter()
    with session_scope(engine) as s:
        current_org(s)
    org_cold = time.perf_counter() - t
    loaded = 0.0

    def timed_team_inputs(session: Any, *, period: Period) -> Iterator[TeamInputs]:
        nonlocal loaded
        chunks = team_inputs(session, period=period)
        try:
            while True:
                start = time.perf_counter()
                chunk = next(chunks, None)
                loaded += time.perf_counter() - start
                if chunk is None:
                    return
                yield chunk
                del chunk
        finally:
            chunks.close()

    t = time.perf_counter()
    with session_scope(engine) as s:
        _org, report = score_org(
            s, period=Period.parse(QUARTER), as_of=AS_OF, load=timed_team_inputs
        )
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "load_seconds": loaded,
        "org_cold_seconds": org_cold,
        "members": len(report.members),
    }


def _one_member(url: str, runs: int) -> Json:
    """The `/myscore` path: load for one member + score, `runs` times; checks equality."""
    from scoring import report_to_json, score_report
    from storage.db import make_engine, session_scope
    from storage.repo import current_org, load_scoring_inputs

    engine = make_engine(url)
    period = Period.parse(QUARTER)
    with session_scope(engine) as s:
        org = current_org(s)
    member = sorted(m for m in org.members if org.members[m].template)[len(org.members) // 2]
    times = []
    got: Json = {}
    for _ in range(runs):
        t = time.perf_counter()
        with session_scope(engine) as s:
            org, rows, rts = load_scoring_inputs(s, period=period, members=[member])
        got = report_to_json(score_report(org, rows, rts, period, AS_OF, members=[member]))
        times.append(time.perf_counter() - t)
    with session_scope(engine) as s:
        org, rows, rts = load_scoring_inputs(s, period=period)
    full = report_to_json(score_report(org, rows, rts, period, AS_OF, members=[member]))
    return {"seconds": statistics.median(times), "runs": runs, "same_as_full": got == full}


def _child_main(kind: str, url: str, runs: int) -> None:
    _pin()
    out = {"floor": lambda: _floor(url), "whole": lambda: _whole_org(url)}.get(
        kind, lambda: _one_member(url, runs)
    )()
    out["peak_rss_mb"] = _peak_rss_mb()
    sys.stdout.write(json.dumps(out))


def _peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (reset by exec, unlike ru_maxrss, which keeps the
    forking parent's peak on Linux), else getrusage."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(kind: str, url: str, runs: int = 20) -> Json:
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_scoring", "--child", kind, url, str(runs)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=_CHILD_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench child {kind} failed: {proc.stderr[-2000:]}")
    result: Json = json.loads(proc.stdout)
    return result


# --- the run ---------------------------------------------------------------------------


def _spread(xs: list[float]) -> Json:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs)}


def measure(url: str, repeats: int, one_member_runs: int) -> Json:
    """Alternate floor and whole-org children; ratios pair by pair."""
    floors, wholes, ratios, rss, floor_rss = [], [], [], [], []
    info: Json = {}
    for _ in range(repeats):
        f = _child("floor", url)
        w = _child("whole", url)
        floors.append(f["seconds"])
        wholes.append(w["seconds"])
        ratios.append(w["seconds"] / f["seconds"])
        rss.append(w["peak_rss_mb"])
        floor_rss.append(f["peak_rss_mb"])
        info = {"rows_read": f["rows"], "members_scored": w["members"],
                "load_seconds": w["load_seconds"], "org_cold_seconds": w["org_cold_seconds"]}  # fmt: skip
    one = _child("one", url, one_member_runs)
    return {
        "floor_seconds": _spread(floors),
        "whole_org_seconds": _spread(wholes),
        "whole_org_over_floor": _spread(ratios),
        "whole_org_peak_rss_mb": _spread(rss),
        "floor_peak_rss_mb": _spread(floor_rss),
        "one_member_ms": one["seconds"] * 1000,
        "one_member_runs": one["runs"],
        "one_member_same_as_full": one["same_as_full"],
        **info,
    }


def _postgres(members: int, repeats: int, runs: int) -> Json | None:
    base = os.environ.get("PERFBOT_TEST_POSTGRES_URL", "")
    if not base:
        return None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    try:
        setup = _timed(lambda: populate(url, members))
        return setup | measure(url, repeats, runs)
    finally:
        from storage.db import dispose_engine

        dispose_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _timed(fn: Any) -> Json:
    t = time.perf_counter()
    out: Json = fn()
    return out | {"setup_seconds": time.perf_counter() - t}


def run(
    members: int = 10_000,
    repeats: int = 3,
    backends: tuple[str, ...] = ("sqlite", "postgres"),
    one_member_runs: int = 20,
) -> Json:
    """Figures per backend; targets: whole org ≤ 3× floor, < 300 MB (SQLite), one < 20 ms."""
    out: Json = {
        "members": members,
        "quarter": QUARTER,
        "measured_at": datetime.now(UTC).isoformat(),
    }
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            setup = _timed(lambda: populate(url, members))
            out["sqlite"] = setup | measure(url, repeats, one_member_runs)
            from storage.db import dispose_engine

            dispose_engine(url)
    if "postgres" in backends:
        out["postgres"] = _postgres(members, repeats, one_member_runs)
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
        sys.stdout.write(json.dumps(run(n), indent=2) + "\n")
