"""A demo org in a real store (SQLite, and PostgreSQL when configured) plus a fixed clock,
driven through `dispatch` exactly as the platform adapters drive it. The store is a copy
of one `load_demo` built for `DEMO_TODAY` once per session."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers import build_routes
from handlers.cards import EventKind, Reply
from handlers.context import Deps
from handlers.dispatch import Inbound, dispatch
from handlers.routes import Routes
from scoring.model import Org
from storage.db import make_engine, session_scope
from storage.repo import current_org
from tests.dbclone import Templates

DEMO_TODAY = date(2026, 11, 27)
_ids = itertools.count(1)


@dataclass
class Clock:
    now: datetime = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    deps: Deps
    routes: Routes
    clock: Clock
    org: Org
    sent: list[Reply] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        return self.deps.engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def identity(self, member_id: str) -> tuple[str, str]:
        platform, user_id = next(iter(self.org.members[member_id].identities.items()))
        return platform, user_id

    def act(
        self,
        member_id: str,
        kind: EventKind,
        name: str,
        values: Mapping[str, str] | None = None,
        *,
        args: str = "",
        meta: str = "",
        delivery_id: str | None = None,
        platform: str | None = None,
    ) -> list[Reply]:
        """Run one event as `member_id` (on their first platform unless `platform`)."""
        plat, user_id = self.identity(member_id)
        if platform is not None:
            plat, user_id = platform, self.org.members[member_id].identities[platform]
        inbound = Inbound(
            platform=plat,
            user_id=user_id,
            kind=kind,
            name=name,
            values=dict(values or {}),
            args=args,
            meta=meta,
            delivery_id=delivery_id if delivery_id is not None else f"d{next(_ids)}",
        )
        return dispatch(self.deps, inbound, self.routes)


@pytest.fixture
def world(db_url: str, db_templates: Templates) -> World:
    db_templates.demo(db_url, DEMO_TODAY)
    engine = make_engine(db_url)
    clock = Clock()
    deps = Deps(
        engine=engine, public_url="http://perfbot.test", secret_key="test-secret", clock=clock
    )
    with session_scope(engine) as s:
        org = current_org(s)
    return World(deps=deps, routes=build_routes(), clock=clock, org=org)
