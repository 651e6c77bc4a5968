"""The HTTP plumbing of the fakes: request parsing and the threaded stdlib server."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One parsed HTTP request as the fake sees it (unredacted; only handlers see this)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    raw: bytes
    body: Any  # dict for JSON or form bodies, None when empty, str when unparseable

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else None


@dataclass
class Response:
    status: int = 200
    body: Any = None  # dict -> JSON, str -> text
    headers: dict[str, str] = field(default_factory=dict)


class Dispatcher(Protocol):
    def dispatch(self, request: Request) -> Response: ...


def _parse_body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type or text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            return text
    if "x-www-form-urlencoded" in content_type:
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    return text


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: avoid 40 ms stalls
    server: Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(
            method=self.command,
            path=parts.path,
            query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
            headers=headers,
            raw=raw,
            body=_parse_body(raw, headers.get("content-type", "")),
        )
        response = self.server.fake.dispatch(request)
        if isinstance(response.body, dict | list):
            payload = json.dumps(response.body, ensure_ascii=False).encode()
            ctype = "application/json; charset=utf-8"
        else:
            payload = str(response.body or "").encode()
            ctype = "text/plain; charset=utf-8"
        self.send_response(response.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence the stdlib's stderr access log; the recorder is the log."""


class Server(ThreadingHTTPServer):
    daemon_threads = True  # keep-alive connections must not block shutdown
    fake: Dispatcher
