"""The servers of the webhook benchmark, one per process (`python -m bench.webhook_apps`).

`bare`   FastAPI POST returning {"ok": true} (baseline a); it also answers the few
         platform API calls the others make once at start-up (Slack `auth.test`).
`bolt`   slack-bolt `AsyncApp` whose view listener only acks, mounted with perfbot's own
         `mount_slack` and `process_before_response=True` (baseline d).
`slack`, `feishu`, `wecom`   perfbot's real app (`create_app`) with that platform on, a
         fixed clock inside the demo's open review window, and the platform's API at the
         stub.
Every kind runs with `perfbot serve`'s garbage-collector tuning (`bot.serving.tune_gc`), so
the process set-up is the same on both sides of each ratio. WeCom's after-the-ack card update goes to an in-process stub transport, so
         the figure holds perfbot's work and not a second server's.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

SLACK_SECRET = "bench-signing-secret-0123456789ab"
SLACK_TOKEN = "xoxb-bench-token"
FEISHU_TOKEN = "bench-verification-token"
FEISHU_KEY = "bench-encrypt-key"
FEISHU_APP = "cli_bench_app"
WECOM_TOKEN = "benchTok3n"
WECOM_AES = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
WECOM_CORP = "wwbenchcorp"
WECOM_AGENT = "1000002"
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
"""Inside the demo's Q4 review window (the demo is generated for 2026-11-27)."""

KINDS = ("bare", "bolt", "slack", "feishu", "wecom")


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.post("/hook")
    async def hook() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/api/auth.test")
    async def auth_test() -> dict[str, Any]:
        return {"ok": True, "team_id": "T111", "user_id": "UBOT", "bot_id": "BBOT"}

    @app.get("/ready")
    async def ready() -> dict[str, bool]:
        return {"ok": True}

    return app


def bolt_app(stub: str) -> FastAPI:
    from slack_bolt.async_app import AsyncApp

    from bot.platforms.slack import make_client, mount_slack

    bolt = AsyncApp(
        name="bench",
        client=make_client(SLACK_TOKEN, stub + "/api/"),
        signing_secret=SLACK_SECRET,
        process_before_response=True,
    )

    async def ack_only(ack: Any) -> None:
        await ack()

    bolt.view_submission(re.compile(".*"))(ack_only)
    app = FastAPI()
    mount_slack(app, bolt)

    @app.get("/ready")
    async def ready() -> dict[str, bool]:
        return {"ok": True}

    return app


def settings_for(kind: str, db_url: str, stub: str) -> Any:
    from bot.settings import Settings

    common: dict[str, Any] = {
        "database_url": db_url,
        "secret_key": SecretStr("bench-secret"),
        "public_url": "http://127.0.0.1",
        "scheduler": "off",
        "slack_bot_token": None,
        "slack_signing_secret": None,
        "feishu_app_id": None,
        "wecom_corp_id": None,
    }
    if kind == "slack":
        common |= {
            "slack_bot_token": SecretStr(SLACK_TOKEN),
            "slack_signing_secret": SecretStr(SLACK_SECRET),
            "slack_api_url": stub + "/api/",
        }
    elif kind == "feishu":
        common |= {
            "feishu_app_id": FEISHU_APP,
            "feishu_app_secret": SecretStr("bench-app-secret"),
            "feishu_verification_token": SecretStr(FEISHU_TOKEN),
            "feishu_encrypt_key": SecretStr(FEISHU_KEY),
            "feishu_api_url": stub,
        }
    elif kind == "wecom":
        common |= {
            "wecom_corp_id": WECOM_CORP,
            "wecom_agent_id": WECOM_AGENT,
            "wecom_secret": SecretStr("bench-corp-secret"),
            "wecom_token": SecretStr(WECOM_TOKEN),
            "wecom_aes_key": SecretStr(WECOM_AES),
            "wecom_api_url": "http://qyapi.stub",
        }
    return Settings(**common)


def _wecom_stub(request: httpx.Request) -> httpx.Response:
    """gettoken and update_template_card, answered as WeCom does on success."""
    if request.url.path.endswith("/gettoken"):
        return httpx.Response(200, json={"errcode": 0, "access_token": "tok", "expires_in": 7200})
    return httpx.Response(200, json={"errcode": 0, "errmsg": "ok", "invaliduser": ""})


def _routes(routes: list[Any]) -> Iterator[Any]:
    """Every route, including those of included routers (FastAPI may keep them nested)."""
    for route in routes:
        yield route
        nested = getattr(route, "original_router", None) or getattr(route, "router", None)
        if nested is not None and nested is not route:
            yield from _routes(list(getattr(nested, "routes", [])))


def _stub_wecom_api(app: FastAPI) -> None:
    """Point the WeCom adapter's API client at the in-process stub transport."""
    from bot.platforms.wecom import WeComAdapter

    for route in _routes(list(app.router.routes)):
        adapter = getattr(getattr(route, "endpoint", None), "__self__", None)
        if isinstance(adapter, WeComAdapter):
            transport = httpx.MockTransport(_wecom_stub)
            adapter.sender.client.http = httpx.AsyncClient(transport=transport)
            return
    raise RuntimeError("the WeCom callback route was not found")


def perfbot_app(kind: str, db_url: str, stub: str) -> FastAPI:
    from bot.app import create_app

    app = create_app(settings_for(kind, db_url, stub), clock=lambda: NOW, run_outbox=False)
    if kind == "wecom":
        _stub_wecom_api(app)

    @app.get("/ready")
    async def ready() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/batches")
    async def batches() -> dict[str, int]:
        from handlers.batchwriter import batch_writer

        w = batch_writer(app.state.engine)
        return {"batches": w.batches, "jobs": w.jobs, "replayed": w.replayed}

    return app


def build(kind: str, db_url: str, stub: str) -> FastAPI:
    if kind == "bare":
        return bare_app()
    if kind == "bolt":
        return bolt_app(stub)
    if kind in ("slack", "feishu", "wecom"):
        return perfbot_app(kind, db_url, stub)
    raise ValueError(f"unknown server kind {kind!r}")


def main(argv: list[str]) -> None:
    """`<kind> <port> <db url> <stub url>`: serve on 127.0.0.1 with one uvicorn worker."""
    import logging

    import uvicorn

    from bot.serving import tune_gc
    from bot.settings import Settings

    kind, port, db_url, stub = argv[0], int(argv[1]), argv[2], argv[3]
    app = build(kind, db_url, stub)
    logging.getLogger("perfbot").setLevel(logging.WARNING)
    # every server, baselines included, runs in the process `perfbot serve` sets up
    tune_gc(Settings.model_fields["gc_young_threshold"].default)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
