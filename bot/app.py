"""The FastAPI application factory: one app per call, no import-time side effects."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.api.metrics import router as ingest_router
from bot.delivery import Dispatcher, Sender
from bot.delivery_leader import LeaderLoop, SchedulerHooks, leader_key
from bot.delivery_logging import configure_logging, route_server_logs
from bot.delivery_metrics import Metrics, install_metrics
from bot.delivery_pacing import Limits
from bot.settings import Settings
from bot.web import mount_web
from handlers import build_routes
from handlers.context import Deps, utc_now
from handlers.routes import Routes
from scheduler.leader import LeaderLock
from scheduler.runner import Calendar
from storage.db import make_engine


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Callable[[], datetime] = utc_now,
    run_outbox: bool = True,
    routes: Routes | None = None,
    scheduler: SchedulerHooks | None = None,
) -> FastAPI:
    """Build the app; the engine is created here (or injected by tests) and shared by routes.

    `run_outbox=False` leaves the outbox dispatcher loop off (tests drive it by hand).
    `scheduler` is the calendar, started on the replica holding the leader lock when
    `PERFBOT_SCHEDULER=on`.
    """
    configure_logging(settings)
    metrics = Metrics()
    own_engine = engine is None
    db = engine if engine is not None else make_engine(settings.database_url)
    secret = settings.secret_key.get_secret_value() if settings.secret_key else "dev-only-secret"
    deps = Deps(engine=db, public_url=settings.public_url, secret_key=secret, clock=clock)
    routes = routes if routes is not None else build_routes()
    senders: list[Sender] = []
    http = httpx.AsyncClient(timeout=10.0)  # the one shared client of the HTTP-API platforms

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        route_server_logs()
        outbox = Dispatcher(
            db,
            senders,
            clock=clock,
            limits=Limits.from_settings(settings),
            metrics=metrics,
            concurrency=settings.outbox_concurrency,
            lease_seconds=settings.outbox_lease_seconds,
            poll_interval=settings.outbox_poll_seconds,
        )
        app.state.outbox = outbox
        tasks = [asyncio.create_task(outbox.run_forever())] if run_outbox and senders else []
        leader: LeaderLoop | None = None
        if settings.scheduler == "on":
            leader = LeaderLoop(
                LeaderLock(db, leader_key(settings.database_url)),
                scheduler if scheduler is not None else Calendar(deps),
                metrics.record_job,
                on_change=metrics.leader.set,
            )
            app.state.leader = leader
            tasks.append(asyncio.create_task(leader.run()))
        yield
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if leader is not None:
            await leader.close()
        await http.aclose()
        if own_engine:
            db.dispose()

    app = FastAPI(
        title="perfbot",
        version="0.1.0",
        description="Performance-management bot for Slack, Feishu and WeCom.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = db
    app.state.deps = deps
    app.state.routes = routes
    app.state.metrics = metrics
    app.state.leader = None
    install_metrics(app, metrics, db)
    if settings.slack_enabled:
        from bot.platforms.slack import install_slack

        senders.append(install_slack(app, deps, routes, settings))
    if settings.wecom_enabled:
        from bot.platforms.wecom import install_wecom

        senders.append(install_wecom(app, deps, routes, settings, http))
    if settings.feishu_enabled:
        from bot.platforms.feishu import install_feishu

        senders.append(install_feishu(app, deps, routes, settings))
    app.include_router(ingest_router)
    mount_web(app, settings)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> JSONResponse:
        """Liveness plus a round trip to the database."""
        try:
            with db.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any DB failure means unhealthy
            return JSONResponse(
                {"status": "error", "database": type(exc).__name__, "scheduler": _scheduler()},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "database": "ok", "scheduler": _scheduler()})

    def _scheduler() -> str:
        """`off`, `running` (this replica is the leader) or `standby`."""
        leader: LeaderLoop | None = app.state.leader
        return "off" if leader is None else leader.status()

    return app
