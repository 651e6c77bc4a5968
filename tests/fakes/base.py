"""A threaded local HTTP server that the real platform client libraries can talk to.

Subclasses implement `handle(request) -> Response`. The base records every call (secrets
redacted), injects failures deterministically, and keeps the ledger of what was *delivered*
to people, so tests can assert "nothing lost, nothing twice" after retries, 429s and 500s.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from tests.fakes.limits import Clock
from tests.fakes.transport import Handler, Request, Response, Server

SECRET_HEADERS = frozenset({"authorization", "cookie", "x-slack-signature"})
SECRET_FIELDS = frozenset(
    {"token", "access_token", "app_secret", "corpsecret", "client_secret", "key", "secret"}
)
REDACTED = "<redacted>"


@dataclass(frozen=True)
class Call:
    """What the recorder keeps of a request: no tokens, no secrets."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    at: float
    status: int


@dataclass(frozen=True)
class Delivery:
    """A message that reached (or would have reached) a person or a chat."""

    kind: str
    target: str
    content: Any
    key: str
    at: float


def content_key(target: str, content: Any) -> str:
    """Stable id of a message by what it says and to whom, for duplicate detection."""
    canonical = json.dumps([target, content], sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def redact(value: Any) -> Any:
    """Copy of a body/query with secret fields replaced, recursively."""
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_FIELDS else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


class FakeServer(ABC):
    """Base of the fakes: lifecycle, recording, failure injection, delivery ledger.

    `fail_every=N` answers 500 on every Nth call; `failure_rate` with `seed` answers 500 on a
    reproducible share of calls; `fail_next(n)` scripts the next n calls. With
    `deliver_on_failure=True` an injected 500 still delivers (a timeout after the platform
    accepted the message), which is how retry-duplicates are provoked.
    """

    def __init__(
        self,
        *,
        clock: Clock = time.monotonic,
        fail_every: int = 0,
        failure_rate: float = 0.0,
        seed: int = 0,
        deliver_on_failure: bool = False,
    ) -> None:
        self.clock = clock
        self.fail_every = fail_every
        self.failure_rate = failure_rate
        self.deliver_on_failure = deliver_on_failure
        self._random = random.Random(seed)
        self._forced_failures: list[int] = []
        self._lock = threading.RLock()
        self._handle_lock = threading.Lock()
        self._calls: list[Call] = []
        self._delivered: list[Delivery] = []
        self._dropped: list[Delivery] = []
        self._seen_keys: set[str] = set()
        self.duplicates = 0
        self._count = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        server = Server(("127.0.0.1", 0), Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start() if self._server is None else self

    def __exit__(
        self, exc: type[BaseException] | None, val: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("fake server not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- dispatch --------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        injected = self._injected_failure()
        if injected is not None and not self.deliver_on_failure:
            response = injected
        else:
            try:
                with self._handle_lock:  # handlers mutate state; serialising them is cheap
                    response = self.handle(request)
            except Exception as exc:  # a bug in a fake must show up as a 500, not a hang
                response = Response(500, {"error": f"fake crashed: {exc!r}"})
            if injected is not None:
                response = injected
        self._record(request, response)
        return response

    @abstractmethod
    def handle(self, request: Request) -> Response:
        """Answer one request the way the platform's API would (each fake defines it)."""

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        with self._lock:
            self._forced_failures.extend([status] * count)

    def _injected_failure(self) -> Response | None:
        with self._lock:
            self._count += 1
            status = 0
            if self._forced_failures:
                status = self._forced_failures.pop(0)
            elif self.fail_every and self._count % self.fail_every == 0:
                status = 500
            elif self.failure_rate and self._random.random() < self.failure_rate:
                status = 500
        return Response(status, {"error": "injected failure"}) if status else None

    def _record(self, request: Request, response: Response) -> None:
        headers = {k: (REDACTED if k in SECRET_HEADERS else v) for k, v in request.headers.items()}
        call = Call(
            method=request.method,
            path=request.path,
            query=redact(request.query),
            headers=headers,
            body=redact(request.body),
            at=self.clock(),
            status=response.status,
        )
        with self._lock:
            self._calls.append(call)

    # -- ledger ----------------------------------------------------------------------------
    def deliver(self, kind: str, target: str, content: Any, key: str | None = None) -> Delivery:
        """Record a delivery; a key seen before counts as a duplicate (still delivered)."""
        item = Delivery(kind, target, content, key or content_key(target, content), self.clock())
        with self._lock:
            if item.key in self._seen_keys:
                self.duplicates += 1
            self._seen_keys.add(item.key)
            self._delivered.append(item)
        return item

    def drop(self, kind: str, target: str, content: Any, key: str | None = None) -> Delivery:
        """Record a message the platform accepted but silently did not deliver."""
        item = Delivery(kind, target, content, key or content_key(target, content), self.clock())
        with self._lock:
            self._dropped.append(item)
        return item

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, path_suffix: str) -> list[Call]:
        return [c for c in self.calls if c.path.endswith(path_suffix)]

    @property
    def delivered(self) -> list[Delivery]:
        with self._lock:
            return list(self._delivered)

    @property
    def dropped(self) -> list[Delivery]:
        with self._lock:
            return list(self._dropped)

    def reset_records(self) -> None:
        with self._lock:
            self._calls.clear()
            self._delivered.clear()
            self._dropped.clear()
            self._seen_keys.clear()
            self.duplicates = 0
