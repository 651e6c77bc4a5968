"""Platform-neutral use cases. Every conversation module declares its `ROUTES`; this is
the one place that lists them, so a route can always be traced by reading code."""

from __future__ import annotations

from handlers.routes import Routes, merge


def build_routes() -> Routes:
    """The routing table of every conversation (built once per process by the app)."""
    from handlers import (
        awards,
        calibration,
        checkin,
        coaching,
        home,
        myscore,
        perf,
        review,
        schedule_actions,
    )

    return merge(
        m.ROUTES
        for m in (
            myscore,
            checkin,
            review,
            coaching,
            awards,
            calibration,
            perf,
            home,
            schedule_actions,
        )
    )
