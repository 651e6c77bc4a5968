"""The FastAPI application factory: one app per call, no import-time side effects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.settings import Settings
from storage.db import make_engine


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """Build the app; the engine is created here (or injected by tests) and shared by routes."""
    own_engine = engine is None
    db = engine if engine is not None else make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
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

    @app.get("/healthz", tags=["ops"])
    def healthz() -> JSONResponse:
        """Liveness plus a round trip to the database."""
        try:
            with db.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any DB failure means unhealthy
            return JSONResponse(
                {"status": "error", "database": type(exc).__name__}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    return app
