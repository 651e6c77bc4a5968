"""Webhook path (issue 8, item 1): requests/s and p50/p99 latency of a review submission
through perfbot's platform endpoints, against two baselines measured in the same run.

(a) bare FastAPI POST → {"ok": true}; (d) slack-bolt `AsyncApp` that only acks, on
perfbot's adapter; (b) perfbot `/slack/events` `view_submission` of a peer review; (c)
Feishu `card.action.trigger` and WeCom `template_card_event` of the same. Every server is
its own uvicorn process (one worker) pinned to the first core; the load generator runs
here, pinned to the last core. Rounds alternate the subjects (order reversed every other
round) and ratios are computed within each round. After each perfbot round the store is
checked: every request's delivery claim must be there (for Slack and Feishu at the moment
the last answer arrived — written before the ack; WeCom answers first and writes after,
so its time runs until the last row is durable).

Run: `python -m bench --only webhook` or `python -m bench.bench_webhook`.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench import stats
from bench import webhook_apps as apps
from bench import webhook_requests as req
from bench.loadgen import Result, drive

Json = dict[str, Any]
ROOT = Path(__file__).resolve().parents[1]
SUBJECTS = {"a": "bare", "d": "bolt", "b": "slack", "c_feishu": "feishu", "c_wecom": "wecom"}
PLATFORM = {"slack": "slack", "feishu": "feishu", "wecom": "wecom"}
TARGET_B_OVER_D = 0.75
AIM_B_OVER_D = 0.9


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_store(directory: Path) -> tuple[str, dict[str, list[req.Rater]]]:
    """The demo org with the Q4 review window open; returns the template DB and raters."""
    from pydantic import SecretStr
    from sqlmodel import Session

    from bot.demo.load import load_demo
    from bot.settings import Settings
    from handlers.review import criteria_for
    from handlers.review_cycle import open_cycle
    from storage.db import dispose_engine, make_engine, session_scope
    from storage.repo import current_org
    from storage.repo.reviews import assignments

    url = f"sqlite:///{directory / 'template.db'}"
    load_demo(Settings(database_url=url, secret_key=SecretStr("x")), today=date(2026, 11, 27))
    engine = make_engine(url)
    with session_scope(engine) as s:
        org = current_org(s)
        open_cycle(s, org, "2026-Q4", apps.NOW)
    raters: dict[str, list[req.Rater]] = {p: [] for p in PLATFORM}
    with Session(engine) as s:
        for a in assignments(s, cycle="2026-Q4"):
            crit = tuple(criteria_for(org, a.ratee_id, a.kind))
            for platform, uid in org.members[a.rater_id].identities.items():
                if platform in raters and crit and a.id is not None:
                    raters[platform].append(req.Rater(uid, a.id, crit))
    dispose_engine(url)
    return url, raters


def copy_store(template: str, directory: Path, name: str) -> str:
    """A private copy of the template store (SQLite's backup API: consistent under WAL)."""
    src = sqlite3.connect(template.removeprefix("sqlite:///"))
    dst_path = directory / f"{name}.db"
    dst = sqlite3.connect(dst_path)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{dst_path}"


class Server:
    """One benchmark server process, pinned, killed on exit."""

    def __init__(self, kind: str, db_url: str, stub: str, cpu: int | None) -> None:
        self.kind = kind
        self.db_url = db_url
        self.port = _free_port()
        cmd = [sys.executable, "-m", "bench.webhook_apps", kind, str(self.port), db_url, stub]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(stats.pinned(cmd, cpu), cwd=ROOT, env=env)  # noqa: S603

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextmanager
def servers(
    kinds: list[str], stores: dict[str, str], cpu: int | None
) -> Iterator[dict[str, Server]]:
    started: dict[str, Server] = {}
    try:
        started["bare"] = Server("bare", "", "", cpu)
        started["bare"].wait_ready()
        stub = f"http://127.0.0.1:{started['bare'].port}"
        for kind in kinds:
            if kind != "bare":
                started[kind] = Server(kind, stores.get(kind, ""), stub, cpu)
        for server in started.values():
            server.wait_ready()
        yield started
    finally:
        for server in started.values():
            server.stop()


def claims(db_url: str, platform: str) -> int:
    """Delivery claims stored for `platform`: one per processed request."""
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        row = conn.execute(
            "SELECT count(*) FROM processed_delivery WHERE platform = ?", (platform,)
        ).fetchone()
    return int(row[0])


def _build(
    kind: str, port: int, raters: dict[str, list[req.Rater]], n: int, seq0: int
) -> list[bytes]:
    if kind in ("bare",):
        return [req.bare(port)] * n
    make: Callable[[int, req.Rater, int, int], bytes]
    make = {"bolt": req.slack, "slack": req.slack, "feishu": req.feishu, "wecom": req.wecom}[kind]
    pool = raters["slack" if kind == "bolt" else kind]
    return [make(port, pool[i % len(pool)], 1 + (seq0 + i) % 5, seq0 + i) for i in range(n)]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Round:
    """Drives one subject for one round and checks its writes are durable."""

    def __init__(self, srv: dict[str, Server], raters: dict[str, list[req.Rater]], cpu: int | None):
        self.srv = srv
        self.raters = raters
        self.cpu = cpu
        self.sent: dict[str, int] = dict.fromkeys(srv, 0)
        self.durable: dict[str, bool] = {}
        self.cpu_us: dict[str, list[float]] = {k: [] for k in srv}
        """Server CPU per request (µs) of each measured round: unlike requests/s, it does
        not move when another process takes the server's core for a while."""

    def run(self, kind: str, n: int, connections: int) -> Result:
        server = self.srv[kind]
        requests = _build(kind, server.port, self.raters, n, self.sent[kind] + 1)
        before = stats.pin_self(self.cpu)
        try:
            cpu0 = process_cpu_seconds(server.proc.pid)
            result = drive(server.port, requests, connections)
            self.sent[kind] += n
            platform = PLATFORM.get(kind)
            if platform is not None:
                ok = claims(server.db_url, platform) >= self.sent[kind]
                self.durable[kind] = self.durable.get(kind, True) and ok
                if not ok and kind == "wecom":  # written after the ack: time until durable
                    start = time.perf_counter() - result.seconds
                    ok = self._wait(server.db_url, platform, self.sent[kind])
                    result.seconds = time.perf_counter() - start
                    self.durable[kind] = ok
            self.cpu_us[kind].append((process_cpu_seconds(server.proc.pid) - cpu0) / n * 1e6)
        finally:
            stats.restore(before)
        return result

    def _wait(self, db_url: str, platform: str, expected: int, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if claims(db_url, platform) >= expected:
                return True
            time.sleep(0.002)
        return False


def _figures(results: list[Result], cpu_us: list[float]) -> Json:
    return {
        "rps": stats.summary([r.rps for r in results]),
        "server_cpu_us_per_request": stats.summary(cpu_us),
        "p50_ms": stats.summary([stats.percentile(r.latencies, 50) * 1000 for r in results]),
        "p99_ms": stats.summary([stats.percentile(r.latencies, 99) * 1000 for r in results]),
        "errors": sum(r.errors for r in results),
        "statuses": _merge([r.statuses for r in results]),
    }


def _merge(parts: list[dict[int, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in parts:
        for status, count in part.items():
            out[str(status)] = out.get(str(status), 0) + count
    return out


def run(
    requests: int = 3000,
    connections: int = 16,
    repeats: int = 5,
    warmup: int = 300,
    subjects: tuple[str, ...] = tuple(SUBJECTS),
) -> Json:
    """Figures per subject and the ratios (b)/(a), (b)/(d), (c)/(a), each pair by pair."""
    server_cpu, load_cpu = stats.placement()
    kinds = [SUBJECTS[s] for s in subjects]
    with tempfile.TemporaryDirectory(prefix="perfbot-bench-") as tmp:
        directory = Path(tmp)
        template, raters = prepare_store(directory)
        stores = {k: copy_store(template, directory, k) for k in kinds if k in PLATFORM}
        with servers(kinds, stores, server_cpu) as srv:
            rounds = Round(srv, raters, load_cpu)
            for kind in kinds:
                rounds.run(kind, warmup, connections)
                rounds.cpu_us[kind].clear()
            got: dict[str, list[Result]] = {k: [] for k in kinds}
            for n in range(repeats):
                for kind in kinds if n % 2 == 0 else kinds[::-1]:
                    got[kind].append(rounds.run(kind, requests, connections))
            durable = dict(rounds.durable)
            cpu_us = {k: list(v) for k, v in rounds.cpu_us.items()}
    out: Json = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "requests_per_round": requests,
        "connections": connections,
        "repeats": repeats,
        "pinning": {"server_cpu": server_cpu, "loadgen_cpu": load_cpu},
        "store": "sqlite (WAL, synchronous=NORMAL)",
        "subjects": {s: _figures(got[SUBJECTS[s]], cpu_us[SUBJECTS[s]]) for s in subjects},
        "durable_claims": durable,
    }
    out["ratios"] = _ratios(got, subjects)
    out["cpu_ratios"] = _cpu_ratios(cpu_us, subjects)
    b_over_d = out["ratios"].get("b_over_d")
    if b_over_d is not None:
        out["target_b_over_d"] = {"min": TARGET_B_OVER_D, "aim": AIM_B_OVER_D,
                                  "met": b_over_d["median"] >= TARGET_B_OVER_D}  # fmt: skip
    return out


_PAIRS = {"b_over_a": ("b", "a"), "b_over_d": ("b", "d"),
          "c_feishu_over_a": ("c_feishu", "a"), "c_wecom_over_a": ("c_wecom", "a")}  # fmt: skip


def _cpu_ratios(cpu_us: dict[str, list[float]], subjects: tuple[str, ...]) -> Json:
    """The same ratios from server CPU per request (baseline CPU / subject CPU, so that,
    like the throughput ratios, 1.0 means "costs what the baseline costs")."""
    out: Json = {}
    for name, (subj, base) in _PAIRS.items():
        if subj in subjects and base in subjects:
            # /proc counts CPU in clock ticks (10 ms): a tiny round (`--smoke`) can read 0,
            # which is no measurement; with none left the ratio is None, not an error
            pairs = [b / s for b, s in zip(cpu_us[SUBJECTS[base]], cpu_us[SUBJECTS[subj]],
                                           strict=True) if b and s]  # fmt: skip
            out[name] = stats.summary(pairs) if pairs else None
    return out


def _ratios(got: dict[str, list[Result]], subjects: tuple[str, ...]) -> Json:
    out: Json = {}
    for name, (subj, base) in _PAIRS.items():
        if subj in subjects and base in subjects:
            xs = stats.paired_ratios(
                [r.rps for r in got[SUBJECTS[subj]]], [r.rps for r in got[SUBJECTS[base]]]
            )
            out[name] = stats.summary(xs)
    return out


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run(), indent=2) + "\n")
