"""Bearer tokens of the ingestion API and the request-size limit.

`PERFBOT_INGEST_TOKEN` may write any origin; each `name:secret` of `PERFBOT_INGEST_TOKENS`
is bound to origin `name`. Every configured token is compared in constant time (no early
exit), and a refusal says nothing about why.
"""

from __future__ import annotations

import hmac

from fastapi import Request

from bot.settings import Settings
from handlers.ingest import Grant


def configured_tokens(settings: Settings) -> list[tuple[Grant, bytes]]:
    out: list[tuple[Grant, bytes]] = []
    if settings.ingest_token is not None and settings.ingest_token.get_secret_value():
        out.append((Grant("default"), settings.ingest_token.get_secret_value().encode()))
    named = settings.ingest_tokens.get_secret_value() if settings.ingest_tokens else ""
    for entry in filter(None, (e.strip() for e in named.split(","))):
        name, sep, secret = entry.partition(":")
        if sep and name.strip() and secret.strip():
            out.append((Grant(name.strip(), name.strip()), secret.strip().encode()))
    return out


def authenticate(request: Request) -> Grant | None:
    """The caller's grant, or None (missing header, wrong scheme, unknown token alike)."""
    settings: Settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    presented = token.strip().encode("utf-8", "surrogateescape")
    found: Grant | None = None
    for grant, secret in configured_tokens(settings):
        if hmac.compare_digest(presented, secret) and found is None:
            found = grant
    if scheme.lower() != "bearer" or not presented:
        return None
    return found


class TooLarge(Exception):
    """The body is over `PERFBOT_INGEST_MAX_BYTES`."""


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, refusing early on Content-Length and again on what actually arrives."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)
