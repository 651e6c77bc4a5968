"""A small asyncio HTTP/1.1 load generator over raw sockets, for 127.0.0.1 only.

Why not httpx: at a few thousand requests per second its per-request cost would be the
bottleneck on a 2-core machine, and the figure would measure the client. Here every request
is prebuilt bytes (signed before the clock starts), `connections` keep-alive connections
each send one request at a time, and the run stops after the last prebuilt request: a
bounded loop with a fixed request count.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_HEADER = 64 * 1024


@dataclass
class Result:
    """Wall time of the run, per-request latencies (s) and non-2xx answers."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def http_request(path: str, body: bytes, headers: dict[str, str], port: int) -> bytes:
    """Raw bytes of one keep-alive POST."""
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one response; returns its status (the body is drained by Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > MAX_HEADER:
        raise ValueError("response header too large")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            raise ValueError("chunked responses are not supported by this client")
    if length:
        await reader.readexactly(length)
    return status


async def _worker(port: int, requests: Sequence[bytes], cursor: list[int], out: Result) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while cursor[0] < len(requests):
            raw = requests[cursor[0]]
            cursor[0] += 1
            start = time.perf_counter()
            writer.write(raw)
            status = await _read_response(reader)
            out.latencies.append(time.perf_counter() - start)
            out.statuses[status] = out.statuses.get(status, 0) + 1
            if not 200 <= status < 300:
                out.errors += 1
    finally:
        writer.close()
        await writer.wait_closed()


async def _run(port: int, requests: Sequence[bytes], connections: int) -> Result:
    out = Result(seconds=0.0)
    cursor = [0]
    start = time.perf_counter()
    await asyncio.gather(*(_worker(port, requests, cursor, out) for _ in range(connections)))
    out.seconds = time.perf_counter() - start
    return out


def drive(port: int, requests: Sequence[bytes], connections: int) -> Result:
    """Send every request over `connections` keep-alive connections; blocks until done."""
    return asyncio.run(_run(port, requests, max(1, min(connections, len(requests)))))
