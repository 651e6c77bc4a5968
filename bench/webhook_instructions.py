"""Webhook path, a second way: machine instructions per request, counted by valgrind.

Requests/s and CPU time move with whatever else runs on a shared machine; the number of
instructions a request executes does not. This drives the same signed review
submissions as `bench_webhook` straight into the ASGI app (no sockets, 16 in flight, one
uvloop), once for bolt's ack-only app (d) and once for perfbot's Slack app (b), each in
its own process under `valgrind --tool=callgrind`, counting only the measured requests
(`callgrind_control -i on/off` around them, after a warm-up; a fixed hash seed). It
leaves out uvicorn's HTTP parsing, which both sides would pay alike, and says nothing of
cache misses (perfbot's SQLite work costs more cycles per instruction than bolt's
parsing), so it complements `bench_webhook`'s figures rather than replacing them.

Run: `python -m bench.webhook_instructions [REQUESTS]` (valgrind must be installed; the
Debian package `valgrind`). One process per side: `python -m bench.webhook_instructions
drive KIND REQUESTS` (CPU time per request when not under valgrind).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import bench_webhook as web
from bench import webhook_apps as apps

Json = dict[str, Any]
ROOT = Path(__file__).resolve().parents[1]
IN_FLIGHT = 16
WARMUP = 200


def _asgi_request(raw: bytes) -> tuple[str, list[tuple[bytes, bytes]], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    path = lines[0].split(b" ")[1].decode()
    headers = [tuple(x.split(b": ", 1)) for x in lines[1:]]
    return path, [(k.lower(), v) for k, v in headers], body


async def _call(app: Any, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}  # fmt: skip
    messages = iter([{"type": "http.request", "body": body, "more_body": False}])
    status: list[int] = []

    async def receive() -> Json:
        return next(messages, {"type": "http.disconnect"})

    async def send(message: Json) -> None:
        if message["type"] == "http.response.start":
            status.append(int(message["status"]))

    await app(scope, receive, send)
    return status[0]


async def _drive(app: Any, requests: list[bytes]) -> dict[int, int]:
    pending: Iterator[bytes] = iter(requests)
    statuses: dict[int, int] = {}

    async def client() -> None:
        for raw in pending:
            code = await _call(app, *_asgi_request(raw))
            statuses[code] = statuses.get(code, 0) + 1

    await asyncio.gather(*(client() for _ in range(IN_FLIGHT)))
    return statuses


def _callgrind(flag: str) -> None:
    """Turn instruction counting on or off in this process (a no-op outside valgrind)."""
    if os.environ.get("PERFBOT_BENCH_UNDER_CALLGRIND"):
        subprocess.run(  # noqa: S603
            ["callgrind_control", "-i", flag, str(os.getpid())],  # noqa: S607
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip


def drive(kind: str, n: int) -> Json:
    """Serve `n` review submissions to a fresh `kind` app in this process."""
    import uvloop

    from bot.serving import tune_gc

    with tempfile.TemporaryDirectory(prefix="perfbot-instr-") as tmp:
        template, raters = web.prepare_store(Path(tmp))
        db = web.copy_store(template, Path(tmp), kind)
        with web.servers([], {}, None) as srv:  # the Slack API stub (auth.test, once)
            app = apps.build(kind, db, f"http://127.0.0.1:{srv['bare'].port}")
            tune_gc(10_000)
            platform = "bolt" if kind == "bolt" else "slack"
            warm = web._build(platform, 80, raters, WARMUP, 1)
            measured = web._build(platform, 80, raters, n, WARMUP + 1)

            async def run() -> tuple[float, dict[int, int]]:
                async with app.router.lifespan_context(app):
                    await _drive(app, warm)
                    _callgrind("on")
                    cpu = time.process_time()
                    statuses = await _drive(app, measured)
                    cpu = time.process_time() - cpu
                    _callgrind("off")
                return cpu, statuses

            cpu, statuses = uvloop.run(run())
        stored = web.claims(db, "slack") if kind != "bolt" else None
    return {"kind": kind, "requests": n, "cpu_us_per_request": cpu / n * 1e6,
            "statuses": {str(k): v for k, v in statuses.items()},
            "delivery_claims_stored": stored}  # fmt: skip


def count(kind: str, n: int) -> Json:
    """Instructions per request of `kind`, from a child process under callgrind."""
    with tempfile.TemporaryDirectory(prefix="perfbot-callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, "PYTHONHASHSEED": "0", "PERFBOT_BENCH_UNDER_CALLGRIND": "1",
               "PYTHONPATH": str(ROOT)}  # fmt: skip
        cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}", sys.executable, "-m",
               "bench.webhook_instructions", "drive", kind, str(n)]  # fmt: skip
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind run of {kind} failed:\n{done.stderr[-2000:]}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    if child["statuses"] != {"200": n}:
        raise RuntimeError(f"{kind}: not every request was answered 200: {child['statuses']}")
    if kind != "bolt" and child["delivery_claims_stored"] != WARMUP + n:
        raise RuntimeError(f"{kind}: {child['delivery_claims_stored']} claims stored")
    return {"instructions_per_request": int(found.group(1)) // n, "statuses": child["statuses"]}


def run(requests: int = 1000) -> Json:
    """(d) and (b) counted side by side; the ratio as the throughput ratios read it."""
    if shutil.which("valgrind") is None:
        raise RuntimeError("valgrind is not installed (Debian package `valgrind`)")
    d, b = count("bolt", requests), count("slack", requests)
    return {"requests": requests, "in_flight": IN_FLIGHT,
            "d_bolt_ack_only": d, "b_perfbot_review_submit": b,
            "b_over_d": d["instructions_per_request"] / b["instructions_per_request"]}  # fmt: skip


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["drive"]:
        print(json.dumps(drive(args[1], int(args[2]))))  # noqa: T201
    else:
        print(json.dumps(run(int(args[0]) if args else 1000), indent=2))  # noqa: T201
