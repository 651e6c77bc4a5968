"""The web side: the personal and team dashboards and (demo only) the playground.

`mount_web` is the one call `create_app` makes; each page family is a router included here.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot.settings import Settings


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Static files, the dashboard routers and the slot for the playground's router."""
    from bot.web.dashboard_routes import router as dashboard_router
    from bot.web.link_routes import router as link_router
    from bot.web.render import STATIC_DIR

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(link_router)
    app.include_router(dashboard_router)
    if settings.playground == "on":
        from bot.platforms.playground import install_playground

        install_playground(app)
